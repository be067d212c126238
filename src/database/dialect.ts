// The one place where SQLite and PostgreSQL differ for hand-written SQL. Features call `dialectOf(ds)` instead of
// testing the driver themselves. Entity reads/writes and QueryBuilder need none of this: TypeORM already adapts them.
//
// Portable SQL that needs no helper (works on both, keep to it):
// - `INSERT … ON CONFLICT (cols) DO UPDATE SET x = excluded.x` and `ON CONFLICT DO NOTHING`; `RETURNING` (read through
//   `execute`: `manager.query` drops RETURNING rows of writes on SQLite).
// - Double-quoted identifiers. Quote every camelCase alias (`AS "hourStart"`): PostgreSQL folds unquoted names to
//   lower case.
// - Integer arithmetic on epoch-ms bigint columns (`ts - ts % 3600000`): no date functions.
// - Amounts are decimal strings: never SUM/compare them in SQL (text order, and SQLite would go through a float);
//   read them and add as bigint.
// Differences this module hides: parameter placeholders (`?` vs `$1`), numbers that pg returns as strings (bigint,
// COUNT, SUM, AVG on integers), affected-row counts and RETURNING rows of raw writes, unique-violation errors and
// advisory locks (no-ops on SQLite, whose single writer already serializes transactions).
// TypeORM caveat on PostgreSQL: after insert()/save(), columns with a DB default are merged back into the passed object
// from RETURNING *without* their transformer (a UnitsColumn becomes a string there). Re-read the row instead of using
// such fields of the object you saved.
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { MAX_SQL_LENGTH, runPrepared } from './sqlite-statements';

export type DialectKind = 'sqlite' | 'postgres';

/** Largest number of bound parameters in one statement (SQLite ≥ 3.32: 32766; PostgreSQL wire protocol: 65535). */
const MAX_PARAMS: Record<DialectKind, number> = { sqlite: 32766, postgres: 65535 };

export interface ExecResult<T> {
  rows: T[];
  /** Rows inserted/updated/deleted by the statement. */
  affected: number;
}

export interface InsertManyOptions {
  /** Appended after VALUES, e.g. `ON CONFLICT ("hour_start", "route", "method") DO NOTHING`. */
  onConflict?: string;
}

export class Dialect {
  constructor(readonly kind: DialectKind) {}

  get isPostgres(): boolean {
    return this.kind === 'postgres';
  }

  /** The placeholder of the i-th parameter (1-based). */
  param(i: number): string {
    return this.kind === 'postgres' ? `$${i}` : '?';
  }

  /** `n` comma-separated placeholders for parameters offset+1 … offset+n. */
  placeholders(n: number, offset = 0): string {
    return Array.from({ length: n }, (_, i) => this.param(offset + i + 1)).join(', ');
  }

  /** `(…), (…)` for a multi-row VALUES list of `rows` × `cols` parameters, numbered from offset+1. */
  valuesList(rows: number, cols: number, offset = 0): string {
    return Array.from({ length: rows }, (_, r) => `(${this.placeholders(cols, offset + r * cols)})`).join(', ');
  }

  /** Rows per statement for a multi-row insert of `cols` columns. */
  maxRowsPerInsert(cols: number): number {
    return Math.max(1, Math.floor(MAX_PARAMS[this.kind] / cols));
  }

