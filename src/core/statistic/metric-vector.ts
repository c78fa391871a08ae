import type { AgentMetrics, CountField, DurationField, MetricField } from './agent-statistic-fields.ts';
import { METRIC_FIELDS } from './agent-statistic-fields.ts';
import {
  CONTACT_KIND,
  H_PREVIEW,
  H_WAITING,
  H_WRAP,
  HANDLING_CODE_COUNT,
  KIND_CALL_IN,
  KIND_CALL_OUT,
  KIND_CHAT_IN,
  KIND_CHAT_OUT,
  KIND_COUNT,
  KIND_EMAIL_IN,
  KIND_EMAIL_OUT,
  USER_NOT_READY,
  USER_PAUSE,
  USER_READY,
  handlingStatusName,
} from '../events/status.ts';

/**
 * Hot-path representation of AgentMetrics: a Float64Array indexed like METRIC_FIELDS.
 * Converted to the named AgentMetrics shape only at the edges (rows, emissions).
 */
export type MetricVector = Float64Array;

export const METRIC_COUNT = METRIC_FIELDS.length;

const INDEX: ReadonlyMap<MetricField, number> = new Map(METRIC_FIELDS.map((f, i) => [f, i]));

/** Position of a field in a MetricVector. */
export function metricIndex(field: MetricField): number {
  const i = INDEX.get(field);
  if (i === undefined) throw new Error(`unknown metric field ${field}`);
  return i;
}

/** Vectors cut from one ArrayBuffer: a Float64Array of its own (232 bytes) is allocated outside the JS heap, 1–2 µs each. */
const VECTORS_PER_SLAB = 16;
const VECTOR_BYTES = METRIC_COUNT * Float64Array.BYTES_PER_ELEMENT;
let slab = new ArrayBuffer(0);
let slabOffset = 0;

/**
 * A zeroed vector. Vectors are views into shared buffers of {@link VECTORS_PER_SLAB} (a buffer is freed once all of
 * its vectors are), so never use a vector's `.buffer` as its own.
 */
export function newMetricVector(): MetricVector {
  if (slabOffset === slab.byteLength) {
    slab = new ArrayBuffer(VECTORS_PER_SLAB * VECTOR_BYTES);
    slabOffset = 0;
  }
  const vector = new Float64Array(slab, slabOffset, METRIC_COUNT);
  slabOffset += VECTOR_BYTES;
  return vector;
}

/** A copy of a vector (or of the JSON array it is stored as), allocated like {@link newMetricVector}. */
export function copyMetricVector(source: ArrayLike<number>): MetricVector {
  const vector = newMetricVector();
  vector.set(source);
  return vector;
}

/** The vector as a plain array (its JSON form). A loop: `Array.from` walks a typed array through its iterator. */
export function vectorToArray(vector: ArrayLike<number>): number[] {
  const out = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] as number;
  return out;
}

/**
 * Named metrics of indexed values (METRIC_FIELDS order), `missing` for an index without a value. Written out as one
 * object literal (one hidden class, no dictionary mode: an object filled field by field in a loop turns into a
 * dictionary after a dozen fields, and every read and copy of it gets slow); a unit test checks it against
 * METRIC_FIELDS.
 */
export function metricsOf<T>(v: ArrayLike<T>, missing: T): Record<MetricField, T> {
  return {
    servingDuration: v[0] ?? missing,
    readyDuration: v[1] ?? missing,
    notReadyDuration: v[2] ?? missing,
    pauseDuration: v[3] ?? missing,
    freeDuration: v[4] ?? missing,
    waitingDuration: v[5] ?? missing,
    contactHandlingDuration: v[6] ?? missing,
    afterworkDuration: v[7] ?? missing,
    restingDuration: v[8] ?? missing,
    previewDuration: v[9] ?? missing,
    callInDuration: v[10] ?? missing,
    callInDirectDuration: v[11] ?? missing,
    callOutDuration: v[12] ?? missing,
    callOutDirectDuration: v[13] ?? missing,
    emailInDuration: v[14] ?? missing,
    emailOutDuration: v[15] ?? missing,
    chatDuration: v[16] ?? missing,
    afterworkCallInDuration: v[17] ?? missing,
    afterworkCallOutDuration: v[18] ?? missing,
    afterworkEmailInDuration: v[19] ?? missing,
    afterworkChatInDuration: v[20] ?? missing,
    countOfHandledCallIn: v[21] ?? missing,
    countOfHandledCallInDirect: v[22] ?? missing,
    countOfHandledCallOut: v[23] ?? missing,
    countOfHandledCallOutDirect: v[24] ?? missing,
    countOfHandledEmailIn: v[25] ?? missing,
    countOfHandledEmailOut: v[26] ?? missing,
    countOfHandledChatIn: v[27] ?? missing,
    countOfHandledChatOut: v[28] ?? missing,
  };
}

