// Figures 2 and 3: devnet-stats over a month of traffic, and the hourly rollups (one big hour, a 30-day catch-up
// measured for event-loop delay while a poller keeps calling /health, an idempotent second run).
import { HOUR_MS, hourStart } from '../../src/traffic/time';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type * as AppFactory from '../../src/app.factory';
import type * as DataSourceOptions from '../../src/database/data-source-options';
import type * as Migrate from '../../src/database/migrate';
import type * as Rollup from '../../src/traffic/rollup.service';
import type * as Scheduler from '../../src/traffic/rollup.scheduler';
import { newDatabase } from '../lib/database';
import { PhaseContext } from '../lib/phase';
import { Recorder } from '../lib/figures';
import { CountingClient, poll } from '../lib/http';
import { closedLoop } from '../lib/load';
import { AppEntry, ChildServer, ROOT, startApp } from '../lib/processes';
import { seedDataset, seedRequests } from '../lib/seed';

const DAY_MS = 24 * HOUR_MS;
/** devnet-stats caches its answer this long (DEVNET_STATS_CACHE_MS); waiting past it makes the next GET uncached. */
const STATS_CACHE_WAIT_MS = 2_100;

/** The data set: request rows over `days`, users, executions, and the rows of the one hour rolled up alone. */
export interface ScaleSettings {
  requests: number;
  users: number;
  executions: number;
  days: number;
  hourRequests: number;
}

export type ScaleOptions = PhaseContext & ScaleSettings;

interface DevnetStatsBody {
  data: { traffic: { requestsAllTime: number }; transactions: { allTime: number } };
}

/** The app's own modules from the build (what production runs) or from src/ in quick mode: one copy of each class. */
function appModules(entry: AppEntry) {
  const root = entry === 'dist' ? join(ROOT, 'dist', 'src') : join(ROOT, 'src');
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    factory: require(join(root, 'app.factory')) as typeof AppFactory,
    options: require(join(root, 'database', 'data-source-options')) as typeof DataSourceOptions,
    migrate: require(join(root, 'database', 'migrate')) as typeof Migrate,
    rollup: require(join(root, 'traffic', 'rollup.service')) as typeof Rollup,
    scheduler: require(join(root, 'traffic', 'rollup.scheduler')) as typeof Scheduler,
  };
}

