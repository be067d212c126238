import { Dialect, quoteIdent, toBigInt, toNullableNumber, toNumber } from './dialect';

const sqlite = new Dialect('sqlite');
const postgres = new Dialect('postgres');

describe('Dialect placeholders', () => {
  it.each([
    [sqlite, 3, 0, '?, ?, ?'],
    [sqlite, 2, 5, '?, ?'],
    [postgres, 3, 0, '$1, $2, $3'],
    [postgres, 2, 5, '$6, $7'],
  ])('%#: placeholders(%i, %i)', (dialect, n, offset, expected) => {
    expect(dialect.placeholders(n as number, offset as number)).toBe(expected);
  });

  it('numbers a multi-row VALUES list row by row, continuing across rows', () => {
    expect(postgres.valuesList(2, 3)).toBe('($1, $2, $3), ($4, $5, $6)');
    expect(postgres.valuesList(1, 2, 4)).toBe('($5, $6)');
    expect(sqlite.valuesList(2, 2)).toBe('(?, ?), (?, ?)');
  });

  it('every numbered placeholder appears exactly once, in order', () => {
    const list = postgres.valuesList(7, 9, 3);
    const numbers = [...list.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 63 }, (_, i) => i + 4));
  });

  it('keeps rows × columns within each driver’s parameter limit', () => {
    for (const cols of [1, 9, 14, 100]) {
      expect(sqlite.maxRowsPerInsert(cols) * cols).toBeLessThanOrEqual(32766);
      expect(postgres.maxRowsPerInsert(cols) * cols).toBeLessThanOrEqual(65535);
      expect(sqlite.maxRowsPerInsert(cols)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('raw result conversions', () => {
  it.each([
    ['42', 42],
    [42, 42],
    [10n, 10],
    ['1.5', 1.5],
    [null, 0],
    [undefined, 0],
  ])('toNumber(%p) = %p', (raw, expected) => expect(toNumber(raw)).toBe(expected));

  it('rejects what is not a number instead of returning NaN', () => {
    expect(() => toNumber('abc')).toThrow(TypeError);
  });

  it('toNullableNumber keeps NULL apart from 0', () => {
    expect(toNullableNumber(null)).toBeNull();
    expect(toNullableNumber('0')).toBe(0);
  });

  it('toBigInt is exact beyond 2^53 from strings and refuses unsafe numbers', () => {
    expect(toBigInt('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(toBigInt(7)).toBe(7n);
    expect(toBigInt(null)).toBe(0n);
    expect(() => toBigInt(2 ** 60)).toThrow(TypeError);
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdent('request_log')).toBe('"request_log"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});

describe('unique violations', () => {
  it('recognises each driver’s duplicate-key error and nothing else', () => {
    expect(postgres.isUniqueViolation({ driverError: { code: '23505' } })).toBe(true);
    expect(postgres.isUniqueViolation({ code: '23503' })).toBe(false);
    expect(sqlite.isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.address_hash' })).toBe(true);
    expect(sqlite.isUniqueViolation({ code: 'SQLITE_CONSTRAINT', message: 'SQLITE_CONSTRAINT: NOT NULL constraint failed: users.source' })).toBe(false);
    expect(sqlite.isUniqueViolation(undefined)).toBe(false);
  });
});
