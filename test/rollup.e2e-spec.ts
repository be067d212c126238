import request from 'supertest';
import { DataSource, LessThan } from 'typeorm';
import { MetricsRollup } from '../src/traffic/metrics-rollup.entity';
import { RolledHour } from '../src/traffic/rolled-hour.entity';
import { RollupScheduler } from '../src/traffic/rollup.scheduler';
import { RollupService } from '../src/traffic/rollup.service';
import { RequestLog } from '../src/traffic/request-log.entity';
import { bootTestApp, TestApp } from './support/app';

const HOUR = 3_600_000;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 400 * HOUR; // far enough back that no real traffic lands there
const ROUTES = ['/health', '/api/session/status', '/api/execute/:id/submit', '(unmatched)'];
const STATUSES = [200, 200, 200, 201, 304, 400, 404, 429, 500, 503];

type Seed = Omit<RequestLog, 'id'>;

/** Deterministic pseudo-random rows spread over one hour. */
function seedHour(hour: number, n: number, salt: number): Seed[] {
  let x = (hour / HOUR + salt) | 0;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  return Array.from({ length: n }, () => ({
    ts: hour + (next() % HOUR),
    method: next() % 3 === 0 ? 'POST' : 'GET',
    route: ROUTES[next() % ROUTES.length],
    status: STATUSES[next() % STATUSES.length],
    durationMs: (next() % 100_000) / 1000,
    userHash: next() % 4 === 0 ? null : `user-${next() % 7}`,
    runId: null,
    correlationId: null,
    errorCode: null,
  }));
}

/** An independent from-scratch recompute of what metrics_rollup must hold for these raw rows. */
function recompute(rows: Seed[]) {
  const groups = new Map<string, Seed[]>();
  const add = (key: string, r: Seed) => {
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  };
  for (const r of rows) {
    const h = r.ts - (r.ts % HOUR);
    add(`${h}|${r.route}|${r.method}`, r);
    add(`${h}|*|*`, r);
  }
  const pct = (sorted: number[], p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
  return [...groups].map(([key, rs]) => {
    const [h, route, method] = key.split('|');
    const d = rs.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      hourStart: Number(h),
      route,
      method,
      requests: rs.length,
      ok: rs.filter((r) => r.status < 500).length,
      clientErrors: rs.filter((r) => r.status >= 400 && r.status < 500).length,
      serverErrors: rs.filter((r) => r.status >= 500).length,
      rateLimited: rs.filter((r) => r.status === 429).length,
      avgMs: d.reduce((a, b) => a + b, 0) / d.length,
      p50Ms: pct(d, 50),
      p95Ms: pct(d, 95),
      p99Ms: pct(d, 99),
      maxMs: d[d.length - 1],
      uniqueUsers: new Set(rs.map((r) => r.userHash).filter((u) => u !== null)).size,
    };
  });
}

const sortKey = (r: { hourStart: number; route: string; method: string }) => `${r.hourStart}|${r.route}|${r.method}`;

async function rollupRows(ds: DataSource, from: number, to: number) {
  const rows = await ds.getRepository(MetricsRollup).createQueryBuilder('m').where('m.hour_start >= :from AND m.hour_start < :to', { from, to }).getMany();
  return rows.map(({ id: _id, ...rest }) => rest).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
}

