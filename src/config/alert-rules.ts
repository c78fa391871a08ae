import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/config-error.ts';
import { alertRulesFileSchema } from './alert-rules-schema.ts';
import type { AlertRuleInput } from './alert-rules-schema.ts';

/** Tenant → its alert rules, in file order. */
export type AlertRulesByTenant = ReadonlyMap<string, readonly AlertRuleInput[]>;

/** The rule id at `tenants.<tenant>[index]` of the raw file, for error messages; null when it has none. */
function ruleIdAt(json: unknown, tenant: unknown, index: unknown): string | null {
  const tenants = (json as { tenants?: Record<string, unknown> } | null)?.tenants;
  const rules = typeof tenant === 'string' ? tenants?.[tenant] : undefined;
  const rule = Array.isArray(rules) && typeof index === 'number' ? (rules[index] as { id?: unknown } | undefined) : undefined;
  return typeof rule?.id === 'string' ? rule.id : null;
}

/**
 * Reads and validates ALERT_RULES_FILE (JSON). Every error names the file, the tenant and rule (its index and id)
 * and the field: `ALERT_RULES_FILE /etc/rules.json: tenants.acme[0] (rule "lunch").longerThanMs: must be …`.
 * No file: no rules.
 */
export function parseAlertRules(file: string | undefined): AlertRulesByTenant {
  if (file === undefined) return new Map();
  const named = `ALERT_RULES_FILE ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([`${named}: cannot read: ${(cause as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${named}: not JSON (${(cause as Error).message}); expected { "tenants": { "<tenant>": [rule, …] } }`]);
  }
  const parsed = alertRulesFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const [top, tenant, index, ...field] = issue.path;
        if (top !== 'tenants' || tenant === undefined) return `${named}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`;
        if (index === undefined) return `${named}: tenants.${String(tenant)}: ${issue.message}`;
        const id = ruleIdAt(json, tenant, index);
        const rule = `tenants.${String(tenant)}[${String(index)}]${id === null ? '' : ` (rule "${id}")`}`;
        return `${named}: ${rule}${field.length === 0 ? '' : `.${field.map(String).join('.')}`}: ${issue.message}`;
      }),
    );
  }
  return new Map(Object.entries(parsed.data.tenants));
}
