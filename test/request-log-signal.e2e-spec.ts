// SIGTERM / SIGINT on the real server process (src/main.ts): every request it answered is in request_log afterwards.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { RequestLog } from '../src/traffic/request-log.entity';
import { openTestDataSource, tempDbPath } from './support/app';
import { createTestDatabase, postgresServerUrl, TestDatabase } from './support/postgres';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function countRows(dbPath: string, dbUrl?: string): Promise<number> {
  const ds = await openTestDataSource({ dbPath, dbUrl });
  try {
    return await ds.getRepository(RequestLog).count();
  } finally {
    await ds.destroy();
  }
}

describe.each(['SIGTERM', 'SIGINT'] as const)('request log on %s', (signal) => {
  const temp = tempDbPath();
  // With TELEMETRY_DB_URL set, the server process gets a PostgreSQL database of its own instead of the file.
  let pg: TestDatabase | undefined;
  beforeAll(async () => {
    const server = postgresServerUrl();
    pg = server ? await createTestDatabase(server) : undefined;
  });
  afterAll(async () => {
    rmSync(temp.dir, { recursive: true, force: true });
    await pg?.drop();
  });

  it('flushes every answered request before the process exits', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', join(__dirname, '..', 'src', 'main.ts')], {
      env: { ...process.env, PORT: String(port), TELEMETRY_DB_PATH: temp.dbPath, TELEMETRY_DB_URL: pg?.url, RATE_LIMIT_PER_MIN: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = once(child, 'exit');
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('listening on') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('listening on');
      const base = `http://127.0.0.1:${port}`;
      const paths = ['/health', '/no/such/path', '/api/telemetry/runs', '/api/telemetry/runs?limit=0'];
      let answered = 0;
      // Concurrent bursts, the last one still fresh in the buffer when the signal arrives.
      for (let burst = 0; burst < 5; burst++) {
        const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${base}${paths[i % paths.length]}`).then((r) => r.arrayBuffer())));
        answered += answers.length;
      }
      child.kill(signal);
      await exited;
      expect(await countRows(temp.dbPath, pg?.url)).toBe(answered);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
