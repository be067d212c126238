// Column shapes shared by every entity, identical on SQLite and PostgreSQL.
import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/** Times are epoch milliseconds in a BIGINT column (PostgreSQL returns bigint as a string). */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

export function EpochMsColumn(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ name, type: 'bigint', transformer: bigintAsNumber, ...options });
}

/**
 * Durations and percentages: an 8-byte float on both drivers (`real` would be a 4-byte float on PostgreSQL, so a value
 * read back would differ from what SQLite returns for the same write).
 */
export function Float64Column(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ name, type: 'double precision', ...options });
}

/**
 * Token amounts are integer base units of any size: decimal strings in the database (exact on every driver,
 * unlike SQLite NUMERIC or a JS number), `bigint` in code.
 */
const units: ValueTransformer = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | null) => (v === null || v === undefined ? v : BigInt(v)),
};

export const UNITS_MAX_DIGITS = 78; // 2^256 has 78 digits

export function UnitsColumn(name: string, options: Pick<ColumnOptions, 'nullable' | 'default'> = {}): PropertyDecorator {
  return Column({ name, type: 'varchar', length: UNITS_MAX_DIGITS, transformer: units, ...options });
}
