// SIGTERM / SIGINT on the real server process (src/main.ts): every request it answered is in request_log afterwards.
import { rmSync } from 'node:fs';
import { RequestLog } from '../src/traffic/request-log.entity';
import { openTestDataSource, tempDbPath } from './support/app';
import { createTestDatabase, postgresServerUrl, TestDatabase } from './support/postgres';
import { ServerProcess, startServer } from './support/server-process';

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
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    const url = postgresServerUrl();
    pg = url ? await createTestDatabase(url) : undefined;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    rmSync(temp.dir, { recursive: true, force: true });
    await pg?.drop();
  });

  it('flushes every answered request before the process exits', async () => {
    server = await startServer({ TELEMETRY_DB_PATH: temp.dbPath, TELEMETRY_DB_URL: pg?.url, REQUEST_LOG_SPILL_DIR: temp.dir });
    const paths = ['/health', '/no/such/path', '/api/telemetry/runs', '/api/telemetry/runs?limit=0'];
    let answered = 0;
    // Concurrent bursts, the last one still fresh in the buffer when the signal arrives.
    for (let burst = 0; burst < 5; burst++) {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${server!.baseUrl}${paths[i % paths.length]}`).then((r) => r.arrayBuffer())));
      answered += answers.length;
    }
    expect(await server.stop(signal)).toBeLessThan(10_000);
    expect(server.output()).not.toContain('spilled to');
    expect(await countRows(temp.dbPath, pg?.url)).toBe(answered);
  }, 120_000);
});
