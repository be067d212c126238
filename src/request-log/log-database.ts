// The connection that request-log flushes and rollups write through, with real transaction isolation.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { resolve } from 'node:path';
import { Database } from 'sqlite3';
import { DataSource } from 'typeorm';
import { AppConfig, appConfig } from '../config/app.config';
import { DatabaseKind, databaseKind } from '../database/data-source-options';
import { Dialect, dialectOf } from '../database/dialect';

export interface SqlRunner {
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * TypeORM's SQLite driver runs every query of the app on one shared query runner, so two concurrent transactions
 * nest as savepoints of each other: a feature's rollback could silently undo a committed log batch. Log writes
 * therefore go through a second SQLite connection of their own (WAL: readers are never blocked; writers wait on
 * the busy timeout like any other). On PostgreSQL each transaction gets a pooled connection of its own instead.
 * Transactions on this connection are serialized in-process (one SQLite connection holds one transaction).
 */
@Injectable()
export class LogDatabase implements OnModuleInit {
  readonly kind: DatabaseKind;
  readonly dialect: Dialect;
  private db: Database | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    // Injected so this opens only after TypeORM has connected and run the migrations.
    private readonly dataSource: DataSource,
  ) {
    this.kind = databaseKind(config.db);
    this.dialect = dialectOf(dataSource);
  }

  async onModuleInit(): Promise<void> {
    if (this.kind !== 'sqlite') return;
    this.db = await new Promise<Database>((ok, fail) => {
      const db = new Database(resolve(this.config.db.path), (err) => (err ? fail(err) : ok(db)));
    });
    this.db.configure('busyTimeout', 5000);
    // WAL + NORMAL: no fsync per commit (a power cut may lose the last batches, never corrupt the file). A flush
    // every 250 ms and one commit per rolled hour would otherwise be bound by the disk's fsync rate.
    await sqliteRun(this.db, 'PRAGMA synchronous = NORMAL', []);
  }

  /** `?` on SQLite, `$n` (1-based) on PostgreSQL. */
  param(index: number): string {
    return this.dialect.param(index);
  }

  /** Reads outside any transaction. */
  all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.db) return sqliteAll<T>(this.db, sql, params);
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

  /** Runs fn in one transaction (committed when fn resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => (this.db ? this.sqliteTransaction(this.db, fn) : this.pooledTransaction(fn)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits for queued transactions, then closes the SQLite connection. */
  async close(): Promise<void> {
    await this.queue;
    const db = this.db;
    this.db = null;
    if (db) await new Promise<void>((ok) => db.close(() => ok()));
  }

  get isOpen(): boolean {
    return this.kind === 'sqlite' ? this.db !== null : this.dataSource.isInitialized;
  }

  private async sqliteTransaction<T>(db: Database, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const tx: SqlRunner = { run: (sql, params) => sqliteRun(db, sql, params ?? []), all: (sql, params) => sqliteAll(db, sql, params ?? []) };
    // IMMEDIATE takes the write lock up front, so the transaction never fails half-way on a lock upgrade.
    await sqliteRun(db, 'BEGIN IMMEDIATE', []);
    try {
      const result = await fn(tx);
      await sqliteRun(db, 'COMMIT', []);
      return result;
    } catch (e) {
      await sqliteRun(db, 'ROLLBACK', []).catch(() => undefined);
      throw e;
    }
  }

  private async pooledTransaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const tx: SqlRunner = {
        run: async (sql, params) => {
          const result = await runner.query(sql, params, true);
          return (result as { affected?: number }).affected ?? 0;
        },
        all: (sql, params) => runner.query(sql, params) as Promise<never>,
      };
      try {
        const result = await fn(tx);
        await runner.commitTransaction();
        return result;
      } catch (e) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw e;
      }
    } finally {
      await runner.release();
    }
  }
}

function sqliteRun(db: Database, sql: string, params: unknown[]): Promise<number> {
  return new Promise((ok, fail) => {
    db.run(sql, params, function (err) {
      if (err) fail(err);
      else ok(this.changes);
    });
  });
}

function sqliteAll<T>(db: Database, sql: string, params: unknown[]): Promise<T[]> {
  return new Promise((ok, fail) => db.all(sql, params, (err, rows) => (err ? fail(err) : ok(rows as T[]))));
}
