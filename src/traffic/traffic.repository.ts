// Every hand-written query on request_log, metrics_rollup and rolled_hours: one query a method, named for what it answers.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Dialect, DialectKind, dialectOf, toNumber } from '../database/dialect';
import { REQUEST_LOG_COLUMNS, RequestLogRow, rowsAsJson } from './request-log-row';
import { ALL_ROUTES, GroupAggregate, RollupFigures } from './rollup-math';
import { STATUS_COUNTS_SQL } from './status-counts';
import { HOUR_MS, MINUTE_MS } from './time';

const ROLLUP_COLUMNS = [
  'hour_start', 'route', 'method', 'requests', 'ok', 'client_errors', 'server_errors', 'rate_limited',
  'avg_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'unique_users', 'run_requests',
] as const;

/** Requests of traffic runs: a row belongs to a run only when its x-run-key named an open run (run_id set). */
const RUN_REQUESTS_SQL = `SUM(CASE WHEN "run_id" IS NOT NULL THEN 1 ELSE 0 END) AS "runRequests"`;

type Raw = Record<string, unknown>;

/** One (hour, route, method) as the database aggregates it, with its durations as a comma-separated list. */
export interface HourGroup extends GroupAggregate {
  hourStart: number;
  durations: string;
}

/** One rollup row: its hour and figures. */
export interface HourFigures extends RollupFigures {
  hourStart: number;
}

/** One request of a traffic run, as the run report reads it. */
export interface RunRequestRow {
  ts: number;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  errorCode: string | null;
  userHash: string | null;
}

/** INSERT … SELECT from the batch's JSON array (see insertRequests). */
function insertRequestsSql(dialect: Dialect): string {
  const columns = REQUEST_LOG_COLUMNS.map(([name]) => `"${name}"`).join(', ');
  if (dialect.isPostgres) {
    const fields = REQUEST_LOG_COLUMNS.map(([, type], i) => `("r"."value" ->> ${i})::${type}`).join(', ');
    // jsonb, not json: parsed once into a binary array whose elements `->>` indexes directly, where json's `->>`
    // parses each element's text again for each of the ten fields (~30 % less time a row, measured interleaved).
    return `INSERT INTO "request_log" (${columns}) SELECT ${fields} FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS "r" ("value", "n") ORDER BY "r"."n" ON CONFLICT DO NOTHING`;
  }
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
  const fields = REQUEST_LOG_COLUMNS.map((_, i) => `"value" ->> ${i}`).join(', ');
  return `INSERT INTO "request_log" (${columns}) SELECT ${fields} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`;
}

