/** The subset of an Avro record field definition that conforming needs. */
export interface AvroField {
  readonly name: string;
  readonly type: unknown;
}

type Kind = 'string' | 'long' | 'double' | 'boolean' | 'other';

function kindOf(type: unknown): { kind: Kind; nullable: boolean } {
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    return { kind: nonNull.length === 1 ? kindOf(nonNull[0]).kind : 'other', nullable: type.includes('null') };
  }
  if (type === 'string') return { kind: 'string', nullable: false };
  if (type === 'long' || type === 'int') return { kind: 'long', nullable: false };
  if (type === 'double' || type === 'float') return { kind: 'double', nullable: false };
  if (type === 'boolean') return { kind: 'boolean', nullable: false };
  return { kind: 'other', nullable: false };
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return undefined;
  return JSON.stringify(value);
}

function asLong(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function asDouble(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/**
 * Shapes a normalised vendor row into an Avro record value: string fields take the value as received (numbers
 * and booleans as their text, arrays and objects as JSON text), long fields take integers (or integral strings), double
 * fields numbers (or numeric strings), boolean fields booleans; `fixed` supplies the poll metadata
 * and any field the row does not carry. Returns the name of the first required field that is missing or unusable.
 */
export function conformToSchema(
  fields: readonly AvroField[],
  row: Readonly<Record<string, unknown>>,
  fixed: Readonly<Record<string, unknown>>,
): { value: Record<string, unknown> } | { missing: string } {
  const value: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.name in fixed) {
      value[field.name] = fixed[field.name];
      continue;
    }
    const { kind, nullable } = kindOf(field.type);
    const raw = row[field.name];
    const converted = kind === 'string' ? asString(raw) : kind === 'long' ? asLong(raw) : kind === 'double' ? asDouble(raw) : kind === 'boolean' ? asBoolean(raw) : undefined;
    if (converted === undefined && !nullable) return { missing: field.name };
    value[field.name] = converted ?? null;
  }
  return { value };
}
