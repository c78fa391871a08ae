/** Relative contact demand by UTC hour of day: morning and afternoon peaks, a lunch dip, quiet nights. */
const HOURLY_DEMAND = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.0, 1.0, 0.9, 0.7, 0.9, 1.0, 0.9, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1,
] as const;

export const PEAK_DEMAND = 1.0;

/** Demand factor in [0, 1] at epoch ms `time`, interpolated linearly between hours. */
export function demandAt(time: number): number {
  const hours = (((time / 3_600_000) % 24) + 24) % 24;
  const hour = Math.floor(hours);
  const from = HOURLY_DEMAND[hour] ?? 0.1;
  const to = HOURLY_DEMAND[(hour + 1) % 24] ?? 0.1;
  return from + (to - from) * (hours - hour);
}
