// SIGTERM / SIGINT on the real server process (src/main.ts): every request it answered is in request_log afterwards.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import { tempDbPath } from './support/app';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function countRows(dbPath: string): Promise<number> {
  const db = new Database(dbPath);
  return new Promise<number>((ok, fail) =>
    db.get('SELECT COUNT(*) AS n FROM request_log', (err, row: { n: number }) => (err ? fail(err) : ok(row.n))),
  ).finally(() => new Promise<void>((done) => db.close(() => done())));
}

describe.each(['SIGTERM', 'SIGINT'] as const)('request log on %s', (signal) => {
  const temp = tempDbPath();
  afterAll(() => rmSync(temp.dir, { recursive: true, force: true }));

  it('flushes every answered request before the process exits', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', join(__dirname, '..', 'src', 'main.ts')], {
      env: { ...process.env, PORT: String(port), TELEMETRY_DB_PATH: temp.dbPath, RATE_LIMIT_PER_MIN: '0' },
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
      expect(await countRows(temp.dbPath)).toBe(answered);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
