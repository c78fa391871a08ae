// The live board: every agent of the tenant from GET /board/events, filtered and counted per state, time in state ticking.

import { setToken, tenant, token } from './api.js';
import { BOARD_STATES, campaignOf, formatDuration, rowState, ServerClock, shown, stateSince } from './agent-state.js';
import { openLiveEvents } from './live-events.js';
import { FiringAlerts, renderAlerts } from './board-alerts.js';

/** @type {Map<string, Record<string, any>>} userId → latest agent row */
const agents = new Map();
/** @type {Map<string, number>} userId → when this page received the agent's latest change (epoch ms, this browser) */
const receivedAt = new Map();
const clock = new ServerClock();
/**
 * The last changes this page applied, with when it received them (for diagnostics: the browser tests read it to
 * measure how long a change took from the processor's commit to the page).
 * @type {{ id: string, userId: string, asOf: string, receivedAt: number }[]}
 */
const received = [];
Object.defineProperty(window, 'boardReceived', { value: received });
const alerts = new FiringAlerts();
Object.defineProperty(window, 'boardAlerts', { value: alerts.received });
const filters = { state: '', reason: '', name: '', search: '' };

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const tbody = /** @type {HTMLTableSectionElement} */ (document.querySelector('#agents tbody'));

/** @param {Record<string, any>} row */
function reasonOf(row) {
  if (row.profile === undefined || row.profile === null) return null;
  return row.profileReason && row.profileReason !== 'NONE' ? `${row.profile} (${row.profileReason})` : row.profile;
}

/** @param {Record<string, any>} row */
function matches(row) {
  if (filters.state !== '' && rowState(row) !== filters.state) return false;
  if (filters.reason !== '' && (row.profile ?? '') !== filters.reason) return false;
  if (filters.name !== '' && !String(row.userName ?? '').toLowerCase().includes(filters.name)) return false;
  if (filters.search !== '') {
    const text = [row.userName, row.userId, rowState(row), row.userStatus, row.contactHandlingStatus, row.profile, row.profileReason, row.campaignId, row.source].join(' ').toLowerCase();
    if (!text.includes(filters.search)) return false;
  }
  return true;
}

/** @param {string} text @param {string} [className] */
function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** A value cell that shows `unknown` (styled) when the source did not supply it. */
function valueCell(value) {
  const text = shown(value);
  return cell(text, text === 'unknown' ? 'unknown' : '');
}

function renderCounts() {
  const counts = new Map(BOARD_STATES.map((state) => [state, 0]));
  for (const row of agents.values()) counts.set(rowState(row), (counts.get(rowState(row)) ?? 0) + 1);
  const box = $('counts');
  box.replaceChildren(...BOARD_STATES.filter((state) => (counts.get(state) ?? 0) > 0 || state === filters.state).map((state) => {
    const button = document.createElement('button');
    button.className = 'count';
    button.dataset.state = state;
    button.style.background = `var(--${state})`;
    button.setAttribute('aria-pressed', String(filters.state === state));
    button.append(state, Object.assign(document.createElement('b'), { textContent: String(counts.get(state) ?? 0) }));
    button.onclick = () => {
      filters.state = filters.state === state ? '' : state;
      /** @type {HTMLSelectElement} */ ($('filter-state')).value = filters.state;
      render();
    };
    return button;
  }));
}

function renderReasonOptions() {
  const select = /** @type {HTMLSelectElement} */ ($('filter-reason'));
  const reasons = [...new Set([...agents.values()].map((row) => row.profile).filter((p) => typeof p === 'string'))].sort();
  // rebuilt only when the reasons change, so an open menu is not closed by every update
  if (select.dataset.reasons === JSON.stringify(reasons)) return;
  select.dataset.reasons = JSON.stringify(reasons);
  const current = select.value;
  select.replaceChildren(new Option('all', ''), ...reasons.map((reason) => new Option(reason, reason)));
  select.value = reasons.includes(current) ? current : '';
  filters.reason = select.value;
}

