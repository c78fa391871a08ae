import type { EngineEmission } from '../../src/core/engine/engine-types.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';

/**
 * Every window emission whose agentHistory breakdown does not add up to its metrics (a null metric must be null in
 * every part; keys must be distinct and ordered): '<user>@<start>: <what>' per mismatch, [] when all hold.
 */
export function breakdownMismatches(emissions: readonly EngineEmission[]): string[] {
  const out: string[] = [];
  for (const emission of emissions) {
    if (emission.type !== 'window') continue;
    const { window } = emission;
    const where = `${window.userId}@${new Date(window.intervalStart).toISOString()}`;
    const keys = window.breakdown.map((p) => JSON.stringify([p.profile, p.profileReason, p.campaignId]));
    if (keys.some((key, i) => i > 0 && key <= (keys[i - 1] as string))) out.push(`${where}: parts not distinct and ordered`);
    for (const field of METRIC_FIELDS) {
      const total = window.metrics[field];
      const values = window.breakdown.map((p) => p.metrics[field]);
      if (total === null) {
        if (values.some((v) => v !== null)) out.push(`${where}: ${field} is null but a part has a value`);
      } else if (values.reduce<number>((sum, v) => sum + (v ?? Number.NaN), 0) !== total) {
        out.push(`${where}: ${field} parts ${values.join('+')} ≠ ${total}`);
      }
    }
  }
  return out;
}
