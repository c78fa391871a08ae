/**
 * Property: the batch replay (`replay()` with `directContacts`, which the re-processor uses to recompute old days)
 * joins the routed direct contacts exactly as the live engine does. The same raw input (agentStatusHistory rows and
 * the direct contacts routed from raw.sinch.contacts, as the raw topic's decoder hands them to the adapter) goes
 * through the live TimelineEngine (contacts arriving at random points: before their run, while it runs, after its
 * windows are final, twice; snapshot/restore in between) and through `replay()`; the latest emission of every
 * window equals the replay's row in every metric field, the four Direct fields included, and those equal an
 * independent oracle computed from the calls' own times. Call lengths collide on purpose (several contacts can match
 * one run), so the tie rule is exercised in both paths.
 *
 * Can it fail? Verified while developing: dropping `directContacts: true` from the replay (the Direct fields are then
 * null) fails on the first run; so does a WindowAccumulator.addRun that ignores the contacts (Direct 0).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { fcParams } from '../properties/support.ts';
import type { Call, Raw } from './direct-raw.ts';
import { historyRow, routedContact } from './direct-raw.ts';

const MIN = 60_000;
const QH = 15 * MIN;
const T0 = Date.UTC(2026, 10, 30, 8, 0);
const config = { tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 24 * 60 * MIN, directContacts: true };

/** The oracle: per user and quarter-hour start, [callInDirect ms, count, callOutDirect ms, count], from the calls' own times. */
function oracle(calls: readonly { userId: string; call: Call }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const cell = (key: string): number[] => {
    let v = out.get(key);
    if (v === undefined) out.set(key, (v = [0, 0, 0, 0]));
    return v;
  };
  for (const { userId, call } of calls) {
    if (!call.direct) continue;
    const offset = call.inbound ? 0 : 2;
    for (let at = call.connect; at < call.disconnect; ) {
      const start = at - (at % QH);
      const end = Math.min(call.disconnect, start + QH);
      cell(`${userId}@${start}`)[offset]! += end - at;
      at = end;
    }
    const last = call.disconnect - 1;
    cell(`${userId}@${last - (last % QH)}`)[offset + 1]! += 1;
  }
  return out;
}

const plan = fc.record({
  inbound: fc.boolean(),
  gap: fc.integer({ min: 1, max: 20 * MIN }),
  dial: fc.integer({ min: 1, max: 60_000 }),
  // few distinct lengths: runs of one user often have the same length, so one contact can match several runs
  talkMs: fc.constantFrom(60_000, 90_000, 17 * MIN, 4 * MIN + 1),
  wrap: fc.integer({ min: 0, max: 5 * MIN }),
  direct: fc.boolean(),
  lag: fc.integer({ min: 0, max: 299_000 }),
  arrivesAt: fc.integer({ min: 0, max: 40 }),
});

const DIRECT: MetricField[] = ['callInDirectDuration', 'countOfHandledCallInDirect', 'callOutDirectDuration', 'countOfHandledCallOutDirect'];