function render() {
  renderCounts();
  renderReasonOptions();
  const rows = [...agents.values()].filter(matches).sort((a, b) => String(a.userName).localeCompare(String(b.userName)) || String(a.userId).localeCompare(String(b.userId)));
  tbody.replaceChildren(...rows.map((row) => {
    const state = rowState(row);
    const tr = document.createElement('tr');
    tr.className = 'agent';
    tr.dataset.userId = row.userId;
    tr.dataset.state = state;
    tr.dataset.receivedAt = String(receivedAt.get(row.userId) ?? '');
    tr.dataset.asOf = row.asOf;
    const firing = alerts.forAgent(row.userId);
    tr.dataset.alerts = String(firing.length);
    if (firing.length > 0) tr.classList.add('alerting');
    tr.style.setProperty('--state-colour', `var(--${state})`);
    const name = document.createElement('td');
    const link = document.createElement('a');
    link.href = `/timeline.html?user=${encodeURIComponent(row.userId)}${tenant === '' ? '' : `&tenant=${encodeURIComponent(tenant)}`}`;
    link.textContent = shown(row.userName);
    name.append(link);
    if (firing.length > 0) name.append(Object.assign(document.createElement('span'), { className: 'alert-mark', textContent: ' ⚠', title: firing.map((alert) => alert.ruleId).join(', ') }));
    const badge = document.createElement('td');
    badge.append(Object.assign(document.createElement('span'), { className: `badge ${state}`, textContent: state }));
    const presence = row.loggedIn === false ? 'LoggedOut' : row.userStatus === 'Unknown' ? null : row.userStatus;
    tr.append(name, badge, valueCell(presence), valueCell(row.loggedIn === false ? 'LoggedOut' : row.contactHandlingStatus), valueCell(reasonOf(row)), valueCell(campaignOf(row)), cell('', 'time'), valueCell(row.source));
    return tr;
  }));
  $('shown-count').textContent = `${rows.length} of ${agents.size} agents`;
  tick();
}

function tick() {
  const now = clock.now(Date.now());
  renderAlerts($('alerts'), alerts, now);
  for (const tr of tbody.rows) {
    const row = agents.get(tr.dataset.userId ?? '');
    if (row === undefined) continue;
    const since = stateSince(row);
    const td = /** @type {HTMLTableCellElement} */ (tr.cells[6]);
    td.textContent = formatDuration(since === null ? null : now - since);
    td.classList.toggle('unknown', since === null);
  }
}

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

/** @param {string} type @param {any} data @param {string} id */
function onEvent(type, data, id) {
  if (typeof data?.serverTime === 'string') clock.observe(Date.parse(data.serverTime), Date.now());
  if (type === 'snapshot') {
    agents.clear();
    for (const row of data.agents) agents.set(row.userId, row);
    alerts.reset(data.alerts ?? null);
    $('error').hidden = true;
    scheduleRender();
  } else if (type === 'agent') {
    const row = data.agent;
    const known = agents.get(row.userId);
    if (known !== undefined && Date.parse(known.asOf) > Date.parse(row.asOf)) return;
    agents.set(row.userId, row);
    receivedAt.set(row.userId, Date.now());
    received.push({ id, userId: row.userId, asOf: row.asOf, receivedAt: Date.now() });
    if (received.length > 1000) received.splice(0, received.length - 1000);
    scheduleRender();
  } else if (type === 'alert') {
    alerts.apply(data.alert, id);
    scheduleRender();
  }
}

function start() {
  $('tenant-name').textContent = tenant === '' ? '' : `· ${tenant}`;
  if (tenant !== '') /** @type {HTMLAnchorElement} */ ($('timeline-link')).href = `/timeline.html?tenant=${encodeURIComponent(tenant)}`;
  const stateSelect = /** @type {HTMLSelectElement} */ ($('filter-state'));
  stateSelect.append(...BOARD_STATES.map((state) => new Option(state, state)));
  stateSelect.onchange = () => { filters.state = stateSelect.value; render(); };
  const reasonSelect = /** @type {HTMLSelectElement} */ ($('filter-reason'));
  reasonSelect.onchange = () => { filters.reason = reasonSelect.value; render(); };
  const name = /** @type {HTMLInputElement} */ ($('filter-name'));
  name.oninput = () => { filters.name = name.value.trim().toLowerCase(); render(); };
  const search = /** @type {HTMLInputElement} */ ($('search'));
  search.oninput = () => { filters.search = search.value.trim().toLowerCase(); render(); };
  const tokenInput = /** @type {HTMLInputElement} */ ($('token'));
  tokenInput.value = token();
  let close = connect();
  $('token-form').onsubmit = (event) => {
    event.preventDefault();
    setToken(tokenInput.value.trim());
    close();
    close = connect();
  };
  setInterval(tick, 1_000);
}

function connect() {
  return openLiveEvents({
    onEvent,
    onStatus: (status) => {
      const badge = $('connection');
      badge.dataset.status = status;
      badge.textContent = status;
      if (status === 'failed') {
        $('error').textContent = 'The API refused the event stream (a token may be needed, or it may not hold this tenant). Enter a token above, then Use.';
        $('error').hidden = false;
      }
    },
  });
}

start();
