import { z } from 'zod';

/** A vendor duration: `HH:MM:SS` with unbounded hours, whole seconds. */
const DURATION = /^(\d+):([0-5]\d):([0-5]\d)$/;

const duration = z.string().regex(DURATION, 'must be a duration HH:MM:SS');
const count = z.number().int().min(0);
const seconds = z.number().min(0);
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be a local time YYYY-MM-DD HH:MM:SS');

const pauseItem = z.object({
  id: z.union([z.literal('all'), z.literal('free'), z.number().int().min(0)]),
  count,
  sum: duration,
  average: duration.optional(),
});

/**
 * One `agents_work_report` row as the vendor serves it (docs/vendors/thulium-contract.md): durations stay the
 * vendor's `HH:MM:SS` strings, `wait_sum` and `calls_per_hour` are numbers, `login_date`/`logout_date` local
 * `YYYY-MM-DD HH:MM:SS` or null, pause items `{id, count, sum, average?}` (some ids have no `average`).
 */
export const workReportRowSchema = z.object({
  agent: z.object({ login: z.string().min(1), name: z.string().nullable(), surname: z.string().nullable() }),
  period: z.string(),
  inbound: z.object({
    count,
    answered_count: count,
    not_answered_count: count,
    transferred_count: count,
    sum: duration,
    average: duration,
    wait_sum: seconds,
    wait_average: duration,
    calls_per_hour: seconds,
  }),
  chat: z.object({ closed: count, responded: count }),
  ticket: z.object({ closed: count, responded: count, total_responded: count }),
  outbound_above_threshold: z.object({ count, sum: duration, average: duration }),
  outbound_below_threshold: z.object({ count, sum: duration, average: duration }),
  login_date: localDateTime.nullable(),
  logout_date: localDateTime.nullable(),
  pauses: z.array(pauseItem),
});

export type WorkReportRow = z.infer<typeof workReportRowSchema>;

/** Seconds of a vendor duration `HH:MM:SS` (unbounded hours), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** The row's validated shape, or the first problems (path: message) when it does not have it. */
export function parseWorkReportRow(row: unknown): { row: WorkReportRow } | { problem: string } {
  const parsed = workReportRowSchema.safeParse(row);
  if (parsed.success) return { row: parsed.data };
  return { problem: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ') };
}

/** The row's agent login, whatever else is wrong with it; undefined when it has none. */
export function loginOf(row: unknown): string | undefined {
  const agent = (row as { agent?: { login?: unknown } } | null | undefined)?.agent;
  const login = typeof agent === 'object' && agent !== null ? agent.login : undefined;
  return typeof login === 'string' && login !== '' ? login : undefined;
}
