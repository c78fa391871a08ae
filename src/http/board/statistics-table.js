// The quarter-hour statistics of one agent and the day's totals, as a table. Unknown (null) is shown as "unknown".

import { formatDuration } from './agent-state.js';
import { localTime } from './time-zones.js';

/** The /agentStatistic fields shown, with their headings; durations are ms. */
export const STAT_COLUMNS = [
  ['servingDuration', 'Serving', 'duration'],
  ['readyDuration', 'Ready', 'duration'],
  ['pauseDuration', 'Pause', 'duration'],
  ['notReadyDuration', 'Not ready', 'duration'],
  ['callInDuration', 'Talk in', 'duration'],
  ['callOutDuration', 'Talk out', 'duration'],
  ['afterworkDuration', 'Wrap', 'duration'],
  ['countOfHandledCallIn', 'Calls in', 'count'],
  ['countOfHandledCallOut', 'Calls out', 'count'],
];

/** @param {unknown} value @param {string} kind */
function formatValue(value, kind) {
  if (value === null || value === undefined) return 'unknown';
  return kind === 'duration' ? formatDuration(Number(value)) : String(value);
}

/**
 * @param {Record<string, any>[]} quarterHours the agent's quarter-hour rows
 * @param {Record<string, any> | undefined} day the agent's day row (timeCategory=day), if any
 * @param {string} zone
 */
export function statisticsTable(quarterHours, day, zone) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const title of ['Quarter', ...STAT_COLUMNS.map(([, heading]) => heading)]) head.append(Object.assign(document.createElement('th'), { textContent: title }));
  const body = table.createTBody();
  const addRow = (label, row, className) => {
    const tr = body.insertRow();
    if (className) tr.className = className;
    tr.insertCell().textContent = label;
    for (const [field, , kind] of STAT_COLUMNS) {
      const td = tr.insertCell();
      const text = formatValue(row[field], kind);
      td.textContent = text;
      td.className = text === 'unknown' ? 'num unknown' : 'num';
      td.dataset.field = field;
    }
  };
  for (const row of quarterHours) addRow(localTime(Date.parse(row.intervalStart), zone), row);
  if (day !== undefined) addRow('Day', day, 'total');
  if (quarterHours.length === 0 && day === undefined) {
    const td = body.insertRow().insertCell();
    td.colSpan = STAT_COLUMNS.length + 1;
    td.textContent = 'No statistics for this day.';
    td.className = 'muted';
  }
  return table;
}
