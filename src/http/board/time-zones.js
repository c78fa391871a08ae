// Local days and clock times in an IANA zone, with Intl only. Pure.

const partsFormat = new Map();

/** @param {string} zone */
function formatter(zone) {
  let format = partsFormat.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormat.set(zone, format);
  }
  return format;
}

/** @param {number} t @param {string} zone */
function parts(t, zone) {
  const out = {};
  for (const part of formatter(zone).formatToParts(new Date(t))) out[part.type] = Number(part.value);
  return /** @type {{ year: number, month: number, day: number, hour: number, minute: number, second: number }} */ (out);
}

/**
 * The zone's offset from UTC at instant `t`, in ms (Helsinki in summer: +3 h).
 * @param {number} t @param {string} zone
 */
export function zoneOffset(t, zone) {
  const p = parts(t, zone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant local `date` (YYYY-MM-DD) begins in `zone`.
 * @param {string} date @param {string} zone
 */
export function localDayStart(date, zone) {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  const first = wall - zoneOffset(wall, zone);
  return wall - zoneOffset(first, zone);
}

/** @param {string} date */
export function nextDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The local date (YYYY-MM-DD) of instant `t` in `zone`. @param {number} t @param {string} zone */
export function localDate(t, zone) {
  const p = parts(t, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** `HH:mm` or `HH:mm:ss` of instant `t` in `zone`. @param {number} t @param {string} zone @param {boolean} [seconds] */
export function localTime(t, zone, seconds = false) {
  const p = parts(t, zone);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(p.hour)}:${two(p.minute)}${seconds ? `:${two(p.second)}` : ''}`;
}

/** Whether `zone` is a zone this browser knows. @param {string} zone */
export function isZone(zone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360];

/**
 * Axis ticks for [from, to) in `zone`: instants on whole local steps (1 min … 6 h), about `wanted` of them.
 * @param {number} from @param {number} to @param {string} zone @param {number} [wanted]
 */
export function axisTicks(from, to, zone, wanted = 10) {
  const spanMin = (to - from) / 60_000;
  const step = (TICK_STEPS_MIN.find((s) => spanMin / s <= wanted) ?? 360) * 60_000;
  const ticks = [];
  const offset = zoneOffset(from, zone);
  for (let t = Math.ceil((from + offset) / step) * step - offset; t < to; t += step) {
    const shift = zoneOffset(t, zone) - offset;
    ticks.push(t - shift);
  }
  return ticks;
}
