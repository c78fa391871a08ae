import type { SimContact } from '../../model/sim-contact.ts';
import type { Params } from '../query-values.ts';
import { booleanParam, channelTypeParam, choiceParam, guidListParam } from '../query-values.ts';

/** The contact filters shared by contactHistory and contactStatistic (queue, user, channel, application and direct/internal switches). */
export type ContactSelection = (contact: SimContact) => boolean;

/**
 * Builds the selection from queueId, userId, channelType, showOnlyContactCenter,
 * showDirectContacts (0 exclude, 1 include, 2 only) and, when `withInternal`, showInternalContacts
 * (0 exclude, 1 include, 2 only). Throws BadRequest for malformed values.
 */
export function contactSelection(params: Params, withInternal: boolean): ContactSelection {
  const queues = guidListParam(params, 'queueId');
  const users = guidListParam(params, 'userId');
  const channelTypes = channelTypeParam(params);
  const onlyContactCenter = booleanParam(params, 'showOnlyContactCenter', true);
  const direct = choiceParam(params, 'showDirectContacts', [0, 1, 2], 1);
  const internal = withInternal ? choiceParam(params, 'showInternalContacts', [0, 1, 2], 1) : 1;
  return (contact) => {
    if (queues !== undefined && (contact.queue === undefined || !queues.has(contact.queue.id))) return false;
    if (users !== undefined && (contact.user === undefined || !users.has(contact.user.userId))) return false;
    if (channelTypes !== undefined && !channelTypes.has(contact.channel.toLowerCase()) && !channelTypes.has(contact.type.toLowerCase())) return false;
    if (onlyContactCenter && !contact.contactCenter) return false;
    if ((direct === 0 && contact.direct) || (direct === 2 && !contact.direct)) return false;
    if ((internal === 0 && contact.internal) || (internal === 2 && !contact.internal)) return false;
    return true;
  };
}