/** Named metrics of a vector. */
export function vectorToMetrics(v: Readonly<MetricVector>): AgentMetrics {
  return metricsOf(v, 0);
}

export function metricsToVector(metrics: Readonly<AgentMetrics>): MetricVector {
  const vector = newMetricVector();
  for (let i = 0; i < METRIC_COUNT; i++) vector[i] = metrics[METRIC_FIELDS[i] as MetricField];
  return vector;
}

/**
 * True when the vector makes a row: any non-zero field. For a source with presence every duration lies within
 * serving time, so this is "serving time or a count"; a source without presence (HostedSuite) or one that reports
 * aggregates (Thulium) has no serving time, and its handling time or reported figures alone make the row.
 */
/** A vector only read: a MetricVector, or the JSON array it is stored as (no copy needed to read it). */
export type ReadonlyVector = ArrayLike<number>;

export function vectorHasContent(vector: ReadonlyVector): boolean {
  for (let i = 0; i < METRIC_COUNT; i++) if ((vector[i] ?? 0) !== 0) return true;
  return false;
}

const COUNT_FIELD_OF_KIND: Readonly<Record<number, CountField>> = {
  [KIND_CALL_IN]: 'countOfHandledCallIn',
  [KIND_CALL_OUT]: 'countOfHandledCallOut',
  [KIND_EMAIL_IN]: 'countOfHandledEmailIn',
  [KIND_EMAIL_OUT]: 'countOfHandledEmailOut',
  [KIND_CHAT_IN]: 'countOfHandledChatIn',
  [KIND_CHAT_OUT]: 'countOfHandledChatOut',
};

/** Vector index of countOfHandled<Kind> for a count kind (1..6). */
export const COUNT_INDEX_OF_KIND: Readonly<Int8Array> = Int8Array.from({ length: KIND_COUNT }, (_, kind) => {
  const field = COUNT_FIELD_OF_KIND[kind];
  return field === undefined ? -1 : metricIndex(field);
});

const HANDLING_FIELD: Readonly<Record<number, DurationField>> = {
  [KIND_CALL_IN]: 'callInDuration',
  [KIND_EMAIL_IN]: 'emailInDuration',
  [KIND_EMAIL_OUT]: 'emailOutDuration',
  [KIND_CHAT_IN]: 'chatDuration',
  [KIND_CHAT_OUT]: 'chatDuration',
};

const AFTERWORK_FIELD: Readonly<Record<number, DurationField>> = {
  [KIND_CALL_IN]: 'afterworkCallInDuration',
  [KIND_CALL_OUT]: 'afterworkCallOutDuration',
  [KIND_EMAIL_IN]: 'afterworkEmailInDuration',
  [KIND_CHAT_IN]: 'afterworkChatInDuration',
};

const USER_FIELD: Readonly<Record<number, DurationField>> = {
  [USER_READY]: 'readyDuration',
  [USER_NOT_READY]: 'notReadyDuration',
  [USER_PAUSE]: 'pauseDuration',
};

function durationFields(user: number, handling: number, lastContact: number, isCallOutTalk: boolean): DurationField[] {
  const fields: DurationField[] = ['servingDuration'];
  const userField = USER_FIELD[user];
  if (userField !== undefined) fields.push(userField);
  if (handling === H_WAITING) {
    fields.push('waitingDuration');
    if (user === USER_READY) fields.push('freeDuration');
  } else if (handling === H_PREVIEW) {
    fields.push('previewDuration');
  } else if (handling === H_WRAP) {
    fields.push('afterworkDuration');
    const afterwork = AFTERWORK_FIELD[lastContact];
    if (afterwork !== undefined) fields.push(afterwork);
  } else {
    fields.push('contactHandlingDuration');
    const contact = CONTACT_KIND[handling] ?? 0;
    if (isCallOutTalk) fields.push('callOutDuration');
    else if (contact !== KIND_CALL_OUT) {
      const field = HANDLING_FIELD[contact];
      if (field !== undefined) fields.push(field);
    }
  }
  return fields;
}

function buildTable(): Int8Array[] {
  const table: Int8Array[] = [];
  for (let user = 0; user < 4; user++) {
    for (let handling = 0; handling < HANDLING_CODE_COUNT; handling++) {
      const isCallOutTalk = handlingStatusName(handling).startsWith('Talking_Outbound');
      for (let kind = 0; kind < KIND_COUNT; kind++) {
        table.push(Int8Array.from(durationFields(user, handling, kind, isCallOutTalk), metricIndex));
      }
    }
  }
  return table;
}

const TABLE = buildTable();

/**
 * Vector indices that one counted millisecond adds 1 to, for user code (1..3), working handling
 * code (1..14) and the kind of the session's last counted contact (afterwork attribution).
 */
export function countedFields(user: number, handling: number, lastContact: number): Int8Array {
  return TABLE[(user * HANDLING_CODE_COUNT + handling) * KIND_COUNT + lastContact] as Int8Array;
}
