import { rollUp } from '../../core/rollup/rollup.ts';
import type { PeriodAggregate } from '../../core/rollup/rollup.ts';
import type { FieldCoverage } from '../../core/statistic/published-metrics.ts';
import { mergeCoverage, publishCovered } from '../../core/statistic/published-metrics.ts';
import type { MetricVector } from '../../core/statistic/metric-vector.ts';
import type { QuarterHourRow } from '../../state/store-types.ts';
import { quarterHourAggregate } from '../statistic-rows.ts';
import { reportBuckets } from './work-report-buckets.ts';
import type { WorkReportQuery } from './work-report-query.ts';
import type { WorkReportRow } from './work-report-row.ts';
import { workReportRow } from './work-report-row.ts';

interface BucketSum {
  vector: MetricVector;
  coverage: FieldCoverage;
  userName: string;
  maxChangeTime: number;
}

function add(sums: Map<string, BucketSum>, key: string, period: PeriodAggregate): void {
  const sum = sums.get(key);
  if (sum === undefined) {
    sums.set(key, { vector: Float64Array.from(period.vector), coverage: Uint8Array.from(period.coverage), userName: period.userName, maxChangeTime: period.maxChangeTime });
    return;
  }
  period.vector.forEach((value, i) => {
    sum.vector[i]! += value;
  });
  mergeCoverage(sum.coverage, period.coverage);
  if (period.maxChangeTime >= sum.maxChangeTime) {
    sum.userName = period.userName;
    sum.maxChangeTime = period.maxChangeTime;
  }
}

/**
 * Every row of a report before paging: for each requested agent the tenant knows (in its directory, or with stored
 * rows), sorted by login, one row per bucket in bucket order. The stored quarter-hours (those of the requested agents
 * starting in [from, to), sorted by userId then start, as the reader returns them) are rolled up by the core
 * {@link rollUp}, the /agentStatistic code, so a bucket's figures are the /agentStatistic period's, field for field.
 * A bucket without any stored quarter-hour of the agent is a row of nulls: the store keeps no row for a quarter-hour
 * without content, so it cannot tell "no activity" from "no data" there, nor which fields the source would know.
 */
export function workReportRows(stored: readonly QuarterHourRow[], directory: Readonly<Record<string, string>>, query: WorkReportQuery): WorkReportRow[] {
  const plan = reportBuckets(query.from, query.to, query.granularity, query.zone);
  const sums = new Map<string, BucketSum>();
  for (const period of rollUp(stored.map((row) => quarterHourAggregate(row, true)), plan.category, query.zone)) {
    const bucket = plan.bucketOf.get(period.start);
    if (bucket !== undefined) add(sums, `${period.userId}|${bucket}`, period);
  }
  const withRows = new Set(stored.map((row) => row.userId));
  const agents = query.logins.filter((login) => withRows.has(login) || Object.hasOwn(directory, login)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return agents.flatMap((login) =>
    plan.labels.map((label, bucket) => {
      const sum = sums.get(`${login}|${bucket}`);
      if (sum === undefined) return workReportRow(login, directory[login] ?? null, label, null);
      return workReportRow(login, sum.userName, label, publishCovered(sum.vector, sum.coverage).metrics);
    }),
  );
}
