import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DevnetStatsService } from '../src/devnet-stats/devnet-stats.service';
import { DevnetStats } from '../src/devnet-stats/devnet-stats.types';
import { ExecutionsService } from '../src/executions/executions.service';
import { Execution, ExecutionStatus } from '../src/executions/execution.entity';
import { TokenTotal } from '../src/executions/token-total.entity';
import { RollupScheduler } from '../src/traffic/rollup.scheduler';
import { RollupService } from '../src/traffic/rollup.service';
import { RequestLog } from '../src/traffic/request-log.entity';
import { TrafficRun } from '../src/traffic/traffic-run.entity';
import { User } from '../src/users/user.entity';
import { bootTestApp, TestApp } from './support/app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FEE_BPS = 30;

describe('GET /api/telemetry/devnet-stats equals figures computed independently from the seeded rows', () => {
  let t: TestApp;
  const now = Date.now();
  const current = now - (now % HOUR);
  const users: Omit<User, 'id'>[] = [];
  const executions: Partial<Execution>[] = [];
  const rawRows: Omit<RequestLog, 'id'>[] = [];

  beforeAll(async () => {
    t = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false', SHOW_EXECUTION_METRICS: 'true', BLOSSOM_FEE_BPS: String(FEE_BPS) } });
    await t.app.get(RollupScheduler).startup;
    const ds = t.dataSource;

    for (let i = 0; i < 8; i++) {
      users.push({ addressHash: `${i}`.repeat(64), firstSeenAt: now - (i % 2 === 0 ? 2 * HOUR : 3 * DAY), lastSeenAt: now - (i < 5 ? HOUR : 2 * DAY), source: i % 3 === 0 ? 'load-run' : 'siwe', notes: null });
    }
    const saved = await ds.getRepository(User).save(users.map((u) => ({ ...u })));
    const add = (status: ExecutionStatus, token: string | null, amount: bigint | null, age: number, i: number) =>
      executions.push({
        id: randomUUID(), userId: saved[i % saved.length].id, sessionId: null, correlationId: null, action: 'native-transfer', token, amountUnits: amount,
        feeBps: FEE_BPS, feeUnits: status === 'confirmed' && amount !== null ? (amount * BigInt(FEE_BPS)) / 10_000n : null, status, txHash: null,
        blockNumber: null, errorCode: null, errorMessage: null, latencyMs: null, createdAt: now - age - 1000, updatedAt: now - age,
      });
    // Amounts beyond 2^64, so any float or int64 path would show.
    for (let i = 0; i < 12; i++) add('confirmed', 'ETH', 2n ** 70n + BigInt(i) * 123_456_789n, i % 3 === 0 ? 3 * DAY : HOUR, i);
    for (let i = 0; i < 3; i++) add('confirmed', 'USDC', 5_000_000n + BigInt(i), 2 * HOUR, i);
    add('confirmed', null, null, HOUR, 1);
    for (let i = 0; i < 2; i++) add('failed', 'ETH', 1n, 2 * DAY, i);
    for (let i = 0; i < 3; i++) add('prepared', 'USDC', 7n, HOUR, i);
    add('submitted', 'ETH', 9n, 5 * DAY, 4);
    await ds.getRepository(Execution).save(executions);

    // token_totals as the confirmation path keeps them: running sums of confirmed executions with a token and amount.
    const totals = new Map<string, TokenTotal>();
    for (const e of executions.filter((x) => x.status === 'confirmed' && x.token && x.amountUnits !== null)) {
      const tt = totals.get(e.token!) ?? Object.assign(new TokenTotal(), { token: e.token!, confirmedCount: 0, amountUnits: 0n, feeUnits: 0n });
      tt.confirmedCount++;
      tt.amountUnits += e.amountUnits!;
      tt.feeUnits += e.feeUnits!;
      totals.set(e.token!, tt);
    }
    await ds.getRepository(TokenTotal).save([...totals.values()]);

    const statuses = [200, 200, 201, 404, 429, 500, 502];
    for (const [hour, n] of [[current - 30 * HOUR, 40], [current - 5 * HOUR, 35], [current - HOUR, 21], [current, 17]] as const) {
      for (let i = 0; i < n; i++) {
        rawRows.push({ ts: hour + i * 7000, method: 'GET', route: i % 4 === 0 ? '/api/session/nonce' : '/health', status: statuses[i % statuses.length], durationMs: 1 + i,
          userHash: null, runId: i % 4 === 0 ? `run-${i % 3}` : null, correlationId: null, errorCode: null });
      }
    }
    await ds.getRepository(RequestLog).insert(rawRows);
    await t.app.get(RollupService).rollUpCompleteHours(now);

    for (let i = 0; i < 7; i++) {
      await ds.getRepository(TrafficRun).insert({
        runId: `run-${i}`, kind: 'devnet-load', params: {}, startedAt: now - (10 - i) * 60_000, endedAt: now - (9 - i) * 60_000,
        requests: 100 * i, okPct: 99, p50Ms: 1, p95Ms: 2, p99Ms: 3, http5xx: 0, topError: null, summary: {},
      } as never);
    }
  });
  afterAll(() => t.close());

  it('answers exactly the contract keys with the seeded figures', async () => {
    const res = await request(t.http).get('/api/telemetry/devnet-stats').expect(200);
    const d = res.body.data;
    const since24h = current - 23 * HOUR;
    const raw24h = rawRows.filter((r) => r.ts >= since24h);
    const confirmed = executions.filter((e) => e.status === 'confirmed');
    const sumBy = (rows: Partial<Execution>[], token: string, pick: (e: Partial<Execution>) => bigint | null) =>
      rows.filter((e) => e.token === token).reduce((s, e) => s + (pick(e) ?? 0n), 0n).toString();
    const recent24h = confirmed.filter((e) => e.updatedAt! >= now - DAY);

    expect(d).toEqual({
      traffic: {
        requestsAllTime: rawRows.length,
        requestsLast24h: raw24h.length,
        requestsFromLoadRunsAllTime: rawRows.filter((r) => r.runId !== null).length,
        requestsFromLoadRuns24h: raw24h.filter((r) => r.runId !== null).length,
        successRate24h: raw24h.filter((r) => r.status < 500).length / raw24h.length,
        http5xx24h: raw24h.filter((r) => r.status >= 500).length,
        visitorsAllTime: users.length,
        visitorsLast24h: users.filter((u) => u.lastSeenAt >= now - DAY).length,
        recentRuns: [6, 5, 4, 3, 2].map((i) => expect.objectContaining({ runId: `run-${i}`, requests: 100 * i })),
      },
      users: {
        allTime: users.length,
        last24h: users.filter((u) => u.firstSeenAt >= now - DAY).length,
        fromLoadRuns: {
          allTime: users.filter((u) => u.source === 'load-run').length,
          last24h: users.filter((u) => u.source === 'load-run' && u.firstSeenAt >= now - DAY).length,
        },
      },
      transactions: {
        allTime: executions.length,
        last24h: executions.filter((e) => e.createdAt! >= now - DAY).length,
        successCount: confirmed.length,
        failCount: executions.filter((e) => e.status === 'failed').length,
        pendingCount: executions.filter((e) => e.status === 'prepared' || e.status === 'submitted').length,
      },
      amountExecuted: {
        byToken: [
          { token: 'ETH', decimals: 18, totalUnits: sumBy(confirmed, 'ETH', (e) => e.amountUnits!) },
          { token: 'USDC', decimals: 6, totalUnits: sumBy(confirmed, 'USDC', (e) => e.amountUnits!) },
        ],
        unpricedCount: confirmed.filter((e) => e.token === null || e.amountUnits === null).length,
      },
      feesCollected: {
        byToken: [
          { token: 'ETH', decimals: 18, totalFeeUnits: sumBy(confirmed, 'ETH', (e) => e.feeUnits!), last24hFeeUnits: sumBy(recent24h, 'ETH', (e) => e.feeUnits!) },
          { token: 'USDC', decimals: 6, totalFeeUnits: sumBy(confirmed, 'USDC', (e) => e.feeUnits!), last24hFeeUnits: sumBy(recent24h, 'USDC', (e) => e.feeUnits!) },
        ],
        feeBps: FEE_BPS,
        unpricedCount: 1,
      },
      display: { executionMetricsVisible: true, reason: expect.stringContaining('published: ') },
      generatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // Part of the traffic came from rollups, part from raw rows of the current hour: both must be in the totals.
    expect(rawRows.some((r) => r.ts >= current)).toBe(true);
    expect(BigInt(d.amountExecuted.byToken[0].totalUnits)).toBeGreaterThan(2n ** 64n);
  });

  it('serves concurrent requests from one computation and caches for at most 2 s', async () => {
    const service = t.app.get(DevnetStatsService);
    await new Promise((r) => setTimeout(r, 2100));
    const spy = jest.spyOn(service, 'compute');
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => request(t.http).get('/api/telemetry/devnet-stats').expect(200)));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(new Set(answers.map((a) => a.body.data.generatedAt)).size).toBe(1);
      await new Promise((r) => setTimeout(r, 2100));
      await request(t.http).get('/api/telemetry/devnet-stats').expect(200);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('devnet-stats on an empty database, then with the database down', () => {
  it('answers zeros with the reason that hides execution metrics, then 503 (never a zero-filled 200)', async () => {
    const t = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false' } });
    try {
      const res = await request(t.http).get('/api/telemetry/devnet-stats').expect(200);
      expect(res.body.data).toMatchObject({
        traffic: { requestsAllTime: 0, requestsLast24h: 0, successRate24h: null, http5xx24h: 0, visitorsAllTime: 0, visitorsLast24h: 0, recentRuns: [] },
        transactions: { allTime: 0, last24h: 0, successCount: 0, failCount: 0, pendingCount: 0 },
        amountExecuted: { byToken: [], unpricedCount: 0 },
        feesCollected: { byToken: [], feeBps: 25, unpricedCount: 0 },
        display: { executionMetricsVisible: false, reason: 'not published on this devnet yet' },
      });
      // Even with a warm cache, a closed database is a 503.
      await t.dataSource.destroy();
      const down = await request(t.http).get('/api/telemetry/devnet-stats').expect(503);
      expect(down.body).toEqual({ ok: false, error: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } });
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('devnet-stats while confirmations land', () => {
  it('never shows a confirmation by halves: confirmed count, volume and fees always agree', async () => {
    const t = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false', SHOW_EXECUTION_METRICS: 'true', BLOSSOM_FEE_BPS: String(FEE_BPS) } });
    try {
      const now = Date.now();
      const [user] = await t.dataSource.getRepository(User).save([{ addressHash: 'c'.repeat(64), firstSeenAt: now, lastSeenAt: now, source: 'siwe', notes: null }]);
      const amount = 1_000_000_007n;
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) {
        const id = randomUUID();
        ids.push(id);
        await t.dataSource.getRepository(Execution).insert({
          id, userId: user.id, sessionId: null, correlationId: null, action: 'native-transfer', token: 'ETH', amountUnits: amount,
          feeBps: FEE_BPS, feeUnits: null, status: 'submitted', txHash: `0x${i.toString(16).padStart(64, '0')}`, blockNumber: null,
          errorCode: null, errorMessage: null, latencyMs: null, createdAt: now - HOUR, updatedAt: now - HOUR,
        });
      }
      const executions = t.app.get(ExecutionsService);
      const stats = t.app.get(DevnetStatsService);
      const seen: DevnetStats[] = [];
      // Each confirmation runs while uncached computations read the same tables, as the dashboard's poll and the
      // receipt watcher do; every answer must be one moment of the ledger.
      for (const [i, id] of ids.entries()) {
        let landed = false;
        const confirm = executions.confirmFromReceipt(id, { txHash: `0x${i.toString(16).padStart(64, '0')}`, blockNumber: 1 }, now).finally(() => (landed = true));
        while (!landed) seen.push(...(await Promise.all([stats.compute(Date.now()), stats.compute(Date.now())])));
        await confirm;
      }
      seen.push(await stats.compute(Date.now()));
      for (const s of seen) {
        const confirmed = s.transactions.successCount;
        const eth = s.amountExecuted.byToken.find((v) => v.token === 'ETH');
        const fee = s.feesCollected.byToken.find((f) => f.token === 'ETH');
        expect({ confirmed, volume: eth?.totalUnits ?? '0', fees: fee?.totalFeeUnits ?? '0' }).toEqual({
          confirmed,
          volume: String(BigInt(confirmed) * amount),
          fees: String(BigInt(confirmed) * ((amount * BigInt(FEE_BPS)) / 10_000n)),
        });
      }
      expect(seen[seen.length - 1].transactions.successCount).toBe(ids.length);
    } finally {
      await t.close();
    }
  });
});
