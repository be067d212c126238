// Hourly rollups of request_log into metrics_rollup, with catch-up, late-row re-rolls and retention pruning.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig, appConfig } from '../config/app.config';
import { Dialect, dialectOf, toNumber } from '../database/dialect';
import { PrometheusService } from './prometheus.service';
import { figuresFromAggregates, groupKey, HOUR_MS, hourStart, ROLLUP_PERCENTILES, RollupFigures } from './rollup-math';

/** Rows per DELETE while pruning: keeps each statement short so request-log flushes and requests interleave. */
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

@Injectable()
export class RollupService {
  private readonly logger = new Logger('RollupService');
  private last: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private readonly dialect: Dialect;
  private readonly hoursRolled: Counter;
  private readonly rowsPruned: Counter;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    prometheus: PrometheusService,
  ) {
    this.dialect = dialectOf(dataSource);
    const registers = [prometheus.registry];
    this.hoursRolled = new Counter({ name: 'bloom_rollup_hours_total', help: 'Hours rolled up (re-rolls of hours that received late rows included)', registers });
    this.rowsPruned = new Counter({ name: 'bloom_rollup_pruned_rows_total', help: 'Raw request_log rows deleted past retention', registers });
  }

  private all<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

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
    if (this.stopping || !this.dataSource.isInitialized) return { ...report, interrupted: true };
    const end = hourStart(now);
    const [raw, rolled] = await Promise.all([this.rawCountsByHour(0, end), this.rolledCounts(end)]);
    for (const [hour, count] of raw) {
      const before = rolled.get(hour);
      // Fewer raw rows than rolled means pruning of that hour is under way: its rollup is final.
      if (before !== undefined && count <= before) continue;
      if (this.stopping) return { ...report, interrupted: true };
      const requests = await this.rollHourOnce(hour, now);
      if (requests === null) return { ...report, interrupted: true };
      if (requests === undefined || requests === 0) continue; // another replica has it, or it was pruned meanwhile
      report.rolled.push({ hourStart: new Date(hour).toISOString(), requests, reRolled: before !== undefined });
      this.hoursRolled.inc();
      await yieldToEventLoop();
    }
    const pruned = await this.prune(now);
    report.prunedRows = pruned.rows;
    report.interrupted = pruned.interrupted;
    return report;
  }

  /** Raw row counts per hour in [from, to): one pass over the ts index. */
  async rawCountsByHour(from: number, to: number): Promise<Map<number, number>> {
    const rows = await this.all<{ h: number | string; n: number | string }>(
      `SELECT "ts" / ${HOUR_MS} AS "h", COUNT(*) AS "n" FROM "request_log" WHERE "ts" >= ${this.dialect.param(1)} AND "ts" < ${this.dialect.param(2)} GROUP BY "ts" / ${HOUR_MS} ORDER BY 1`,
      [from, to],
    );
    return new Map(rows.map((r) => [Number(r.h) * HOUR_MS, Number(r.n)]));
  }

  private async rolledCounts(before: number): Promise<Map<number, number>> {
    const rows = await this.all<{ hour_start: number | string; requests: number }>(
      `SELECT "hour_start", "requests" FROM "rolled_hours" WHERE "hour_start" < ${this.dialect.param(1)}`,
      [before],
    );
    return new Map(rows.map((r) => [Number(r.hour_start), Number(r.requests)]));
  }

  /**
   * Scale-out: on PostgreSQL several replicas may roll the same hour. Under a per-hour advisory lock (undefined when
   * another replica holds it), the hour is re-checked, because the previous holder may have just rolled it: 0 then.
   */
  private rollHourOnce(hour: number, now: number): Promise<number | null | undefined> {
    return this.dialect.withTryLock(this.dataSource, `bloom-telemetry:rollup:${hour}`, async () => {
      const p = (i: number) => this.dialect.param(i);
      const [[raw], [rolled]] = await Promise.all([
        this.all<{ n: number | string }>(`SELECT COUNT(*) AS "n" FROM "request_log" WHERE "ts" >= ${p(1)} AND "ts" < ${p(2)}`, [hour, hour + HOUR_MS]),
        this.all<{ requests: number | string }>(`SELECT "requests" FROM "rolled_hours" WHERE "hour_start" = ${p(1)}`, [hour]),
      ]);
      if (rolled !== undefined && toNumber(raw.n) <= toNumber(rolled.requests)) return 0;
      return this.rollHour(hour, now);
    });
  }

  /**
   * Aggregates the hour in the database — counts, sums, maxima, distinct users, and only the nearest-rank durations
   * (window functions) — so no raw row is materialised in JS and the event loop stays free; then replaces the hour's
   * rollup rows and marks it rolled. Null if stopped.
   */
  private async rollHour(hour: number, now: number): Promise<number | null> {
    const p = (i: number) => this.dialect.param(i);
    const range = [hour, hour + HOUR_MS];
    const inHour = `FROM "request_log" WHERE "ts" >= ${p(1)} AND "ts" < ${p(2)}`;
    const wanted = ROLLUP_PERCENTILES.map((q) => `("n" * ${q} + 99) / 100`).join(', ');
    const ranked = (partition: string) =>
      `SELECT ${partition ? `${partition}, ` : ''}"rn", "duration_ms" FROM (SELECT ${partition ? `${partition}, ` : ''}"duration_ms", ` +
      `ROW_NUMBER() OVER (${partition ? `PARTITION BY ${partition} ` : ''}ORDER BY "duration_ms") AS "rn", ` +
      `COUNT(*) OVER (${partition ? `PARTITION BY ${partition}` : ''}) AS "n" ${inHour}) "w" WHERE "rn" IN (${wanted})`;
    const groups = await this.all<Record<string, unknown>>(
      `SELECT "route", "method", COUNT(*) AS "requests", ` +
        `SUM(CASE WHEN "status" < 500 THEN 1 ELSE 0 END) AS "ok", ` +
        `SUM(CASE WHEN "status" >= 400 AND "status" < 500 THEN 1 ELSE 0 END) AS "client_errors", ` +
        `SUM(CASE WHEN "status" >= 500 THEN 1 ELSE 0 END) AS "server_errors", ` +
        `SUM(CASE WHEN "status" = 429 THEN 1 ELSE 0 END) AS "rate_limited", ` +
        `SUM("duration_ms") AS "sum_ms", MAX("duration_ms") AS "max_ms", COUNT(DISTINCT "user_hash") AS "unique_users" ` +
        `${inHour} GROUP BY "route", "method"`,
      range,
    );
    if (this.stopping) return null;
    if (groups.length === 0) return 0;
    const groupRows = await this.all<{ route: string; method: string; rn: unknown; duration_ms: unknown }>(ranked('"route", "method"'), range);
    const [allRows, [users]] = await Promise.all([
      this.all<{ rn: unknown; duration_ms: unknown }>(ranked(''), range),
      this.all<{ n: unknown }>(`SELECT COUNT(DISTINCT "user_hash") AS "n" ${inHour}`, range),
    ]);
    const groupRanks = new Map<string, Map<number, number>>();
    for (const r of groupRows) {
      const key = groupKey(r.method, r.route);
      const ranks = groupRanks.get(key) ?? new Map<number, number>();
      ranks.set(toNumber(r.rn), toNumber(r.duration_ms));
      groupRanks.set(key, ranks);
    }
    const figures = figuresFromAggregates(
      groups.map((g) => ({
        route: String(g.route),
        method: String(g.method),
        requests: toNumber(g.requests),
        ok: toNumber(g.ok),
        clientErrors: toNumber(g.client_errors),
        serverErrors: toNumber(g.server_errors),
        rateLimited: toNumber(g.rate_limited),
        sumMs: toNumber(g.sum_ms),
        maxMs: toNumber(g.max_ms),
        uniqueUsers: toNumber(g.unique_users),
      })),
      groupRanks,
      { uniqueUsers: toNumber(users.n), ranks: new Map(allRows.map((r) => [toNumber(r.rn), toNumber(r.duration_ms)])) },
    );
    const requests = figures[figures.length - 1].requests;
    if (this.stopping) return null;
    await this.replaceFigures(hour, figures);
    await this.dataSource.query(
      `INSERT INTO "rolled_hours" ("hour_start", "requests", "rolled_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
        `ON CONFLICT ("hour_start") DO UPDATE SET "requests" = excluded."requests", "rolled_at" = excluded."rolled_at"`,
      [hour, requests, now],
    );
    return requests;
  }

  /**
   * Replaces the hour's rollup rows without a moment where they are missing: one upsert statement (atomic), then the
   * removal of rows of that hour the new set does not have (debris of an interrupted run). The hour is marked rolled
   * only afterwards, so an interruption anywhere leaves it to be rolled again. Statements, not a transaction: see
   * RequestLogWriter on why a transaction of ours must not share TypeORM's SQLite connection.
   */
  private async replaceFigures(hour: number, figures: RollupFigures[]): Promise<void> {
    const p = (i: number) => this.dialect.param(i);
    const columns = ROLLUP_COLUMNS.map((c) => `"${c}"`).join(', ');
    const updates = ROLLUP_COLUMNS.slice(3).map((c) => `"${c}" = excluded."${c}"`).join(', ');
    const perStatement = this.dialect.maxRowsPerInsert(ROLLUP_COLUMNS.length);
    for (let start = 0; start < figures.length; start += perStatement) {
      const chunk = figures.slice(start, start + perStatement);
      const params = chunk.flatMap((f) => [
        hour, f.route, f.method, f.requests, f.ok, f.clientErrors, f.serverErrors, f.rateLimited,
        f.avgMs, f.p50Ms, f.p95Ms, f.p99Ms, f.maxMs, f.uniqueUsers,
      ]);
      await this.dataSource.query(
        `INSERT INTO "metrics_rollup" (${columns}) VALUES ${this.dialect.valuesList(chunk.length, ROLLUP_COLUMNS.length)} ` +
          `ON CONFLICT ("hour_start", "route", "method") DO UPDATE SET ${updates}`,
        params,
      );
    }
    const present = await this.all<{ id: number; route: string; method: string }>(
      `SELECT "id", "route", "method" FROM "metrics_rollup" WHERE "hour_start" = ${p(1)}`,
      [hour],
    );
    const wanted = new Set(figures.map((f) => `${f.method} ${f.route}`));
    const stale = present.filter((r) => !wanted.has(`${r.method} ${r.route}`)).map((r) => r.id);
    if (stale.length > 0) {
      await this.dataSource.query(`DELETE FROM "metrics_rollup" WHERE "id" IN (${this.dialect.placeholders(stale.length)})`, stale);
    }
  }

  /**
   * Deletes raw rows of whole hours older than the retention whose hour is rolled, PRUNE_BATCH rows per
   * statement. Whole hours only: a partly pruned hour is never mistaken for one that needs re-rolling.
   */
  private async prune(now: number): Promise<{ rows: number; interrupted: boolean }> {
    const cutoff = hourStart(now - this.config.requestLog.retentionHours * HOUR_MS);
    const [raw, rolled] = await Promise.all([this.rawCountsByHour(0, cutoff), this.rolledCounts(cutoff)]);
    const p = (i: number) => this.dialect.param(i);
    let total = 0;
    for (const hour of raw.keys()) {
      if (!rolled.has(hour)) continue;
      for (;;) {
        if (this.stopping) return { rows: total, interrupted: true };
        const { affected: deleted } = await this.dialect.execute(
          this.dataSource.manager,
          `DELETE FROM "request_log" WHERE "id" IN (SELECT "id" FROM "request_log" WHERE "ts" >= ${p(1)} AND "ts" < ${p(2)} LIMIT ${PRUNE_BATCH})`,
          [hour, hour + HOUR_MS],
        );
        total += deleted;
        this.rowsPruned.inc(deleted);
        await yieldToEventLoop();
        if (deleted < PRUNE_BATCH) break;
      }
    }
    if (total > 0) this.logger.log(`pruned ${total} raw request rows older than ${new Date(cutoff).toISOString()}`);
    return { rows: total, interrupted: false };
  }
}
