import type { KeyedTime, PollerCheckpoint, ReportJobState } from './checkpoint.ts';
import type { OutgoingRecord } from './transactional-publisher.ts';

/**
 * How a {@link PollerCheckpoint} is stored on the compacted checkpoint topic (schemas/poller-checkpoint.avsc).
 *
 * Versions (`formatVersion`; records without it are version 1):
 * - 1: one record per checkpoint, every remembered key as `{key, time}` in `recentKeys`.
 * - 2: record keys of 32 hex digits are packed as 16 bytes each (`keyDigests`) with their times as differences
 *   (`keyTimes`); other keys stay in `recentKeys`. A key set larger than one record is split over parts: part 0 at
 *   the checkpoint key (highMark, pollId, …) and parts 1..n−1 at `<key>|keys:<i>`, all with the same pollId,
 *   committed in one transaction. No record carries more than {@link CHECKPOINT_PART_MAX_BYTES} of keys.
 *
 * Version 2 records may also carry `reportJob` and `reportJobsToDelete` (report-job pollers, on part 0 only; null and
 * [] for every other poller). They were added with defaults, so a reader without them ignores them and a record
 * without them reads as "no job".
 *
 * Rule for every version: `highMark` keeps its meaning. A reader that meets a version it does not know (or parts it
 * cannot match) keeps the high mark and drops the remembered keys, so the next poll republishes the overlap at worst
 * (duplicates, which the processor drops) and never misreads it. Adding a version is a change in this file.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;

/** Keys and times one checkpoint record carries at most (UTF-8 bytes, estimated generously). */
export const CHECKPOINT_PART_MAX_BYTES = 256 * 1024;

/** The Avro value of a checkpoint record (all versions: fields missing in old writer schemas are undefined). */
export interface CheckpointValue {
  readonly tenant: string;
  readonly endpoint: string;
  readonly highMark: number | Date;
  readonly recentKeys: ReadonlyArray<{ readonly key: string; readonly time: number }>;
  readonly pollId: string;
  readonly updatedAt: number | Date;
  readonly formatVersion?: number;
  readonly keyDigests?: Buffer | null;
  readonly keyTimes?: readonly number[];
  readonly part?: number;
  readonly parts?: number;
  readonly reportJob?: { readonly id: string; readonly windowStart: number | Date; readonly windowEnd: number | Date; readonly submittedAt: number | Date; readonly attempt: number } | null;
  readonly reportJobsToDelete?: readonly string[];
}

const HEX_KEY = /^[0-9a-f]{32}$/;

/** The record key of part `part` (≥ 1) of a checkpoint. */
export function checkpointPartKey(key: string, part: number): string {
  return `${key}|keys:${part}`;
}

/** Bytes a key takes in a record: 16 + a time difference for a hex key, its text + a time otherwise. */
function keyBytes(k: KeyedTime): number {
  return HEX_KEY.test(k.key) ? 16 + 10 : Buffer.byteLength(k.key, 'utf8') + 12;
}

/** The key set cut into slices that each fit one record, in order. */
function slices(keys: readonly KeyedTime[]): KeyedTime[][] {
  const out: KeyedTime[][] = [[]];
  let bytes = 0;
  for (const k of keys) {
    const size = keyBytes(k);
    if (bytes + size > CHECKPOINT_PART_MAX_BYTES && (out[out.length - 1]?.length ?? 0) > 0) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1]?.push(k);
    bytes += size;
  }
  return out;
}

/** One slice as Avro fields: packed when every key is 32 hex digits, else as plain `recentKeys`. */
function sliceFields(keys: readonly KeyedTime[]): Pick<CheckpointValue, 'recentKeys' | 'keyDigests' | 'keyTimes'> {
  if (!keys.every((k) => HEX_KEY.test(k.key))) return { recentKeys: keys.map((k) => ({ key: k.key, time: k.time })), keyDigests: null, keyTimes: [] };
  const digests = Buffer.alloc(keys.length * 16);
  const times: number[] = [];
  let previous = 0;
  keys.forEach((k, i) => {
    digests.write(k.key, i * 16, 16, 'hex');
    times.push(k.time - previous);
    previous = k.time;
  });
  return { recentKeys: [], keyDigests: digests, keyTimes: times };
}

