// The request path side by side with its anchors, on four servers started together: the service with request
// logging on (the one judged), the service with logging off, a bare NestJS app and plain node:http. Closed-loop
// throughput as a ratio to bare NestJS, an open loop at a constant rate, server CPU per sign-in, the load engine vs
// autocannon, peak RSS, write-buffer lag and rows lost after SIGTERM.
import { setTimeout as sleep } from 'node:timers/promises';
import { runWorkers } from '../../tools/lib/limiter';
import { BenchDatabase, newDatabase } from '../lib/database';
import { Driver, Recorder } from '../lib/figures';
import { CountingClient, poll } from '../lib/http';
import { PhaseContext } from '../lib/phase';
import { closedLoop, engineLoop, LoadFigures, openLoop, Target } from '../lib/load';
import { ChildServer, startApp, startBareNest, startPlain } from '../lib/processes';

export interface RequestPathSettings {
  connections: number;
  openRate: number;
  signIns: number;
  /**
   * Sign-ins before the clock starts. A fresh process spends its first few hundred sign-ins compiling the code they
   * run (V8's optimizing tiers, on the main thread and its helper threads): measured 4.4 ms of CPU each after 50
   * warm-up sign-ins, 2.6 ms after 1,500. The goal is about the rate a running service sustains.
   */
  signInWarmUp: number;
  /** Pause between load runs (lets the writer drain and sockets close). */
  pauseMs: number;
}

export type RequestPathOptions = PhaseContext & RequestPathSettings;

interface HealthBody {
  requestLog: { depth: number };
}

/** Closed-loop targets, each measured once per round; the `…Off` ones are the service with logging off. */
type TargetName = 'bare' | 'plain' | 'health' | 'preflight' | 'statusNone' | 'status' | 'healthOff' | 'statusNoneOff' | 'statusOff';
const UNLOGGED_TWIN: Record<'health' | 'statusNone' | 'status', TargetName> = { health: 'healthOff', statusNone: 'statusNoneOff', status: 'statusOff' };

