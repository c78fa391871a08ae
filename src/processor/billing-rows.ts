import type { BillingRow } from '../state/billing-store.ts';

const TENANT = /^[a-zA-Z0-9_-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const amount = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * A decoded raw.evovoice.billing value (schemas/evo-voice-billing.avsc) as the row the billing store keeps, or why it
 * cannot be kept (the record is then dead-lettered). Of the poller's envelope only tenant and receivedAt are kept.
 */
export function toBillingRow(value: Readonly<Record<string, unknown>>): BillingRow | { readonly problem: string } {
  const tenant = value['tenant'];
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) return { problem: `invalid tenant ${JSON.stringify(tenant)}` };
  const accountId = value['accountId'];
  if (typeof accountId !== 'string' || accountId === '' || /[\s:|]/.test(accountId)) return { problem: `invalid accountId ${JSON.stringify(accountId)}` };
  const date = value['date'];
  if (typeof date !== 'string' || !DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return { problem: `invalid date ${JSON.stringify(date)} (expected YYYY-MM-DD)` };
  const service = value['service'];
  if (typeof service !== 'string' || service === '') return { problem: 'missing service' };
  const quantity = amount(value['quantity']);
  const total = amount(value['amount']);
  if (quantity === null || total === null) return { problem: 'quantity and amount must be finite numbers' };
  const reportId = value['reportId'];
  if (typeof reportId !== 'string' || reportId === '') return { problem: 'missing reportId' };
  const receivedAt = Number(value['receivedAt']);
  if (!Number.isSafeInteger(receivedAt)) return { problem: `invalid receivedAt ${JSON.stringify(value['receivedAt'])}` };
  return {
    tenant, accountId, date, service, reportId, receivedAt, quantity, amount: total,
    accountName: text(value['accountName']), customerName: text(value['customerName']), customerId: text(value['customerId']),
    description: text(value['description']), unit: text(value['unit']), unitPrice: amount(value['unitPrice']),
    includeCustomerIds: value['includeCustomerIds'] === true,
  };
}
