// The server as an operator runs it (src/main.ts in its own process, output piped as under a supervisor): one start
// line, no framework chatter, one line at shutdown; a bad configuration or a busy port ends in one line and exit 1.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../bench/lib/processes';
import { tempDbPath } from './support/app';
import { SQLITE_MIGRATIONS } from '../src/database/migrations/sqlite';

const MAIN = join(__dirname, '..', 'src', 'main.ts');
const START_TIMEOUT_MS = 60_000;

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Variables of the developer's shell that would change what the server opens or logs. */
const CLEARED = ['TELEMETRY_DB_URL', 'ETH_RPC_URL', 'LOG_LEVEL', 'LOG_FORMAT', 'DEBUG_EXECUTIONS', 'TELEMETRY_CONSOLE', 'PORT'];

function startServer(env: Record<string, string>): Run {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of CLEARED) delete base[k];
  const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', MAIN], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]> };
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

async function waitFor(run: Run, text: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!run.output().includes(text) && run.child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!run.output().includes(text)) throw new Error(`no "${text}" in the output:\n${run.output()}`);
}

const temps: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function db(): string {
  const temp = tempDbPath();
  temps.push(temp.dir);
  return temp.dbPath;
}

describe('server process', () => {
  it('logs one JSON start line (port, driver, database, migrations), nothing per request, and one line at shutdown', async () => {
    const port = await freePort();
    const dbPath = db();
    // DEBUG_EXECUTIONS lowers pino to debug for the transitions; the framework's chatter must stay hidden all the same.
    const run = startServer({ PORT: String(port), TELEMETRY_DB_PATH: dbPath, DEBUG_EXECUTIONS: '1' });
    children.push(run.child);
    await waitFor(run, 'listening on');
    for (const path of ['/health', '/api/telemetry/runs?sessionId=0xsecret', '/no/such/path']) await fetch(`http://127.0.0.1:${port}${path}`);
    run.child.kill('SIGTERM');
    await run.exited;

    // Piped, so JSON: one object a line, every line.
    const records = lines(run.output()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const starts = records.filter((r) => String(r.msg).includes('listening on'));
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({
      level: 'info',
      start: { port, driver: 'sqlite', database: dbPath, migrationsApplied: SQLITE_MIGRATIONS.map((m) => m.name) },
    });
    expect(starts[0].msg).toBe(`Bloom Telemetry ${(starts[0].start as { version: string }).version} listening on http://localhost:${port} (sqlite ${dbPath}, ${SQLITE_MIGRATIONS.length} migration(s) applied)`);
    // No module, route or "successfully started" lines, and no request lines (the request log is the database's).
    const contexts = records.map((r) => r.context);
    for (const noisy of ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']) expect(contexts).not.toContain(noisy);
    expect(run.output()).not.toContain('0xsecret');
    expect(records.filter((r) => 'req' in r || 'res' in r)).toEqual([]);

    const last = records[records.length - 1];
    expect(last).toMatchObject({ level: 'info', context: 'RequestLogWriter', shutdown: { droppedRows: 0 } });
    const shutdown = last.shutdown as { flushedRows: number; writtenRows: number };
    // The three requests above, each logged once by the database's request log, all written by the end.
    expect(shutdown.writtenRows).toBe(3);
    expect(shutdown.flushedRows).toBeLessThanOrEqual(3);
    expect(last.msg).toBe(`Stopped: ${shutdown.flushedRows} request-log row(s) flushed at shutdown, 3 written since start, 0 dropped`);
  }, 120_000);

  it('stops on a bad configuration with one line naming the variable, the value and the range, and exit code 1', async () => {
    const run = startServer({ BLOSSOM_FEE_BPS: '60', TELEMETRY_DB_PATH: db() });
    children.push(run.child);
    const [code] = await run.exited;
    expect(code).toBe(1);
    const out = lines(run.output());
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0])).toMatchObject({ level: 'fatal', msg: 'Invalid configuration: BLOSSOM_FEE_BPS="60": must be an integer from 10 to 50' });
    expect(out[0]).not.toMatch(/\bat .+:\d+:\d+/);
  }, 120_000);

  it('says so in one pretty line when LOG_FORMAT=pretty, without colour codes when the output is not a terminal', async () => {
    const run = startServer({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'verbose', TELEMETRY_DB_PATH: db() });
    children.push(run.child);
    const [code] = await run.exited;
    expect(code).toBe(1);
    const out = lines(run.output());
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/FATAL: \[Bootstrap\] Invalid configuration: LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace, silent$/);
    expect(out[0]).not.toContain('\u001b[');
  }, 120_000);

  describe('on a port in use', () => {
    let holder: Server;
    afterAll(async () => {
      if (holder?.listening) await new Promise((ok) => holder.close(ok));
    });

    it('stops with one line naming the port, and exit code 1', async () => {
      const port = await freePort();
      holder = createServer().listen(port);
      await once(holder, 'listening');
      const run = startServer({ PORT: String(port), TELEMETRY_DB_PATH: db() });
      children.push(run.child);
      const [code] = await run.exited;
      expect(code).toBe(1);
      const out = lines(run.output());
      expect(out).toHaveLength(1);
      expect(JSON.parse(out[0])).toMatchObject({ level: 'fatal', msg: `Cannot listen: port ${port} is already in use (EADDRINUSE)` });
    }, 120_000);
  });
});
