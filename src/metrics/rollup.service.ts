// Hourly rollups of request_log into metrics_rollup, with catch-up, late-row re-rolls and retention pruning.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AppConfig, appConfig } from '../config/app.config';
import { LogDatabase, SqlRunner } from '../request-log/log-database';
import { HOUR_MS, hourStart, HourAccumulator, RollupFigures } from './rollup-math';

/** Rows per read while rolling an hour: small enough that materialising a chunk stays well under 50 ms. */
export const ROLLUP_READ_CHUNK = 2_000;
/** Rows per DELETE while pruning: keeps each write transaction short so request-log flushes are not held up. */
export const PRUNE_BATCH = 5_000;

const ROLLUP_COLUMNS = [
  'hour_start', 'route', 'method', 'requests', 'ok', 'client_errors', 'server_errors', 'rate_limited',
  'avg_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'unique_users',
] as const;

export interface RolledHourReport {
  hourStart: string;
  requests: number;
  /** True when the hour had been rolled before and late rows made its count change. */
  reRolled: boolean;
}

export interface RollupReport {
  rolled: RolledHourReport[];
  prunedRows: number;
  /** True when shutdown interrupted the run; the next run continues where it stopped. */
  interrupted: boolean;
}

interface RawRow {
  id: number;
  ts: number;
  method: string;
  route: string;
  status: number;
  duration_ms: number;
  user_hash: string | null;
}

@Injectable()
export class RollupService {
  private readonly logger = new Logger('RollupService');
  private last: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly db: LogDatabase,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /**
   * Rolls every complete hour (before hourStart(now)) that has raw rows and is not rolled yet, or that gained rows
   * since it was rolled; then prunes raw rows past retention whose hour is rolled. Runs are serialized; running
   * twice changes nothing. Yields to the event loop between chunks, so the API keeps answering during catch-up.
   */
  rollUpCompleteHours(now: number): Promise<RollupReport> {
    const run = this.last.then(() => this.run(now));
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Lets a running catch-up stop at the next chunk boundary (shutdown), and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.last;
  }

  private async run(now: number): Promise<RollupReport> {
    const report: RollupReport = { rolled: [], prunedRows: 0, interrupted: false };
    if (this.stopping || !this.db.isOpen) return { ...report, interrupted: true };
    const end = hourStart(now);
    const [raw, rolled] = await Promise.all([this.rawCountsByHour(0, end), this.rolledCounts(end)]);
    for (const [hour, count] of raw) {
      const before = rolled.get(hour);
      // Fewer raw rows than rolled means pruning of that hour is under way: its rollup is final.
      if (before !== undefined && count <= before) continue;
      if (this.stopping) return { ...report, interrupted: true };
      const requests = await this.rollHour(hour, now);
      if (requests === null) return { ...report, interrupted: true };
      report.rolled.push({ hourStart: new Date(hour).toISOString(), requests, reRolled: before !== undefined });
      await yieldToEventLoop();
    }
    const pruned = await this.prune(now);
    report.prunedRows = pruned.rows;
    report.interrupted = pruned.interrupted;
    return report;
  }

  /** Raw row counts per hour in [from, to): one pass over the ts index. */
  async rawCountsByHour(from: number, to: number): Promise<Map<number, number>> {
    const rows = await this.db.all<{ h: number | string; n: number | string }>(
      `SELECT "ts" / ${HOUR_MS} AS "h", COUNT(*) AS "n" FROM "request_log" WHERE "ts" >= ${this.db.param(1)} AND "ts" < ${this.db.param(2)} GROUP BY "ts" / ${HOUR_MS} ORDER BY 1`,
      [from, to],
    );
    return new Map(rows.map((r) => [Number(r.h) * HOUR_MS, Number(r.n)]));
  }

  private async rolledCounts(before: number): Promise<Map<number, number>> {
    const rows = await this.db.all<{ hour_start: number | string; requests: number }>(
      `SELECT "hour_start", "requests" FROM "rolled_hours" WHERE "hour_start" < ${this.db.param(1)}`,
      [before],
    );
    return new Map(rows.map((r) => [Number(r.hour_start), Number(r.requests)]));
  }

