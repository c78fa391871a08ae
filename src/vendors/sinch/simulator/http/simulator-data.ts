import type { AgentStatisticRow } from '../../../../core/replay/replay.ts';
import { replay } from '../../../../core/replay/replay.ts';
import type { GeneratedDay, TimedContact, TimedStatusRow } from '../model/generated-day.ts';
import { sinchAgentStatusHistoryAdapter } from '../../agent-status-history-adapter.ts';

/**
 * The ground truth as the API sees it at a simulated now: only rows with visibleAt ≤ now exist.
 * Results are cached for the latest `now` asked (one entry per view).
 */
export class SimulatorData {
  readonly day: GeneratedDay;
  private rowsCache: { now: number; rows: TimedStatusRow[] } | undefined;
  private statisticsCache: { now: number; rows: AgentStatisticRow[] } | undefined;

  constructor(day: GeneratedDay) {
    this.day = day;
  }

  /** agentStatusHistory rows visible at `now`, ordered by changeTimestamp, then userId, then write order. */
  visibleStatusRows(now: number): TimedStatusRow[] {
    if (this.rowsCache?.now !== now) this.rowsCache = { now, rows: this.day.agentStatusHistory.filter((r) => r.visibleAt <= now) };
    return this.rowsCache.rows;
  }

  /** Completed contacts whose contactHistory record is visible at `now`. */
  visibleContactHistory(now: number): TimedContact[] {
    return this.day.contacts.filter((c) => c.visibleAt <= now);
  }

  /** Contacts that have arrived by `now` (the monitoring view of contactStatistic). */
  arrivedContacts(now: number): TimedContact[] {
    return this.day.contacts.filter((c) => c.contact.arrival <= now);
  }

  /**
   * Quarter-hour agentStatistic rows computed by the core batch replay over the visible rows, with
   * open sessions counted up to `now`, each with its breakdown by profile and campaign (for agentHistory).
   * Each row carries its position in the served order (vendorPoll 0, vendorRow i), so exact ties apply in
   * the order the rows are listed.
   */
  quarterHourStatistics(now: number): AgentStatisticRow[] {
    if (this.statisticsCache?.now !== now) {
      const records = this.visibleStatusRows(now).map((r, i) => ({ ...r.row, vendorPoll: 0, vendorRow: i }));
      this.statisticsCache = { now, rows: records.length === 0 ? [] : replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: 'quarterHour', until: now, breakdown: true }).rows };
    }
    return this.statisticsCache.rows;
  }
}
