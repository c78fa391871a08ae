import type { WindowReport } from '../events/window-report.ts';
import type { SourceId } from '../source/source-id.ts';
import { sourceProfile } from '../source/source-profiles.ts';
import { METRIC_FIELDS } from '../statistic/agent-statistic-fields.ts';
import { metricIndex, newMetricVector, vectorHasContent } from '../statistic/metric-vector.ts';
import { profileCoverage } from '../statistic/published-metrics.ts';
import type { QuarterHourAggregate } from './quarter-hour-aggregation.ts';

/**
 * The quarter-hours of a reporting source's window reports, as the batch replay publishes them: per (user, window)
 * the report with the greatest changeTime (ties: the later one in input order) replaces the others, as in the
 * streaming engine; maxChangeTime is the greatest changeTime of the user's reports of windows starting before the
 * window's end, the name that of the latest of those. Windows without content are left out. Sorted by userId, start.
 */
export function aggregateReports(reports: readonly WindowReport[], source: SourceId): QuarterHourAggregate[] {
  const latest = new Map<string, WindowReport>();
  for (const report of reports) {
    const key = `${report.userId}\u0000${report.windowStart}`;
    const held = latest.get(key);
    if (held === undefined || report.changeTime >= held.changeTime) latest.set(key, report);
  }
  const byUser = new Map<string, WindowReport[]>();
  for (const report of reports) {
    const list = byUser.get(report.userId) ?? [];
    list.push(report);
    byUser.set(report.userId, list);
  }
  const coverage = profileCoverage(sourceProfile(source));
  const out: QuarterHourAggregate[] = [];
  for (const userId of [...byUser.keys()].sort()) {
    const all = (byUser.get(userId) as WindowReport[]).slice().sort((a, b) => a.windowStart - b.windowStart || a.changeTime - b.changeTime);
    const starts = [...new Set(all.map((report) => report.windowStart))];
    let maxChange = Number.NEGATIVE_INFINITY;
    let name = '';
    let nameChange = Number.NEGATIVE_INFINITY;
    let i = 0;
    for (const start of starts) {
      for (; i < all.length && (all[i] as WindowReport).windowStart === start; i++) {
        const report = all[i] as WindowReport;
        if (report.changeTime > maxChange) maxChange = report.changeTime;
        if (report.userName !== '' && report.changeTime >= nameChange) {
          name = report.userName;
          nameChange = report.changeTime;
        }
      }
      const report = latest.get(`${userId}\u0000${start}`) as WindowReport;
      const vector = newMetricVector();
      for (const field of METRIC_FIELDS) {
        const value = report.metrics[field];
        if (value !== undefined) vector[metricIndex(field)] = value;
      }
      const hasExtras = Object.values(report.extras).some((value) => value !== 0);
      if (!vectorHasContent(vector) && !hasExtras) continue;
      out.push({ userId, userName: name, start, vector, maxChangeTime: maxChange, source, coverage, extras: { ...report.extras } });
    }
  }
  return out;
}
