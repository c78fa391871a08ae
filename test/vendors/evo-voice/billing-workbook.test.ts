import { describe, expect, it } from 'vitest';
import { parseBillingWorkbook } from '../../../src/vendors/evo-voice/billing-workbook.ts';
import { BILLING_HEADERS, workbook } from './support/workbooks.ts';

describe('parseBillingWorkbook', () => {
  it('reads billing lines with and without the Customer Id column', async () => {
    const withIds = await workbook('Billing', BILLING_HEADERS, [['2026-11-28', 'Acme', 'Widgets Ltd', 'c-1', 'Call Minutes', 'Outbound minutes', 120, 'minute', 0.012, 1.44]]);
    const parsed = await parseBillingWorkbook(withIds);
    expect(parsed.rejections).toEqual([]);
    expect(parsed.rows).toEqual([
      { sheetRow: 2, day: Date.parse('2026-11-28T00:00:00Z'), row: { date: '2026-11-28', accountName: 'Acme', customerName: 'Widgets Ltd', customerId: 'c-1', service: 'Call Minutes', description: 'Outbound minutes', quantity: 120, unit: 'minute', unitPrice: 0.012, amount: 1.44 } },
    ]);
    const withoutIds = await workbook('Billing', BILLING_HEADERS.filter((h) => h !== 'Customer Id'), [['2026-11-28', 'Acme', 'Widgets Ltd', 'SMS', null, 3, 'message', null, 0.03]]);
    expect((await parseBillingWorkbook(withoutIds)).rows[0]?.row).toMatchObject({ customerId: null, service: 'SMS', unitPrice: null, amount: 0.03 });
  });

  it('rejects rows with a bad date, no service or a non-numeric amount', async () => {
    const bytes = await workbook('Billing', BILLING_HEADERS, [
      ['2026-02-30', 'Acme', 'W', 'c', 'SMS', null, 1, 'message', 0.03, 0.03],
      ['2026-11-28', 'Acme', 'W', 'c', null, null, 1, 'message', 0.03, 0.03],
      ['2026-11-28', 'Acme', 'W', 'c', 'SMS', null, 1, 'message', 0.03, 'lots'],
      ['2026-11-28', 'Acme', 'W', 'c', 'SMS', null, 1, 'message', 0.03, 0.03],
    ]);
    const parsed = await parseBillingWorkbook(bytes);
    expect(parsed.rejections.map((r) => [r.sheetRow, r.reason])).toEqual([[2, 'bad-date'], [3, 'missing-service'], [4, 'bad-amount']]);
    expect(parsed.rows.map((r) => r.sheetRow)).toEqual([5]);
  });
});
