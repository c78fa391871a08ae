// The timeline chart: agents as rows, time as the x axis, one rectangle per segment coloured by its board state.

import { boardState, formatDuration } from './agent-state.js';
import { axisTicks, localTime } from './time-zones.js';

const NS = 'http://www.w3.org/2000/svg';
const LABEL_WIDTH = 170;
const ROW_HEIGHT = 30;
const AXIS_HEIGHT = 24;

/** @param {string} name @param {Record<string, string | number>} attributes */
function svg(name, attributes = {}) {
  const element = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * @typedef {{ start: number, end: number, userStatus: string, handlingStatus: string, profile: string | null, profileReason: string | null, campaignId: string | null, open?: boolean }} Segment
 * @typedef {{ userId: string, userName: string, segments: Segment[] }} TimelineRow
 */

/** The hover text of a segment: state, reason, local times and length. @param {Segment} s @param {string} zone */
export function segmentTitle(s, zone) {
  const reason = s.profile === null ? '' : ` · ${s.profile}${s.profileReason && s.profileReason !== 'NONE' ? ` (${s.profileReason})` : ''}`;
  const campaign = s.campaignId === null ? '' : ` · campaign ${s.campaignId}`;
  const end = `${localTime(s.end, zone, true)}${s.open ? ', ongoing' : ''}`;
  return `${boardState(s)}: ${s.userStatus} / ${s.handlingStatus}${reason}${campaign}\n${localTime(s.start, zone, true)}–${end} (${formatDuration(s.end - s.start)})`;
}

/**
 * The chart of `rows` over [from, to) in `zone`, `width` px wide.
 * @param {TimelineRow[]} rows @param {number} from @param {number} to @param {string} zone @param {number} width
 */
export function timelineSvg(rows, from, to, zone, width) {
  const height = AXIS_HEIGHT + rows.length * ROW_HEIGHT + 4;
  const root = svg('svg', { class: 'timeline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Agent timelines' });
  const plot = width - LABEL_WIDTH - 8;
  const x = (t) => LABEL_WIDTH + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * plot;
  const withSeconds = to - from <= 3_600_000;
  for (const tick of axisTicks(from, to, zone, Math.max(4, Math.floor(plot / 90)))) {
    root.append(svg('line', { class: 'grid', x1: x(tick), x2: x(tick), y1: AXIS_HEIGHT - 4, y2: height }));
    const label = svg('text', { x: x(tick) + 2, y: AXIS_HEIGHT - 8 });
    label.textContent = localTime(tick, zone, withSeconds && (tick / 1000) % 60 !== 0);
    root.append(label);
  }
  rows.forEach((row, index) => {
    const top = AXIS_HEIGHT + index * ROW_HEIGHT;
    const name = svg('text', { class: 'row-label', x: 4, y: top + ROW_HEIGHT / 2 + 4 });
    name.textContent = row.userName;
    root.append(name);
    const group = svg('g', { 'data-user-id': row.userId });
    for (const segment of row.segments) {
      if (segment.end <= from || segment.start >= to) continue;
      const state = boardState(segment);
      const rect = svg('rect', {
        class: `seg ${state}${segment.open ? ' open' : ''}`, x: x(segment.start), y: top + 4, width: Math.max(1, x(segment.end) - x(segment.start)), height: ROW_HEIGHT - 8,
        'data-start': new Date(segment.start).toISOString(), 'data-end': new Date(segment.end).toISOString(), 'data-state': state,
        'data-user-status': segment.userStatus, 'data-handling-status': segment.handlingStatus, 'data-open': segment.open ? 'true' : 'false',
      });
      const title = svg('title');
      title.textContent = segmentTitle(segment, zone);
      rect.append(title);
      group.append(rect);
    }
    root.append(group);
  });
  return root;
}

/** The instant at horizontal position `px` of a chart drawn by {@link timelineSvg}. */
export function instantAt(px, from, to, width) {
  const plot = width - LABEL_WIDTH - 8;
  return from + ((Math.min(Math.max(px - LABEL_WIDTH, 0), plot)) / plot) * (to - from);
}
