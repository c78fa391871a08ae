import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Period } from '../core/rollup/period.ts';
import { periodOf } from '../core/rollup/period.ts';
import type { PeriodAggregate, RollupComponent } from '../core/rollup/rollup.ts';
import { rollUpComponents } from '../core/rollup/rollup.ts';
import type { SourceId } from '../core/source/source-id.ts';
import { compareKeys } from '../core/statistic/history-part.ts';
import type { ReadonlyVector } from '../core/statistic/metric-vector.ts';
import { vectorToArray } from '../core/statistic/metric-vector.ts';
import { publishedCoverage, publishedHasContent, publishedToVector } from '../core/statistic/published-metrics.ts';
import type { DayAggregatePipeline, DayAggregateScripts } from './day-aggregate-scripts.ts';
import { epochZones } from './epoch-id.ts';
import { defineDayAggregateScripts } from './day-aggregate-scripts.ts';
import type { RedisStore } from './redis-client.ts';
import type { StoreKeys } from './store-keys.ts';
import { breakdownParts } from './history-parts.ts';
import type { QuarterHourRow } from './store-types.ts';

/** One user's roll-up of one local day, as stored. */
interface StoredDay {
  /** userName, maxChangeTime, spanStart, spanEnd, vector, coverage, sources, extras. */
  readonly n: string;
  readonly m: number;
  readonly a: number;
  readonly b: number;
  readonly v: number[];
  readonly c: number[];
  readonly s: SourceId[];
  readonly x?: Record<string, number>;
  /** The agentHistory breakdown, [part key, vector] (history-part.ts); absent: unknown. Kept inline in parts only. */
  readonly p?: [string, number[]][];
}

function partsJson(parts: ReadonlyMap<string, ReadonlyVector>): [string, number[]][] {
  return [...parts.keys()].sort(compareKeys).map((key) => [key, vectorToArray(parts.get(key) as ReadonlyVector)]);
}

/** Stored parts as the roll-up reads them: the JSON arrays themselves, not copied. */
function partsOf(stored: readonly [string, number[]][]): Map<string, ReadonlyVector> {
  return new Map(stored);
}

/**
 * A stored day: the roll-up as JSON, then, after a newline (which JSON text never holds), its breakdown as JSON, so
 * that a read without the breakdown (agentStatistic) parses only the first line.
 */
function encodeDay(day: PeriodAggregate): string {
  const stored: StoredDay = { n: day.userName, m: day.maxChangeTime, a: day.spanStart, b: day.spanEnd, v: [...day.vector], c: [...day.coverage], s: [...day.sources], ...(day.extras === undefined ? {} : { x: day.extras }) };
  return day.parts === undefined ? JSON.stringify(stored) : `${JSON.stringify(stored)}\n${JSON.stringify(partsJson(day.parts))}`;
}

function decodeDay(userId: string, period: Period, value: string, breakdown: boolean): PeriodAggregate {
  const newline = value.indexOf('\n');
  const d = JSON.parse(newline < 0 ? value : value.slice(0, newline)) as StoredDay;
  const parts = breakdown && newline >= 0 ? partsOf(JSON.parse(value.slice(newline + 1)) as [string, number[]][]) : undefined;
  return {
    userId, userName: d.n, label: period.label, start: period.start, end: period.end, spanStart: d.a, spanEnd: d.b,
    vector: Float64Array.from(d.v), maxChangeTime: d.m, coverage: Uint8Array.from(d.c), sources: d.s,
    ...(d.x === undefined ? {} : { extras: d.x }),
    ...(parts === undefined ? {} : { parts }),
  };
}

/** The JSON part of a stored `epoch|version|json` value when it was written in `epoch` ('' is a tombstone), else undefined. */
function storedJson(value: string, epoch: string): string | undefined {
  const first = value.indexOf('|');
  if (value.slice(0, first) !== epoch) return undefined;
  return value.slice(value.indexOf('|', first + 1) + 1);
}

const DAY_MS = 86_400_000;

/** The UTC day starts (epoch ms) that [from, to) overlaps. */
function utcDays(from: number, to: number): number[] {
  const out: number[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) out.push(day);
  return out;
}

/** A quarter-hour as it is kept in its user's day parts: what the roll-up needs of it; '' when it has no content. */
function encodePart(row: QuarterHourRow): string {
  if (!publishedHasContent(row)) return '';
  const part: StoredDay = {
    n: row.userName, m: row.maxChangeTimestamp, a: row.intervalStart, b: row.intervalEnd, v: [...publishedToVector(row)], c: [...publishedCoverage(row)], s: [row.source],
    ...(row.extraFields !== undefined && Object.keys(row.extraFields).length > 0 ? { x: row.extraFields } : {}),
    ...(row.breakdown !== undefined && row.breakdown.length > 0 ? { p: partsJson(breakdownParts(row.breakdown)) } : {}),
  };
  return JSON.stringify(part);
}

