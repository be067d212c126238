// SIGTERM / SIGINT on the real server process (src/main.ts): every request it answered is in request_log afterwards.
import { RequestLog } from '../src/traffic/request-log.entity';
import { openTestDataSource } from './support/app';
import { ServerFixture } from './support/server-process';

async function countRows(target: { dbPath: string; dbUrl?: string }): Promise<number> {
  const ds = await openTestDataSource(target);
  try {
    return await ds.getRepository(RequestLog).count();
  } finally {
    await ds.destroy();
  }
}

describe.each(['SIGTERM', 'SIGINT'] as const)('request log on %s', (signal) => {
  const fixture = new ServerFixture();
  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.cleanUp());

  it('flushes every answered request before the process exits', async () => {
    const server = await fixture.start();
    const paths = ['/health', '/no/such/path', '/api/telemetry/runs', '/api/telemetry/runs?limit=0'];
    let answered = 0;
    // Concurrent bursts, the last one still fresh in the buffer when the signal arrives.
    for (let burst = 0; burst < 5; burst++) {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${server.baseUrl}${paths[i % paths.length]}`).then((r) => r.arrayBuffer())));
      answered += answers.length;
    }
    expect(await server.stop(signal)).toBeLessThan(10_000);
    expect(server.output()).not.toContain('spilled to');
    expect(await countRows(fixture.target)).toBe(answered);
  }, 120_000);
});
