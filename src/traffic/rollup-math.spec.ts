import { nearestRank } from './percentiles';
import { ALL_ROUTES, figuresFromAggregates, GroupAggregate, groupKey, mergeSorted, pendingBatches, ROLLUP_PERCENTILES, RollupFigures, rollupRanks, sortedDurations } from './rollup-math';
import { countStatus, emptyStatusCounts } from './status-counts';
import { hourStart, HOUR_MS } from './time';

interface RequestSample {
  route: string;
  method: string;
  status: number;
  durationMs: number;
  userHash: string | null;
  runId: string | null;
}

/** The reference definition of a rollup, sample by sample: the database path must give the same figures. */
function rollUpSamples(samples: RequestSample[]): RollupFigures[] {
  if (samples.length === 0) return [];
  const groups = new Map<string, RequestSample[]>();
  for (const x of samples) groups.set(groupKey(x.method, x.route), [...(groups.get(groupKey(x.method, x.route)) ?? []), x]);
  const figures = (route: string, method: string, xs: RequestSample[]): RollupFigures => {
    const counts = emptyStatusCounts();
    for (const x of xs) countStatus(counts, x.status);
    const sorted = Float64Array.from(xs.map((x) => x.durationMs)).sort();
    return {
      route,
      method,
      ...counts,
      avgMs: xs.reduce((a, x) => a + x.durationMs, 0) / xs.length,
      p50Ms: nearestRank(sorted, 50)!,
      p95Ms: nearestRank(sorted, 95)!,
      p99Ms: nearestRank(sorted, 99)!,
      maxMs: sorted[sorted.length - 1],
      uniqueUsers: distinctUsers(xs),
      runRequests: runRequests(xs),
    };
  };
  return [...[...groups.values()].map((xs) => figures(xs[0].route, xs[0].method, xs)), figures(ALL_ROUTES, ALL_ROUTES, samples)];
}

function runRequests(xs: RequestSample[]): number {
  return xs.filter((x) => x.runId !== null).length;
}

function distinctUsers(xs: RequestSample[]): number {
  return new Set(xs.filter((x) => x.userHash !== null).map((x) => x.userHash)).size;
}

const s = (route: string, status: number, durationMs: number, userHash: string | null = null, method = 'GET', runId: string | null = null): RequestSample => ({
  route,
  method,
  status,
  durationMs,
  userHash,
  runId,
});

