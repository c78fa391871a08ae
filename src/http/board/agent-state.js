// The board's view of one agent or one timeline segment: which state to colour it by, and since when. Pure.

/** The board states, in the order the counts show them. */
export const BOARD_STATES = ['Ready', 'Talking', 'Chatting', 'Emailing', 'Dialing', 'Preview', 'Wrap', 'Pause', 'NotReady', 'Unknown', 'LoggedOut'];

/**
 * The state an agent is shown in: a contact in progress wins over presence (an agent on a call while in Pause is
 * Talking); then presence; `Unknown` when the source cannot tell (HostedSuite between contacts).
 * @param {{ loggedIn?: boolean, userStatus?: string | null, handlingStatus?: string | null }} agent
 */
export function boardState(agent) {
  if (agent.loggedIn === false || agent.userStatus === 'LoggedOut' || agent.handlingStatus === 'LoggedOut') return 'LoggedOut';
  const handling = agent.handlingStatus ?? '';
  const contact = /^(Talking|Chatting|Emailing)_/.exec(handling);
  if (contact !== null) return contact[1];
  if (handling.startsWith('Dialing_')) return 'Dialing';
  if (handling === 'Preview') return 'Preview';
  if (handling === 'Wrap') return 'Wrap';
  if (agent.userStatus === 'Pause') return 'Pause';
  if (agent.userStatus === 'NotReady') return 'NotReady';
  if (agent.userStatus === 'Ready' && handling === 'Waiting') return 'Ready';
  return 'Unknown';
}

/**
 * The board state of a `/board/events` agent row (RAI `/agentStatus` names).
 * @param {Record<string, unknown>} row
 */
export function rowState(row) {
  return boardState({ loggedIn: row.loggedIn !== false, userStatus: /** @type {string|null} */ (row.userStatus ?? null), handlingStatus: /** @type {string|null} */ (row.contactHandlingStatus ?? null) });
}

/**
 * When the agent entered its board state (epoch ms), or null when the source does not say: a contact state counts
 * from the handling status, presence states from the user status, Ready from the later of both.
 * @param {Record<string, unknown>} row
 */
export function stateSince(row) {
  const user = typeof row.userStatusSince === 'string' ? Date.parse(row.userStatusSince) : null;
  const handling = typeof row.contactHandlingStatusSince === 'string' ? Date.parse(row.contactHandlingStatusSince) : null;
  const state = rowState(row);
  if (state === 'Talking' || state === 'Chatting' || state === 'Emailing' || state === 'Dialing' || state === 'Preview' || state === 'Wrap') return handling;
  if (state === 'Ready') return user === null || handling === null ? null : Math.max(user, handling);
  return user;
}

/**
 * `h:mm:ss` (or `m:ss` under an hour) of a duration in ms; `unknown` for null, never 0.
 * @param {number | null} ms
 */
export function formatDuration(ms) {
  if (ms === null || !Number.isFinite(ms)) return 'unknown';
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** The sources whose state records name the outbound campaign (docs/metrics.md): for them, no campaign is known to be none. */
const CAMPAIGN_SOURCES = new Set(['sinch-rai']);

/**
 * The campaign of an agent row for display: its id; `none` when its source reports campaigns and names none;
 * `unknown` when the source cannot tell.
 * @param {Record<string, unknown>} row
 */
export function campaignOf(row) {
  if (typeof row.campaignId === 'string' && row.campaignId !== '') return row.campaignId;
  return CAMPAIGN_SOURCES.has(String(row.source)) ? 'none' : 'unknown';
}

/**
 * A field for display: `unknown` when the source did not supply it (absent or null), never 0 or blank.
 * @param {unknown} value
 */
export function shown(value) {
  return value === null || value === undefined || value === '' ? 'unknown' : String(value);
}

/**
 * A server clock seen through events that carry `serverTime`: `now()` extrapolates from the last sample at the rate
 * the server clock has been running relative to this browser's (1 in production; faster in the demo, whose clock is
 * simulated).
 */
export class ServerClock {
  constructor() {
    /** @type {{ server: number, local: number }[]} */
    this.samples = [];
  }

  /** @param {number} server @param {number} local */
  observe(server, local) {
    this.samples.push({ server, local });
    while (this.samples.length > 2 && local - this.samples[1].local >= 5_000) this.samples.shift();
  }

  /** @param {number} local */
  rate(local) {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.local - first.local < 2_000) return 1;
    void local;
    const rate = (last.server - first.server) / (last.local - first.local);
    return Number.isFinite(rate) && rate > 0 ? Math.min(rate, 10_000) : 1;
  }

  /** @param {number} local */
  now(local) {
    const last = this.samples[this.samples.length - 1];
    return last === undefined ? local : last.server + (local - last.local) * this.rate(local);
  }
}
