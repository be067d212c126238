// Owns batching: drains the buffer into request_log by time and by size in multi-row INSERTs, never on the request
// path. Shutdown is bounded: what the database takes before a deadline is written, the rest goes to the spill file,
// which the next start replays before serving.
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import { ResponseEnvelopeAdapter } from '../common/response-envelope.adapter';
import { UsersService } from '../users/users.service';
import { HeldBatch, REQUEST_LOG_HIGH_WATER, RequestLogBuffer } from './request-log.buffer';
import { RequestLogRow } from './request-log-row';
import { RequestLogger } from './request-logger';
import { RequestLogSpill } from './request-log.spill';
import { TrafficRepository } from './traffic.repository';

/**
 * Timer flushes; with the size trigger (REQUEST_LOG_HIGH_WATER rows) a kill -9 loses about this much traffic (plus
 * the flush under way), well under the 250 ms the product promises, also when a loaded machine delays the timer and
 * the write. An idle tick costs one empty-buffer check. A tick writes what is queued; rows that arrive during the
 * write wait for the next tick, unless the write outlasted an interval or the buffer holds a backlog (then the writer
 * goes on at once): writing them at once made a stream of tiny transactions (on PostgreSQL ~125 a second of ~8 rows
 * at 1,000 req/s, four round trips each, ~10 % of the event loop in a CPU profile).
 */
export const FLUSH_INTERVAL_MS = 50;
/** Rows taken per drain step: a flush at 5k req/s carries ~500; a backlog drains in steps of this. */
export const MAX_BATCH_ROWS = 20_000;
/**
 * Rows per INSERT statement (one JSON parameter, ~200 bytes a row). SQLite: small enough that the statement holds the
 * app's one shared connection for a few milliseconds only, so request queries interleave. PostgreSQL: each statement
 * is a transaction of its own (BEGIN, SET LOCAL statement_timeout, INSERT, COMMIT), four round trips that each wait a
 * turn of a busy event loop: with 1,000 rows a statement the buffer fell up to 2.5 s behind a server saturated at 200
 * connections (bench), with 5,000 at most 0.6 s. Requests use the pool's other connections meanwhile.
 */
export const ROWS_PER_INSERT = { sqlite: 1_000, postgres: 5_000 } as const;
/** Signal to exit: the promise operators get. */
export const SHUTDOWN_BOUND_MS = 10_000;
/**
 * Database attempts end this long after shutdown began; the rest is spilled. It leaves room for a write already
 * waiting on the usual 5 s SQLite busy timeout when the signal came, and for closing the database after.
 */
export const SHUTDOWN_DATABASE_DEADLINE_MS = 6_000;
/** A write waits at most this long for a locked database (SQLite's busy timeout); the rows are kept and retried. */
const STATEMENT_TIMEOUT_MS = 5_000;
/** During shutdown each statement waits at most this long, then the writer retries while the deadline allows. */
const SHUTDOWN_STATEMENT_TIMEOUT_MS = 1_000;
const IN_FLIGHT_WAIT_MS = 1_000;
/** A replay that failed at start (database unavailable) is tried again this often. */
const REPLAY_RETRY_MS = 30_000;

/** What the shutdown did with the rows it found, for the shutdown log line. */
export interface ShutdownSummary {
  /** Rows written to the database after the signal. */
  flushed: number;
  spilled: number;
  /** Rows neither the database nor the spill file took (counted as dropped). */
  lost: number;
  elapsedMs: number;
  spillFile: string | null;
}

interface Shutdown {
  startedAt: number;
  deadline: number;
  writtenBefore: number;
}