describe('rollUpSamples', () => {
  it('gives nothing for an empty hour', () => {
    expect(rollUpSamples([])).toEqual([]);
  });

  it('handles a single sample', () => {
    const rows = rollUpSamples([s('/health', 200, 3.5, 'u1')]);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ requests: 1, ok: 1, clientErrors: 0, serverErrors: 0, rateLimited: 0, avgMs: 3.5, p50Ms: 3.5, p95Ms: 3.5, p99Ms: 3.5, maxMs: 3.5, uniqueUsers: 1 });
    }
    expect(rows[1]).toMatchObject({ route: ALL_ROUTES, method: ALL_ROUTES });
  });

  it.each([
    ['2xx and 3xx are ok', [200, 204, 304], { ok: 3, clientErrors: 0, serverErrors: 0, rateLimited: 0 }],
    ['4xx are ok client errors', [400, 404, 413], { ok: 3, clientErrors: 3, serverErrors: 0, rateLimited: 0 }],
    ['429 is a rate-limited client error', [429, 429], { ok: 2, clientErrors: 2, serverErrors: 0, rateLimited: 2 }],
    ['5xx are not ok', [500, 502, 503], { ok: 0, clientErrors: 0, serverErrors: 3, rateLimited: 0 }],
    ['499 (client went away) is a client error', [499], { ok: 1, clientErrors: 1, serverErrors: 0, rateLimited: 0 }],
  ])('%s', (_name, statuses, expected) => {
    const [route] = rollUpSamples(statuses.map((st) => s('/r', st, 1)));
    expect(route).toMatchObject({ requests: statuses.length, ...expected });
  });

  it('splits by route and method; the all-routes row sums them and counts distinct users over the hour', () => {
    const samples = [
      s('/a', 200, 1, 'u1'),
      s('/a', 200, 2, 'u2'),
      s('/a', 500, 30, 'u1', 'POST'),
      s('/b', 404, 4, 'u1'),
      s('/b', 200, 5, null, 'GET', 'run-1'),
    ];
    const rows = rollUpSamples(samples);
    const by = (route: string, method: string) => rows.find((r) => r.route === route && r.method === method)!;
    expect(rows).toHaveLength(4);
    expect(by('/a', 'GET')).toMatchObject({ requests: 2, uniqueUsers: 2, maxMs: 2, avgMs: 1.5 });
    expect(by('/a', 'POST')).toMatchObject({ requests: 1, serverErrors: 1, ok: 0 });
    expect(by('/b', 'GET')).toMatchObject({ requests: 2, clientErrors: 1, uniqueUsers: 1, runRequests: 1 });
    const all = by(ALL_ROUTES, ALL_ROUTES);
    // Invariants: parts sum to the total; ok + 5xx = requests; percentiles ordered and bounded by max.
    const parts = rows.filter((r) => r.route !== ALL_ROUTES);
    for (const k of ['requests', 'ok', 'clientErrors', 'serverErrors', 'rateLimited', 'runRequests'] as const) {
      expect(all[k]).toBe(parts.reduce((sum, r) => sum + r[k], 0));
    }
    expect(all.ok + all.serverErrors).toBe(all.requests);
    expect(all.uniqueUsers).toBe(2);
    expect(all.p50Ms).toBeLessThanOrEqual(all.p95Ms);
    expect(all.p95Ms).toBeLessThanOrEqual(all.p99Ms);
    expect(all.p99Ms).toBeLessThanOrEqual(all.maxMs);
    expect(all).toMatchObject({ p50Ms: 4, maxMs: 30, avgMs: 42 / 5 });
  });
});

describe('hourStart', () => {
  it.each([
    [0, 0],
    [HOUR_MS - 1, 0],
    [HOUR_MS, HOUR_MS],
    [Date.UTC(2026, 0, 1, 13, 59, 59, 999), Date.UTC(2026, 0, 1, 13)],
  ])('%d → %d', (ts, expected) => {
    expect(hourStart(ts)).toBe(expected);
  });
});