export async function requestPathPhase(rec: Recorder, o: RequestPathOptions): Promise<void> {
  const dbs: BenchDatabase[] = [];
  const servers: ChildServer[] = [];
  try {
    const dbLogged = await newDatabase(o.driver, o.dir, 'logged', o.pgServerUrl);
    dbs.push(dbLogged);
    const dbUnlogged = await newDatabase(o.driver, o.dir, 'unlogged', o.pgServerUrl);
    dbs.push(dbUnlogged);
    const [logged, unlogged, bare, plain] = await Promise.all([
      startApp('logging on', o.entry, { ...dbLogged.env, REQUEST_LOG_ENABLED: 'true' }),
      startApp('logging off', o.entry, { ...dbUnlogged.env, REQUEST_LOG_ENABLED: 'false' }),
      startBareNest(o.entry),
      startPlain({ '/health': { status: 200, body: '{"ok":true}' } }),
    ]);
    servers.push(logged, unlogged, bare, plain);
    const loggedClient = new CountingClient(logged.baseUrl);
    // The readiness probe of startApp was answered (and logged) too.
    loggedClient.answered++;
    const sessions = { logged: await loggedClient.signIn(), unlogged: await new CountingClient(unlogged.baseUrl).signIn() };
    const targets: Record<TargetName, Target> = {
      bare: { baseUrl: bare.baseUrl, path: '/health' },
      plain: { baseUrl: plain.baseUrl, path: '/health' },
      health: { baseUrl: logged.baseUrl, path: '/health' },
      preflight: { baseUrl: logged.baseUrl, path: '/api/execute/preflight' },
      statusNone: { baseUrl: logged.baseUrl, path: '/api/session/status' },
      status: { baseUrl: logged.baseUrl, path: '/api/session/status', headers: { 'x-session-id': sessions.logged } },
      healthOff: { baseUrl: unlogged.baseUrl, path: '/health' },
      statusNoneOff: { baseUrl: unlogged.baseUrl, path: '/api/session/status' },
      statusOff: { baseUrl: unlogged.baseUrl, path: '/api/session/status', headers: { 'x-session-id': sessions.unlogged } },
    };
    await expectStatuses(loggedClient, sessions.logged);

    let loggedAnswered = 0;
    let maxDepth = 0;
    const isLogged = (t: TargetName) => targets[t].baseUrl === logged.baseUrl;

    for (let run = 0; run < o.runs; run++) {
      const order = (Object.keys(targets) as TargetName[]).filter((name) => name !== 'bare');
      // Alternate the order between rounds so neither side always runs on a warmer (or hotter) machine.
      if (run % 2 === 1) order.reverse();
      // Bare NestJS runs before and after every target, and each target is compared with the mean of the two: this
      // machine's throughput drifts by a third within a minute, so an anchor measured once a round, up to 45 s away
      // from a target, carried that drift into its ratio.
      const rps = {} as Record<TargetName, number>;
      const bareAround = {} as Record<TargetName, number>;
      const bareRuns: number[] = [];
      const measure = async (name: TargetName): Promise<number> => {
        // /health carries the depth even when it answers 503 (its database ping timed out under load).
        const depthPoller = isLogged(name) ? poll(100, async () => (JSON.parse((await loggedClient.get('/health')).text) as HealthBody).requestLog.depth) : null;
        const f = await closedLoop(targets[name], o.connections, o.durationS);
        if (depthPoller) {
          const depth = Math.max(0, ...(await depthPoller.stop()));
          maxDepth = Math.max(maxDepth, depth);
          rec.add(o.driver, 'log.buffer.maxLagMs', (depth / f.rps) * 1000);
          loggedAnswered += f.responses;
        }
        if (name === 'health') {
          rec.add(o.driver, 'path.health.p50', f.p50);
          rec.add(o.driver, 'path.health.p99', f.p99);
        }
        if (name === 'status') rec.add(o.driver, 'path.status.p99', f.p99);
        o.log(`  closed ${o.connections} conn ${name.padEnd(13)} ${Math.round(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms${f.errors ? ` errors ${f.errors}` : ''}`);
        await sleep(o.pauseMs);
        return f.rps;
      };
      bareRuns.push(await measure('bare'));
      for (const name of order) {
        rps[name] = await measure(name);
        bareRuns.push(await measure('bare'));
        bareAround[name] = (bareRuns[bareRuns.length - 2] + bareRuns[bareRuns.length - 1]) / 2;
      }
      const vsBare = (name: TargetName) => rps[name] / bareAround[name];
      rec.add(o.driver, 'anchor.bare.rps', bareRuns.reduce((a, b) => a + b, 0) / bareRuns.length);
      rec.add(o.driver, 'anchor.plain.rps', rps.plain);
      rec.add(o.driver, 'anchor.bareVsPlain', 1 / vsBare('plain'));
      for (const name of ['health', 'preflight', 'statusNone', 'status'] as const) {
        rec.add(o.driver, `path.${name}.rps`, rps[name]);
        rec.add(o.driver, `path.${name}.vsBare`, vsBare(name));
      }
      // Each side against its own neighbouring anchors, so the drift between the two runs cancels out too.
      for (const [on, off] of Object.entries(UNLOGGED_TWIN)) rec.add(o.driver, `log.${on}.ratio`, vsBare(on as TargetName) / vsBare(off));
    }
    rec.add(o.driver, 'log.buffer.maxDepth', maxDepth);
    // The high-water mark of the closed-loop runs, before the open loop's queue or the sign-ins can add to it.
    rec.add(o.driver, 'mem.peakRss', logged.peakRssMb());

    for (let run = 0; run < o.runs; run++) {
      const order = run % 2 === 0 ? (['health', 'bare'] as const) : (['bare', 'health'] as const);
      const p99 = {} as Record<'health' | 'bare', number>;
      for (const name of order) {
        const f = await openLoop(targets[name], o.openRate, o.durationS);
        if (name === 'health') {
          loggedAnswered += f.responses;
          rec.add(o.driver, 'open.health.rps', f.rps);
        }
        p99[name] = f.p99;
        o.log(`  open loop ${o.openRate}/s ${name}: ${Math.round(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms${f.errors ? ` errors ${f.errors}` : ''}`);
        await sleep(o.pauseMs);
      }
      rec.add(o.driver, 'open.health.p99.service', p99.health);
      rec.add(o.driver, 'open.health.p99.bare', p99.bare);
      rec.add(o.driver, 'open.health.ratio', p99.health / p99.bare);
    }

    for (let run = 0; run < o.runs; run++) {
      const order = run % 2 === 0 ? (['engine', 'autocannon'] as const) : (['autocannon', 'engine'] as const);
      const rps: Record<string, number> = {};
      for (const tool of order) {
        const f: LoadFigures = tool === 'engine' ? await engineLoop(targets.health, o.connections, o.durationS) : await closedLoop(targets.health, o.connections, o.durationS);
        loggedAnswered += f.responses;
        rps[tool] = f.rps;
        await sleep(o.pauseMs);
      }
      rec.add(o.driver, 'engine.rps', rps.engine);
      rec.add(o.driver, 'engine.autocannonRps', rps.autocannon);
      rec.add(o.driver, 'engine.ratio', rps.engine / rps.autocannon);
      o.log(`  engine ${Math.round(rps.engine)} req/s vs autocannon ${Math.round(rps.autocannon)} req/s`);
    }

    // The CPU counted is the sign-ins' own, not the writer's catching up with the load runs before.
    await untilLogWritten(loggedClient);
    const warm = await signInCpuMs(logged, loggedClient, o.signInWarmUp);
    rec.add(o.driver, 'signin.cpuMsCold', warm);
    o.log(`  sign-in warm-up: ${warm.toFixed(2)} ms server CPU each (${o.signInWarmUp} sign-ins)`);
    for (let run = 0; run < o.runs; run++) {
      const ms = await signInCpuMs(logged, loggedClient, o.signIns);
      rec.add(o.driver, 'signin.cpuMs', ms);
      o.log(`  sign-in: ${ms.toFixed(2)} ms server CPU each (${o.signIns} sign-ins)`);
    }

    await rowsAfterShutdown(rec, o.driver, logged, loggedClient, dbLogged, loggedAnswered, o.log);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  }
}

