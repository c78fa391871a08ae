import { createHash } from 'node:crypto';

/** Key spellings the Sinch RAI API uses interchangeably, mapped to the spelling our contracts use. */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  UserId: 'userId',
  UserName: 'userName',
  changeTimeStamp: 'changeTimestamp',
  userStatusTimeStamp: 'userStatusTimestamp',
  statusTimeStamp: 'statusTimestamp',
  maxChangeTimeStamp: 'maxChangeTimestamp',
  reportingGroupid: 'reportingGroupId',
};

export interface NormalisedRow {
  /** The row with canonical key spellings and values exactly as received. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Canonical key → the spelling that arrived, only where they differ. */
  readonly keySpellings: Readonly<Record<string, string>>;
}

/** Renames aliased keys; when both spellings arrive, the canonical one wins. Returns undefined for non-objects. */
export function normaliseRow(row: unknown): NormalisedRow | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  const fields: Record<string, unknown> = {};
  const keySpellings: Record<string, string> = {};
  for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
    const canonical = KEY_ALIASES[key];
    if (canonical === undefined) {
      fields[key] = value;
      delete keySpellings[key];
    } else if (!(canonical in fields) || canonical in keySpellings) {
      fields[canonical] = value;
      keySpellings[canonical] = key;
    }
  }
  return { fields, keySpellings };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The stable identity of a row: SHA-256 (first 128 bits, hex) of the canonical JSON of its normalised fields,
 * independent of key order and key spelling. Two rows with identical content are the same record.
 */
export function recordKey(fields: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex').slice(0, 32);
}
