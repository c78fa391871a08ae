import { COMPLETED_CONTACT_METRIC_FIELDS, completedContactMetrics, contactDimensions } from '../../model/contact-record.ts';
import type { SimContact } from '../../model/sim-contact.ts';
import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { matchesFilters } from '../rai-query.ts';
import { booleanParam, languageParam, timeCategoryParam, timeParam, timeZoneParam } from '../query-values.ts';
import { CONTACT_DIMENSION_FIELDS } from './contact-history-endpoint.ts';
import type { ContactFact } from './contact-rows.ts';
import { contactRows, detailRecord } from './contact-rows.ts';
import { contactSelection } from './contact-selection.ts';

const ACTIVE_FIELDS = ['countOfArrivedContacts', 'countOfQueuingContacts', 'countOfInProcessContacts', 'activeQueuingDuration', 'activeMaxQueuingDuration', 'activeHandlingDuration', 'activeMaxHandlingDuration'] as const;
const COMPLETED_FIELDS = COMPLETED_CONTACT_METRIC_FIELDS.filter((f) => f !== 'holdDuration' && f !== 'maxHoldDuration');

function activeMetrics(contact: SimContact, now: number): Record<string, number> {
  const completed = contact.disconnect <= now;
  const inProcess = !completed && contact.connect !== null && contact.connect <= now;
  const queuing = !completed && !inProcess;
  const queued = queuing ? Math.max(0, now - contact.queueArrival) : 0;
  const handling = inProcess && contact.connect !== null ? now - contact.connect : 0;
  const metrics: Record<string, number> = {
    countOfArrivedContacts: 1,
    countOfQueuingContacts: queuing ? 1 : 0,
    countOfInProcessContacts: inProcess ? 1 : 0,
    activeQueuingDuration: queued,
    activeMaxQueuingDuration: queued,
    activeHandlingDuration: handling,
    activeMaxHandlingDuration: handling,
  };
  const finished = completed ? completedContactMetrics(contact, now) : undefined;
  for (const field of COMPLETED_FIELDS) metrics[field] = finished?.[field] ?? 0;
  if (inProcess && contact.connect !== null) metrics['countOfHandledContacts'] = 1;
  return metrics;
}

function lastChange(contact: SimContact, maxChangeTimestamp: number, now: number): number {
  if (contact.afterworkEnd <= now) return maxChangeTimestamp;
  const times = [contact.arrival, contact.queueArrival, contact.connect ?? contact.arrival, contact.disconnect].filter((t) => t <= now);
  return Math.max(...times);
}

/**
 * `/contactStatistic` (current day, monitoring data): completed contacts match on disconnect time and
 * active ones (arrived, not disconnected) on arrival time: startTime ≤ t < endTime (endTime optional,
 * no rounding). Unlike the real current-day table, the whole generated range is kept, so historical
 * runs can query it. Active durations run to now.
 */
export const contactStatisticEndpoint: Endpoint = {
  path: '/contactStatistic',
  parameters: new Set([
    'startTime', 'endTime', 'timeZone', 'timeCategory', 'queueId', 'userId', 'channelType', 'showChannel', 'showChannelType', 'showQueue', 'showUser',
    'showOnlyContactCenter', 'showDirectContacts', 'showDetails', 'language', 'sort', ...PAGING_PARAMETERS,
  ]),
  fields: new Set([...CONTACT_DIMENSION_FIELDS, ...ACTIVE_FIELDS, ...COMPLETED_FIELDS, 'maxChangeTimestamp']),
  defaultSort: 'maxChangeTimestamp',
  rows(query, { now, data }) {
    const start = timeParam(query.params, 'startTime', true) ?? 0;
    const end = timeParam(query.params, 'endTime', false) ?? Number.POSITIVE_INFINITY;
    const selected = contactSelection(query.params, false);
    languageParam(query.params);
    const options = {
      showDetails: booleanParam(query.params, 'showDetails', false),
      showChannel: booleanParam(query.params, 'showChannel', true),
      showChannelType: booleanParam(query.params, 'showChannelType', true),
      showQueue: booleanParam(query.params, 'showQueue', true),
      showUser: booleanParam(query.params, 'showUser', false),
      timeCategory: timeCategoryParam(query.params),
      timeZone: timeZoneParam(query.params),
      unlessUserMetrics: new Set<string>(ACTIVE_FIELDS),
    };
    const facts: ContactFact[] = [];
    for (const timed of data.arrivedContacts(now)) {
      const contact = timed.contact;
      const criterion = contact.disconnect <= now ? contact.disconnect : contact.arrival;
      if (criterion < start || criterion >= end || !selected(contact)) continue;
      const fact: ContactFact = {
        contact,
        dimensions: contactDimensions(contact),
        metrics: activeMetrics(contact, now),
        maxChangeTimestamp: lastChange(contact, timed.maxChangeTimestamp, now),
        bucketTime: criterion,
      };
      if (matchesFilters(detailRecord(fact), query.filters)) facts.push(fact);
    }
    facts.sort((a, b) => a.maxChangeTimestamp - b.maxChangeTimestamp);
    return contactRows(facts, options);
  },
};