async function expectStatuses(client: CountingClient, session: string): Promise<void> {
  const health = await client.get('/health');
  const statusNone = await client.get('/api/session/status');
  const status = await client.get('/api/session/status', { 'x-session-id': session });
  if (health.status !== 200 || statusNone.status !== 400 || status.status !== 200) {
    throw new Error(`unexpected answers: /health ${health.status}, status without session ${statusNone.status}, with session ${status.status}`);
  }
}

/** Waits until the request-log buffer is empty (/health requestLog.depth 0), checking every 100 ms, at most 60 s. */
async function untilLogWritten(client: CountingClient): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(100)) {
    const body = JSON.parse((await client.get('/health')).text) as HealthBody;
    if (body.requestLog.depth === 0) return;
  }
  throw new Error('the request-log buffer did not empty within 60 s');
}

/** Server CPU (user + system, /proc/<pid>/stat) across `n` sign-ins, 8 in flight, divided by n. */
async function signInCpuMs(server: ChildServer, client: CountingClient, n: number): Promise<number> {
  await client.signIn(); // preflight fetched and the code paths warm before the clock starts
  const before = server.cpuMs();
  let started = 0;
  await runWorkers(8, async () => {
    while (started < n) {
      started++;
      await client.signIn();
    }
  });
  return (server.cpuMs() - before) / n;
}

/** Every request the server counted (Prometheus) must be a row after SIGTERM; the /metrics request adds one. */
async function rowsAfterShutdown(
  rec: Recorder,
  driver: Driver,
  server: ChildServer,
  client: CountingClient,
  db: BenchDatabase,
  loadAnswered: number,
  log: (line: string) => void,
): Promise<void> {
  const metrics = await client.get('/metrics');
  const serverCounted = sumCounter(metrics.text, 'bloom_http_requests_total') + 1;
  const clientSeen = loadAnswered + client.answered;
  if (!(await server.stop())) rec.notes.push(`${driver}: the logged server did not exit cleanly after SIGTERM`);
  const rows = await db.countRows('request_log');
  rec.add(driver, 'log.rows.written', rows);
  rec.add(driver, 'log.rows.lost', Math.max(0, serverCounted - rows, clientSeen - rows));
  log(`  request_log: ${rows} rows; server counted ${serverCounted}; clients saw ${clientSeen} answers`);
}

function sumCounter(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
