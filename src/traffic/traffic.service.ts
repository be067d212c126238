// Request figures served from rollups plus the raw rows of hours not rolled yet: never a scan of raw history.
import { Injectable } from '@nestjs/common';
import { toNullableNumber, toNumber } from '../database/dialect';
import { StatusCounts } from './status-counts';
import { HOUR_MS } from './time';
import { RunRequestRow, TrafficRepository } from './traffic.repository';

export type TrafficTotals = StatusCounts;

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

@Injectable()
export class TrafficService {
  constructor(private readonly repo: TrafficRepository) {}

  /**
   * Where rollups end: the hour after the newest rolled hour. Rows from there on are counted raw (the current hour,
   * plus any complete hour the scheduler has not reached yet).
   */
  async rolledUntil(): Promise<number> {
    const newest = await this.repo.newestRolledHour();
    return newest === null ? 0 : newest + HOUR_MS;
  }

  /** Totals of requests since `since` (ms); `since` should be an hour boundary to match the rollups exactly. */
  async totals(since: number, rolledUntil?: number): Promise<TrafficTotals> {
    const until = rolledUntil ?? (await this.rolledUntil());
    const [rolled, raw] = await Promise.all([
      since < until ? this.repo.rolledTotals(since, until) : Promise.resolve({} as Record<string, unknown>),
      this.repo.rawTotalsSince(Math.max(since, until)),
    ]);
    const keys = ['requests', 'ok', 'clientErrors', 'serverErrors', 'rateLimited'] as const;
    return Object.fromEntries(keys.map((k) => [k, toNumber(rolled[k]) + toNumber(raw[k])])) as unknown as TrafficTotals;
  }

  /** The newest all-routes rollup row, null before the first hour is rolled. */
  latestRolledHour(): Promise<{ hourStart: number; requests: number; p95Ms: unknown } | null> {
    return this.repo.latestRolledHour();
  }

  /** Admin-only and bounded to the raw rows since `since` (the ts index): error codes are not part of the rollups. */
  topErrorCodesSince(since: number, limit: number): Promise<{ code: string; count: number }[]> {
    return this.repo.topErrorCodesSince(since, limit);
  }

  /** The request_log rows tagged with this run id, oldest first (none once they are pruned). */
  requestsOfRun(runId: string): Promise<RunRequestRow[]> {
    return this.repo.requestsOfRun(runId);
  }

  /** One entry per hour from `from` to the hour containing `now`, oldest first; hours without traffic are zeros. */
  async hourly(from: number, now: number): Promise<TrafficHour[]> {
    const until = await this.rolledUntil();
    const [rolled, raw] = await Promise.all([this.repo.rolledHours(from, until), this.repo.rawHoursSince(Math.max(from, until))]);
    const byHour = new Map<number, TrafficHour>();
    for (const r of rolled) byHour.set(toNumber(r.hourStart), toHour(toNumber(r.hourStart), r, true));
    for (const r of raw) {
      const h = toNumber(r.hourStart);
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
    requests: toNumber(r.requests),
    ok: toNumber(r.ok),
    clientErrors: toNumber(r.clientErrors),
    serverErrors: toNumber(r.serverErrors),
    rateLimited: toNumber(r.rateLimited),
    avgMs: toNullableNumber(r.avgMs),
    maxMs: toNullableNumber(r.maxMs),
    p50Ms: rolled ? toNullableNumber(r.p50Ms) : null,
    p95Ms: rolled ? toNullableNumber(r.p95Ms) : null,
    p99Ms: rolled ? toNullableNumber(r.p99Ms) : null,
    uniqueUsers: rolled ? toNullableNumber(r.uniqueUsers) : null,
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
