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

export function newMetricVector(): MetricVector {
  return new Float64Array(METRIC_COUNT);
}

/**
 * Named metrics of a vector. Written out as one object literal (one hidden class, no dictionary
 * mode); a unit test checks it against METRIC_FIELDS.
 */
export function vectorToMetrics(v: Readonly<MetricVector>): AgentMetrics {
  return {
    servingDuration: v[0] ?? 0,
    readyDuration: v[1] ?? 0,
    notReadyDuration: v[2] ?? 0,
    pauseDuration: v[3] ?? 0,
    freeDuration: v[4] ?? 0,
    waitingDuration: v[5] ?? 0,
    contactHandlingDuration: v[6] ?? 0,
    afterworkDuration: v[7] ?? 0,
    restingDuration: v[8] ?? 0,
    previewDuration: v[9] ?? 0,
    callInDuration: v[10] ?? 0,
    callInDirectDuration: v[11] ?? 0,
    callOutDuration: v[12] ?? 0,
    callOutDirectDuration: v[13] ?? 0,
    emailInDuration: v[14] ?? 0,
    emailOutDuration: v[15] ?? 0,
    chatDuration: v[16] ?? 0,
    afterworkCallInDuration: v[17] ?? 0,
    afterworkCallOutDuration: v[18] ?? 0,
    afterworkEmailInDuration: v[19] ?? 0,
    afterworkChatInDuration: v[20] ?? 0,
    countOfHandledCallIn: v[21] ?? 0,
    countOfHandledCallInDirect: v[22] ?? 0,
    countOfHandledCallOut: v[23] ?? 0,
    countOfHandledCallOutDirect: v[24] ?? 0,
    countOfHandledEmailIn: v[25] ?? 0,
    countOfHandledEmailOut: v[26] ?? 0,
    countOfHandledChatIn: v[27] ?? 0,
    countOfHandledChatOut: v[28] ?? 0,
  };
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
