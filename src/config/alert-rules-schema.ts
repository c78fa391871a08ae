import { z } from 'zod';

const ruleId = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');
const description = z.string().min(1).max(500).optional();
const stateName = z.string().regex(/^[A-Za-z_]{1,64}\*?$/, 'must be a state name such as NotReady or Wrap, or a prefix ending in * such as Talking_*');

/** "In one of `states` (with one of `reasons`) for longer than `longerThanMs`": src/core/alerts/alert-rule.ts. */
const stateDurationRule = z
  .object({
    id: ruleId,
    kind: z.literal('state-duration'),
    description,
    dimension: z.enum(['presence', 'handling'], { error: 'must be presence (Ready, NotReady, Pause) or handling (Waiting, Wrap, Talking_*, …)' }),
    states: z.array(stateName).min(1, 'needs at least one state'),
    reasons: z.array(z.string().min(1).max(200)).min(1, 'must list at least one reason, or be left out').optional(),
    longerThanMs: z.number({ error: 'must be a number of milliseconds' }).int().min(1_000, 'must be at least 1000 (1 s)').max(7 * 86_400_000, 'must be at most 7 days'),
  })
  .strict();

/** "Fewer than `minReady` agents of the tenant are Ready." */
const readyBelowRule = z
  .object({
    id: ruleId,
    kind: z.literal('ready-below'),
    description,
    minReady: z.number({ error: 'must be a whole number' }).int().min(1, 'must be at least 1').max(1_000_000),
  })
  .strict();

export const alertRuleSchema = z.discriminatedUnion('kind', [stateDurationRule, readyBelowRule], { error: 'kind must be state-duration or ready-below' });

export type AlertRuleInput = z.infer<typeof alertRuleSchema>;

/** The ALERT_RULES_FILE: `{ "tenants": { "<tenant>": [rule, …] } }`, rule ids unique per tenant. */
export const alertRulesFileSchema = z
  .object({
    tenants: z.record(
      z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'each tenant must be 1-64 letters, digits, "_" or "-"'),
      z.array(alertRuleSchema).superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((rule, index) => {
          if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate rule id ${rule.id}` });
          seen.add(rule.id);
        });
      }),
    ),
  })
  .strict();
