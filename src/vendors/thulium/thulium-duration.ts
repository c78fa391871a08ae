/** A Thulium duration `HH:MM:SS` (hours unbounded, e.g. `123:45:06`) in whole seconds; undefined when malformed. */
export function parseThuliumDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+):([0-5]\d):([0-5]\d)$/.exec(value);
  if (match === null) return undefined;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** Whole seconds as a Thulium duration `HH:MM:SS` with unbounded hours. */
export function formatThuliumDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}
