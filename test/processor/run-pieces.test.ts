/**
 * The pieces of a growing last run (src/processor/run-pieces.ts), against an oracle that serializes the whole run at
 * once: whatever the growth, the pieces' texts concatenated are the run's text; the pieces an earlier call sealed are
 * reused as they were; only the open piece is new, and it holds at most `seal` characters before the new elements;
 * and a run that ends is made from its pieces with the text of the whole run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closedRun, lastRunPieces, refPieces } from '../../src/processor/run-pieces.ts';
import type { RefRun } from '../../src/processor/state-runs.ts';

interface Item {
  readonly name: string;
  readonly value: number;
}

/** Like the session log's encoding: the name is left out (null) where it equals the previous element's. */
function body(items: readonly Item[], after: Item | undefined): string {
  let previous = after?.name;
  return items
    .map((item) => {
      const json = JSON.stringify([item.value, item.name === previous ? null : item.name]);
      previous = item.name;
      return json;
    })
    .join(',');
}

const GLUE = '{"log":[';
const itemArb = fc.record({ name: fc.constantFrom('A', 'A', 'B'), value: fc.integer({ min: 0, max: 1_000_000 }) });

describe('pieces of a last run', () => {
  it('concatenate to the whole run\'s text, reuse what earlier calls sealed, and make only the open piece anew', () => {
    fc.assert(
      fc.property(fc.array(fc.array(itemArb, { minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 10, max: 200 }), (growth, seal) => {
        const items: Item[] = [];
        let old = new Map<Item, RefRun<Item>>();
        for (const added of growth) {
          const before = items.length;
          items.push(...added);
          if (items.length === 0) continue;
          const next = new Map<Item, RefRun<Item>>();
          const pieces = lastRunPieces(refPieces(items, body), old, next, 0, GLUE, seal);
          expect(pieces.map(({ run }) => run.text).join('')).toBe(GLUE + body(items, undefined));
          const made = pieces.filter(({ reused }) => !reused);
          expect(made.length).toBeLessThanOrEqual(1);
          pieces.forEach(({ run, reused }, i) => {
            if (i < pieces.length - 1) expect(run.sealed, 'every piece but the last is sealed').toBe(true);
            if (reused) expect(old.get(run.items[0] as Item)).toBe(run);
          });
          // a piece made anew holds new elements, or extends what was open (under `seal` characters) with them
          const open = made[0]?.run;
          if (open !== undefined && open.items.length > items.length - before) expect(body(open.items.slice(0, open.items.length - (items.length - before)), undefined).length).toBeLessThan(seal + 20);
          for (const { run } of pieces) if (run.sealed === false) expect(run.text.length - run.glue.length).toBeLessThan(seal);
          const ended = closedRun(refPieces([...items, { name: 'Z', value: -1 }], body), next, 0, items.length, GLUE);
          expect(ended.text).toBe(GLUE + body(items, undefined));
          old = next;
        }
      }),
    );
  });

  it('start a new piece after a sealed one, so a commit carries only the open piece', () => {
    const items: Item[] = [];
    let old = new Map<Item, RefRun<Item>>();
    const texts: string[] = [];
    for (let k = 0; k < 40; k++) {
      items.push({ name: 'A', value: k });
      const next = new Map<Item, RefRun<Item>>();
      const pieces = lastRunPieces(refPieces(items, body), old, next, 0, GLUE, 30);
      texts.push(pieces.filter(({ reused }) => !reused).map(({ run }) => run.text).join(''));
      old = next;
    }
    // each element is about 10 characters: a piece seals at its fourth, and no call writes more than that again
    expect(Math.max(...texts.map((text) => text.length))).toBeLessThan(GLUE.length + 50);
    expect(texts.at(-1)?.startsWith(',')).toBe(true);
  });
});
