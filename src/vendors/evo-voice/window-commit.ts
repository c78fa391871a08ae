import { randomUUID } from 'node:crypto';
import type { KeyedTime, ReportJobState } from '../../ingest/checkpoint.ts';
import { rowTimeVerdict } from '../../ingest/clock-sanity.ts';
import { vendorDeadLetter } from '../../ingest/dead-letter.ts';
import type { PollerTopics } from '../../ingest/poller-context.ts';
import { recordKey } from '../../ingest/record-key.ts';
import type { OutgoingRecord } from '../../ingest/transactional-publisher.ts';
import type { ReportKindSpec, ReportRequestSettings, ReportRow } from './endpoint-specs.ts';
import type { RowRejection } from './workbook-sheet.ts';
import { pollWatermarkRecord } from '../../ingest/poll-watermark-record.ts';

export interface WindowCommitInput {
  readonly spec: ReportKindSpec;
  readonly topics: PollerTopics;
  readonly settings: { readonly request: ReportRequestSettings; readonly dedupHorizonMs: number; readonly clockCheck: { readonly maxLeadMs: number } };
  readonly tenant: string;
  readonly job: ReportJobState;
  readonly parsed: { readonly rows: readonly ReportRow[]; readonly rejections: readonly RowRejection[] };
  readonly receivedAt: number;
  readonly now: number;
  /** Keys published before (the checkpoint's recentKeys). */
  readonly remembered: readonly KeyedTime[];
}

export interface WindowCommit {
  /** Rows, dead letters and (agent-state) the watermark; the caller adds the checkpoint records. */
  readonly records: OutgoingRecord[];
  /** The keys to remember after this commit: published before or now, with a time inside the dedup horizon. */
  readonly recentKeys: KeyedTime[];
  /** Times of rows outside the window that a neighbouring window covers (not published). */
  readonly outOfRange: number[];
  readonly counts: { fetched: number; published: number; duplicates: number; rejected: number; outOfRange: number };
}

/**
 * The records of one downloaded workbook of window [a, b): every row whose content (record key: SHA-256 of the
 * row as the workbook rendered it, poll metadata excluded) was not published before, in row-time order; rejected
 * rows and rows with a time far outside the window or ahead of the clock as dead letters; rows just outside the
 * window dropped (the neighbouring window has them); and, when the kind emits one, the watermark b (the window end,
 * docs/vendors/evo-voice-contract.md: every row starting before b is published; a row starting exactly at b comes
 * with the next window, which the processor's allowed lateness absorbs).
 */
export function buildWindowCommit(input: WindowCommitInput): WindowCommit {
  const { spec, topics, tenant, job, parsed, now } = input;
  const window = { start: job.windowStart, end: job.windowEnd };
  const pollId = randomUUID();
  const envelope = { reportId: job.id, window, tenant, pollId, receivedAt: input.receivedAt };
  const seen = new Set(input.remembered.map((k) => k.key));
  const fresh: Array<{ row: ReportRow; key: string }> = [];
  const kept: KeyedTime[] = [];
  const deadLetters: OutgoingRecord[] = [];
  const outOfRange: number[] = [];
  let duplicates = 0;
  const deadLetter = (body: string, reason: string, errorCode: string) =>
    deadLetters.push(vendorDeadLetter(topics.deadLetter, { source: spec.source, body, reason, errorCode, retriable: false, failedAt: now }));
  for (const rejection of parsed.rejections) deadLetter(rejection.body, `row ${rejection.sheetRow} of report ${job.id} rejected: ${rejection.reason}`, rejection.reason);
  for (const row of parsed.rows) {
    const verdict = rowTimeVerdict(row.time, window, now, { exact: true, overlapMs: 0, maxLeadMs: input.settings.clockCheck.maxLeadMs });
    if (verdict === 'outside') {
      outOfRange.push(row.time);
      continue;
    }
    if (verdict !== 'keep') {
      deadLetter(JSON.stringify({ sheetRow: row.sheetRow, ...row.content }), `row ${row.sheetRow} of report ${job.id} for [${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()}): ${verdict}`, verdict);
      continue;
    }
    const key = recordKey(row.content);
    kept.push({ key, time: row.time });
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    fresh.push({ row, key });
  }
  fresh.sort((a, b) => a.row.time - b.row.time);
  const records: OutgoingRecord[] = fresh.map(({ row }) => ({ topic: topics.raw, key: row.partitionKey, value: spec.value(row, envelope, input.settings.request) }));
  records.push(...deadLetters);
  if (spec.emitWatermark) records.push(pollWatermarkRecord(topics, { tenant, source: spec.source, pollId, watermark: window.end, publishedAt: now }));
  const horizon = window.end - input.settings.dedupHorizonMs;
  const recent = new Map<string, number>();
  for (const k of [...input.remembered, ...kept]) if (k.time >= horizon) recent.set(k.key, k.time);
  return {
    records,
    recentKeys: [...recent].map(([key, time]) => ({ key, time })),
    outOfRange,
    counts: { fetched: parsed.rows.length + parsed.rejections.length, published: fresh.length, duplicates, rejected: deadLetters.length, outOfRange: outOfRange.length },
  };
}
