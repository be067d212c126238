// Owns batching: drains the buffer into request_log by time and by size, one transaction per batch.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogDatabase, SqlRunner } from './log-database';
import { RequestLogBuffer } from './request-log.buffer';
import { pushParams, REQUEST_LOG_COLUMNS, RequestLogRow } from './request-log-row';
import { RequestLogger } from './request-logger';

/** A kill -9 loses at most this much traffic. */
export const FLUSH_INTERVAL_MS = 250;
/** Rows per transaction: a flush at 5k req/s carries ~1,250; a backlog drains in batches of this. */
export const MAX_BATCH_ROWS = 20_000;
const SHUTDOWN_RETRIES = 5;
const IN_FLIGHT_WAIT_MS = 2_000;

@Injectable()
export class RequestLogWriter implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLogWriter');
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<boolean> | null = null;
  private lastFailureLog = 0;

  constructor(
    private readonly buffer: RequestLogBuffer,
    private readonly db: LogDatabase,
    private readonly requests: RequestLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    this.buffer.onHighWater(() => void this.flush());
  }

  /**
   * Writes everything buffered. Concurrent calls share the running flush (which keeps draining what arrives
   * meanwhile). Resolves false when a write failed: those rows are back in the buffer for the next attempt.
   */
  flush(): Promise<boolean> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** SIGTERM/SIGINT and app.close(): let in-flight requests finish, then write every buffered row. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    while (this.requests.inFlight > 0 && Date.now() < deadline) await sleep(5);
    await this.flushWithRetries();
  }

  /** Catches rows of requests that finished while the HTTP server was closing, then closes the connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.flushWithRetries();
    const lost = this.buffer.depth;
    if (lost > 0) {
      this.buffer.take(lost);
      this.buffer.recordLost(lost);
      this.logger.error(`${lost} request-log rows could not be written before shutdown (counted as dropped)`);
    }
    await this.db.close();
  }

  private async flushWithRetries(): Promise<void> {
    for (let attempt = 0; attempt < SHUTDOWN_RETRIES && this.buffer.depth > 0; attempt++) {
      if (!this.db.isOpen) return;
      if (await this.flush()) continue;
      await sleep(100 * (attempt + 1));
    }
    // A flush may still be running for rows taken just before; wait for it either way.
    if (this.flushing) await this.flushing;
  }

  private async drain(): Promise<boolean> {
    while (this.buffer.depth > 0 && this.db.isOpen) {
      const rows = this.buffer.take(MAX_BATCH_ROWS);
      try {
        await this.db.transaction((tx) => this.writeBatch(tx, rows));
        this.buffer.recordWritten(rows.length);
      } catch (e) {
        this.buffer.requeue(rows);
        this.buffer.recordWriteFailure();
        this.logFailure(e, rows.length);
        return false;
      }
    }
    return true;
  }

  /** Multi-row INSERTs with bound parameters, then users' last_seen_at, all in the caller's transaction. */
  private async writeBatch(tx: SqlRunner, rows: RequestLogRow[]): Promise<void> {
    const columns = REQUEST_LOG_COLUMNS.map((c) => `"${c}"`).join(', ');
    const seen = new Map<string, number>();
    const perInsert = this.db.dialect.maxRowsPerInsert(REQUEST_LOG_COLUMNS.length);
    for (let start = 0; start < rows.length; start += perInsert) {
      const chunk = rows.slice(start, start + perInsert);
      const params: unknown[] = [];
      for (const row of chunk) {
        pushParams(params, row);
        if (row.userHash !== null && (seen.get(row.userHash) ?? -1) < row.ts) seen.set(row.userHash, row.ts);
      }
      await tx.run(`INSERT INTO "request_log" (${columns}) VALUES ${this.db.dialect.valuesList(chunk.length, REQUEST_LOG_COLUMNS.length)}`, params);
    }
    await this.touchUsers(tx, seen);
  }

  /** last_seen_at = max(existing, newest request of the batch) for users that exist; one statement per chunk. */
  private async touchUsers(tx: SqlRunner, seen: Map<string, number>): Promise<void> {
    const entries = [...seen];
    const perStatement = this.db.dialect.maxRowsPerInsert(2);
    for (let start = 0; start < entries.length; start += perStatement) {
      const chunk = entries.slice(start, start + perStatement);
      const values = chunk.map((_, i) => `(${this.db.param(2 * i + 1)}, CAST(${this.db.param(2 * i + 2)} AS BIGINT))`).join(',');
      await tx.run(
        `WITH "seen"("h", "ts") AS (VALUES ${values}) ` +
          `UPDATE "users" SET "last_seen_at" = (SELECT "seen"."ts" FROM "seen" WHERE "seen"."h" = "users"."address_hash") ` +
          `WHERE "address_hash" IN (SELECT "h" FROM "seen") ` +
          `AND "last_seen_at" < (SELECT "seen"."ts" FROM "seen" WHERE "seen"."h" = "users"."address_hash")`,
        chunk.flat(),
      );
    }
  }

  private logFailure(e: unknown, rows: number): void {
    // At most one line per 10 s while the database stays unavailable; the counters carry the rest.
    if (Date.now() - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = Date.now();
    this.logger.warn(`request-log flush of ${rows} rows failed, kept for retry: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}
