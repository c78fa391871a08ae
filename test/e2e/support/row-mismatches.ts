/** What an output row, a Redis row or an HTTP row says about one (agent, period): field → value. */
export type Values = Record<string, string | number | null>;

/**
 * The differences between what the truth wants and what the pipeline has, keyed `agent|period`: a key on one side
 * only, or a field of the truth's view whose value differs. Empty when they agree.
 */
export function mismatches(want: ReadonlyMap<string, Values>, got: ReadonlyMap<string, Values>): string[] {
  const out: string[] = [];
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const w = want.get(key);
    const g = got.get(key);
    if (w === undefined || g === undefined) {
      out.push(`${key}: ${w === undefined ? 'not in the truth' : 'missing from the pipeline'}`);
      continue;
    }
    for (const field of Object.keys(w)) if (w[field] !== g[field]) out.push(`${key} ${field}: pipeline ${String(g[field])}, truth ${String(w[field])}`);
  }
  return out;
}
