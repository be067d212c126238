// How often /health really pings the database: the answer (up or down) comes from the ping; what is proven here is
// that a crowd of callers costs one ping and that the answer is reused, so the ping is a counting stand-in.
import type { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { DatabaseProbe } from './database-probe';

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
});