@Injectable()
export class TrafficRepository {
  private readonly dialect: Dialect;
  private readonly insertRequestsSql: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
    this.insertRequestsSql = insertRequestsSql(this.dialect);
  }

  get dialectKind(): DialectKind {
    return this.dialect.kind;
  }

  get isOpen(): boolean {
    return this.dataSource.isInitialized;
  }

  private p(i: number): string {
    return this.dialect.param(i);
  }

  private all<T = Raw>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

  /**
   * One INSERT of the whole batch (atomic on its own), its rows passed as a single JSON parameter that the database
   * unpacks (`json_each` / `jsonb_array_elements`, in array order). A VALUES list would bind ten parameters a row:
   * node-sqlite3 converts each one on the event loop, and the database parses a statement the size of the batch.
   * A row whose spill_id is already present is skipped (a replay after an interrupted one). Returns the rows inserted.
   */
  async insertRequests(rows: readonly RequestLogRow[], manager = this.dataSource.manager): Promise<number> {
    return (await this.dialect.execute(manager, this.insertRequestsSql, [rowsAsJson(rows)])).affected;
  }

  /** Runs fn with waits for a locked database bounded by `ms` (fn's statements go through the manager it is given). */
  withStatementTimeout<T>(ms: number, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dialect.withStatementTimeout(this.dataSource, ms, fn);
  }

  /**
   * Raw row counts per hour in [from, to) (hour starts), for the hours that have rows, ascending. One count over the
   * ts index per hour from the oldest row on, instead of a GROUP BY "ts" / hour, which SQLite sorts in a temporary
   * B-tree (~3× the work for a month of rows). Empty hours are dropped here, not in SQL, where the filter would
   * count every hour twice.
   */
  async rawCountsByHour(from: number, to: number): Promise<Map<number, number>> {
    const rows = await this.all(
      `WITH RECURSIVE "hours" ("h") AS (` +
        `SELECT MIN("ts") / ${HOUR_MS} * ${HOUR_MS} FROM "request_log" WHERE "ts" >= ${this.p(1)} AND "ts" < ${this.p(2)} ` +
        `UNION ALL SELECT "h" + ${HOUR_MS} FROM "hours" WHERE "h" + ${HOUR_MS} < ${this.p(3)}) ` +
        `SELECT "h", (SELECT COUNT(*) FROM "request_log" WHERE "ts" >= "h" AND "ts" < "h" + ${HOUR_MS}) AS "n" FROM "hours" ORDER BY "h"`,
      [from, to, to],
    );
    const counts = new Map<number, number>();
    for (const r of rows) {
      const n = toNumber(r.n);
      if (n > 0) counts.set(toNumber(r.h), n);
    }
    return counts;
  }

  /** Raw row count of each rolled hour before `before`, as it was when rolled. */
  async rolledCounts(before: number): Promise<Map<number, number>> {
    const rows = await this.all(`SELECT "hour_start", "requests" FROM "rolled_hours" WHERE "hour_start" < ${this.p(1)}`, [before]);
    return new Map(rows.map((r) => [toNumber(r.hour_start), toNumber(r.requests)]));
  }

  /** Runs fn unless another replica is rolling up right now (then undefined). */
  withRollupLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    return this.dialect.withTryLock(this.dataSource, 'bloom-telemetry:rollup', fn);
  }

  /**
   * Per (hour, route, method) of [from, to): counts, sum, maximum, distinct users, and every duration as one
   * comma-separated string, so the percentiles are picked in JS from a single pass (one GROUP BY for many hours
   * instead of window functions per hour). Durations are stored to 3 decimals, which both databases print exactly.
   */
  async hourGroups(from: number, to: number): Promise<HourGroup[]> {
    const durations = this.dialect.isPostgres ? `string_agg("duration_ms"::text, ',')` : `group_concat("duration_ms")`;
    const rows = await this.all(
      `SELECT "ts" / ${HOUR_MS} AS "h", "route", "method", ${STATUS_COUNTS_SQL}, ${RUN_REQUESTS_SQL}, SUM("duration_ms") AS "sumMs", ` +
        `MAX("duration_ms") AS "maxMs", COUNT(DISTINCT "user_hash") AS "uniqueUsers", ${durations} AS "durations" ` +
        `FROM "request_log" WHERE "ts" >= ${this.p(1)} AND "ts" < ${this.p(2)} GROUP BY "ts" / ${HOUR_MS}, "route", "method"`,
      [from, to],
    );
    return rows.map((g) => ({
      hourStart: toNumber(g.h) * HOUR_MS,
      route: String(g.route),
      method: String(g.method),
      requests: toNumber(g.requests),
      ok: toNumber(g.ok),
      clientErrors: toNumber(g.clientErrors),
      serverErrors: toNumber(g.serverErrors),
      rateLimited: toNumber(g.rateLimited),
      sumMs: toNumber(g.sumMs),
      maxMs: toNumber(g.maxMs),
      uniqueUsers: toNumber(g.uniqueUsers),
      runRequests: toNumber(g.runRequests),
      durations: String(g.durations),
    }));
  }

  /**
   * Distinct users of each hour of [from, to) that has rows of users (an hour of anonymous rows only is absent).
   * Anonymous rows are left out before grouping, so only the rows COUNT(DISTINCT) counts are sorted.
   */
  async distinctUsersByHour(from: number, to: number): Promise<Map<number, number>> {
    const rows = await this.all(
      `SELECT "ts" / ${HOUR_MS} AS "h", COUNT(DISTINCT "user_hash") AS "n" FROM "request_log" ` +
        `WHERE "ts" >= ${this.p(1)} AND "ts" < ${this.p(2)} AND "user_hash" IS NOT NULL GROUP BY "ts" / ${HOUR_MS}`,
      [from, to],
    );
    return new Map(rows.map((r) => [toNumber(r.h) * HOUR_MS, toNumber(r.n)]));
  }

  /** Upserts rollup rows, as few statements as the parameter limit allows (each atomic). */
  async upsertRollups(figures: readonly HourFigures[]): Promise<void> {
    const columns = ROLLUP_COLUMNS.map((c) => `"${c}"`).join(', ');
    const updates = ROLLUP_COLUMNS.slice(3).map((c) => `"${c}" = excluded."${c}"`).join(', ');
    const perStatement = this.dialect.maxRowsPerInsert(ROLLUP_COLUMNS.length);
    for (let start = 0; start < figures.length; start += perStatement) {
      const chunk = figures.slice(start, start + perStatement);
      const params = chunk.flatMap((f) => [
        f.hourStart, f.route, f.method, f.requests, f.ok, f.clientErrors, f.serverErrors, f.rateLimited,
        f.avgMs, f.p50Ms, f.p95Ms, f.p99Ms, f.maxMs, f.uniqueUsers, f.runRequests,
      ]);
      await this.dataSource.query(
        `INSERT INTO "metrics_rollup" (${columns}) VALUES ${this.dialect.valuesList(chunk.length, ROLLUP_COLUMNS.length)} ` +
          `ON CONFLICT ("hour_start", "route", "method") DO UPDATE SET ${updates}`,
        params,
      );
    }
  }

  async rollupKeysOfHours(from: number, to: number): Promise<{ id: number; hourStart: number; route: string; method: string }[]> {
    const rows = await this.all(`SELECT "id", "hour_start", "route", "method" FROM "metrics_rollup" WHERE "hour_start" >= ${this.p(1)} AND "hour_start" < ${this.p(2)}`, [from, to]);
    return rows.map((r) => ({ id: toNumber(r.id), hourStart: toNumber(r.hour_start), route: String(r.route), method: String(r.method) }));
  }

  async deleteRollups(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`DELETE FROM "metrics_rollup" WHERE "id" IN (${this.dialect.placeholders(ids.length)})`, [...ids]);
  }

  /** Marks each hour rolled with the raw row count it had (`requests` by hour start). */
  async markHoursRolled(requests: ReadonlyMap<number, number>, now: number): Promise<void> {
    const rows = [...requests].map(([hour, n]) => [hour, n, now]);
    const perStatement = this.dialect.maxRowsPerInsert(3);
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      await this.dataSource.query(
        `INSERT INTO "rolled_hours" ("hour_start", "requests", "rolled_at") VALUES ${this.dialect.valuesList(chunk.length, 3)} ` +
          `ON CONFLICT ("hour_start") DO UPDATE SET "requests" = excluded."requests", "rolled_at" = excluded."rolled_at"`,
        chunk.flat(),
      );
    }
  }

  /** Deletes up to `limit` raw rows of the hour; returns how many. */
  async deleteRawOfHour(hour: number, limit: number): Promise<number> {
    const { affected } = await this.dialect.execute(
      this.dataSource.manager,
      `DELETE FROM "request_log" WHERE "id" IN (SELECT "id" FROM "request_log" WHERE "ts" >= ${this.p(1)} AND "ts" < ${this.p(2)} LIMIT ${limit})`,
      [hour, hour + HOUR_MS],
    );
    return affected;
  }

  /** Start of the newest rolled hour, null before any. */
  async newestRolledHour(): Promise<number | null> {
    const [row] = await this.all(`SELECT MAX("hour_start") AS "h" FROM "rolled_hours"`);
    return row?.h === null || row?.h === undefined ? null : toNumber(row.h);
  }

  /** Status counts and run requests summed over the all-routes rollup rows of hours in [from, to). */
  async rolledTotals(from: number, to: number): Promise<Raw> {
    const [row] = await this.all(
      `SELECT SUM("requests") AS "requests", SUM("ok") AS "ok", SUM("client_errors") AS "clientErrors", ` +
        `SUM("server_errors") AS "serverErrors", SUM("rate_limited") AS "rateLimited", SUM("run_requests") AS "runRequests" FROM "metrics_rollup" ` +
        `WHERE "route" = ${this.p(1)} AND "method" = ${this.p(2)} AND "hour_start" >= ${this.p(3)} AND "hour_start" < ${this.p(4)}`,
      [ALL_ROUTES, ALL_ROUTES, from, to],
    );
    return row ?? {};
  }

  /** Status counts and run requests of the raw rows since `since`. */
  async rawTotalsSince(since: number): Promise<Raw> {
    const [row] = await this.all(`SELECT ${STATUS_COUNTS_SQL}, ${RUN_REQUESTS_SQL} FROM "request_log" WHERE "ts" >= ${this.p(1)}`, [since]);
    return row ?? {};
  }

  /** The all-routes rollup rows of hours in [from, to), as the series shows them. */
  rolledHours(from: number, to: number): Promise<Raw[]> {
    return this.all(
      `SELECT "hour_start" AS "hourStart", "requests", "ok", "client_errors" AS "clientErrors", "server_errors" AS "serverErrors", ` +
        `"rate_limited" AS "rateLimited", "avg_ms" AS "avgMs", "max_ms" AS "maxMs", "p50_ms" AS "p50Ms", "p95_ms" AS "p95Ms", ` +
        `"p99_ms" AS "p99Ms", "unique_users" AS "uniqueUsers" FROM "metrics_rollup" ` +
        `WHERE "route" = ${this.p(1)} AND "method" = ${this.p(2)} AND "hour_start" >= ${this.p(3)} AND "hour_start" < ${this.p(4)}`,
      [ALL_ROUTES, ALL_ROUTES, from, to],
    );
  }

  /** Per-hour status counts, mean and max duration of the raw rows since `since` (hours not rolled yet). */
  async rawHoursSince(since: number): Promise<Raw[]> {
    const rows = await this.all(
      `SELECT "ts" / ${HOUR_MS} AS "h", ${STATUS_COUNTS_SQL}, AVG("duration_ms") AS "avgMs", MAX("duration_ms") AS "maxMs" ` +
        `FROM "request_log" WHERE "ts" >= ${this.p(1)} GROUP BY "ts" / ${HOUR_MS}`,
      [since],
    );
    return rows.map((r) => ({ ...r, hourStart: toNumber(r.h) * HOUR_MS }));
  }

  /**
   * Per-minute status counts, mean, max and nearest-rank p95 duration (the rollups' rank rule, so minutes and hours
   * agree) of the raw rows since `since`: one pass over the ts index range, one sort, no row materialised in JS.
   */
  async rawMinutesSince(since: number): Promise<Raw[]> {
    const rows = await this.all(
      `SELECT "m", ${STATUS_COUNTS_SQL}, AVG("duration_ms") AS "avgMs", MAX("duration_ms") AS "maxMs", ` +
        `MAX(CASE WHEN "rn" = ("n" * 95 + 99) / 100 THEN "duration_ms" END) AS "p95Ms" ` +
        `FROM (SELECT "ts" / ${MINUTE_MS} AS "m", "status", "duration_ms", ` +
        `ROW_NUMBER() OVER (PARTITION BY "ts" / ${MINUTE_MS} ORDER BY "duration_ms") AS "rn", ` +
        `COUNT(*) OVER (PARTITION BY "ts" / ${MINUTE_MS}) AS "n" FROM "request_log" WHERE "ts" >= ${this.p(1)}) "w" GROUP BY "m"`,
      [since],
    );
    return rows.map((r) => ({ ...r, minuteStart: toNumber(r.m) * MINUTE_MS }));
  }

  /** The newest all-routes rollup row: its hour, requests and p95. */
  async latestRolledHour(): Promise<{ hourStart: number; requests: number; p95Ms: unknown } | null> {
    const [row] = await this.all(
      `SELECT "hour_start", "requests", "p95_ms" FROM "metrics_rollup" WHERE "route" = ${this.p(1)} AND "method" = ${this.p(2)} ORDER BY "hour_start" DESC LIMIT 1`,
      [ALL_ROUTES, ALL_ROUTES],
    );
    return row ? { hourStart: toNumber(row.hour_start), requests: toNumber(row.requests), p95Ms: row.p95_ms } : null;
  }

  /** The most frequent error codes of raw rows since `since` (bounded by the ts index; codes are not in the rollups). */
  async topErrorCodesSince(since: number, limit: number): Promise<{ code: string; count: number }[]> {
    const rows = await this.all(
      `SELECT "error_code" AS "code", COUNT(*) AS "n" FROM "request_log" WHERE "ts" >= ${this.p(1)} AND "error_code" IS NOT NULL ` +
        `GROUP BY "error_code" ORDER BY 2 DESC, 1 LIMIT ${this.p(2)}`,
      [since, limit],
    );
    return rows.map((r) => ({ code: String(r.code), count: toNumber(r.n) }));
  }

  /** The requests tagged with a run id, oldest first. */
  async requestsOfRun(runId: string): Promise<RunRequestRow[]> {
    const rows = await this.all(
      `SELECT "ts", "method", "route", "status", "duration_ms", "error_code", "user_hash" FROM "request_log" WHERE "run_id" = ${this.p(1)} ORDER BY "ts" ASC`,
      [runId],
    );
    return rows.map((r) => ({
      ts: toNumber(r.ts),
      method: String(r.method),
      route: String(r.route),
      status: toNumber(r.status),
      durationMs: toNumber(r.duration_ms),
      errorCode: (r.error_code as string | null) ?? null,
      userHash: (r.user_hash as string | null) ?? null,
    }));
  }
}