  /**
   * Multi-row INSERT of positional rows, split into as few statements as the parameter limit allows. Run it inside
   * the caller's transaction (pass its manager) when the batch must land all-or-nothing.
   */
  async insertMany(manager: EntityManager, table: string, columns: readonly string[], rows: readonly unknown[][], options: InsertManyOptions = {}): Promise<number> {
    const cols = columns.map(quoteIdent).join(', ');
    const chunk = this.maxRowsPerInsert(columns.length);
    let affected = 0;
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const sql = `INSERT INTO ${quoteIdent(table)} (${cols}) VALUES ${this.valuesList(part.length, columns.length)}${options.onConflict ? ` ${options.onConflict}` : ''}`;
      affected += (await this.execute(manager, sql, part.flat())).affected;
    }
    return affected;
  }

  /** Runs raw SQL and returns both the rows and the affected-row count (which `manager.query` shapes differently per driver). */
  async execute<T = Record<string, unknown>>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<ExecResult<T>> {
    // TypeORM's SQLite runner sends statements that start with INSERT/UPDATE/DELETE through sqlite3's run(), which
    // drops RETURNING rows; a leading comment routes them through all(), and the rows returned are the rows affected.
    const returning = this.kind === 'sqlite' && /\bRETURNING\b/i.test(sql);
    // SQLite: a kept prepared statement (sqlite-statements.ts). Long SQL (multi-row VALUES lists, run once) and a
    // closed DataSource (for TypeORM's error) go TypeORM's way.
    if (this.kind === 'sqlite' && sql.length <= MAX_SQL_LENGTH && manager.connection.isInitialized) {
      const { rows, changes } = await runPrepared<T>(manager.connection, sql, params, returning);
      return { rows, affected: returning ? rows.length : changes };
    }
    return withRunner(manager, async (runner) => {
      const result = await runner.query(returning ? `/* returning */ ${sql}` : sql, params, true);
      const rows = (result.records ?? []) as T[];
      return { rows, affected: returning ? rows.length : (result.affected ?? 0) };
    });
  }

  /**
   * Transaction-scoped advisory lock, without waiting: true if this transaction now holds `key` (released at commit or
   * rollback), false if another one does. On SQLite always true. Call it inside `manager.transaction(...)`, then
   * re-read the state the lock protects (under READ COMMITTED the other holder's commit is visible by then).
   */
  async tryAdvisoryXactLock(manager: EntityManager, key: string): Promise<boolean> {
    if (this.kind !== 'postgres') return true;
    assertInTransaction(manager);
    const [row] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "locked"`, [key])) as { locked: boolean }[];
    return row.locked === true;
  }

  /**
   * Runs fn while holding a session-level advisory lock on its own connection, waiting for other processes that hold
   * it (e.g. two replicas starting at once must not both run the migrations). On SQLite just runs fn.
   */
  async withExclusiveLock<T>(ds: DataSource, key: string, fn: () => Promise<T>): Promise<T> {
    if (this.kind !== 'postgres') return fn();
    const runner = ds.createQueryRunner();
    try {
      await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [key]);
      try {
        return await fn();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs fn only if no other session holds `key` (session-level `pg_try_advisory_lock` on a connection of its own, held
   * for the whole of fn, so fn may read outside a transaction and then commit in one of its own). Resolves undefined
   * without running fn when another process holds it. On SQLite (one process per file) always runs fn.
   * Inside fn, re-check the state the lock guards: the previous holder may have finished the work just before.
   * Example: two replicas rolling up hour h both call `withTryLock(ds, 'rollup:' + h, …)`; one rolls it, the other
   * skips it or, arriving later, finds it already rolled.
   */
  async withTryLock<T>(ds: DataSource, key: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.kind !== 'postgres') return fn();
    const runner = ds.createQueryRunner();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS "locked"`, [key])) as { locked: boolean }[];
      if (row.locked !== true) return undefined;
      try {
        return await fn();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Runs fn with every statement's wait bounded by `ms`, so a locked database answers with an error in time for a
   * caller with a deadline. PostgreSQL: `statement_timeout` of a transaction of fn's own (without it, a statement
   * waiting on a lock would hold its pool connection, and the pool's shutdown, forever). SQLite: the busy timeout of
   * the one shared connection, lowered for fn and set back afterwards; a bound at or above it changes nothing.
   */
  async withStatementTimeout<T>(ds: DataSource, ms: number, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const limit = Math.max(1, Math.round(ms));
    if (this.kind === 'postgres') {
      return ds.transaction(async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${limit}`);
        return fn(manager);
      });
    }
    const usual = (ds.options as { busyTimeout?: number }).busyTimeout ?? 0;
    if (limit >= usual) return fn(ds.manager);
    await ds.query(`PRAGMA busy_timeout = ${limit}`);
    try {
      return await fn(ds.manager);
    } finally {
      await ds.query(`PRAGMA busy_timeout = ${usual}`);
    }
  }

  /**
   * Connection settings applied once the schema is up to date. SQLite: WAL with synchronous=NORMAL (SQLite's advice
   * for WAL): commits no longer fsync, checkpoints do. The file cannot be corrupted; only a power loss can undo the
   * last commits, which a restart re-derives (request-log rows are buffered in memory anyway, confirmations come back
   * from the receipt watcher). It halves the rollup catch-up (two commits per hour rolled) and speeds every
   * request-log flush. PostgreSQL: nothing.
   */
  async tuneConnection(ds: DataSource): Promise<void> {
    if (this.kind === 'sqlite') await ds.query('PRAGMA synchronous = NORMAL');
  }

  /** A duplicate key. On PostgreSQL the transaction is aborted after it: prefer `ON CONFLICT` inside transactions. */
  isUniqueViolation(e: unknown): boolean {
    const err = e as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
    const code = err?.driverError?.code ?? err?.code;
    if (this.kind === 'postgres') return code === '23505';
    return code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(String(err?.message ?? ''));
  }
}

const dialects: Record<DialectKind, Dialect> = { sqlite: new Dialect('sqlite'), postgres: new Dialect('postgres') };

/** The dialect of a DataSource (or of the DataSource behind an EntityManager). */
export function dialectOf(source: DataSource | EntityManager): Dialect {
  const type = source instanceof EntityManager ? source.connection.options.type : source.options.type;
  if (type === 'postgres') return dialects.postgres;
  if (type === 'sqlite') return dialects.sqlite;
  throw new Error(`Unsupported database type: ${type}`);
}

/** A number from a raw result column: pg returns bigint, COUNT, SUM and AVG as strings. NULL (SUM/MAX of no rows) → 0. */
export function toNumber(raw: unknown): number {
  if (raw === null || raw === undefined) return 0;
  const n = typeof raw === 'number' ? raw : Number(raw as string | bigint);
  if (!Number.isFinite(n)) throw new TypeError(`Not a number from the database: ${String(raw)}`);
  return n;
}

/** Like toNumber, but NULL stays null (e.g. MAX over no rows, when "none" differs from 0). */
export function toNullableNumber(raw: unknown): number | null {
  return raw === null || raw === undefined ? null : toNumber(raw);
}

/** An exact integer from a raw result column (bigint strings from pg, numbers from SQLite). */
export function toBigInt(raw: unknown): bigint {
  if (raw === null || raw === undefined) return 0n;
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw)) throw new TypeError(`Not an exact integer from the database: ${raw}`);
    return BigInt(raw);
  }
  return BigInt(String(raw));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function assertInTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('A transaction-scoped lock needs the manager of an open transaction');
}

async function withRunner<T>(manager: EntityManager, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  if (manager.queryRunner && !manager.queryRunner.isReleased) return fn(manager.queryRunner);
  const runner = manager.connection.createQueryRunner();
  try {
    return await fn(runner);
  } finally {
    await runner.release();
  }
}
