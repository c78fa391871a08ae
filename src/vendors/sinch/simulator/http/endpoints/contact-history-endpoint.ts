import { COMPLETED_CONTACT_METRIC_FIELDS, completedContactMetrics, contactDimensions } from '../../model/contact-record.ts';
import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { matchesFilters } from '../rai-query.ts';
import { booleanParam, roundUpToQuarterHour, timeCategoryParam, timeParam } from '../query-values.ts';
import type { ContactFact } from './contact-rows.ts';
import { contactRows, detailRecord } from './contact-rows.ts';
import { contactSelection } from './contact-selection.ts';

export const CONTACT_DIMENSION_FIELDS = ['contactId', 'timeCategory', 'channel', 'type', 'applicationId', 'applicationName', 'queueId', 'queueName', 'userId', 'userName'] as const;

const HISTORY_FIELDS = [
  ...CONTACT_DIMENSION_FIELDS,
  'countOfArrivedContacts',
  ...COMPLETED_CONTACT_METRIC_FIELDS,
  'maxChangeTimestamp',
];

/**
 * `/contactHistory` (completed contacts, reporting data): startTime and endTime are required and
 * rounded up to quarter hours; a contact matches when roundedStart ≤ maxChangeTimestamp < roundedEnd
 * and its record is visible. timeCategory labels use the maxChangeTimestamp's quarter hour (UTC).
 */
export const contactHistoryEndpoint: Endpoint = {
  path: '/contactHistory',
  parameters: new Set([
    'startTime', 'endTime', 'timeCategory', 'queueId', 'userId', 'channelType', 'showChannel', 'showChannelType', 'showQueue', 'showUser',
    'showOnlyContactCenter', 'showDirectContacts', 'showInternalContacts', 'showDetails', 'sort', ...PAGING_PARAMETERS,
  ]),
  fields: new Set(HISTORY_FIELDS),
  defaultSort: 'maxChangeTimestamp',
  rows(query, { now, data }) {
    const start = roundUpToQuarterHour(timeParam(query.params, 'startTime', true) ?? 0);
    const end = roundUpToQuarterHour(timeParam(query.params, 'endTime', true) ?? 0);
    const selected = contactSelection(query.params, true);
    const options = {
      showDetails: booleanParam(query.params, 'showDetails', false),
      showChannel: booleanParam(query.params, 'showChannel', true),
      showChannelType: booleanParam(query.params, 'showChannelType', true),
      showQueue: booleanParam(query.params, 'showQueue', true),
      showUser: booleanParam(query.params, 'showUser', false),
      timeCategory: timeCategoryParam(query.params),
      timeZone: 'UTC',
      unlessUserMetrics: new Set(['countOfArrivedContacts']),
    };
    const facts: ContactFact[] = [];
    for (const timed of data.visibleContactHistory(now)) {
      if (timed.maxChangeTimestamp < start || timed.maxChangeTimestamp >= end || !selected(timed.contact)) continue;
      const fact: ContactFact = {
        contact: timed.contact,
        dimensions: contactDimensions(timed.contact),
        metrics: { countOfArrivedContacts: 1, ...completedContactMetrics(timed.contact) },
        maxChangeTimestamp: timed.maxChangeTimestamp,
        bucketTime: timed.maxChangeTimestamp,
      };
      if (matchesFilters(detailRecord(fact), query.filters)) facts.push(fact);
    }
    return contactRows(facts, options);
  },
};