function decodePart(userId: string, json: string): RollupComponent {
  const d = JSON.parse(json) as StoredDay;
  return {
    userId, userName: d.n, spanStart: d.a, spanEnd: d.b, vector: Float64Array.from(d.v), maxChangeTime: d.m, coverage: Uint8Array.from(d.c), sources: d.s,
    ...(d.x === undefined ? {} : { extras: d.x }),
    ...(d.p === undefined ? {} : { parts: partsOf(d.p) }),
  };
}

/** The decoded parts of one UTC day of one user, as of one `#gen`/`#seq` of its hash; null marks a part without content. */
interface KnownParts {
  readonly gen: string;
  seq: number;
  readonly parts: Map<string, RollupComponent | null>;
}

/** A parts hash (`intervalStart` → `revision|json`, plus `#gen` and `#seq`) decoded. */
function decodeParts(userId: string, hash: Record<string, string>): KnownParts {
  const parts = new Map<string, RollupComponent | null>();
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('#')) continue;
    const json = value.slice(value.indexOf('|') + 1);
    parts.set(field, json === '' ? null : decodePart(userId, json));
  }
  return { gen: hash['#gen'] ?? '', seq: Number(hash['#seq'] ?? 0), parts };
}

/** How many parts hashes a writer keeps decoded (about 100 quarter-hours each). */
const KNOWN_PARTS_MAX = 20_000;

/**
 * Pre-aggregated local days (docs/redis.md, "Day aggregates"): for each zone of the data epoch ({@link epochZones}), each
 * user's roll-up of each local day, computed by the core roll-up from the user's quarter-hours (kept per user and UTC
 * day as compact parts), so a day read from here is exactly the day rolled up from its quarter-hours. The writer calls
 * {@link refresh} after every upsert of quarter-hours; concurrent writers (sink instances share a user's quarter-hours)
 * are ordered by a per-user version taken after their parts are stored, so the last one to take a version also read
 * the last parts, and its write wins.
 */
export class DayAggregateStore {
  readonly #redis: RedisStore & DayAggregateScripts;
  readonly #keys: StoreKeys;
  readonly #zones: readonly string[];
  readonly #retentionMs: number;
  /**
   * Parts hashes as this writer last saw them, by key: kept up to date with its own writes while no other writer
   * wrote in between (`#seq` moved by exactly one per own write), read again otherwise, so a writer that owns its
   * users' quarter-hours (one sink instance) decodes each part once.
   */
  readonly #known = new LRUCache<string, KnownParts>({ max: KNOWN_PARTS_MAX });

  /** `zones`: those this writer keeps day aggregates for in the epochs it creates (REDIS_DAY_ZONES). */
  constructor(redis: RedisStore, keys: StoreKeys, options: { zones: readonly string[]; retentionMs: number }) {
    this.#redis = defineDayAggregateScripts(redis);
    this.#keys = keys;
    this.#zones = options.zones;
    this.#retentionMs = options.retentionMs;
  }

  /** The zones of epochs this writer creates. */
  get configuredZones(): readonly string[] {
    return this.#zones;
  }

