// kill -9 under steady load: the request log loses less than 250 ms of traffic (rows answered but not yet written),
// measured as lost rows / arrival rate. Requests arrive at a constant rate, whatever the server's answer times.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { openTestDataSource } from './support/app';
import { ServerFixture, ServerProcess } from './support/server-process';

const RATE_PER_S = 500;
const SEND_MS = 4_000;
const TICK_MS = 10;

/**
 * Opens requests at RATE_PER_S from a timer (an open loop: a slow answer does not slow the arrivals) for killAfterMs,
 * then kills the server; resolves the correlation ids that were answered and the arrival rate achieved.
 */
function sendAtConstantRate(server: ServerProcess, killAfterMs: number): Promise<{ answered: Map<string, number>; arrivalsPerS: number; killedAt: number }> {
  const answered = new Map<string, number>();
  const started = Date.now();
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      if (elapsed >= killAfterMs) {
        clearInterval(timer);
        const killedAt = performance.now();
        server.child.kill('SIGKILL');
        // Answers still arriving were sent before the server died: wait for the exit, then count.
        void server.exited.then(() => resolve({ answered, arrivalsPerS: sent / (elapsed / 1000), killedAt }));
        return;
      }
      for (const due = Math.floor((elapsed * RATE_PER_S) / 1000); sent < due; sent++) {
        const id = `crash-${sent}`;
        fetch(`${server.baseUrl}/api/execute/preflight`, { headers: { 'x-correlation-id': id } })
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status === 200) answered.set(id, performance.now());
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

/** Sets a thread's nice value (0: the calling thread); false where the OS does not allow it (not root, no CAP_SYS_NICE). */
function tryPriority(thread: number, nice: number): boolean {
  try {
    setPriority(thread, nice);
    return true;
  } catch {
    return false;
  }
}

describe('request log: kill -9 under load', () => {
  // What is measured is the writer's cadence, not how long the machine's disk takes to accept a write.
  const fixture = new ServerFixture({ memoryDisk: true });
  beforeAll(() => fixture.setUp());
  afterAll(() => fixture.cleanUp());

  it(`loses less than 250 ms of traffic at ${RATE_PER_S} req/s`, async () => {
    const server = await fixture.start();
    // The server ahead of other processes for the CPU, where the OS allows it (root or CAP_SYS_NICE): on a machine
    // loaded by other jobs, a starved server answers a backlog in one burst while its writer's callback waits behind
    // it, and a kill then takes the whole burst (seen: 354 rows at load 7 on 2 cores, the oldest answered 643 ms
    // before the kill). What is measured is the writer's cadence, not how much CPU the rest of the machine leaves.
    // Linux keeps a nice value per thread: every thread of the server, the libuv pool that runs SQLite included, and
    // this test's sending thread (a starved sender lowers the arrival rate the loss is divided by).
    const threads = [...readdirSync(`/proc/${server.child.pid}/task`).map(Number), 0];
    const raised = threads.filter((thread) => tryPriority(thread, -10));
    await warmUp(server);
    const { answered, arrivalsPerS, killedAt } = await sendAtConstantRate(server, SEND_MS).finally(() => {
      if (raised.includes(0)) tryPriority(0, 0);
    });
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
    const lostIds = [...answered.keys()].filter((id) => !stored.has(id));
    const lost = lostIds.length;
    // How long before the kill the oldest lost row was answered: on a failure, this says a stalled writer from a burst.
    const oldestLostAgeMs = lostIds.reduce((oldest, id) => Math.max(oldest, Math.round(killedAt - answered.get(id)!)), -Infinity);
    const lostMs = (lost / arrivalsPerS) * 1000;
    console.log(`kill -9 at ${Math.round(arrivalsPerS)} req/s: ${lost} of ${answered.size} answered rows lost (${Math.round(lostMs)} ms of traffic, oldest answered ${oldestLostAgeMs} ms before the kill)`);
    expect(lostMs).toBeLessThan(250);
  }, 180_000);
});
