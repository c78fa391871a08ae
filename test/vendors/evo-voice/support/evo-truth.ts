import type { TruthLine } from '../../../../src/core/truth/truth-line.ts';
import { billingLines, customersOf } from '../../../../src/vendors/evo-voice/simulator/model/billing.ts';
import type { EvoSimulatorOptions } from '../../../../src/vendors/evo-voice/simulator/index.ts';
import { truthLines, worldOf } from '../../../../src/vendors/evo-voice/simulator/index.ts';

/**
 * The contract's mapping of Evo states to presence × handling, written here apart from src/ (the adapter has its
 * own); LoggedOut has no truth line.
 */
const CANONICAL: Readonly<Record<string, { presence: string; handling: string } | null>> = {
  Ready: { presence: 'Ready', handling: 'Waiting' },
  NotReady: { presence: 'NotReady', handling: 'Waiting' },
  Other: { presence: 'NotReady', handling: 'Waiting' },
  Unknown: { presence: 'NotReady', handling: 'Waiting' },
  WrapUp: { presence: 'Ready', handling: 'Wrap' },
  Outgoing: { presence: 'Ready', handling: 'Talking_Outbound' },
  LoggedOut: null,
};

function utc(text: unknown): string | null {
  return text === null || text === undefined ? null : new Date(Date.parse(String(text))).toISOString();
}

/** A truth line as one comparable string. */
export function truthId(line: Pick<TruthLine, 'agentId' | 'agentName' | 'start' | 'end' | 'presence' | 'handling'>): string {
  return [line.agentId, line.agentName, line.start, line.end ?? 'open', line.presence ?? '-', line.handling ?? '-'].join('|');
}

/**
 * The truth lines a published raw agent-state row stands for (none for LoggedOut), times in UTC; a row with a state
 * the contract does not know yields a line that matches no truth.
 */
export function rowTruthIds(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const ids: string[] = [];
  for (const row of rows) {
    const state = String(row['state']);
    const canonical = state in CANONICAL ? CANONICAL[state] : { presence: `?${state}`, handling: '?' };
    if (canonical === null || canonical === undefined) continue;
    ids.push(truthId({ agentId: String(row['agentId']), agentName: String(row['agentName']), start: utc(row['startTime']) ?? '', end: utc(row['endTime']), presence: canonical.presence as TruthLine['presence'], handling: canonical.handling }));
  }
  return ids;
}

/** The simulator's truth export at its now (the same lines `simulate --export-truth` writes). */
export function expectedTruthIds(options: EvoSimulatorOptions, now: number): string[] {
  return truthLines(worldOf(options), now).map(truthId);
}

/** The simulator's billing lines of one date for its first account, as comparable strings. */
export function expectedBillingIds(options: EvoSimulatorOptions, date: string): string[] {
  const world = worldOf(options);
  const first = world.accounts[0];
  if (first === undefined) return [];
  return billingLines(options.seed, first.account, customersOf(options.seed, first.account), [date]).map((l) => [l.date, l.customerId, l.service, l.quantity, l.amount].join('|'));
}

export function billingIds(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  return rows.map((r) => [r['date'], r['customerId'], r['service'], r['quantity'], r['amount']].join('|'));
}

/** Values that occur more than once, expected values missing, and values not expected. */
export function compareIds(actual: readonly string[], expected: readonly string[]): { duplicates: string[]; missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const id of actual) counts.set(id, (counts.get(id) ?? 0) + 1);
  const want = new Set(expected);
  return {
    duplicates: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    missing: [...want].filter((id) => !counts.has(id)),
    extra: [...counts.keys()].filter((id) => !want.has(id)),
  };
}
