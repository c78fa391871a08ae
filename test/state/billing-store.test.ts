import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingStore } from '../../src/state/billing-store.ts';
import type { BillingRow } from '../../src/state/billing-store.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

function billing(tenant: string, date: string, service: string, receivedAt: number, amount = 1): BillingRow {
  return {
    tenant, accountId: 'acct', date, accountName: 'Acme', customerName: 'Cust', customerId: null, service, description: null, quantity: 1, unit: null,
    unitPrice: null, amount, reportId: `r-${receivedAt}`, includeCustomerIds: false, receivedAt,
  };
}

/** The billing rows in Redis: one write of several tenants (one pipeline per tenant's slot), newest download wins. */
describe.each(REDIS_TARGETS)('billing store ($name)', (target) => {
  let redis: RedisStore;
  const prefix = `at:test-billing-${randomUUID()}:`;

  beforeAll(async () => {
    redis = await target.connect();
  });
  afterAll(async () => {
    await deleteWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('writes rows of several tenants in one call, keeps the newest download, and reads a tenant\'s days', async () => {
    const store = new BillingStore(redis, storeKeys(prefix), 400_000_000_000);
    const tenants = Array.from({ length: 6 }, (_, i) => `tenant-${i}`);
    const rows = tenants.flatMap((tenant) => [billing(tenant, '2025-01-06', 'calls', 10), billing(tenant, '2025-01-07', 'sms', 10)]);
    expect(await store.write(rows)).toEqual({ written: 12, stale: 0 });
    expect(await store.write([billing('tenant-1', '2025-01-06', 'calls', 5, 99), billing('tenant-2', '2025-01-06', 'calls', 20, 7)])).toEqual({ written: 1, stale: 1 });
    expect((await store.read('tenant-1', 'acct', '2025-01-06', '2025-01-08')).map((r) => [r.date, r.service, r.amount])).toEqual([['2025-01-06', 'calls', 1], ['2025-01-07', 'sms', 1]]);
    expect((await store.read('tenant-2', 'acct', '2025-01-06', '2025-01-07')).map((r) => r.amount)).toEqual([7]);
  });
});
