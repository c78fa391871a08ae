import { extrasHaveContent, sameExtras } from '../events/window-report.ts';
import { copyParts, publishBreakdown, sameParts } from '../statistic/history-part.ts';
import { copyMetricVector, vectorHasContent } from '../statistic/metric-vector.ts';
import { publishMetrics } from '../statistic/published-metrics.ts';
import type { EngineEmission, WindowStatus } from './engine-types.ts';
import type { EngineUser } from './engine-user.ts';

function sameMetrics(vector: Float64Array, emitted: Float64Array): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== emitted[i]) return false;
  return true;
}

/**
 * Appends the window emissions of one user that watermark W causes (see
 * TimelineEngine.advanceWatermark): a window is emitted when its metrics or its labels (maxChange
 * and name as of the window end) differ from its last emission, or when it becomes final. A reporting source's
 * windows (SourceProfile.statistics `reports`) are emitted only once a WindowReport set them, from its figures. Only the
 * windows' preallocated state is updated; the emission objects are the only allocations.
 */
export function emitWindows(user: EngineUser, watermark: number, latenessMs: number, tenant: string, out: EngineEmission[]): void {
  user.refreshLabels();
  let nextFinalAt = Number.POSITIVE_INFINITY;
  const fromReports = user.profile.statistics === 'reports';
  for (const slot of user.windows.slots) {
    if (fromReports && !slot.reported) {
      slot.touched = false;
      continue;
    }
    const end = slot.end;
    const finalNow = watermark >= end + latenessMs;
    const maxChangeTime = Number.isFinite(slot.maxChange) ? slot.maxChange : 0;
    let status: WindowStatus | null = null;
    if (slot.revision === 0) {
      if (vectorHasContent(slot.vector) || extrasHaveContent(slot.extras)) status = finalNow ? 'final' : 'provisional';
      if (!finalNow && status !== null && end + latenessMs < nextFinalAt) nextFinalAt = end + latenessMs;
    } else {
      const changed =
        slot.emittedMaxChange !== maxChangeTime ||
        slot.emittedName !== slot.name ||
        (slot.touched &&
          (!sameMetrics(slot.vector, slot.emittedMetrics as Float64Array) || !sameExtras(slot.extras, slot.emittedExtras) || !sameParts(slot.parts, slot.emittedParts)));
      if (slot.status !== 'provisional') status = changed ? 'correction' : null;
      else if (finalNow) status = 'final';
      else if (changed) status = 'provisional';
      if (!finalNow && end + latenessMs < nextFinalAt) nextFinalAt = end + latenessMs;
    }
    slot.touched = false;
    if (status === null) continue;
    slot.revision++;
    slot.version++;
    slot.status = status;
    slot.emittedName = slot.name;
    slot.emittedMaxChange = maxChangeTime;
    if (slot.emittedMetrics === null) slot.emittedMetrics = copyMetricVector(slot.vector);
    else slot.emittedMetrics.set(slot.vector);
    slot.emittedExtras = slot.extras;
    slot.emittedParts = copyParts(slot.parts);
    out.push({
      type: 'window',
      window: {
        tenant,
        source: user.source,
        userId: user.userId,
        userName: slot.name,
        intervalStart: slot.start,
        intervalEnd: end,
        revision: slot.revision,
        status,
        metrics: publishMetrics(slot.vector, user.profile),
        breakdown: publishBreakdown(slot.parts, slot.vector, user.profile),
        maxChangeTimestamp: maxChangeTime,
        ...(slot.extras === null ? {} : { extras: slot.extras }),
      },
    });
  }
  user.nextFinalAt = nextFinalAt;
}