describe('figuresFromAggregates (what the database computes) equals rollUpSamples (the definition)', () => {
  /** What the rollup's SQL returns for these samples: per-group aggregates and the durations at the wanted ranks. */
  function aggregate(samples: RequestSample[]) {
    const byGroup = new Map<string, RequestSample[]>();
    for (const x of samples) byGroup.set(groupKey(x.method, x.route), [...(byGroup.get(groupKey(x.method, x.route)) ?? []), x]);
    const ranksOf = (xs: RequestSample[]) => {
      const sorted = xs.map((x) => x.durationMs).sort((a, b) => a - b);
      return new Map(ROLLUP_PERCENTILES.map((q) => [Math.floor((sorted.length * q + 99) / 100), sorted[Math.floor((sorted.length * q + 99) / 100) - 1]]));
    };
    const users = distinctUsers;
    const groups: GroupAggregate[] = [...byGroup.values()].map((xs) => {
      const counts = emptyStatusCounts();
      for (const x of xs) countStatus(counts, x.status);
      return {
        route: xs[0].route,
        method: xs[0].method,
        ...counts,
        sumMs: xs.reduce((a, x) => a + x.durationMs, 0),
        maxMs: Math.max(...xs.map((x) => x.durationMs)),
        uniqueUsers: users(xs),
        runRequests: runRequests(xs),
      };
    });
    const groupRanks = new Map([...byGroup].map(([k, xs]) => [k, ranksOf(xs)]));
    return figuresFromAggregates(groups, groupRanks, { uniqueUsers: users(samples), ranks: ranksOf(samples) });
  }

  it('gives nothing for an empty hour', () => {
    expect(aggregate([])).toEqual([]);
  });

  it.each([1, 2, 7, 20, 100, 1_001])('agrees on %i random samples, and p50 ≤ p95 ≤ p99 ≤ max in every row', (n) => {
    let seed = n;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const routes = ['/a', '/b', '/c'];
    const statuses = [200, 201, 304, 400, 404, 429, 500, 503];
    const samples = Array.from({ length: n }, () =>
      s(routes[Math.floor(rand() * 3)], statuses[Math.floor(rand() * statuses.length)], Math.round(rand() * 1e6) / 1e3, rand() < 0.5 ? `u${Math.floor(rand() * 5)}` : null, rand() < 0.8 ? 'GET' : 'POST', rand() < 0.3 ? 'run-1' : null),
    );
    const byKey = (rows: ReturnType<typeof rollUpSamples>) => new Map(rows.map((r) => [groupKey(r.method, r.route), r]));
    const expected = byKey(rollUpSamples(samples));
    const actual = byKey(aggregate(samples));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, row] of actual) {
      const { avgMs, ...rest } = row;
      const { avgMs: wantAvg, ...wantRest } = expected.get(key)!;
      expect(rest).toEqual(wantRest);
      expect(avgMs).toBeCloseTo(wantAvg, 9);
      expect(row.p50Ms).toBeLessThanOrEqual(row.p95Ms);
      expect(row.p95Ms).toBeLessThanOrEqual(row.p99Ms);
      expect(row.p99Ms).toBeLessThanOrEqual(row.maxMs);
    }
  });
});

describe('durations from the database list', () => {
  it('parses a comma-separated list (as group_concat and string_agg print it) and sorts it ascending', () => {
    expect([...sortedDurations('12.5,0.001,3,1e-05,100000.125')]).toEqual([0.00001, 0.001, 3, 12.5, 100000.125]);
    expect([...sortedDurations('7')]).toEqual([7]);
  });

  it('keeps the nearest ranks of p50, p95 and p99: ranks 1 of 1, and 5, 10, 10 of 10', () => {
    expect(rollupRanks([4])).toEqual(new Map([[1, 4]]));
    const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rollupRanks(ten)).toEqual(new Map([[5, 5], [10, 10]]));
  });

  it('merges ascending runs into one', () => {
    expect([...mergeSorted([Float64Array.from([1, 5]), Float64Array.from([]), Float64Array.from([2, 3, 9])])]).toEqual([1, 2, 3, 5, 9]);
  });
});

describe('pendingBatches', () => {
  const h = (i: number) => i * HOUR_MS;
  const counts = (entries: [number, number][]) => new Map(entries.map(([i, n]) => [h(i), n]));

  it('groups consecutive pending hours up to the row budget; one hour over the budget forms a batch alone', () => {
    const raw = counts([[0, 4], [1, 4], [2, 3], [3, 25], [4, 1]]);
    expect(pendingBatches(raw, new Map(), 10)).toEqual([[h(0), h(1)], [h(2)], [h(3)], [h(4)]]);
  });

  it('skips rolled hours whose count did not grow, re-rolls those that gained rows, and never spans a skipped hour', () => {
    const raw = counts([[0, 2], [1, 5], [2, 2], [3, 2], [4, 2]]);
    const rolled = counts([[1, 5], [3, 1], [4, 3]]);
    // Hour 1 is rolled as is and hour 4 is being pruned (fewer rows than rolled): both final. Hour 3 gained a row.
    expect(pendingBatches(raw, rolled, 100)).toEqual([[h(0)], [h(2), h(3)]]);
  });

  it('is empty when nothing is pending', () => {
    expect(pendingBatches(counts([[0, 3]]), counts([[0, 3]]), 10)).toEqual([]);
    expect(pendingBatches(new Map(), new Map(), 10)).toEqual([]);
  });
});