export async function scalePhase(rec: Recorder, o: ScaleOptions): Promise<void> {
  const mods = appModules(o.entry);
  const db = await newDatabase(o.driver, o.dir, 'scale', o.pgServerUrl);
  const retentionHours = String(o.days * 24 + 48);
  let app: NestExpressApplication | undefined;
  let ds: DataSource | undefined;
  let server: ChildServer | undefined;
  const savedEnv = { ...process.env };
  try {
    // Migrated once here (this connection seeds later), so the two app instances below can start side by side.
    ds = await mods.migrate.openDatabase(mods.options.buildDataSourceOptions(db.db));
    // The in-process app reads its configuration from the environment when it is created.
    for (const k of ['TELEMETRY_DB_URL', 'TELEMETRY_DB_PATH', 'ETH_RPC_URL', 'TELEMETRY_CONSOLE']) delete process.env[k];
    Object.assign(process.env, db.env, { REQUEST_LOG_ENABLED: 'true', REQUEST_LOG_RETENTION_HOURS: retentionHours });
    // The server process answers devnet-stats once everything is rolled up; started now, it sits idle until then.
    [app, server] = await Promise.all([
      mods.factory.createApp({ logger: ['error', 'warn'] }),
      startApp('devnet-stats server', o.entry, { ...db.env, REQUEST_LOG_RETENTION_HOURS: retentionHours }),
    ]);
    await app.listen(0, '127.0.0.1');
    await app.get(mods.scheduler.RollupScheduler).startup;
    const { port } = app.getHttpServer().address() as { port: number };
    const client = new CountingClient(`http://127.0.0.1:${port}`);
    const rollups = app.get(mods.rollup.RollupService);

    // Seeded after both start-ups, so neither start-up catch-up rolls the data set before it is measured.
    const now = Date.now();
    const lastHour = hourStart(now) - HOUR_MS;
    const plan = { requests: o.requests, users: o.users, executions: o.executions, from: lastHour - o.days * DAY_MS, to: lastHour };
    const seedStarted = performance.now();
    const userHashes = await seedDataset(ds, plan);
    rec.add(o.driver, 'seed.seconds', (performance.now() - seedStarted) / 1000);
    o.log(`  seeded ${o.requests} requests over ${o.days} days, ${o.users} users, ${o.executions} executions in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    await client.get('/health');
    for (let run = 0; run < o.runs; run++) {
      if (run > 0) await sleep(STATS_CACHE_WAIT_MS);
      const ms = await timeDevnetStats(client, o.requests, o.executions);
      rec.add(o.driver, 'stats.uncached.unrolled', ms);
      o.log(`  devnet-stats with nothing rolled up: ${ms.toFixed(1)} ms`);
    }

    for (let run = 0; run < o.runs; run++) {
      if (run > 0) {
        await ds.query(`DELETE FROM "metrics_rollup"`);
        await ds.query(`DELETE FROM "rolled_hours"`);
      }
      const eld = monitorEventLoopDelay({ resolution: 5 });
      const poller = poll(20, async () => (await client.get('/health')).ms);
      await sleep(50);
      eld.enable();
      const started = performance.now();
      const report = await rollups.rollUpCompleteHours(now);
      const ms = performance.now() - started;
      eld.disable();
      const latencies = await poller.stop();
      const rolledRequests = report.rolled.reduce((n, h) => n + h.requests, 0);
      if (rolledRequests !== o.requests) throw new Error(`catch-up rolled ${rolledRequests} requests, expected ${o.requests}`);
      rec.add(o.driver, 'rollup.catchUp', ms);
      rec.add(o.driver, 'rollup.catchUpLoopDelayMax', eld.max / 1e6);
      rec.add(o.driver, 'rollup.catchUpHealthMax', Math.max(...latencies));
      o.log(`  catch-up of ${report.rolled.length} hours: ${ms.toFixed(0)} ms, event-loop delay max ${(eld.max / 1e6).toFixed(1)} ms, /health max ${Math.max(...latencies).toFixed(1)} ms`);
    }

    for (let run = 0; run < o.runs; run++) {
      const started = performance.now();
      const report = await rollups.rollUpCompleteHours(now);
      const ms = performance.now() - started;
      if (report.rolled.length !== 0) throw new Error(`second run rolled ${report.rolled.length} hours again`);
      rec.add(o.driver, 'rollup.idempotent', ms);
      o.log(`  idempotent run: ${ms.toFixed(0)} ms`);
    }

    await seedRequests(ds, o.hourRequests, lastHour, lastHour + HOUR_MS, userHashes, 2);
    for (let run = 0; run < o.runs; run++) {
      if (run > 0) await ds.query(`DELETE FROM "rolled_hours" WHERE "hour_start" = ${lastHour}`);
      const started = performance.now();
      const report = await rollups.rollUpCompleteHours(now);
      const ms = performance.now() - started;
      if (report.rolled.length !== 1 || report.rolled[0].requests !== o.hourRequests) {
        throw new Error(`hour rollup rolled ${JSON.stringify(report.rolled)}, expected one hour of ${o.hourRequests}`);
      }
      rec.add(o.driver, 'rollup.hour', ms);
      o.log(`  one hour of ${o.hourRequests} requests: ${ms.toFixed(0)} ms`);
    }

    await ds.destroy();
    ds = undefined;
    await app.close();
    app = undefined;
    await steadyStateStats(rec, o, server);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    if (ds?.isInitialized) await ds.destroy();
    if (app) await app.close();
    await server?.stop();
    await db.drop();
  }
}

/** The server process on the rolled-up data set, as production is after its hourly job; its cache is still cold. */
async function steadyStateStats(rec: Recorder, o: ScaleOptions, server: ChildServer): Promise<void> {
  const client = new CountingClient(server.baseUrl);
  await client.get('/health');
  for (let run = 0; run < o.runs; run++) {
    if (run > 0) await sleep(STATS_CACHE_WAIT_MS);
    const ms = await timeDevnetStats(client, o.requests + o.hourRequests, o.executions);
    rec.add(o.driver, 'stats.uncached', ms);
    o.log(`  devnet-stats, rolled up: ${ms.toFixed(1)} ms`);
  }
  for (let run = 0; run < o.runs; run++) {
    const f = await closedLoop({ baseUrl: server.baseUrl, path: '/api/telemetry/devnet-stats' }, 10, o.durationS);
    rec.add(o.driver, 'stats.cachedP99', f.p99);
    o.log(`  devnet-stats cached: ${Math.round(f.rps)} req/s p99 ${f.p99} ms`);
  }
}

async function timeDevnetStats(client: CountingClient, minRequests: number, executions: number): Promise<number> {
  const res = await client.get('/api/telemetry/devnet-stats');
  if (res.status !== 200) throw new Error(`devnet-stats answered ${res.status}: ${res.text.slice(0, 200)}`);
  const body = JSON.parse(res.text) as DevnetStatsBody;
  if (body.data.traffic.requestsAllTime < minRequests || body.data.transactions.allTime !== executions) {
    throw new Error(`devnet-stats does not see the data set: ${JSON.stringify(body.data.traffic).slice(0, 200)}`);
  }
  return res.ms;
}
