/**
 * Sanity limits on the times in the input, so one record with a "zero date" or one watermark from a host whose
 * clock jumped cannot create millions of windows or make every real record too late. The process configuration
 * (src/config/config-schema.ts) passes its values in; the defaults here apply to callers that pass none (batch
 * replay, tests) and are the same as the configuration's (test/config checks that they agree).
 */
export interface EventTimeLimits {
  /** An event time more than this before its record's changeTimestamp is rejected `event-time-too-old`. */
  readonly maxEventAgeMs: number;
  /** An event time more than this after its record's changeTimestamp is rejected `event-time-in-future`. */
  readonly maxEventLeadMs: number;
}

/** 366 days: a vendor correction of a year-old state is still taken; 0001-01-01 and 1970-01-01 are not. */
export const DEFAULT_MAX_EVENT_AGE_MS = 31_622_400_000;
/** One hour: the vendor's subsystems disagree by seconds, not hours. */
export const DEFAULT_MAX_EVENT_LEAD_MS = 3_600_000;
/** Five minutes: how far ahead of the local wall clock a watermark may be (NTP-synchronised hosts differ by far less). */
export const DEFAULT_MAX_CLOCK_LEAD_MS = 300_000;

export const DEFAULT_EVENT_TIME_LIMITS: EventTimeLimits = Object.freeze({
  maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS,
  maxEventLeadMs: DEFAULT_MAX_EVENT_LEAD_MS,
});

/** The rejection reason for an event time too far from its record's changeTimestamp, or null when it is sane. */
export function eventTimeRejection(eventTime: number, changeTime: number, limits: EventTimeLimits): string | null {
  if (eventTime < changeTime - limits.maxEventAgeMs) return 'event-time-too-old';
  if (eventTime > changeTime + limits.maxEventLeadMs) return 'event-time-in-future';
  return null;
}

/** `watermark-ahead-of-clock` when `watermark` is more than `maxLeadMs` after the wall clock `nowMs`, else null. */
export function watermarkRejection(watermark: number, nowMs: number, maxLeadMs: number): string | null {
  return watermark > nowMs + maxLeadMs ? 'watermark-ahead-of-clock' : null;
}
