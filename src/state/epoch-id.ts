/** Between an epoch's random id and its zones; no IANA zone name contains it. */
const ZONES_SEPARATOR = ';';

/**
 * A new data epoch id: a random id, then the zones whose day aggregates the store keeps in that epoch. The zones are
 * part of the epoch because they must hold from its first write on: a store that gains a zone later lacks that
 * zone's earlier days, so a change of REDIS_DAY_ZONES takes effect with the next epoch (rebuild).
 */
export function newEpochId(id: string, zones: readonly string[]): string {
  return zones.length === 0 ? id : `${id}${ZONES_SEPARATOR}${zones.join(',')}`;
}

/** The zones whose day aggregates the store keeps in `epoch` (none for an epoch written without them). */
export function epochZones(epoch: string): readonly string[] {
  const at = epoch.indexOf(ZONES_SEPARATOR);
  return at < 0 ? [] : epoch.slice(at + 1).split(',').filter((zone) => zone.length > 0);
}
