// How often /health really pings the database: the answer (up or down) comes from the ping; what is proven here is
// that a crowd of callers costs one ping and that the answer is reused, so the ping is a counting stand-in.
import type { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { DatabaseProbe, PROBE_TTL_MS } from './database-probe';

function probeWith(answers: (() => Promise<unknown>)[]) {
  const dataSource = { isInitialized: true };
  let pings = 0;
  const health = {
    check: () => answers[pings++ % answers.length](),
  } as unknown as HealthCheckService;
  const probe = new DatabaseProbe(health, {} as TypeOrmHealthIndicator, dataSource as DataSource);
  return { probe, dataSource, pings: () => pings };
}

describe('DatabaseProbe', () => {
  it('answers concurrent callers with one ping and reuses the answer', async () => {
    let answer!: () => void;
    const { probe, pings } = probeWith([() => new Promise<void>((ok) => (answer = ok))]);
    const crowd = Array.from({ length: 20 }, () => probe.isUp());
    answer();
    expect(await Promise.all(crowd)).toEqual(Array(20).fill(true));
    expect(await probe.isUp()).toBe(true);
    expect(pings()).toBe(1);
  });

  it('reuses a "down" answer too (a failed ping is an answer, not an error)', async () => {
    const { probe, pings } = probeWith([() => Promise.reject(new Error('SQLITE_BUSY')), () => Promise.resolve()]);
    expect(await probe.isUp()).toBe(false);
    expect(await probe.isUp()).toBe(false);
    expect(pings()).toBe(1);
  });

  it('reports a closed DataSource at once, without pinging, even with a cached "up"', async () => {
    const { probe, dataSource, pings } = probeWith([() => Promise.resolve()]);
    expect(await probe.isUp()).toBe(true);
    dataSource.isInitialized = false;
    expect(await probe.isUp()).toBe(false);
    expect(pings()).toBe(1);
  });

  it('once the answer is stale, answers at once with it while one re-ping runs, then with the new answer', async () => {
    let answer!: (ok: boolean) => void;
    const { probe, pings } = probeWith([
      () => Promise.resolve(),
      () => new Promise<void>((ok, fail) => (answer = (up) => (up ? ok() : fail(new Error('SQLITE_IOERR'))))),
    ]);
    expect(await probe.isUp()).toBe(true);
    await new Promise((r) => setTimeout(r, PROBE_TTL_MS + 20));
    // The re-ping hangs (the database is busy): callers are not held behind it and keep the last answer.
    expect(await Promise.all([probe.isUp(), probe.isUp(), probe.isUp()])).toEqual([true, true, true]);
    expect(pings()).toBe(2);
    answer(false);
    await new Promise((r) => setImmediate(r));
    expect(await probe.isUp()).toBe(false);
    expect(pings()).toBe(2);
  });
});
