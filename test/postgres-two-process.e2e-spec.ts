// Scale-out on one PostgreSQL (SPEC §10): two app instances, each with its own connection pool (so its own database
// sessions and advisory locks, exactly as two processes would have), serve traffic and roll up the same hours at once.
// PostgreSQL only: jest.config.js collects test/postgres-*.e2e-spec.ts only when TELEMETRY_DB_URL is set.
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { dialectOf, toNumber } from '../src/database/dialect';
import { openDatabase } from '../src/database/migrate';
import { ALL_ROUTES } from '../src/traffic/rollup-math';
import { HOUR_MS, hourStart } from '../src/traffic/time';
import { RollupReport, RollupService } from '../src/traffic/rollup.service';
import { bootTestApp, TestApp } from './support/app';
import { createTestDatabase, postgresServerUrl, TestDatabase } from './support/postgres';

const HOURS = 24;
const REQUESTS_PER_INSTANCE = 150;
const CONCURRENCY = 10;
const LOG_COLUMNS = ['ts', 'method', 'route', 'status', 'duration_ms', 'user_hash', 'run_id', 'correlation_id', 'error_code'];

describe('two server processes on one PostgreSQL (requires TELEMETRY_DB_URL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    const server = postgresServerUrl();
    if (!server) throw new Error('This suite requires TELEMETRY_DB_URL (a PostgreSQL server); jest.config.js collects it only then.');
    db = await createTestDatabase(server);
  });
  afterAll(() => db?.drop());

  it('replicas starting at the same moment apply each migration exactly once', async () => {
    const options = buildDataSourceOptions({ path: 'unused-on-postgres', url: db.url });
    const replicas = await Promise.all([openDatabase(options), openDatabase(options)]);
    try {
      const applied = (await replicas[0].query(`SELECT "name" FROM "migrations" ORDER BY "id"`)) as { name: string }[];
      expect(applied.map((m) => m.name)).toEqual(replicas[0].migrations.map((m) => m.name));
      for (const ds of replicas) expect(await ds.showMigrations()).toBe(false);
    } finally {
      await Promise.all(replicas.map((ds) => ds.destroy()));
    }
  });

  it('serving traffic and rolling the same hours concurrently: every request logged once, every hour rolled once', async () => {
    const now = Date.now();
    const instances: TestApp[] = [];
    try {
      // One after the other: bootTestApp sets process.env while the config is read.
      for (let i = 0; i < 2; i++) instances.push(await bootTestApp({ env: { TELEMETRY_DB_URL: db.url }, listen: true }));
      const rollups = instances.map((t) => t.app.get(RollupService));
      // Only the explicit runs below may roll: stop the hourly cron jobs and let each start-up catch-up finish.
      for (const t of instances) for (const job of t.app.get(SchedulerRegistry).getCronJobs().values()) void job.stop();
      await Promise.all(rollups.map((r) => r.rollUpCompleteHours(now)));

      const seeded = await seedPastHours(instances[0].dataSource, now);

      const sent = instances.map((_, i) => Array.from({ length: REQUESTS_PER_INSTANCE }, () => `two-proc-${i}-${randomUUID()}`));
      const [reports] = await Promise.all([
        Promise.all([rollups[0].rollUpCompleteHours(now), rollups[1].rollUpCompleteHours(now), rollups[1].rollUpCompleteHours(now), rollups[0].rollUpCompleteHours(now)]),
        ...instances.map((t, i) => serve(t.baseUrl, `two-proc-${i}`, sent[i])),
      ]);

      // Every complete hour was rolled by exactly one of the instances, in exactly one run.
      const rolledHours = (reports as RollupReport[]).flatMap((r) => r.rolled.map((h) => Date.parse(h.hourStart)));
      expect([...rolledHours].sort((x, y) => x - y)).toEqual([...seeded.keys()].sort((x, y) => x - y));
      const requestsPerHour = new Map((reports as RollupReport[]).flatMap((r) => r.rolled.map((h) => [Date.parse(h.hourStart), h.requests] as const)));
      expect(requestsPerHour).toEqual(seeded);

      // Graceful shutdown flushes each instance's request-log buffer.
      for (const t of instances.splice(0)) await t.close();

      const check = await new DataSource({ ...buildDataSourceOptions({ path: 'unused-on-postgres', url: db.url }), logging: false }).initialize();
      try {
        const p = dialectOf(check).param.bind(dialectOf(check));
        for (const [i, ids] of sent.entries()) {
          const rows = (await check.query(`SELECT "correlation_id" FROM "request_log" WHERE "run_id" = ${p(1)}`, [`two-proc-${i}`])) as { correlation_id: string }[];
          expect(rows.map((r) => r.correlation_id).sort()).toEqual([...ids].sort());
        }
        const rolled = (await check.query(`SELECT "hour_start", "requests" FROM "rolled_hours"`)) as Record<string, unknown>[];
        expect(new Map(rolled.map((r) => [toNumber(r.hour_start), toNumber(r.requests)]))).toEqual(seeded);
        const allRoutes = (await check.query(
          `SELECT "hour_start", "requests" FROM "metrics_rollup" WHERE "route" = ${p(1)} AND "method" = ${p(2)}`,
          [ALL_ROUTES, ALL_ROUTES],
        )) as Record<string, unknown>[];
        expect(allRoutes).toHaveLength(seeded.size);
        expect(new Map(allRoutes.map((r) => [toNumber(r.hour_start), toNumber(r.requests)]))).toEqual(seeded);
      } finally {
        await check.destroy();
      }
    } finally {
      for (const t of instances) await t.close();
    }
  });
});

/** Raw rows in each of the HOURS complete hours before now, a different count per hour; returns hour → count. */
async function seedPastHours(ds: DataSource, now: number): Promise<Map<number, number>> {
  const seeded = new Map<number, number>();
  const rows: unknown[][] = [];
  for (let k = 1; k <= HOURS; k++) {
    const hour = hourStart(now) - k * HOUR_MS;
    const count = 5 + 3 * k;
    seeded.set(hour, count);
    for (let j = 0; j < count; j++) {
      const status = j % 7 === 0 ? 500 : 200;
      rows.push([hour + Math.floor((j * HOUR_MS) / count), 'GET', '/seeded', status, 1 + (j % 13) / 4, null, 'seed', `seed-${k}-${j}`, null]);
    }
  }
  await ds.transaction((m) => dialectOf(m).insertMany(m, 'request_log', LOG_COLUMNS, rows));
  return seeded;
}

/** One GET /api/session/nonce (a database write) per correlation id, CONCURRENCY at a time, tagged with runId. */
async function serve(baseUrl: string, runId: string, correlationIds: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < correlationIds.length) {
      const id = correlationIds[next++];
      const res = await fetch(`${baseUrl}/api/session/nonce`, { headers: { 'x-run-id': runId, 'x-correlation-id': id } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}