function expectMatches(actual: Awaited<ReturnType<typeof rollupRows>>, expected: ReturnType<typeof recompute>) {
  const want = [...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  expect(actual.map(sortKey)).toEqual(want.map(sortKey));
  actual.forEach((row, i) => {
    const { avgMs, ...exact } = want[i];
    expect(row).toMatchObject(exact);
    expect(row.avgMs).toBeCloseTo(avgMs, 6);
  });
}

async function insertRaw(ds: DataSource, rows: Seed[]) {
  for (let i = 0; i < rows.length; i += 500) await ds.getRepository(RequestLog).insert(rows.slice(i, i + 500));
}

describe('hourly rollups', () => {
  let t: TestApp;
  let sut: RollupService;
  const seeded: Seed[] = [];

  beforeAll(async () => {
    t = await bootTestApp();
    sut = t.app.get(RollupService);
    await t.app.get(RollupScheduler).startup;
  });
  afterAll(() => t.close());

  it('rolls every complete hour into per-route rows plus one all-routes row, equal to a from-scratch recompute', async () => {
    // Hour 2 is a few thousand rows: ranks of the nearest-rank percentiles land far from the ends.
    for (let h = 0; h < 4; h++) seeded.push(...seedHour(BASE + h * HOUR, h === 2 ? 4_321 : 700 + h * 150, 1));
    await insertRaw(t.dataSource, seeded);
    const report = await sut.rollUpCompleteHours(BASE + 3 * HOUR + 10 * 60_000);
    expect(report.rolled.map((r) => Date.parse(r.hourStart))).toEqual([BASE, BASE + HOUR, BASE + 2 * HOUR]);
    expect(report.rolled.every((r) => !r.reRolled)).toBe(true);
    const complete = seeded.filter((r) => r.ts < BASE + 3 * HOUR);
    expectMatches(await rollupRows(t.dataSource, BASE, BASE + 10 * HOUR), recompute(complete));
    const marks = await t.dataSource.getRepository(RolledHour).find({ order: { hourStart: 'ASC' } });
    expect(marks.map((m) => [m.hourStart, m.requests])).toEqual(
      [0, 1, 2].map((h) => [BASE + h * HOUR, complete.filter((r) => r.ts - (r.ts % HOUR) === BASE + h * HOUR).length]),
    );
  });

  it('is idempotent: a second run rolls nothing and changes no row', async () => {
    const before = await rollupRows(t.dataSource, 0, Number.MAX_SAFE_INTEGER);
    const marksBefore = await t.dataSource.getRepository(RolledHour).find();
    const report = await sut.rollUpCompleteHours(BASE + 3 * HOUR + 20 * 60_000);
    expect(report.rolled).toEqual([]);
    expect(await rollupRows(t.dataSource, 0, Number.MAX_SAFE_INTEGER)).toEqual(before);
    expect(await t.dataSource.getRepository(RolledHour).find()).toEqual(marksBefore);
  });

  it('catches up after a gap: every missed hour with traffic is rolled exactly once', async () => {
    const later = [...seedHour(BASE + 5 * HOUR, 300, 2), ...seedHour(BASE + 8 * HOUR, 400, 3)];
    seeded.push(...later);
    await insertRaw(t.dataSource, later);
    // What a crash between writing rollup rows and marking the hour would leave: replaced, never added to.
    await t.dataSource.getRepository(MetricsRollup).insert({
      ...recompute(later.slice(0, 3))[0], hourStart: BASE + 5 * HOUR, route: '/stale', method: 'GET',
    });
    const report = await sut.rollUpCompleteHours(BASE + 10 * HOUR);
    expect(report.rolled.map((r) => Date.parse(r.hourStart))).toEqual([BASE + 3 * HOUR, BASE + 5 * HOUR, BASE + 8 * HOUR]);
    expectMatches(await rollupRows(t.dataSource, BASE, BASE + 10 * HOUR), recompute(seeded));
    expect((await sut.rollUpCompleteHours(BASE + 10 * HOUR)).rolled).toEqual([]);
  });

  it('re-rolls an hour when late rows arrive for it', async () => {
    const late = seedHour(BASE + HOUR, 25, 9);
    seeded.push(...late);
    await insertRaw(t.dataSource, late);
    const report = await sut.rollUpCompleteHours(BASE + 10 * HOUR);
    expect(report.rolled).toEqual([{ hourStart: new Date(BASE + HOUR).toISOString(), requests: expect.any(Number), reRolled: true }]);
    expect(report.rolled[0].requests).toBe(seeded.filter((r) => r.ts - (r.ts % HOUR) === BASE + HOUR).length);
    expectMatches(await rollupRows(t.dataSource, BASE, BASE + 10 * HOUR), recompute(seeded));
  });

  it('prunes raw rows past retention only once their hour is rolled, and the rollups stay', async () => {
    const unrolled = seedHour(BASE + 20 * HOUR, 50, 4);
    seeded.push(...unrolled);
    await insertRaw(t.dataSource, unrolled);
    const rollupsBefore = recompute(seeded);
    // Default retention 168 h: at BASE + 200 h every seeded hour is past it.
    const report = await sut.rollUpCompleteHours(BASE + 200 * HOUR);
    expect(report.rolled.map((r) => Date.parse(r.hourStart))).toEqual([BASE + 20 * HOUR]);
    expect(report.prunedRows).toBe(seeded.length);
    expect(await t.dataSource.getRepository(RequestLog).countBy({ ts: LessThan(BASE + 30 * HOUR) })).toBe(0);
    expectMatches(await rollupRows(t.dataSource, BASE, BASE + 30 * HOUR), rollupsBefore);
    // Pruned hours are not "changed" hours: nothing is re-rolled from the now empty raw table.
    expect(await sut.rollUpCompleteHours(BASE + 200 * HOUR)).toEqual({ rolled: [], prunedRows: 0, interrupted: false });
  });

  it('counts rolled hours and pruned rows on /metrics', async () => {
    const metrics = await request(t.http).get('/metrics').expect(200);
    // 3 + 3 (catch-up) + 1 (late rows) + 1 (before pruning) hours; every seeded row pruned.
    expect(metrics.text).toContain('bloom_rollup_hours_total 8');
    expect(metrics.text).toContain(`bloom_rollup_pruned_rows_total ${seeded.length}`);
  });
});
