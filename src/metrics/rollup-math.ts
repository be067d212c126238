// Pure rollup bucketing: raw request samples of one hour → one figure set per (route, method) plus all routes.
import { ALL_ROUTES } from './metrics-rollup.entity';
import { nearestRank, percentileRank } from './percentiles';

export const HOUR_MS = 3_600_000;

export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

export interface RequestSample {
  route: string;
  method: string;
  status: number;
  durationMs: number;
  userHash: string | null;
}

export interface RollupFigures {
  route: string;
  method: string;
  requests: number;
  /** status < 500: the one definition of a successful request. */
  ok: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  uniqueUsers: number;
}

class Group {
  requests = 0;
  ok = 0;
  clientErrors = 0;
  serverErrors = 0;
  rateLimited = 0;
  sumMs = 0;
  durations: number[] = [];
  users = new Set<string>();

  constructor(readonly route: string, readonly method: string) {}

  add(s: RequestSample): void {
    this.requests++;
    if (s.status < 500) this.ok++;
    if (s.status >= 400 && s.status < 500) this.clientErrors++;
    if (s.status >= 500) this.serverErrors++;
    if (s.status === 429) this.rateLimited++;
    this.sumMs += s.durationMs;
    this.durations.push(s.durationMs);
    if (s.userHash !== null) this.users.add(s.userHash);
  }

  figures(): RollupFigures {
    const sorted = Float64Array.from(this.durations).sort();
    return {
      route: this.route,
      method: this.method,
      requests: this.requests,
      ok: this.ok,
      clientErrors: this.clientErrors,
      serverErrors: this.serverErrors,
      rateLimited: this.rateLimited,
      avgMs: this.sumMs / this.requests,
      p50Ms: nearestRank(sorted, 50)!,
      p95Ms: nearestRank(sorted, 95)!,
      p99Ms: nearestRank(sorted, 99)!,
      maxMs: sorted[sorted.length - 1],
      uniqueUsers: this.users.size,
    };
  }
}

/** Accumulates one hour's samples chunk by chunk (so a big hour is never read in one query). */
export class HourAccumulator {
  private readonly groups = new Map<string, Group>();
  private readonly all = new Group(ALL_ROUTES, ALL_ROUTES);

  get count(): number {
    return this.all.requests;
  }

  add(sample: RequestSample): void {
    const key = groupKey(sample.method, sample.route);
    let group = this.groups.get(key);
    if (!group) {
      group = new Group(sample.route, sample.method);
      this.groups.set(key, group);
    }
    group.add(sample);
    this.all.add(sample);
  }

  /** Per (route, method), then the all-routes row; nothing for an hour without samples. */
  figures(): RollupFigures[] {
    if (this.all.requests === 0) return [];
    return [...[...this.groups.values()].map((g) => g.figures()), this.all.figures()];
  }
}

/** The percentiles a rollup row keeps. */
export const ROLLUP_PERCENTILES = [50, 95, 99] as const;

/** One (route, method) of an hour as the database aggregates it: the figures less what needs the durations, plus their sum. */
export type GroupAggregate = Omit<RollupFigures, 'avgMs' | 'p50Ms' | 'p95Ms' | 'p99Ms'> & { sumMs: number };

/** Durations of a group picked by 1-based rank in ascending order (the nearest-rank samples). */
export type DurationsByRank = ReadonlyMap<number, number>;

function pick(ranks: DurationsByRank, n: number, p: number): number {
  const value = ranks.get(percentileRank(n, p));
  if (value === undefined) throw new Error(`missing the rank-${percentileRank(n, p)} duration of ${n} samples`);
  return value;
}

function withPercentiles(g: GroupAggregate, ranks: DurationsByRank): RollupFigures {
  const { sumMs, ...counts } = g;
  return {
    ...counts,
    avgMs: sumMs / g.requests,
    p50Ms: pick(ranks, g.requests, 50),
    p95Ms: pick(ranks, g.requests, 95),
    p99Ms: pick(ranks, g.requests, 99),
  };
}

/**
 * The same figures as rollUpSamples, from what the database aggregated: per-group counts and nearest-rank
 * durations, plus the hour's distinct users and ranked durations over all routes. Nothing for an empty hour.
 */
export function figuresFromAggregates(
  groups: readonly GroupAggregate[],
  groupRanks: ReadonlyMap<string, DurationsByRank>,
  all: { uniqueUsers: number; ranks: DurationsByRank },
): RollupFigures[] {
  if (groups.length === 0) return [];
  const total: GroupAggregate = { route: ALL_ROUTES, method: ALL_ROUTES, requests: 0, ok: 0, clientErrors: 0, serverErrors: 0, rateLimited: 0, sumMs: 0, maxMs: -Infinity, uniqueUsers: all.uniqueUsers };
  const rows = groups.map((g) => {
    total.requests += g.requests;
    total.ok += g.ok;
    total.clientErrors += g.clientErrors;
    total.serverErrors += g.serverErrors;
    total.rateLimited += g.rateLimited;
    total.sumMs += g.sumMs;
    total.maxMs = Math.max(total.maxMs, g.maxMs);
    return withPercentiles(g, groupRanks.get(groupKey(g.method, g.route)) ?? new Map());
  });
  return [...rows, withPercentiles(total, all.ranks)];
}

export function groupKey(method: string, route: string): string {
  return `${method} ${route}`;
}

/** The reference definition of a rollup, sample by sample; the database path must give the same figures. */
export function rollUpSamples(samples: Iterable<RequestSample>): RollupFigures[] {
  const acc = new HourAccumulator();
  for (const s of samples) acc.add(s);
  return acc.figures();
}
