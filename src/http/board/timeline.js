// The timeline view: the chosen agents' segments of one local day (GET /agents/{id}/timeline), their ongoing state
// (GET /agentStatus) and their quarter-hour statistics and day totals (GET /agentStatistic), in a chosen time zone.

import { getJson, tenant } from './api.js';
import { BOARD_STATES } from './agent-state.js';
import { statisticsTable } from './statistics-table.js';
import { isZone, localDate, localDayStart, nextDate } from './time-zones.js';
import { instantAt, timelineSvg } from './timeline-svg.js';

const params = new URLSearchParams(location.search);
const $ = (id) => /** @type {any} */ (document.getElementById(id));

const state = {
  users: (params.get('user') ?? '').split(',').map((u) => u.trim()).filter((u) => u !== ''),
  zone: params.get('tz') && isZone(params.get('tz')) ? params.get('tz') : Intl.DateTimeFormat().resolvedOptions().timeZone,
  day: params.get('date') ?? '',
  /** @type {{ from: number, to: number }} */
  view: { from: 0, to: 0 },
  dayStart: 0,
  dayEnd: 0,
  /** @type {Record<string, any>[]} */
  rows: [],
  /** @type {Map<string, string>} */
  names: new Map(),
};

function syncUrl() {
  const next = new URLSearchParams();
  if (state.users.length > 0) next.set('user', state.users.join(','));
  if (tenant !== '') next.set('tenant', tenant);
  next.set('date', state.day);
  next.set('tz', state.zone);
  history.replaceState(null, '', `?${next}`);
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = message === '';
}

async function loadAgents() {
  const status = await getJson('/agentStatus?sort=userName&limit=10000');
  for (const row of status) state.names.set(row.userId, row.userName);
  const select = $('agent-add');
  select.replaceChildren(new Option('add an agent…', ''), ...status.map((row) => new Option(`${row.userName}`, row.userId)));
  return status;
}

/** @param {Record<string, any>[]} status the /agentStatus rows */
async function load(status) {
  syncUrl();
  state.dayStart = localDayStart(state.day, state.zone);
  state.dayEnd = localDayStart(nextDate(state.day), state.zone);
  state.view = { from: state.dayStart, to: state.dayEnd };
  $('zoom').value = '1440';
  renderAgentList();
  if (state.users.length === 0) {
    state.rows = [];
    draw();
    $('stats').replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Choose an agent.' }));
    return;
  }
  const range = `startTime=${new Date(state.dayStart).toISOString()}&endTime=${new Date(state.dayEnd).toISOString()}`;
  const ids = state.users.map(encodeURIComponent).join(',');
  const [timelines, quarterHours, days] = await Promise.all([
    Promise.all(state.users.map((user) => getJson(`/agents/${encodeURIComponent(user)}/timeline?${range}`).catch((error) => ({ userId: user, userName: user, segments: [], error: String(error.message ?? error) })))),
    getJson(`/agentStatistic?${range}&timeCategory=quarterHour&timeZone=${encodeURIComponent(state.zone)}&userId=${ids}&limit=10000&sort=intervalStart`).catch(() => []),
    getJson(`/agentStatistic?${range}&timeCategory=day&timeZone=${encodeURIComponent(state.zone)}&userId=${ids}&limit=10000`).catch(() => []),
  ]);
  showError(timelines.filter((t) => t.error).map((t) => `${t.userId}: ${t.error}`).join('\n'));
  state.rows = timelines.map((timeline) => {
    const segments = timeline.segments.map((s) => ({ ...s, start: Date.parse(s.start), end: Date.parse(s.end) }));
    // the ongoing state: from its latest change up to when the processor computed it (asOf), drawn lighter
    const current = status.find((row) => row.userId === timeline.userId);
    if (current !== undefined && current.loggedIn !== false) {
      const start = Date.parse(current.changeTimestamp);
      const end = Math.min(Math.max(Date.parse(current.asOf), start), state.dayEnd);
      if (start < state.dayEnd && end > state.dayStart) {
        segments.push({ start, end, userStatus: current.userStatus, handlingStatus: current.contactHandlingStatus ?? 'Unknown', profile: current.profile ?? null, profileReason: current.profileReason ?? null, campaignId: current.campaignId ?? null, open: true });
      }
    }
    return { userId: timeline.userId, userName: timeline.userName ?? state.names.get(timeline.userId) ?? timeline.userId, segments };
  });
  draw();
  const stats = $('stats');
  stats.replaceChildren(...state.rows.flatMap((row) => {
    const heading = Object.assign(document.createElement('h2'), { textContent: `${row.userName}: quarter-hours (${state.zone})` });
    heading.style.fontSize = '1rem';
    const mine = quarterHours.filter((q) => q.userId === row.userId);
    return [heading, statisticsTable(mine, days.find((d) => d.userId === row.userId), state.zone)];
  }));
}