/**
 * The records that store `next` under `key`: its parts, then (for parts the previous checkpoint had beyond the new
 * count) tombstones. Every record's key set fits {@link CHECKPOINT_PART_MAX_BYTES}.
 */
export function checkpointRecords(topic: string, key: string, next: PollerCheckpoint, previous: PollerCheckpoint | undefined): OutgoingRecord[] {
  const parts = slices(next.recentKeys);
  const records: OutgoingRecord[] = parts.map((slice, part) => ({
    topic,
    key: part === 0 ? key : checkpointPartKey(key, part),
    value: {
      tenant: next.tenant,
      endpoint: next.endpoint,
      highMark: next.highMark,
      pollId: next.pollId,
      updatedAt: next.updatedAt,
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      ...sliceFields(slice),
      part,
      parts: parts.length,
      reportJob: part === 0 ? (next.reportJob ?? null) : null,
      reportJobsToDelete: part === 0 ? [...(next.reportJobsToDelete ?? [])] : [],
    },
  }));
  const before = previous === undefined ? 1 : slices(previous.recentKeys).length;
  for (let part = parts.length; part < before; part++) records.push({ topic, key: checkpointPartKey(key, part), value: null });
  return records;
}

/** A checkpoint read back, and why its keys were dropped (null when it was read completely). */
export interface DecodedCheckpoint {
  readonly checkpoint: PollerCheckpoint;
  readonly dropped: string | null;
}

function sliceKeys(value: CheckpointValue): KeyedTime[] {
  const keys: KeyedTime[] = value.recentKeys.map((k) => ({ key: k.key, time: Number(k.time) }));
  const digests = value.keyDigests ?? Buffer.alloc(0);
  const times = value.keyTimes ?? [];
  if (digests.length !== times.length * 16) throw new Error(`keyDigests holds ${digests.length} bytes for ${times.length} times`);
  let time = 0;
  times.forEach((delta, i) => {
    time += Number(delta);
    keys.push({ key: digests.toString('hex', i * 16, i * 16 + 16), time });
  });
  return keys;
}

/** The report-job fields of a head record, only where it carries a job or jobs to delete. */
function reportJobFields(head: CheckpointValue): Pick<PollerCheckpoint, 'reportJob' | 'reportJobsToDelete'> {
  const job = head.reportJob;
  const reportJob: ReportJobState | undefined =
    job === null || job === undefined ? undefined : { id: job.id, windowStart: Number(job.windowStart), windowEnd: Number(job.windowEnd), submittedAt: Number(job.submittedAt), attempt: job.attempt };
  const toDelete = head.reportJobsToDelete ?? [];
  return { ...(reportJob === undefined ? {} : { reportJob }), ...(toDelete.length === 0 ? {} : { reportJobsToDelete: [...toDelete] }) };
}

/**
 * Reads a checkpoint from its head record and the part records found under its part keys (by part number). Version
 * 1 and 2 records are read completely; an unknown version, a missing part or a part of another poll keeps the high
 * mark and drops the keys (see the rule above), with the reason in `dropped`.
 */
export function decodeCheckpoint(head: CheckpointValue, parts: ReadonlyMap<number, CheckpointValue>): DecodedCheckpoint {
  const base = { tenant: head.tenant, endpoint: head.endpoint, highMark: Number(head.highMark), pollId: head.pollId, updatedAt: Number(head.updatedAt), ...reportJobFields(head) };
  const version = head.formatVersion ?? 1;
  const drop = (reason: string): DecodedCheckpoint => ({ checkpoint: { ...base, recentKeys: [] }, dropped: reason });
  if (version !== 1 && version !== CHECKPOINT_FORMAT_VERSION) return drop(`checkpoint format version ${version} is unknown to this release (it reads 1..${CHECKPOINT_FORMAT_VERSION})`);
  const count = head.parts ?? 1;
  const values: CheckpointValue[] = [head];
  for (let part = 1; part < count; part++) {
    const value = parts.get(part);
    if (value === undefined || value.pollId !== head.pollId) return drop(`checkpoint part ${part}/${count} of poll ${head.pollId} is ${value === undefined ? 'missing' : `from poll ${value.pollId}`}`);
    values.push(value);
  }
  try {
    return { checkpoint: { ...base, recentKeys: values.flatMap(sliceKeys) }, dropped: null };
  } catch (error) {
    return drop(`checkpoint keys are malformed: ${(error as Error).message}`);
  }
}
