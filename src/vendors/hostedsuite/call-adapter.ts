import type { AgentEvent, AgentEventAttributes } from '../../core/events/agent-event.ts';
import { createAgentEvent } from '../../core/events/agent-event.ts';
import type { WorkingHandlingStatus } from '../../core/events/status.ts';
import { CODE_LOGGED_OUT, handlingStatusCode } from '../../core/events/status.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';
import { parseTimestamp } from '../../core/time/timestamp.ts';
import { parseLocalTime } from './local-time.ts';

type Raw = Readonly<Record<string, unknown>>;

const TALKING: Readonly<Record<string, WorkingHandlingStatus>> = { Incoming: 'Talking_Inbound', Outgoing: 'Talking_Outbound' };

function seconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function position(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The instants of the record's Answer and last Hangup interactions (null where absent); undefined when the text is not an interaction list. */
function interactionTimes(text: unknown, zone: string): { answer: number | null; hangup: number | null } | undefined {
  if (text === null || text === undefined || text === '') return { answer: null, hangup: null };
  if (typeof text !== 'string') return undefined;
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  let answer: number | null = null;
  let hangup: number | null = null;
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { StartTime: start, Type: type } = item as Raw;
    if (type !== 'Answer' && type !== 'Hangup') continue;
    const at = typeof start === 'string' ? parseLocalTime(start, zone) : null;
    if (at === null) return undefined;
    if (type === 'Answer' && answer === null) answer = at;
    if (type === 'Hangup') hangup = at;
  }
  return { answer, hangup };
}

/** 15 digits: versions of one call sort by vendorPoll as text. */
const VERSION_DIGITS = 15;

/**
 * Maps one HostedSuite call record (schemas/hostedsuite-call-record.avsc, as unknown JSON) onto handling events of
 * the agent who answered it (`agentKey`). HostedSuite has no presence: no user-status event is ever produced, and the
 * engine counts the handling of a presence-unknown source (source-profiles.ts) with every presence field null.
 *
 * - Talk from the Answer interaction (else StartTime + ring) to the last Hangup (else answer + talk + hold +
 *   transfer): Talking_Inbound or Talking_Outbound by `Type`. Hold and transfer lie inside it (the canonical model has
 *   no hold state): they are handling time of the call.
 * - After-call work [Hangup, Hangup + WorkTimeInSeconds) is Wrap; the session ends (LoggedOut) at its end, or at the
 *   Hangup without work.
 * - One session per VERSION of a call: `sessionId = Id|vendorPoll` (zero-padded). `vendorPoll` is the end of the
 *   range of the poll that published the version (incremental-poller.ts); it grows from poll to poll and the poller
 *   publishes a call again only when its content changed, so a later version (a later WorkTime) is a new session with
 *   the same start and a greater id, and the engine's rule "a newer session of the user ends the older one"
 *   (session-bounds.ts) ends the old version at its start: it counts nothing, and the windows it touched are
 *   corrected to the new version's values. The version must come from the record itself: the processor's decoder
 *   drops the envelope (`receivedAt`, `pollId`, …: raw-record-decoder.ts), and two versions with one sessionId would
 *   be one session whose later events fall after its LoggedOut and count nothing. Ring time counts nowhere.
 * - A correction is accepted while its Answer is not older than watermark − lateness − correction horizon; an older
 *   one is rejected `too-late` by the engine (dead-lettered by the processor, counted), never merged silently.
 * - eventTime = changeTime (the record has no recording time); the poll position orders equal instants.
 *
 * Never throws; checks in a fixed order: `not-an-object`, `missing-Id`, `missing-agentKey`, `unknown-call-type`,
 * `bad-startTimeUtc`, `bad-durations`, `bad-interactions`, `hangup-before-answer`, `missing-vendorPoll`.
 */
export function adaptHostedSuiteCall(input: unknown): AdaptResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { rejection: 'not-an-object' };
  const raw = input as Raw;
  const id = raw['Id'];
  if (typeof id !== 'string' || id === '') return { rejection: 'missing-Id' };
  const agentKey = raw['agentKey'];
  if (typeof agentKey !== 'string' || agentKey === '') return { rejection: 'missing-agentKey' };
  const talking = typeof raw['Type'] === 'string' ? TALKING[raw['Type']] : undefined;
  if (talking === undefined) return { rejection: 'unknown-call-type' };
  const start = typeof raw['startTimeUtc'] === 'string' ? parseTimestamp(raw['startTimeUtc']) : Number.NaN;
  if (Number.isNaN(start)) return { rejection: 'bad-startTimeUtc' };
  const ring = seconds(raw['RingTimeInSeconds'] ?? 0);
  const talk = seconds(raw['TalkTimeInSeconds'] ?? 0);
  const hold = seconds(raw['HoldTimeInSeconds'] ?? 0);
  const transfer = seconds(raw['TransferTimeInSeconds'] ?? 0);
  const work = seconds(raw['WorkTimeInSeconds'] ?? 0);
  if (ring === null || talk === null || hold === null || transfer === null || work === null) return { rejection: 'bad-durations' };
  const zone = typeof raw['timeZone'] === 'string' ? raw['timeZone'] : 'UTC';
  const placed = interactionTimes(raw['Interactions'], zone);
  if (placed === undefined) return { rejection: 'bad-interactions' };
  const answer = placed.answer ?? start + Math.round(ring * 1000);
  const hangup = placed.hangup ?? answer + Math.round((talk + hold + transfer) * 1000);
  if (hangup < answer) return { rejection: 'hangup-before-answer' };
  const workMs = Math.round(work * 1000);

  const poll = position(raw['vendorPoll']);
  if (poll === undefined) return { rejection: 'missing-vendorPoll' };
  const row = position(raw['vendorRow']);
  const vendor: AgentEventAttributes = row === undefined ? {} : { vendorPoll: poll, vendorRow: row };
  const sessionId = `${id}|${String(poll).padStart(VERSION_DIGITS, '0')}`;
  const at = (time: number, value: WorkingHandlingStatus | 'LoggedOut'): AgentEvent =>
    createAgentEvent(
      { sessionId, userId: agentKey, userName: agentKey, eventTime: time, changeTime: time, kind: 'handling', value, code: value === 'LoggedOut' ? CODE_LOGGED_OUT : (handlingStatusCode(value) as number) },
      vendor,
    );
  const events = [at(answer, talking)];
  if (workMs > 0) events.push(at(hangup, 'Wrap'));
  events.push(at(hangup + workMs, 'LoggedOut'));
  return { events };
}

/** The HostedSuite call-record adapter (raw topic raw.hostedsuite.calls). Its event times are its changeTimes, so `limits` never reject. */
export const hostedSuiteCallAdapter: SourceAdapter = {
  source: 'hostedsuite',
  adapt: (record) => adaptHostedSuiteCall(record),
};
