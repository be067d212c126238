// The servers under test as child processes: the built app (or src/ through ts-node in quick mode) and the two
// anchors (a bare NestJS app, plain node:http), each on a free loopback port, stopped gracefully with SIGTERM.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..', '..');

/** How the app is started: the build (`node dist/src/main.js`) or the sources through ts-node (quick smoke). */
export type AppEntry = 'dist' | 'src';

export interface ChildServer {
  name: string;
  baseUrl: string;
  pid: number;
  /**
   * Stops with SIGTERM and waits for the exit. Resolves true for a clean exit: code 0, or the SIGTERM that Nest's
   * shutdown hooks re-raise once the app has closed.
   */
  stop(): Promise<boolean>;
  /** Peak resident set size so far (VmHWM), MB. */
  peakRssMb(): number;
  /** CPU time (user + system) the process has used so far, ms. */
  cpuMs(): number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function appCommand(entry: AppEntry): string[] {
  return entry === 'dist'
    ? [join(ROOT, 'dist', 'src', 'main.js')]
    : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')];
}

/** Starts the app with `env` over a clean environment (no inherited DB or RPC settings) and waits for /health. */
export async function startApp(name: string, entry: AppEntry, env: Record<string, string>): Promise<ChildServer> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['TELEMETRY_DB_URL', 'TELEMETRY_DB_PATH', 'ETH_RPC_URL', 'TELEMETRY_CONSOLE', 'REQUEST_LOG_ENABLED', 'TELEMETRY_ADMIN_TOKEN']) delete base[k];
  const child = spawn(process.execPath, appCommand(entry), {
    cwd: ROOT,
    env: { ...base, ...env, PORT: String(port), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(name, child, `http://127.0.0.1:${port}`, '/health');
}

/** The framework's ceiling: NestJS with one /health controller (bench/anchors/bare-nest.ts), built or through ts-node. */
export async function startBareNest(entry: AppEntry): Promise<ChildServer> {
  const port = await freePort();
  const args = entry === 'dist'
    ? [join(ROOT, 'dist', 'bench', 'anchors', 'bare-nest.js')]
    : ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'anchors', 'bare-nest.ts')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap('bare NestJS', child, `http://127.0.0.1:${port}`, '/health');
}

/** The machine's ceiling: node:http answering fixed bodies per path (see bench/plain-server.js). */
export async function startPlain(bodies: Record<string, { status: number; body: string }>): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'plain-server.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PLAIN_BODIES: JSON.stringify(bodies) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap('plain node:http', child, `http://127.0.0.1:${port}`, '/health');
}

/** Servers still running; killed if the bench itself dies, so a crash leaves no orphan listening. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function wrap(name: string, child: ChildProcess, baseUrl: string, readyPath: string): Promise<ChildServer> {
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => code === 0 || signal === 'SIGTERM');
  let gone = false;
  void exited.then(() => {
    gone = true;
    running.delete(child);
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}${readyPath}`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within 90 s:\n${output}`);
    }
    await sleep(100);
  }
  const pid = child.pid!;
  return {
    name,
    baseUrl,
    pid,
    async stop() {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const clean = await exited;
      clearTimeout(timer);
      return clean;
    },
    peakRssMb: () => procStatusMb(pid, 'VmHWM'),
    cpuMs: () => procCpuMs(pid),
  };
}

let clockTicksPerS: number | undefined;

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
function procCpuMs(pid: number): number {
  clockTicksPerS ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerS;
}

function procStatusMb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}
