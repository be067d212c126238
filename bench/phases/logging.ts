// Figures 1, 4 and 5: request logging on vs off vs plain node:http at 200 connections, open-loop latency at a fixed
// rate, rows lost after a graceful stop, write-buffer lag, the load engine vs autocannon, and peak RSS.
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchDatabase, newDatabase } from '../lib/database';
import { Driver, Recorder } from '../lib/figures';
import { CountingClient, poll } from '../lib/http';
import { closedLoop, engineLoop, LoadFigures, openLoop, Target } from '../lib/load';
import { AppEntry, ChildServer, startApp, startPlain } from '../lib/processes';

export interface LoggingOptions {
  driver: Driver;
  entry: AppEntry;
  dir: string;
  pgServerUrl?: string;
  runs: number;
  durationS: number;
  connections: number;
  openRate: number;
  /** Pause between load runs (lets the writer drain and sockets close). */
  pauseMs: number;
  log(line: string): void;
}

interface HealthBody {
  requestLog: { depth: number };
}

type Variant = 'logged' | 'unlogged' | 'plain';
type Scenario = 'health' | 'statusNone' | 'status';

export async function loggingPhase(rec: Recorder, o: LoggingOptions): Promise<void> {
  const dbs: BenchDatabase[] = [];
  const servers: ChildServer[] = [];
  try {
    const dbLogged = await newDatabase(o.driver, o.dir, 'logged', o.pgServerUrl);
    dbs.push(dbLogged);
    const dbUnlogged = await newDatabase(o.driver, o.dir, 'unlogged', o.pgServerUrl);
    dbs.push(dbUnlogged);
    const [logged, unlogged] = await Promise.all([
      startApp('logging on', o.entry, { ...dbLogged.env, REQUEST_LOG_ENABLED: 'true' }),
      startApp('logging off', o.entry, { ...dbUnlogged.env, REQUEST_LOG_ENABLED: 'false' }),
    ]);
    servers.push(logged, unlogged);
    const loggedClient = new CountingClient(logged.baseUrl);
    const unloggedClient = new CountingClient(unlogged.baseUrl);
    // The readiness probe of startApp was answered (and logged) too.
    loggedClient.answered++;
    const sessions = { logged: await loggedClient.signIn(), unlogged: await unloggedClient.signIn() };

    const health = await loggedClient.get('/health');
    const statusNone = await loggedClient.get('/api/session/status');
    const status = await loggedClient.get('/api/session/status', { 'x-session-id': sessions.logged });
    if (health.status !== 200 || statusNone.status !== 400 || status.status !== 200) {
      throw new Error(`unexpected answers: /health ${health.status}, status without session ${statusNone.status}, with session ${status.status}`);
    }
    const plain = await startPlain({
      '/health': { status: 200, body: health.text },
      '/api/session/status': { status: 400, body: statusNone.text },
      '/api/session/status session': { status: 200, body: status.text },
    });
    servers.push(plain);
    const urls: Record<Variant, string> = { logged: logged.baseUrl, unlogged: unlogged.baseUrl, plain: plain.baseUrl };
    const target = (variant: Variant, scenario: Scenario): Target => ({
      baseUrl: urls[variant],
      path: scenario === 'health' ? '/health' : '/api/session/status',
      headers: scenario === 'status' ? { 'x-session-id': variant === 'unlogged' ? sessions.unlogged : sessions.logged } : undefined,
    });

    let loggedAnswered = 0;
    let maxDepth = 0;
    const onLogged = (f: LoadFigures) => (loggedAnswered += f.responses);

    for (let run = 0; run < o.runs; run++) {
      for (const scenario of ['health', 'statusNone', 'status'] as const) {
        const rps: Partial<Record<Variant, number>> = {};
        const variants: Variant[] = scenario === 'statusNone' ? ['logged', 'unlogged'] : ['logged', 'unlogged', 'plain'];
        // Alternate the order between runs so neither side always runs on a warmer (or hotter) machine.
        if (run % 2 === 1) variants.reverse();
        for (const variant of variants) {
          // /health carries the depth even when it answers 503 (its database ping timed out under load).
          const depthPoller = variant === 'logged' ? poll(100, async () => (JSON.parse((await loggedClient.get('/health')).text) as HealthBody).requestLog.depth) : null;
          const f = await closedLoop(target(variant, scenario), o.connections, o.durationS);
          if (depthPoller) {
            const depths = await depthPoller.stop();
            const depth = Math.max(0, ...depths);
            maxDepth = Math.max(maxDepth, depth);
            rec.add(o.driver, 'log.buffer.maxLagMs', (depth / f.rps) * 1000);
            onLogged(f);
          }
          rps[variant] = f.rps;
          rec.add(o.driver, `log.${scenario}.rps.${variant}`, f.rps);
          if (variant === 'logged') {
            rec.add(o.driver, `log.${scenario}.p99.logged`, f.p99);
            if (scenario !== 'statusNone') rec.add(o.driver, `log.${scenario}.p50.logged`, f.p50);
          }
          if (variant === 'unlogged' && scenario === 'health') rec.add(o.driver, 'log.health.p99.unlogged', f.p99);
          o.log(`  ${scenario.padEnd(10)} ${variant.padEnd(8)} ${Math.round(f.rps)} req/s p50 ${f.p50} ms p99 ${f.p99} ms${f.errors ? ` errors ${f.errors}` : ''}`);
          await sleep(o.pauseMs);
        }
        rec.add(o.driver, `log.${scenario}.ratio`, rps.logged! / rps.unlogged!);
        if (rps.plain !== undefined) rec.add(o.driver, `log.${scenario}.ratioPlain`, rps.logged! / rps.plain);
      }
    }
    rec.add(o.driver, 'log.buffer.maxDepth', maxDepth);

    for (let run = 0; run < o.runs; run++) {
      for (const [scenario, variant] of [['health', 'logged'], ['health', 'unlogged'], ['status', 'logged']] as const) {
        const f = await openLoop(target(variant, scenario), o.openRate, o.durationS);
        if (variant === 'logged') onLogged(f);
        rec.add(o.driver, `open.${scenario}.p99.${variant}`, f.p99);
        o.log(`  open loop ${o.openRate}/s ${scenario} ${variant}: ${Math.round(f.rps)} req/s p99 ${f.p99} ms`);
        await sleep(o.pauseMs);
      }
    }

    for (let run = 0; run < o.runs; run++) {
      const order = run % 2 === 0 ? (['engine', 'autocannon'] as const) : (['autocannon', 'engine'] as const);
      const rps: Record<string, number> = {};
      for (const tool of order) {
        const t = target('logged', 'health');
        const f = tool === 'engine' ? await engineLoop(t, o.connections, o.durationS) : await closedLoop(t, o.connections, o.durationS);
        onLogged(f);
        rps[tool] = f.rps;
        await sleep(o.pauseMs);
      }
      rec.add(o.driver, 'engine.rps', rps.engine);
      rec.add(o.driver, 'engine.autocannonRps', rps.autocannon);
      rec.add(o.driver, 'engine.ratio', rps.engine / rps.autocannon);
      o.log(`  engine ${Math.round(rps.engine)} req/s vs autocannon ${Math.round(rps.autocannon)} req/s`);
    }

    rec.add(o.driver, 'mem.peakRss.logged', logged.peakRssMb());
    rec.add(o.driver, 'mem.peakRss.unlogged', unlogged.peakRssMb());

    // Every request the server counted (Prometheus) must be a row after SIGTERM; the /metrics request adds one.
    const metrics = await loggedClient.get('/metrics');
    const serverCounted = sumCounter(metrics.text, 'bloom_http_requests_total') + 1;
    const clientSeen = loggedAnswered + loggedClient.answered;
    if (!(await logged.stop())) rec.notes.push(`${o.driver}: the logged server did not exit cleanly after SIGTERM`);
    const rows = await dbLogged.countRows('request_log');
    rec.add(o.driver, 'log.rows.written', rows);
    rec.add(o.driver, 'log.rows.lost', Math.max(0, serverCounted - rows, clientSeen - rows));
    o.log(`  request_log: ${rows} rows; server counted ${serverCounted}; clients saw ${clientSeen} answers`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dbs.map((d) => d.drop()));
  }
}

function sumCounter(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
