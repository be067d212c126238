// The real server (src/main.ts through ts-node) as a child process on a free port, for what only a process shows:
// signals, kill -9, restarts on the same database. Ready when it logs that it listens: no request is sent to find out.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../bench/lib/processes';
import { tempDbPath } from './app';
import { createTestDatabase, postgresServerUrl, TestDatabase } from './postgres';

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  /** Resolves with the exit once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** Sends the signal and waits for the exit; resolves how long that took, ms. */
  stop(signal: NodeJS.Signals): Promise<number>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the server with env on top of this process's environment; rejects with its output if it is not up within 90 s. */
export async function startServer(env: Record<string, string | undefined>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'main.ts')], {
    env: { ...process.env, RATE_LIMIT_PER_MIN: '0', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('listening on')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`server exited before listening:\n${output}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`server not listening within 90 s:\n${output}`)), 90_000);
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    async stop(signal) {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      return Date.now() - started;
    },
  };
}

/**
 * A database for server processes — a temp SQLite file, or a PostgreSQL database of its own when the suites run on
 * PostgreSQL — and the servers started on it. Call setUp in beforeAll and cleanUp in afterAll: it kills what still
 * runs and removes the folder (spill files included) and the database, whatever the test left.
 */
export class ServerFixture {
  readonly temp: { dir: string; dbPath: string };
  pg: TestDatabase | undefined;
  private readonly servers: ServerProcess[] = [];

  /**
   * `memoryDisk`: the SQLite file on tmpfs (/dev/shm) where there is one, for a test that times the writer rather than
   * the disk (on a shared machine, other jobs' writes stall a single INSERT for up to a second: measured).
   */
  constructor(options: { memoryDisk?: boolean } = {}) {
    this.temp = options.memoryDisk && existsSync('/dev/shm') ? tempDbPath('/dev/shm') : tempDbPath();
  }

  async setUp(): Promise<void> {
    const url = postgresServerUrl();
    this.pg = url ? await createTestDatabase(url) : undefined;
  }

  /** What openTestDataSource needs to read the database. */
  get target(): { dbPath: string; dbUrl?: string } {
    return { dbPath: this.temp.dbPath, dbUrl: this.pg?.url };
  }

  /** Spill files go to the temp folder on PostgreSQL too (SQLite's is beside the file anyway). */
  async start(): Promise<ServerProcess> {
    const server = await startServer({ TELEMETRY_DB_PATH: this.temp.dbPath, TELEMETRY_DB_URL: this.pg?.url, REQUEST_LOG_SPILL_DIR: this.pg ? this.temp.dir : undefined });
    this.servers.push(server);
    return server;
  }

  async cleanUp(): Promise<void> {
    for (const server of this.servers) server.child.kill('SIGKILL');
    await Promise.all(this.servers.map((s) => s.exited));
    rmSync(this.temp.dir, { recursive: true, force: true });
    await this.pg?.drop();
  }
}
