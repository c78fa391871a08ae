import { IANAZone } from 'luxon';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const QUARTER_HOUR = 900_000;

const LABEL = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The zone's offset from UTC at `instant`, in ms. Throws for a zone luxon does not know. */
function offsetAt(zone: string, instant: number): number {
  const z = IANAZone.create(zone);
  if (!z.isValid) throw new RangeError(`unknown time zone ${zone}`);
  return z.offset(instant) * MINUTE;
}

/**
 * The wall clock of a local label as if it were UTC (epoch ms), or undefined when the text is not
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` or names no real calendar time.
 */
function wallOf(label: string): number | undefined {
  const m = LABEL.exec(label);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  return back.getUTCDate() === day && back.getUTCMonth() === month - 1 ? wall : undefined;
}

/** `instant` as the tenant's local `YYYY-MM-DD HH:MM:SS` (the vendor's datetime rendering). */
export function formatLocal(instant: number, zone: string): string {
  const iso = new Date(instant + offsetAt(zone, instant)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `instant` as the vendor's minute period label `YYYY-MM-DD HH:MM`. */
export function formatLocalMinute(instant: number, zone: string): string {
  return formatLocal(instant, zone).slice(0, 16);
}

/**
 * Every instant whose local wall clock is `label`, earliest first: one on an ordinary day, two in the repeated
 * fall-back hour, none in a spring-forward gap (or for text that is no local time).
 */
export function instantsOfLabel(label: string, zone: string): number[] {
  const wall = wallOf(label);
  if (wall === undefined) return [];
  const offsets = new Set([offsetAt(zone, wall - DAY), offsetAt(zone, wall), offsetAt(zone, wall + DAY)]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const instant = wall - offset;
    if (offsetAt(zone, instant) === offset) found.add(instant);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The instant the vendor reads a local label as (docs/vendors/thulium-contract.md, "Times"): an ambiguous label (the
 * repeated fall-back hour) is the FIRST instant; a label in a spring-forward gap moves forward by the gap (02:30 on
 * a Warsaw spring day is 03:30 CEST). A date-only label is that day 00:00. Undefined when the text is no local time.
 */
export function resolveLocal(label: string, zone: string): number | undefined {
  const wall = wallOf(label);
  if (wall === undefined) return undefined;
  const [first] = instantsOfLabel(label, zone);
  if (first !== undefined) return first;
  return wall - offsetAt(zone, wall - DAY);
}

/**
 * The latest instant ≤ `bound` whose local label is `label` (a status's `last_change` seen at `bound`); when every
 * such instant lies after `bound` (the vendor's clock ahead of ours), the earliest. Undefined when no instant has
 * that label.
 */
export function resolveLocalAtOrBefore(label: string, zone: string, bound: number): number | undefined {
  const candidates = instantsOfLabel(label, zone);
  const before = candidates.filter((t) => t <= bound);
  return before.length > 0 ? before[before.length - 1] : candidates[0];
}

/** True when the vendor reads `instant`'s own local label back as `instant` (not in the second run of a repeated hour). */
export function labelRoundTrips(instant: number, zone: string): boolean {
  return resolveLocal(formatLocal(instant, zone), zone) === instant;
}

/**
 * The first quarter-hour boundary at or after `nominal` whose local label the vendor reads back as itself. A chunk
 * ending there can be requested with `date_to` = that label; in the fall-back hour the end moves past the repeated
 * hour, so one chunk spans both of its runs.
 */
export function chunkBoundary(nominal: number, zone: string): number {
  let boundary = Math.ceil(nominal / QUARTER_HOUR) * QUARTER_HOUR;
  for (let i = 0; i < 4 * 24 && !labelRoundTrips(boundary, zone); i++) boundary += QUARTER_HOUR;
  return boundary;
}

/**
 * The next chunk after `start` (a boundary from {@link chunkBoundary}): it ends at the next multiple of `chunkMs`
 * (since the epoch), moved forward by {@link chunkBoundary}.
 */
export function nextChunk(start: number, chunkMs: number, zone: string): { start: number; end: number } {
  return { start, end: chunkBoundary(Math.floor(start / chunkMs) * chunkMs + chunkMs, zone) };
}

/** Why a run of minute labels does not fit its chunk. */
export interface LabelMisfit {
  readonly index: number;
  readonly reason: string;
}

/**
 * The instants of one agent's minute rows of the chunk [from, to), resolved by position (rows of one agent come in
 * time order): each label is the first minute at or after the previous row's minute + 1 min (the first row: at or
 * after `from`) with that local label, so a repeated label is the later run. The rows must be exactly the chunk's
 * minutes, one each (the vendor returns all-zero rows too); otherwise the misfit says where.
 */
export function resolveMinuteLabels(labels: readonly string[], from: number, to: number, zone: string): number[] | LabelMisfit {
  const expected = Math.round((to - from) / MINUTE);
  const out: number[] = [];
  let cursor = from;
  for (const [index, label] of labels.entries()) {
    const instant = instantsOfLabel(label, zone).find((t) => t >= cursor);
    if (instant === undefined || instant >= to) return { index, reason: `minute label ${JSON.stringify(label)} at row ${index} is not a minute of [${formatLocal(from, zone)}, ${formatLocal(to, zone)}) after the previous row` };
    if (instant !== cursor) return { index, reason: `minute label ${JSON.stringify(label)} at row ${index} skips ${Math.round((instant - cursor) / MINUTE)} minute(s) after ${formatLocalMinute(cursor - MINUTE, zone)}` };
    out.push(instant);
    cursor = instant + MINUTE;
  }
  if (out.length !== expected) return { index: labels.length, reason: `${labels.length} minute rows where [${formatLocal(from, zone)}, ${formatLocal(to, zone)}) has ${expected} minutes` };
  return out;
}

/** The UTC quarter-hour [start, start + 15 min) an instant falls in. */
export function quarterHourOf(instant: number): number {
  return Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
}

/** The quarter-hours of the local day `date` (`YYYY-MM-DD`): [resolve(date 00:00), resolve(next day 00:00)). */
export function quarterHoursOfLocalDay(date: string, zone: string): number[] {
  const start = resolveLocal(date, zone);
  const wall = wallOf(date);
  if (start === undefined || wall === undefined) return [];
  const end = resolveLocal(new Date(wall + DAY).toISOString().slice(0, 10), zone) ?? start;
  const out: number[] = [];
  for (let t = start; t < end; t += QUARTER_HOUR) out.push(t);
  return out;
}

export { HOUR as HOUR_MS, MINUTE as MINUTE_MS };
