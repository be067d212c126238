// Request figures served from rollups plus the raw rows of hours not rolled yet: never a scan of raw history.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ALL_ROUTES } from './metrics-rollup.entity';
import { HOUR_MS } from './rollup-math';

export interface TrafficTotals {
  requests: number;
  /** status < 500 */
  ok: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
}

export interface TrafficHour extends TrafficTotals {
  hourStart: string;
  avgMs: number | null;
  maxMs: number | null;
  /** Nearest-rank percentiles exist only once the hour is rolled up (null for the current, unrolled hours). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  uniqueUsers: number | null;
  rolled: boolean;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

@Injectable()
export class TrafficService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Where rollups end: the hour after the newest rolled hour. Rows from there on are counted raw (the current hour,
   * plus any complete hour the scheduler has not reached yet).
   */
  async rolledUntil(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT MAX("hour_start") AS "h" FROM "rolled_hours"`);
    return row?.h === null || row?.h === undefined ? 0 : Number(row.h) + HOUR_MS;
  }

  /** Totals of requests since `since` (ms); `since` should be an hour boundary to match the rollups exactly. */
  async totals(since: number, rolledUntil?: number): Promise<TrafficTotals> {
    const until = rolledUntil ?? (await this.rolledUntil());
    const [rolled, raw] = await Promise.all([
      since < until
        ? this.dataSource.query(
            `SELECT SUM("requests") AS "requests", SUM("ok") AS "ok", SUM("client_errors") AS "clientErrors", ` +
              `SUM("server_errors") AS "serverErrors", SUM("rate_limited") AS "rateLimited" FROM "metrics_rollup" ` +
              `WHERE "route" = $1 AND "method" = $1 AND "hour_start" >= $2 AND "hour_start" < $3`,
            [ALL_ROUTES, since, until],
          )
        : Promise.resolve([{}]),
      this.dataSource.query(
        `SELECT COUNT(*) AS "requests", SUM(CASE WHEN "status" < 500 THEN 1 ELSE 0 END) AS "ok", ` +
          `SUM(CASE WHEN "status" >= 400 AND "status" < 500 THEN 1 ELSE 0 END) AS "clientErrors", ` +
          `SUM(CASE WHEN "status" >= 500 THEN 1 ELSE 0 END) AS "serverErrors", ` +
          `SUM(CASE WHEN "status" = 429 THEN 1 ELSE 0 END) AS "rateLimited" FROM "request_log" WHERE "ts" >= $1`,
        [Math.max(since, until)],
      ),
    ]);
    const keys = ['requests', 'ok', 'clientErrors', 'serverErrors', 'rateLimited'] as const;
    return Object.fromEntries(keys.map((k) => [k, num(rolled[0][k]) + num(raw[0][k])])) as unknown as TrafficTotals;
  }

  /** One entry per hour from `from` to the hour containing `now`, oldest first; hours without traffic are zeros. */
  async hourly(from: number, now: number): Promise<TrafficHour[]> {
    const until = await this.rolledUntil();
    const [rolled, raw] = await Promise.all([
      this.dataSource.query(
        `SELECT "hour_start", "requests", "ok", "client_errors", "server_errors", "rate_limited", "avg_ms", "max_ms", ` +
          `"p50_ms", "p95_ms", "p99_ms", "unique_users" FROM "metrics_rollup" ` +
          `WHERE "route" = $1 AND "method" = $1 AND "hour_start" >= $2 AND "hour_start" < $3`,
        [ALL_ROUTES, from, until],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(
        `SELECT "ts" / ${HOUR_MS} AS "h", COUNT(*) AS "requests", SUM(CASE WHEN "status" < 500 THEN 1 ELSE 0 END) AS "ok", ` +
          `SUM(CASE WHEN "status" >= 400 AND "status" < 500 THEN 1 ELSE 0 END) AS "client_errors", ` +
          `SUM(CASE WHEN "status" >= 500 THEN 1 ELSE 0 END) AS "server_errors", ` +
          `SUM(CASE WHEN "status" = 429 THEN 1 ELSE 0 END) AS "rate_limited", AVG("duration_ms") AS "avg_ms", MAX("duration_ms") AS "max_ms" ` +
          `FROM "request_log" WHERE "ts" >= $1 GROUP BY "ts" / ${HOUR_MS}`,
        [Math.max(from, until)],
      ) as Promise<Record<string, unknown>[]>,
    ]);
    const byHour = new Map<number, TrafficHour>();
    for (const r of rolled) byHour.set(Number(r.hour_start), toHour(Number(r.hour_start), r, true));
    for (const r of raw) {
      const h = Number(r.h) * HOUR_MS;
      if (!byHour.has(h)) byHour.set(h, toHour(h, r, false));
    }
    const series: TrafficHour[] = [];
    for (let h = from; h <= now; h += HOUR_MS) series.push(byHour.get(h) ?? emptyHour(h, h >= until));
    return series;
  }
}

function toHour(h: number, r: Record<string, unknown>, rolled: boolean): TrafficHour {
  return {
    hourStart: new Date(h).toISOString(),
    requests: num(r.requests),
    ok: num(r.ok),
    clientErrors: num(r.client_errors),
    serverErrors: num(r.server_errors),
    rateLimited: num(r.rate_limited),
    avgMs: numOrNull(r.avg_ms),
    maxMs: numOrNull(r.max_ms),
    p50Ms: rolled ? numOrNull(r.p50_ms) : null,
    p95Ms: rolled ? numOrNull(r.p95_ms) : null,
    p99Ms: rolled ? numOrNull(r.p99_ms) : null,
    uniqueUsers: rolled ? numOrNull(r.unique_users) : null,
    rolled,
  };
}

function emptyHour(h: number, pending: boolean): TrafficHour {
  return {
    hourStart: new Date(h).toISOString(),
    requests: 0, ok: 0, clientErrors: 0, serverErrors: 0, rateLimited: 0,
    avgMs: null, maxMs: null, p50Ms: null, p95Ms: null, p99Ms: null, uniqueUsers: pending ? null : 0,
    rolled: !pending,
  };
}
