import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertRuleInput } from '../config/alert-rules-schema.ts';

const MINUTE = 60_000;

/**
 * The demo's alert rules (docs/alerts.md) for its tenants, in simulated time: long wrap-ups, long calls, long
 * NotReady, and too few agents Ready (a quarter of `agents`).
 */
export function demoAlertRules(tenants: readonly string[], agents: number): Record<string, AlertRuleInput[]> {
  const rules: AlertRuleInput[] = [
    { id: 'wrap-long', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 90_000, description: 'Wrap-up over 90 seconds' },
    { id: 'talk-long', kind: 'state-duration', dimension: 'handling', states: ['Talking_*'], longerThanMs: 10 * MINUTE, description: 'A call over 10 minutes' },
    { id: 'not-ready-long', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], longerThanMs: 15 * MINUTE, description: 'NotReady over 15 minutes' },
    { id: 'staffing', kind: 'ready-below', minReady: Math.max(1, Math.floor(agents / 4)), description: `Fewer than ${Math.max(1, Math.floor(agents / 4))} agents Ready` },
  ];
  return Object.fromEntries(tenants.map((tenant) => [tenant, rules]));
}

/** Writes {@link demoAlertRules} as an ALERT_RULES_FILE into a new temporary directory; answers its path. */
export function writeDemoAlertRules(tenants: readonly string[], agents: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'agent-timelines-demo-')), 'alert-rules.json');
  writeFileSync(file, `${JSON.stringify({ tenants: demoAlertRules(tenants, agents) }, null, 2)}\n`);
  return file;
}