  /**
   * Keeps the day aggregates up to date with `written` quarter-hours: stores each as a part of its user's UTC day
   * (compare-and-set on its revision, so a stale or replayed row changes nothing), then recomputes every (user, local
   * day) the quarter-hours fall in, for every zone of `epoch` (whatever this writer's own zones are), from the parts.
   * Answers false when the epoch changed meanwhile (nothing of the epoch's successor was overwritten).
   */
  async refresh(epoch: string, written: readonly QuarterHourRow[]): Promise<boolean> {
    const zones = epochZones(epoch);
    if (zones.length === 0 || written.length === 0) return true;
    const periods = new Map<string, Period>();
    const dayOf = (zone: string, start: number): Period => {
      const key = `${zone}|${start}`;
      let period = periods.get(key);
      if (period === undefined) periods.set(key, (period = periodOf(start, 'day', zone)));
      return period;
    };
    const parts = this.#redis.pipeline() as unknown as DayAggregatePipeline;
    const partWrites: { key: string; field: string; userId: string; json: string }[] = [];
    const users = new Map<string, { tenant: string; userId: string; days: Map<string, { zone: string; period: Period }> }>();
    const generation = randomUUID();
    for (const row of written) {
      const utcDay = Math.floor(row.intervalStart / DAY_MS) * DAY_MS;
      const key = this.#keys.dayParts(row.tenant, row.userId, utcDay);
      const json = encodePart(row);
      parts.atPutDayPart(key, row.intervalStart, row.revision, json, utcDay + DAY_MS + this.#retentionMs, generation);
      partWrites.push({ key, field: String(row.intervalStart), userId: row.userId, json });
      const userKey = `${row.tenant}\u0000${row.userId}`;
      let user = users.get(userKey);
      if (user === undefined) users.set(userKey, (user = { tenant: row.tenant, userId: row.userId, days: new Map() }));
      for (const zone of zones) {
        const period = dayOf(zone, row.intervalStart);
        user.days.set(`${zone}|${period.start}`, { zone, period });
      }
    }
    (await execOrThrow(parts.exec())).forEach((reply, index) => {
      const [stored, gen, seq] = reply as [number, string, number];
      const write = partWrites[index]!;
      const known = this.#known.get(write.key);
      if (known === undefined || stored === 0) return;
      if (known.gen !== gen || known.seq !== seq - 1) {
        this.#known.delete(write.key);
        return;
      }
      known.parts.set(write.field, write.json === '' ? null : decodePart(write.userId, write.json));
      known.seq = seq;
    });
    const targets = [...users.values()];
    const versions = this.#redis.pipeline();
    for (const user of targets) versions.hincrby(this.#keys.aggregateVersions(user.tenant), user.userId, 1);
    const versionOf = (await execOrThrow(versions.exec())).map(Number);
    const needed: { user: number; key: string }[] = [];
    targets.forEach((user, index) => {
      const days = new Set<number>();
      for (const { period } of user.days.values()) for (const day of utcDays(period.start, period.end)) days.add(day);
      for (const utcDay of [...days].sort((x, y) => x - y)) needed.push({ user: index, key: this.#keys.dayParts(user.tenant, user.userId, utcDay) });
    });
    const marks = this.#redis.pipeline();
    for (const { key } of needed) marks.hmget(key, '#gen', '#seq');
    const current = (await execOrThrow(marks.exec())) as [string | null, string | null][];
    const stale = needed.filter(({ key }, index) => {
      const known = this.#known.get(key);
      const [gen, seq] = current[index]!;
      return known === undefined || known.gen !== (gen ?? '') || known.seq !== Number(seq ?? 0);
    });
    const reads = this.#redis.pipeline();
    for (const { key } of stale) reads.hgetall(key);
    (await execOrThrow(reads.exec())).forEach((hash, index) => {
      const { user, key } = stale[index]!;
      this.#known.set(key, decodeParts(targets[user]!.userId, hash as Record<string, string>));
    });
    const componentsOf = targets.map(() => [] as RollupComponent[]);
    for (const { user, key } of needed) {
      for (const part of this.#known.get(key)?.parts.values() ?? []) if (part !== null) componentsOf[user]!.push(part);
    }
    const puts = this.#redis.pipeline() as unknown as DayAggregatePipeline;
    targets.forEach((user, index) => {
      const components = componentsOf[index]!.sort((x, y) => x.spanStart - y.spanStart);
      for (const { zone, period } of user.days.values()) {
        const [day] = rollUpComponents(components.filter((c) => c.spanStart >= period.start && c.spanStart < period.end), 'day', zone, true);
        puts.atPutDayAggregate(
          this.#keys.tenantEpoch(user.tenant), this.#keys.dayAggregates(user.tenant, zone, period.label),
          user.userId, epoch, versionOf[index] ?? 0, day === undefined ? '' : encodeDay(day), period.end + this.#retentionMs,
        );
      }
    });
    return !(await execOrThrow(puts.exec())).includes(-1);
  }

  /**
   * The roll-ups of local `days` (periods of `zone`, in order) stored in `epoch`, for `userIds` (all users when
   * omitted), sorted by userId, then start. Only meaningful when `zone` is one of {@link epochZones} of `epoch`, the
   * current epoch; values left from an earlier epoch are skipped (a rebuild rewrites them). With `breakdown` the days
   * carry their agentHistory `parts` (absent where a day was stored without one: unknown).
   */
  async readDays(epoch: string, tenant: string, zone: string, days: readonly Period[], userIds?: readonly string[], breakdown = false): Promise<PeriodAggregate[]> {
    if (days.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const day of days) {
      const key = this.#keys.dayAggregates(tenant, zone, day.label);
      if (userIds === undefined) pipeline.hgetall(key);
      else if (userIds.length > 0) pipeline.hmget(key, ...userIds);
    }
    if (userIds !== undefined && userIds.length === 0) return [];
    const out: PeriodAggregate[] = [];
    (await execOrThrow(pipeline.exec())).forEach((value, index) => {
      const day = days[index]!;
      const entries: [string, string | null][] = userIds === undefined ? Object.entries(value as Record<string, string>) : userIds.map((id, i) => [id, (value as (string | null)[])[i] ?? null]);
      for (const [userId, stored] of entries) {
        if (stored === null) continue;
        const json = storedJson(stored, epoch);
        if (json !== undefined && json !== '') out.push(decodeDay(userId, day, json, breakdown));
      }
    });
    return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.start - b.start));
  }
}

/** The values of a pipeline's replies; the first error is thrown. */
async function execOrThrow(replies: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  return ((await replies) ?? []).map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}
