import { z } from 'zod';

/** The lifecycle of an Evo Voice report job (`ReportStatuses`): Queued → Running → Completed | Error. */
export const REPORT_STATUSES = ['Queued', 'Running', 'Completed', 'Error'] as const;

export type ReportStatus = (typeof REPORT_STATUSES)[number];

const nullableText = z.string().nullish().transform((value) => value ?? null);

/**
 * `ReportInfo` as the API returns it for a submitted or listed report (camelCase JSON). Only `id` and `status` are
 * required to drive a job; the rest is carried as received (null when absent) for logs and dead letters.
 */
export const reportInfoSchema = z
  .object({
    id: z.string().min(1),
    name: nullableText,
    status: z.enum(REPORT_STATUSES),
    statusMessage: nullableText,
    dateCreated: nullableText,
    dateUpdated: nullableText,
    downloadLink: nullableText,
    jobId: nullableText,
    emailAddressToNotify: nullableText,
    server: nullableText,
  })
  .loose();

export type ReportInfo = z.infer<typeof reportInfoSchema>;

/** `GET /reports?accountId=` → `{reports: [ReportInfo…]}`, newest first. */
export const reportListSchema = z.object({ reports: z.array(reportInfoSchema).default([]) }).loose();

/** A ServiceStack error body: `{responseStatus: {errorCode, message, errors: [{errorCode, fieldName, message}]}}`. */
export const responseStatusSchema = z.object({
  responseStatus: z.object({
    errorCode: z.string().nullish(),
    message: z.string().nullish(),
    errors: z.array(z.object({ errorCode: z.string().nullish(), fieldName: z.string().nullish(), message: z.string().nullish() }).loose()).nullish(),
  }).loose(),
}).loose();

/** `ErrorCode: message (field: message; …)` of a ServiceStack error body, or undefined when the body is not one. */
export function describeResponseStatus(body: string): { errorCode: string | null; text: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = responseStatusSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { errorCode, message, errors } = parsed.data.responseStatus;
  const fields = (errors ?? []).map((e) => `${e.fieldName ?? '?'}: ${e.message ?? e.errorCode ?? ''}`);
  const text = `${errorCode ?? 'error'}${message ? `: ${message}` : ''}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}`;
  return { errorCode: errorCode ?? null, text };
}
