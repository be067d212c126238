// Pure rollup bucketing: raw request samples of one hour → one figure set per (route, method) plus all routes.
import { ALL_ROUTES } from './metrics-rollup.entity';
import { nearestRank } from './percentiles';

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
    const key = `${sample.method} ${sample.route}`;
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

export function rollUpSamples(samples: Iterable<RequestSample>): RollupFigures[] {
  const acc = new HourAccumulator();
  for (const s of samples) acc.add(s);
  return acc.figures();
}
