// The board's firing alerts: kept from the snapshot's `alerts` and the `alert` events of GET /board/events, shown in a
// panel above the agents (rule, agent, state, how long it has fired) and as a marker on the agent's row.

import { formatDuration, shown } from './agent-state.js';

/** @typedef {{ id: string, status: 'firing' | 'resolved', ruleId: string, ruleKind: string, agentId: string | null, userName: string | null, since: string, firedAt: string, userStatus: string | null, handlingStatus: string | null, reason: string | null, readyCount: number | null }} Alert */

export class FiringAlerts {
  /** @type {Map<string, Alert>} id → firing alert */
  #firing = new Map();
  /** False until a snapshot said whether the server keeps alerts (its `alerts` is null when it does not). */
  known = false;
  /**
   * Every alert event this page applied: its event id, the alert and its status, and when it arrived (the browser tests read it).
   * @type {{ id: string, alertId: string, status: string, receivedAt: number }[]}
   */
  received = [];

  /** @param {Alert[] | null} alerts the snapshot's firing alerts, null: this server keeps none */
  reset(alerts) {
    this.#firing.clear();
    this.known = alerts !== null;
    for (const alert of alerts ?? []) this.#firing.set(alert.id, alert);
  }

  /** @param {Alert} alert a transition: a firing one is added, a resolved one removed @param {string} eventId */
  apply(alert, eventId) {
    if (alert.status === 'firing') this.#firing.set(alert.id, alert);
    else this.#firing.delete(alert.id);
    this.received.push({ id: eventId, alertId: alert.id, status: alert.status, receivedAt: Date.now() });
    if (this.received.length > 1000) this.received.splice(0, this.received.length - 1000);
  }

  /** @param {string} userId @returns {Alert[]} */
  forAgent(userId) {
    return [...this.#firing.values()].filter((alert) => alert.agentId === userId);
  }

  /** @returns {Alert[]} oldest episode first */
  list() {
    return [...this.#firing.values()].sort((a, b) => Date.parse(a.since) - Date.parse(b.since) || a.id.localeCompare(b.id));
  }
}

/** What the alert is about, in a few words. @param {Alert} alert */
export function alertSubject(alert) {
  if (alert.agentId === null) return alert.readyCount === null ? 'the tenant' : `${alert.readyCount} agents Ready`;
  const state = [alert.userStatus, alert.handlingStatus].filter((s) => s !== null).join(' · ');
  return `${shown(alert.userName ?? alert.agentId)}${state === '' ? '' : ` in ${state}`}${alert.reason === null ? '' : ` (${alert.reason})`}`;
}

/**
 * Draws the panel into `box`: nothing known (the server keeps no alerts), none firing, or one line per alert with the
 * time since its episode began, ticking with `now` (the server's clock).
 * @param {HTMLElement} box @param {FiringAlerts} alerts @param {number} now
 */
export function renderAlerts(box, alerts, now) {
  const list = alerts.list();
  box.dataset.count = String(list.length);
  box.hidden = !alerts.known;
  if (!alerts.known) return;
  if (list.length === 0) {
    box.replaceChildren(Object.assign(document.createElement('span'), { className: 'muted', textContent: 'No alert is firing.' }));
    return;
  }
  box.replaceChildren(
    Object.assign(document.createElement('strong'), { textContent: `${list.length} firing` }),
    ...list.map((alert) => {
      const item = document.createElement('div');
      item.className = 'alert';
      item.dataset.alertId = alert.id;
      item.dataset.ruleId = alert.ruleId;
      if (alert.agentId !== null) item.dataset.userId = alert.agentId;
      item.append(
        Object.assign(document.createElement('b'), { textContent: alert.ruleId }),
        ` ${alertSubject(alert)} for `,
        Object.assign(document.createElement('span'), { className: 'time', textContent: formatDuration(now - Date.parse(alert.since)) }),
      );
      item.title = `firing since ${alert.firedAt}; episode began ${alert.since}; id ${alert.id}`;
      return item;
    }),
  );
}
