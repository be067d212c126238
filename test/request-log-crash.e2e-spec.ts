// kill -9 under steady load: the request log loses less than 250 ms of traffic (rows answered but not yet written),
// measured as lost rows / arrival rate. Requests arrive at a constant rate, whatever the server's answer times.
import { openTestDataSource } from './support/app';
import { ServerFixture, ServerProcess } from './support/server-process';

const RATE_PER_S = 500;
const SEND_MS = 4_000;
const TICK_MS = 10;

/**
 * Opens requests at RATE_PER_S from a timer (an open loop: a slow answer does not slow the arrivals) for killAfterMs,
 * then kills the server; resolves the correlation ids that were answered and the arrival rate achieved.
 */
function sendAtConstantRate(server: ServerProcess, killAfterMs: number): Promise<{ answered: Set<string>; arrivalsPerS: number }> {
  const answered = new Set<string>();
  const started = Date.now();
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed >= killAfterMs) {
        clearInterval(timer);
        server.child.kill('SIGKILL');
        // Answers still arriving were sent before the server died: wait for the exit, then count.
        void server.exited.then(() => resolve({ answered, arrivalsPerS: sent / (elapsed / 1000) }));
        return;
      }
      for (const due = Math.floor((elapsed * RATE_PER_S) / 1000); sent < due; sent++) {
        const id = `crash-${sent}`;
        fetch(`${server.baseUrl}/api/execute/preflight`, { headers: { 'x-correlation-id': id } })
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status === 200) answered.add(id);
          })
          .catch(() => undefined); // cut off by the kill: not answered, so no row is owed
      }
    }, TICK_MS);
  });
}

/** The first requests of a fresh process are slow (lazy initialisation, JIT): the measured phase starts after them. */
async function warmUp(server: ServerProcess): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await Promise.all(Array.from({ length: 50 }, () => fetch(`${server.baseUrl}/api/execute/preflight`).then((r) => r.arrayBuffer())));
  }
}

describe('request log: kill -9 under load', () => {
  // What is measured is the writer's cadence, not how long the machine's disk takes to accept a write.
  const fixture = new ServerFixture({ memoryDisk: true });
  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.cleanUp());

  it(`loses less than 250 ms of traffic at ${RATE_PER_S} req/s`, async () => {
    const server = await fixture.start();
    await warmUp(server);
    const { answered, arrivalsPerS } = await sendAtConstantRate(server, SEND_MS);
    const ds = await openTestDataSource(fixture.target);
    let stored: Set<string>;
    try {
      const rows = (await ds.query(`SELECT "correlation_id" AS "id" FROM "request_log" WHERE "correlation_id" LIKE 'crash-%'`)) as { id: string }[];
      stored = new Set(rows.map((r) => r.id));
    } finally {
      await ds.destroy();
    }
    expect(answered.size).toBeGreaterThan(0);
    // Rows of answered requests that are not in the database, as milliseconds of the traffic that arrived.
    const lost = [...answered].filter((id) => !stored.has(id)).length;
    const lostMs = (lost / arrivalsPerS) * 1000;
    expect(lostMs).toBeLessThan(250);
  }, 180_000);
});
