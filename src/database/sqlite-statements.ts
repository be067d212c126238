// Prepared statements, kept, for the hand-written SQL that `Dialect.execute` runs on SQLite.
//
// TypeORM's SQLite runner sends each query through sqlite3's `Database.run()`/`all()`, which prepare the statement,
// run it and finalize it: three trips to libuv's thread pool (each a wake-up of a worker and a completion on the event
// loop) and a fresh parse of the SQL. A kept statement is one trip. The four statements of a sign-in cost 360 µs of
// main-thread and 250 µs of pool CPU through TypeORM's runner, 125 and 140 µs kept (a DataSource on a SQLite file,
// 8 in flight, alternating rounds).
//
// What is kept: SQL text of at most MAX_SQL_LENGTH characters (the fixed statements of the hot paths; `Dialect.execute`
// sends a multi-row INSERT with thousands of placeholders through TypeORM), the MAX_STATEMENTS most recently used.
// What stays as TypeORM has it: the error (a QueryFailedError, logged through the DataSource's logger), which
// statements return rows (`run()` for INSERT/UPDATE/DELETE, `all()` for the rest and for RETURNING), and the one
// connection (a statement inside a transaction runs in it, as TypeORM's own queries do on SQLite).
//
// node-sqlite3 refuses to close a database with unfinalized statements (SQLITE_BUSY), so the first use wraps the
// connection's `close()`: it finalizes every kept statement, after the runs already queued on it, then closes.
import { LRUCache } from 'lru-cache';
import type { Database, RunResult, Statement } from 'sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';

/** Distinct statements kept per connection: the service's hot statements are a few dozen. */
export const MAX_STATEMENTS = 64;
/** Longer SQL (multi-row VALUES lists) is not kept: its placeholders would hold memory for a statement run once. */
export const MAX_SQL_LENGTH = 2_000;

export interface StatementResult<T> {
  rows: T[];
  /** `changes` of a run() (INSERT/UPDATE/DELETE without RETURNING); 0 for all(). */
  changes: number;
}

type Done<T> = (err: Error | null, result?: StatementResult<T>) => void;

class StatementCache {
  private readonly kept: LRUCache<string, Statement>;
  /** Statements created and not yet finalized (kept, being prepared, or evicted with runs still queued). */
  private readonly live = new Set<Statement>();
  private closing = false;
  private onDrained?: () => void;

  constructor(private readonly db: Database) {
    this.kept = new LRUCache<string, Statement>({ max: MAX_STATEMENTS, dispose: (statement) => this.finalize(statement) });
    const close = db.close.bind(db);
    db.close = (callback?: (err: Error | null) => void): void => {
      this.closing = true;
      this.kept.clear();
      if (this.live.size === 0) return close(callback);
      this.onDrained = () => close(callback);
    };
  }

  /** Runs sql on a kept statement, preparing it on first use. */
  run<T>(sql: string, params: unknown[], wantsRows: boolean, done: Done<T>): void {
    const ready = this.closing ? undefined : this.kept.get(sql);
    if (ready) return execute(ready, params, wantsRows, done);
    const statement: Statement = this.db.prepare(sql, (err) => {
      // A failed prepare finalizes the statement itself.
      if (err) {
        this.forget(statement);
        return done(err);
      }
      // Kept and run in the same turn, so no eviction can finalize it in between. A concurrent first use of the same
      // SQL replaces it; the replaced one is finalized after the run queued on it here.
      if (this.closing) {
        execute(statement, params, wantsRows, done);
        this.finalize(statement);
        return;
      }
      this.kept.set(sql, statement);
      execute(statement, params, wantsRows, done);
    });
    this.live.add(statement);
  }

  private finalize(statement: Statement): void {
    statement.finalize(() => this.forget(statement));
  }

  private forget(statement: Statement): void {
    this.live.delete(statement);
    if (this.closing && this.live.size === 0 && this.onDrained) {
      const drained = this.onDrained;
      this.onDrained = undefined;
      drained();
    }
  }
}

function execute<T>(statement: Statement, params: unknown[], wantsRows: boolean, done: Done<T>): void {
  if (wantsRows) statement.all<T>(params, (err, rows) => (err ? done(err) : done(null, { rows, changes: 0 })));
  else statement.run(params, function (this: RunResult, err) {
    if (err) done(err);
    else done(null, { rows: [], changes: this.changes });
  });
}

const caches = new WeakMap<Database, StatementCache>();

/** TypeORM's routing: statements that start with these go through run(), the rest through all(). */
const RUN_PREFIXES = ['INSERT ', 'UPDATE ', 'DELETE '];

/**
 * Runs sql (at most MAX_SQL_LENGTH characters) on the SQLite connection of ds with a kept prepared statement.
 * `returning`: the statement returns rows although it writes (read through all()).
 */
export function runPrepared<T>(ds: DataSource, sql: string, params: unknown[], returning: boolean): Promise<StatementResult<T>> {
  const db = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
  const wantsRows = returning || !RUN_PREFIXES.some((prefix) => sql.startsWith(prefix));
  return new Promise((resolve, reject) => {
    const done: Done<T> = (err, result) => {
      if (!err) return resolve(result!);
      ds.logger.logQueryError(err, sql, params);
      reject(new QueryFailedError(sql, params, err));
    };
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new StatementCache(db)));
    cache.run(sql, params, wantsRows, done);
  });
}
