import { ALL_ROUTES } from './metrics-rollup.entity';
import { hourStart, HOUR_MS, RequestSample, rollUpSamples } from './rollup-math';

const s = (route: string, status: number, durationMs: number, userHash: string | null = null, method = 'GET'): RequestSample => ({
  route,
  method,
  status,
  durationMs,
  userHash,
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
      s('/b', 200, 5, null),
    ];
    const rows = rollUpSamples(samples);
    const by = (route: string, method: string) => rows.find((r) => r.route === route && r.method === method)!;
    expect(rows).toHaveLength(4);
    expect(by('/a', 'GET')).toMatchObject({ requests: 2, uniqueUsers: 2, maxMs: 2, avgMs: 1.5 });
    expect(by('/a', 'POST')).toMatchObject({ requests: 1, serverErrors: 1, ok: 0 });
    expect(by('/b', 'GET')).toMatchObject({ requests: 2, clientErrors: 1, uniqueUsers: 1 });
    const all = by(ALL_ROUTES, ALL_ROUTES);
    // Invariants: parts sum to the total; ok + 5xx = requests; percentiles ordered and bounded by max.
    const parts = rows.filter((r) => r.route !== ALL_ROUTES);
    for (const k of ['requests', 'ok', 'clientErrors', 'serverErrors', 'rateLimited'] as const) {
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