  /** Reads the hour in keyset-paged chunks, then replaces its rollup rows in one transaction. Null if stopped. */
  private async rollHour(hour: number, now: number): Promise<number | null> {
    const acc = new HourAccumulator();
    const p = (i: number) => this.db.param(i);
    let lastTs = hour - 1;
    let lastId = 0;
    for (;;) {
      const chunk = await this.db.all<RawRow>(
        `SELECT "id", "ts", "method", "route", "status", "duration_ms", "user_hash" FROM "request_log" ` +
          `WHERE "ts" < ${p(1)} AND ("ts", "id") > (${p(2)}, ${p(3)}) ORDER BY "ts", "id" LIMIT ${ROLLUP_READ_CHUNK}`,
        [hour + HOUR_MS, lastTs, lastId],
      );
      for (const r of chunk) {
        acc.add({ route: r.route, method: r.method, status: Number(r.status), durationMs: Number(r.duration_ms), userHash: r.user_hash });
      }
      if (chunk.length < ROLLUP_READ_CHUNK) break;
      const tail = chunk[chunk.length - 1];
      lastTs = Number(tail.ts);
      lastId = Number(tail.id);
      await yieldToEventLoop();
      if (this.stopping) return null;
    }
    const figures = acc.figures();
    await this.db.transaction(async (tx) => {
      await tx.run(`DELETE FROM "metrics_rollup" WHERE "hour_start" = ${p(1)}`, [hour]);
      await this.insertFigures(tx, hour, figures);
      await tx.run(
        `INSERT INTO "rolled_hours" ("hour_start", "requests", "rolled_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
          `ON CONFLICT ("hour_start") DO UPDATE SET "requests" = excluded."requests", "rolled_at" = excluded."rolled_at"`,
        [hour, acc.count, now],
      );
    });
    return acc.count;
  }

  private async insertFigures(tx: SqlRunner, hour: number, figures: RollupFigures[]): Promise<void> {
    const perStatement = this.db.dialect.maxRowsPerInsert(ROLLUP_COLUMNS.length);
    const columns = ROLLUP_COLUMNS.map((c) => `"${c}"`).join(', ');
    for (let start = 0; start < figures.length; start += perStatement) {
      const chunk = figures.slice(start, start + perStatement);
      const params = chunk.flatMap((f) => [
        hour, f.route, f.method, f.requests, f.ok, f.clientErrors, f.serverErrors, f.rateLimited,
        f.avgMs, f.p50Ms, f.p95Ms, f.p99Ms, f.maxMs, f.uniqueUsers,
      ]);
      await tx.run(`INSERT INTO "metrics_rollup" (${columns}) VALUES ${this.db.dialect.valuesList(chunk.length, ROLLUP_COLUMNS.length)}`, params);
    }
  }

  /**
   * Deletes raw rows of whole hours older than the retention whose hour is rolled, PRUNE_BATCH rows per
   * transaction. Whole hours only: a partly pruned hour is never mistaken for one that needs re-rolling.
   */
  private async prune(now: number): Promise<{ rows: number; interrupted: boolean }> {
    const cutoff = hourStart(now - this.config.requestLog.retentionHours * HOUR_MS);
    const [raw, rolled] = await Promise.all([this.rawCountsByHour(0, cutoff), this.rolledCounts(cutoff)]);
    const p = (i: number) => this.db.param(i);
    let total = 0;
    for (const hour of raw.keys()) {
      if (!rolled.has(hour)) continue;
      for (;;) {
        if (this.stopping) return { rows: total, interrupted: true };
        const deleted = await this.db.transaction((tx) =>
          tx.run(
            `DELETE FROM "request_log" WHERE "id" IN (SELECT "id" FROM "request_log" WHERE "ts" >= ${p(1)} AND "ts" < ${p(2)} LIMIT ${PRUNE_BATCH})`,
            [hour, hour + HOUR_MS],
          ),
        );
        total += deleted;
        await yieldToEventLoop();
        if (deleted < PRUNE_BATCH) break;
      }
    }
    if (total > 0) this.logger.log(`pruned ${total} raw request rows older than ${new Date(cutoff).toISOString()}`);
    return { rows: total, interrupted: false };
  }
}