describe('direct contacts: live engine vs batch replay (property)', () => {
  it('the same raw history and routed contacts give the same metrics, Direct included, per window, live and in the batch replay', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(plan, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.integer({ min: 1, max: 39 }), { nil: null }),
        (users, stepMinutes, restoreAt) => {
          const history: Raw[] = [];
          const calls: { userId: string; call: Call }[] = [];
          let end = T0;
          users.forEach((plans, u) => {
            const userId = `u${u}`;
            const sessionId = `s-${userId}`;
            history.push(historyRow(sessionId, userId, T0, 'userStatus', 'Ready'), historyRow(sessionId, userId, T0, 'status', 'Waiting'));
            let t = T0 + 30_000;
            plans.forEach((p, i) => {
              const start = t + p.gap;
              const connect = p.inbound ? start : start + p.dial;
              const disconnect = connect + p.talkMs;
              const call: Call = { contactId: `${userId}-c${i}`, inbound: p.inbound, start, connect, disconnect, afterworkEnd: disconnect + p.wrap + 1, direct: p.direct, lag: p.lag, arrivesAt: p.arrivesAt };
              if (p.inbound) history.push(historyRow(sessionId, userId, start, 'status', 'Talking_Inbound'));
              else history.push(historyRow(sessionId, userId, start, 'status', 'Dialing_Outbound'), historyRow(sessionId, userId, connect, 'status', 'Talking_Outbound'));
              history.push(historyRow(sessionId, userId, disconnect, 'status', 'Wrap'), historyRow(sessionId, userId, call.afterworkEnd, 'status', 'Waiting'));
              calls.push({ userId, call });
              t = call.afterworkEnd;
            });
            history.push(historyRow(sessionId, userId, t + MIN, 'userStatus', 'LoggedOut'));
            end = Math.max(end, t + MIN);
          });
          const contactsAt = (step: number): Raw[] => calls.filter((c) => c.call.direct && c.call.arrivesAt === step).map((c) => routedContact(c.userId, c.call));
          const steps = 40;
          const finalWatermark = end + 30 * 60 * MIN;

          // live: the history first, contacts as they come, watermarks in steps
          let engine = new TimelineEngine(config);
          for (const record of history) expect(engine.ingestRecord(record, sinchAgentStatusHistoryAdapter)).toBeNull();
          for (const record of contactsAt(0)) expect(engine.ingestRecord(record, sinchAgentStatusHistoryAdapter)).toBeNull();
          const last = new Map<string, QuarterHourEmission>();
          for (let step = 1; step <= steps + 1; step++) {
            if (restoreAt === step) engine = TimelineEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())), config);
            const arriving = contactsAt(step);
            for (const record of step === steps ? [...arriving, ...arriving] : arriving) expect(engine.ingestRecord(record, sinchAgentStatusHistoryAdapter)).toBeNull();
            const watermark = step > steps ? finalWatermark : T0 + step * stepMinutes * MIN;
            for (const e of engine.advanceWatermark(watermark)) if (e.type === 'window') last.set(`${e.window.userId}@${e.window.intervalStart}`, e.window);
          }

          // batch: every record once, in another order (contacts first)
          const direct = calls.filter((c) => c.call.direct).map((c) => routedContact(c.userId, c.call));
          const result = replay([...direct, ...history.slice().reverse()], sinchAgentStatusHistoryAdapter, { until: finalWatermark, directContacts: true });
          expect(result.rejected).toEqual({});
          const rows = new Map(result.rows.map((row) => [`${row.userId}@${Date.parse(row.intervalStart)}`, row]));

          // the oracle pairs each call with its own record; with equal lengths the documented join may pair them otherwise
          const ambiguous = users.some((plans) => new Set(plans.map((p) => p.talkMs)).size < plans.length);
          const expected = oracle(calls);
          const keys = new Set([...rows.keys(), ...last.keys(), ...expected.keys()]);
          for (const key of keys) {
            const live = last.get(key);
            const batch = rows.get(key);
            if (batch === undefined) {
              // a window without content: no row in batch, an all-zero emission (or none) live
              if (live !== undefined) for (const field of METRIC_FIELDS) expect([key, field, live.metrics[field] ?? 0]).toEqual([key, field, 0]);
            } else {
              expect(live, key).toBeDefined();
              for (const field of METRIC_FIELDS) expect([key, field, live?.metrics[field]]).toEqual([key, field, batch[field]]);
            }
            if (ambiguous) continue;
            const got = DIRECT.map((field) => (batch === undefined ? 0 : batch[field]));
            expect([key, ...got]).toEqual([key, ...(expected.get(key) ?? [0, 0, 0, 0])]);
          }
        },
      ),
      fcParams(150),
    );
  });

  it('without directContacts the replay publishes the Direct fields as null and ignores routed contacts; with it and no contact, they are 0', () => {
    const history = [
      historyRow('s', 'u', T0, 'userStatus', 'Ready'), historyRow('s', 'u', T0, 'status', 'Talking_Inbound'),
      historyRow('s', 'u', T0 + 60_000, 'status', 'Wrap'), historyRow('s', 'u', T0 + 60_001, 'status', 'Waiting'), historyRow('s', 'u', T0 + 2 * MIN, 'userStatus', 'LoggedOut'),
    ];
    const call: Call = { contactId: 'c', inbound: true, start: T0, connect: T0, disconnect: T0 + 60_000, afterworkEnd: T0 + 60_001, direct: true, lag: 500, arrivesAt: 0 };
    const off = replay([...history, routedContact('u', call)], sinchAgentStatusHistoryAdapter).rows;
    expect(off).toHaveLength(1);
    expect(off[0]).toMatchObject({ callInDuration: 60_000, countOfHandledCallIn: 1, callInDirectDuration: null, countOfHandledCallInDirect: null, callOutDirectDuration: null, countOfHandledCallOutDirect: null });
    const none = replay(history, sinchAgentStatusHistoryAdapter, { directContacts: true }).rows;
    expect(none[0]).toMatchObject({ callInDirectDuration: 0, countOfHandledCallInDirect: 0, callOutDirectDuration: 0, countOfHandledCallOutDirect: 0 });
    const on = replay([...history, routedContact('u', call)], sinchAgentStatusHistoryAdapter, { directContacts: true }).rows;
    expect(on[0]).toMatchObject({ callInDirectDuration: 60_000, countOfHandledCallInDirect: 1, callOutDirectDuration: 0, countOfHandledCallOutDirect: 0 });
    // the live engine alike: without directContacts a routed contact is refused and Direct is null
    const engine = new TimelineEngine({ ...config, directContacts: false });
    for (const record of history) expect(engine.ingestRecord(record, sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(routedContact('u', call), sinchAgentStatusHistoryAdapter)).toBe('direct-contacts-off');
    const windows = engine.advanceWatermark(T0 + 60 * MIN).flatMap((e) => (e.type === 'window' ? [e.window] : []));
    expect(windows[0]?.metrics).toMatchObject({ callInDuration: 60_000, callInDirectDuration: null, countOfHandledCallInDirect: null });
  });
});
