import type { TimeCategory } from '../../../../../core/rollup/period.ts';
import { periodOf } from '../../../../../core/rollup/period.ts';
import { quarterHourStart } from '../../../../../core/windows/quarter-hour.ts';
import type { SimContact } from '../../model/sim-contact.ts';
import { formatIsoTimestamp } from '../../model/raw-timestamp.ts';

/** One contact as an endpoint sees it: its detail record, its metrics, and the time that buckets it. */
export interface ContactFact {
  readonly contact: SimContact;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly maxChangeTimestamp: number;
  readonly bucketTime: number;
}

export interface ContactRowOptions {
  readonly showDetails: boolean;
  readonly showChannel: boolean;
  readonly showChannelType: boolean;
  readonly showQueue: boolean;
  readonly showUser: boolean;
  readonly timeCategory: TimeCategory | null;
  readonly timeZone: string;
  /** Metrics served only when showUser is false (countOfArrivedContacts, active…). */
  readonly unlessUserMetrics: ReadonlySet<string>;
}

/** The full detail record of a fact (for field filters): dimensions, metrics and maxChangeTimestamp. */
export function detailRecord(fact: ContactFact): Record<string, unknown> {
  return { ...fact.dimensions, ...fact.metrics, maxChangeTimestamp: formatIsoTimestamp(fact.maxChangeTimestamp) };
}

function labeller(category: TimeCategory | null, zone: string): (fact: ContactFact) => string | undefined {
  const labels = new Map<number, string>();
  return (fact) => {
    if (category === null) return undefined;
    if (category === 'all') return 'all';
    const quarter = quarterHourStart(fact.bucketTime);
    let text = labels.get(quarter);
    if (text === undefined) {
      text = periodOf(quarter, category, zone).label;
      labels.set(quarter, text);
    }
    return text;
  };
}

function isMaxField(field: string): boolean {
  return field.startsWith('max') || field.startsWith('activeMax');
}

/**
 * Projects facts to rows per the show* switches; with showDetails=false, rows with the same shown
 * dimensions (and timeCategory label) are aggregated: counts and durations summed, max* fields and
 * maxChangeTimestamp maximised. Rows keep the order of their first fact.
 */
export function contactRows(facts: readonly ContactFact[], options: ContactRowOptions): Record<string, unknown>[] {
  const label = labeller(options.timeCategory, options.timeZone);
  const groups = new Map<string, { head: Record<string, unknown>; metrics: Record<string, number>; maxChange: number }>();
  for (const fact of facts) {
    const head: Record<string, unknown> = {};
    const d = fact.dimensions;
    if (options.showDetails) head['contactId'] = d['contactId'];
    const period = label(fact);
    if (period !== undefined) head['timeCategory'] = period;
    if (options.showChannel) head['channel'] = d['channel'];
    if (options.showChannelType) head['type'] = d['type'];
    if (options.showQueue) for (const key of ['applicationId', 'applicationName', 'queueId', 'queueName']) if (d[key] !== undefined) head[key] = d[key];
    if (options.showUser) for (const key of ['userId', 'userName']) if (d[key] !== undefined) head[key] = d[key];
    const key = JSON.stringify(head);
    const group = groups.get(key);
    if (group === undefined) {
      const metrics: Record<string, number> = {};
      for (const [field, value] of Object.entries(fact.metrics)) if (!(options.showUser && options.unlessUserMetrics.has(field))) metrics[field] = value;
      groups.set(key, { head, metrics, maxChange: fact.maxChangeTimestamp });
      continue;
    }
    for (const field of Object.keys(group.metrics)) {
      const value = fact.metrics[field] ?? 0;
      group.metrics[field] = isMaxField(field) ? Math.max(group.metrics[field] ?? 0, value) : (group.metrics[field] ?? 0) + value;
    }
    group.maxChange = Math.max(group.maxChange, fact.maxChangeTimestamp);
  }
  return [...groups.values()].map((g) => ({ ...g.head, ...g.metrics, maxChangeTimestamp: formatIsoTimestamp(g.maxChange) }));
}