function draw() {
  const chart = $('chart');
  const width = Math.max(480, chart.clientWidth || 900);
  chart.replaceChildren(timelineSvg(state.rows, state.view.from, state.view.to, state.zone, width));
}

/** Sets the visible span to `minutes`, kept within the day, around `center`. */
function zoomTo(minutes, center = (state.view.from + state.view.to) / 2) {
  const span = Math.min(minutes * 60_000, state.dayEnd - state.dayStart);
  let from = Math.round(center - span / 2);
  from = Math.max(state.dayStart, Math.min(from, state.dayEnd - span));
  state.view = { from, to: from + span };
  draw();
}

function pan(fraction) {
  const span = state.view.to - state.view.from;
  zoomTo(span / 60_000, (state.view.from + state.view.to) / 2 + fraction * span);
}

function renderAgentList() {
  const list = $('agent-list');
  list.replaceChildren(...state.users.map((user) => {
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.textContent = `${state.names.get(user) ?? user} ✕`;
    chip.title = 'remove';
    chip.onclick = () => {
      state.users = state.users.filter((u) => u !== user);
      void refresh();
    };
    return chip;
  }));
}

let status = [];
async function refresh() {
  try {
    await load(status);
  } catch (error) {
    showError(String(error.message ?? error));
  }
}

async function start() {
  $('tenant-name').textContent = tenant === '' ? '' : `· ${tenant}`;
  if (tenant !== '') $('board-link').href = `/?tenant=${encodeURIComponent(tenant)}`;
  $('legend').replaceChildren(...BOARD_STATES.map((s) => {
    const span = Object.assign(document.createElement('span'), { textContent: s });
    span.style.setProperty('--state-colour', `var(--${s})`);
    return span;
  }));
  if (state.day === '') state.day = localDate(Date.now(), state.zone);
  $('day').value = state.day;
  $('zone').value = state.zone;
  $('day').onchange = () => { state.day = $('day').value; void refresh(); };
  $('zone').onchange = () => {
    const zone = $('zone').value.trim();
    if (!isZone(zone)) return showError(`Unknown time zone: ${zone}`);
    state.zone = zone;
    void refresh();
  };
  $('zoom').onchange = () => zoomTo(Number($('zoom').value));
  $('earlier').onclick = () => pan(-0.5);
  $('later').onclick = () => pan(0.5);
  $('agent-add').onchange = () => {
    const user = $('agent-add').value;
    if (user !== '' && !state.users.includes(user)) state.users.push(user);
    $('agent-add').value = '';
    void refresh();
  };
  const chart = $('chart');
  chart.addEventListener('wheel', (event) => {
    event.preventDefault();
    const rect = chart.getBoundingClientRect();
    const at = instantAt(event.clientX - rect.left, state.view.from, state.view.to, rect.width);
    const minutes = ((state.view.to - state.view.from) / 60_000) * (event.deltaY > 0 ? 1.5 : 1 / 1.5);
    zoomTo(Math.max(5, minutes), at);
  }, { passive: false });
  let drag = null;
  chart.addEventListener('pointerdown', (event) => { drag = { x: event.clientX, view: { ...state.view } }; });
  window.addEventListener('pointerup', () => { drag = null; });
  chart.addEventListener('pointermove', (event) => {
    if (drag === null) return;
    const span = drag.view.to - drag.view.from;
    const shift = ((drag.x - event.clientX) / Math.max(1, chart.clientWidth - 178)) * span;
    const from = Math.max(state.dayStart, Math.min(drag.view.from + shift, state.dayEnd - span));
    state.view = { from, to: from + span };
    draw();
  });
  window.addEventListener('resize', draw);
  try {
    status = await loadAgents();
  } catch (error) {
    showError(`Cannot read the agents: ${error.message ?? error}. If the API needs a token, enter it on the board first.`);
  }
  await refresh();
  document.body.dataset.loaded = 'true';
}

void start();
