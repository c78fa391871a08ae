import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/**
 * Expects `url` to answer exactly what it answers with a match-all filter added (`&intervalStart=*`), which forces
 * every row to be formatted before sorting and paging: the same status, X-Total-Count and rows.
 */
export async function expectSameAsFullyFormatted(app: FastifyInstance, url: string): Promise<void> {
  const [fast, full] = await Promise.all([app.inject(url), app.inject(`${url}&intervalStart=*`)]);
  expect(fast.statusCode, fast.body).toBe(200);
  expect(fast.headers['x-total-count'], url).toBe(full.headers['x-total-count']);
  expect(JSON.parse(fast.body), url).toEqual(JSON.parse(full.body));
}