@Injectable()
export class RequestLogWriter implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLogWriter');
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<boolean> | null = null;
  /** Set by flush(): the drain under way goes on until the buffer is empty instead of leaving late rows to the tick. */
  private untilEmpty = false;
  private replaying: Promise<void> | null = null;
  private nextReplayAt = 0;
  private shutdown: Shutdown | null = null;
  private summary: ShutdownSummary | null = null;
  private lastFailureLog = 0;

  constructor(
    private readonly buffer: RequestLogBuffer,
    private readonly repo: TrafficRepository,
    private readonly requests: RequestLogger,
    private readonly users: UsersService,
    private readonly spill: RequestLogSpill,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Rows spilled by the last shutdown are written before the app serves (hooks run before listen()). */
  onModuleInit(): Promise<void> {
    return this.replaySpill();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
    // Wakes the writer early; the drain itself goes on while the backlog lasts (flush() would drain until empty).
    this.buffer.onHighWater(() => void this.startDrain());
  }

  /**
   * Writes everything buffered. Concurrent calls share the running drain (which keeps draining what arrives
   * meanwhile); one that joins a drain already past its write loop (waiting for its last_seen_at updates) starts
   * another for the rows that came after. Resolves false when a write failed: those rows are back in the buffer for
   * the next attempt.
   */
  async flush(): Promise<boolean> {
    for (;;) {
      this.untilEmpty = true;
      const ok = await this.startDrain();
      if (!ok || this.buffer.queued === 0 || !this.repo.isOpen || this.pastDeadline()) return ok;
    }
  }

  /** Set once the app has shut down: what happened to the rows it still had. */
  shutdownSummary(): ShutdownSummary | null {
    return this.summary;
  }

  /** SIGTERM/SIGINT and app.close(): let in-flight requests finish, then write while the deadline allows. */
  async beforeApplicationShutdown(): Promise<void> {
    // No new requests from here on (Nest would keep serving until after these hooks): a keep-alive client sending
    // all along would keep requests in flight and rows arriving for as long as it sends.
    const adapter = this.adapterHost.httpAdapter;
    if (adapter instanceof ResponseEnvelopeAdapter) void adapter.stopAccepting();
    const { startedAt, deadline } = this.beginShutdown();
    const inFlightDeadline = Math.min(startedAt + IN_FLIGHT_WAIT_MS, deadline);
    while (this.requests.inFlight > 0 && Date.now() < inFlightDeadline) await sleep(5);
    await this.flushBeforeDeadline();
  }

  /** Rows of requests that finished while the HTTP server was closing; then whatever is left goes to the spill file. */
  async onApplicationShutdown(): Promise<void> {
    const shutdown = this.beginShutdown();
    await this.flushBeforeDeadline();
    const rows = this.buffer.takeAll();
    let lost = 0;
    if (rows.length > 0) lost = await this.spillRows(rows);
    const { written, dropped } = this.buffer.stats();
    const summary: ShutdownSummary = {
      flushed: written - shutdown.writtenBefore,
      spilled: rows.length - lost,
      lost,
      elapsedMs: Date.now() - shutdown.startedAt,
      spillFile: rows.length > lost ? this.spill.path : null,
    };
    this.summary = summary;
    const logged = { flushedRows: summary.flushed, spilledRows: summary.spilled, writtenRows: written, droppedRows: dropped, elapsedMs: summary.elapsedMs };
    const spilled = summary.spilled > 0 ? `, ${summary.spilled} spilled to ${summary.spillFile}` : '';
    this.logger.log({ shutdown: logged }, `Stopped: ${summary.flushed} request-log row(s) flushed at shutdown${spilled}, ${written} written since start, ${dropped} dropped`);
  }

  private beginShutdown(): Shutdown {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const now = Date.now();
    this.shutdown ??= { startedAt: now, deadline: now + SHUTDOWN_DATABASE_DEADLINE_MS, writtenBefore: this.buffer.stats().written };
    return this.shutdown;
  }

  private startDrain(): Promise<boolean> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
      this.untilEmpty = false;
    });
    return this.flushing;
  }

  private tick(): void {
    void this.startDrain();
    if (this.buffer.spillPending > 0 && Date.now() >= this.nextReplayAt) void this.replaySpill();
  }

  private async flushBeforeDeadline(): Promise<void> {
    const { deadline } = this.shutdown!;
    for (let attempt = 1; this.buffer.queued + this.buffer.inWriter > 0 && this.repo.isOpen && Date.now() < deadline; attempt++) {
      const written = await beforeDeadline(this.flush(), deadline);
      // Still writing at the deadline. Every statement is bounded (5 s, 1 s after the signal), so this is a write
      // started after the signal, whose rows carry spill ids: spilling them too cannot put a row in twice.
      if (written === undefined) return;
      if (!written) await sleep(Math.max(0, Math.min(100 * attempt, deadline - Date.now())));
    }
  }

  /**
   * Writes batches: from a tick, what is queued (and more only when the write outlasted an interval or a backlog built
   * up); from flush() and at shutdown, until the buffer is empty. Each batch's last_seen_at update goes out without
   * waiting for it, beside the next batch's INSERT: every statement's answer waits a turn of the event loop, which a
   * saturated server makes long, and waiting for both doubled how far the buffer fell behind. The updates only ever
   * move last_seen_at forward, so their order does not matter; the drain ends once all of them have answered.
   */
  private async drain(): Promise<boolean> {
    const touches: Promise<void>[] = [];
    try {
      while (this.buffer.queued > 0 && this.repo.isOpen && !this.pastDeadline()) {
        const startedAt = Date.now();
        const batch = this.buffer.take(MAX_BATCH_ROWS);
        // From the signal on, a row may end up both written and spilled (a write that answers after the deadline).
        if (this.shutdown) for (const row of batch.rows) row.spillId ??= randomUUID();
        const ok = await this.writeBatch(batch, touches);
        const requeued = this.buffer.release(batch);
        if (!ok || requeued > 0) {
          this.buffer.recordWriteFailure();
          return false;
        }
        const behind = this.buffer.queued >= REQUEST_LOG_HIGH_WATER || Date.now() - startedAt >= FLUSH_INTERVAL_MS;
        if (!this.untilEmpty && !this.shutdown && !behind) break;
      }
      return true;
    } finally {
      await Promise.all(touches);
    }
  }

  /**
   * INSERTs of the batch's rows, each statement atomic on its own (autocommit), then users' last_seen_at
   * (UsersService; added to `touches`, not awaited). Progress is kept on the batch: on a failed statement, exactly the
   * rows from it on go back to the buffer, so a retry neither loses nor duplicates a row. No explicit transaction on purpose: TypeORM's SQLite driver
   * runs the whole app on one shared connection, where a BEGIN of ours would nest with (and could be undone by, or
   * break) another feature's transaction; and a second connection starves on the shared libuv pool while the first
   * one waits for its lock (measured: SQLITE_BUSY after the 5 s timeout under concurrent writes).
   */
  private async writeBatch(batch: HeldBatch, touches: Promise<void>[]): Promise<boolean> {
    let ok = true;
    while (batch.written < batch.rows.length) {
      const chunk = batch.rows.slice(batch.written, batch.written + ROWS_PER_INSERT[this.repo.dialectKind]);
      try {
        await this.withStatementTimeout((manager) => this.repo.insertRequests(chunk, manager));
      } catch (e) {
        this.logFailure(e, batch.rows.length - batch.written);
        ok = false;
        break;
      }
      this.buffer.recordWritten(batch, chunk.length);
    }
    const seen = lastSeenOf(batch.rows.slice(0, batch.written));
    // Only rows just written count, so a database that refused them is not asked for this either.
    if (seen.size > 0) touches.push(this.users.touchLastSeen(seen).catch((e: unknown) => this.logFailure(e, 0)));
    return ok;
  }

  /** Every write is bounded: no statement waits for a locked database longer than the shutdown deadline allows. */
  private withStatementTimeout<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const ms = this.shutdown ? Math.min(SHUTDOWN_STATEMENT_TIMEOUT_MS, this.shutdown.deadline - Date.now()) : STATEMENT_TIMEOUT_MS;
    return this.repo.withStatementTimeout(ms, fn);
  }

  private pastDeadline(): boolean {
    return this.shutdown !== null && Date.now() >= this.shutdown.deadline;
  }

  /** Appends rows to the spill file; returns how many were lost because even that failed. */
  private async spillRows(rows: RequestLogRow[]): Promise<number> {
    for (const row of rows) row.spillId ??= randomUUID();
    try {
      await this.spill.append(rows);
    } catch (e) {
      this.buffer.recordLost(rows.length);
      this.logger.error(`${rows.length} request-log rows could be written neither to the database nor to ${this.spill.path}: ${errorText(e)}`);
      return rows.length;
    }
    this.buffer.recordSpilled(rows.length);
    this.logger.warn(`${rows.length} request-log rows spilled to ${this.spill.path}; the next start writes them`);
    return 0;
  }

  /** Writes the rows of the spill file (idempotently: rows already present are skipped) and removes it. */
  private replaySpill(): Promise<void> {
    this.replaying ??= this.replayOnce().finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  private async replayOnce(): Promise<void> {
    try {
      for (let spilled = await this.spill.claim(); spilled !== null; spilled = await this.spill.claim()) {
        const { rows, unreadable } = spilled;
        this.buffer.setSpillPending(rows.length);
        if (unreadable > 0) {
          this.buffer.recordLost(unreadable);
          this.logger.error(`${unreadable} unreadable lines in ${this.spill.path} (a crash while spilling), counted as dropped`);
        }
        let inserted = 0;
        const perInsert = ROWS_PER_INSERT[this.repo.dialectKind];
        for (let start = 0; start < rows.length; start += perInsert) {
          const chunk = rows.slice(start, start + perInsert);
          inserted += await this.withStatementTimeout((manager) => this.repo.insertRequests(chunk, manager));
        }
        await this.users.touchLastSeen(lastSeenOf(rows));
        await this.spill.done();
        this.buffer.recordReplayed(inserted, rows.length - inserted);
        this.logger.log(`${inserted} spilled request-log rows written (${rows.length - inserted} were already there)`);
      }
    } catch (e) {
      this.nextReplayAt = Date.now() + REPLAY_RETRY_MS;
      this.logger.error(`request-log spill replay failed, retried in ${REPLAY_RETRY_MS / 1000} s: ${errorText(e)}`);
    }
  }

  private logFailure(e: unknown, rows: number): void {
    // At most one line per 10 s while the database stays unavailable; the counters carry the rest.
    if (Date.now() - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = Date.now();
    const what = rows > 0 ? `request-log flush failed, ${rows} rows kept for retry` : 'users last_seen_at update failed';
    this.logger.warn(`${what}: ${errorText(e)}`);
  }
}

function lastSeenOf(rows: readonly RequestLogRow[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.userHash !== null && (seen.get(row.userHash) ?? -1) < row.ts) seen.set(row.userHash, row.ts);
  }
  return seen;
}

/** The promise's value, or undefined if the deadline comes first (the work itself goes on). */
async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  const timeout = new AbortController();
  try {
    return await Promise.race([work, sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timeout.signal }).catch(() => undefined)]);
  } finally {
    timeout.abort();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
