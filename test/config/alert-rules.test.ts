import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function problems(path: string): readonly string[] {
  try {
    parseConfig({ ALERT_RULES_FILE: path });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const LUNCH = { id: 'lunch', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], reasons: ['Lunch'], longerThanMs: 1_800_000 };

describe('ALERT_RULES_FILE', () => {
  it('reads the rules of each tenant', () => {
    const config = parseConfig({
      ALERT_RULES_FILE: file('ok.json', { tenants: { acme: [LUNCH, { id: 'floor', kind: 'ready-below', minReady: 3, description: 'staffing' }], other: [] } }),
      PROCESSOR_GROUP_ID: 'g',
    });
    expect(config.alerts.rules.get('acme')).toEqual([LUNCH, { id: 'floor', kind: 'ready-below', minReady: 3, description: 'staffing' }]);
    expect(config.alerts.rules.get('other')).toEqual([]);
    expect(config.alerts.groupId).toBe('g.alerts');
    expect(config.alerts.tickMs).toBe(1_000);
  });

  it('has no rules without the file', () => {
    expect(parseConfig({}).alerts.rules.size).toBe(0);
  });

  it('names the file, the rule and the field of every error', () => {
    const path = file('bad.json', { tenants: { acme: [{ ...LUNCH, longerThanMs: 10 }, { ...LUNCH, id: 'x', dimension: 'mood' }, { id: 'y', kind: 'ready-below', minReady: 2, extra: 1 }] } });
    expect(problems(path)).toEqual([
      `ALERT_RULES_FILE ${path}: tenants.acme[0] (rule "lunch").longerThanMs: must be at least 1000 (1 s)`,
      expect.stringMatching(new RegExp(`^ALERT_RULES_FILE ${path}: tenants.acme\\[1\\] \\(rule "x"\\).dimension: must be presence`)),
      expect.stringMatching(new RegExp(`^ALERT_RULES_FILE ${path}: tenants.acme\\[2\\] \\(rule "y"\\): .*extra`)),
    ]);
  });

  it('rejects duplicate rule ids, unknown kinds, bad JSON and a missing file', () => {
    expect(problems(file('dup.json', { tenants: { acme: [LUNCH, LUNCH] } }))).toEqual([expect.stringContaining('tenants.acme[1] (rule "lunch").id: duplicate rule id lunch')]);
    expect(problems(file('kind.json', { tenants: { acme: [{ id: 'k', kind: 'moon-phase' }] } }))[0]).toMatch(/tenants\.acme\[0\] \(rule "k"\)\.kind: /);
    expect(problems(file('json.json', '{ tenants'))[0]).toMatch(/^ALERT_RULES_FILE .*json\.json: not JSON/);
    expect(problems(join(dir, 'missing.json'))[0]).toMatch(/^ALERT_RULES_FILE .*missing\.json: cannot read/);
  });
});
