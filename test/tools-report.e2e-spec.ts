// RunReportService and the report renderer on data seeded through the repositories: one run's own rows,
// executions and hashes; the stored-summary fallback once raw rows are gone; unknown and latest run ids.
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Execution } from '../src/executions/execution.entity';
import { TokenTotal } from '../src/executions/token-total.entity';
import { RequestLog } from '../src/traffic/request-log.entity';
import { RunReportService } from '../src/reports/run-report.service';
import { TrafficRun } from '../src/traffic/traffic-run.entity';
import { User } from '../src/users/user.entity';
import { readiness, renderReport } from '../tools/report/render';
import { bootTestApp, TestApp } from './support/app';
import { RollupScheduler } from '../src/traffic/rollup.scheduler';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

function run(runId: string, startedAt: number, extra: Partial<TrafficRun> = {}): Partial<TrafficRun> {
  return {
    runId, kind: 'devnet-load', params: { users: 3 }, startedAt, endedAt: startedAt + 120_000, requests: 6, okPct: 100,
    p50Ms: 10, p95Ms: 40, p99Ms: 40, http5xx: 0, topError: null,
    summary: { latency: { avg: 12 }, endpoints: [{ endpoint: 'GET /health', total: 6, ok: 6, fail: 0, okPct: 100,
      latency: { avg: 12, p50: 10, p95: 40, p99: 40, max: 40 } }], errors: [] },
    ...extra,
  };
}

describe('run report (RunReportService + renderer)', () => {
  let app: TestApp;
  let sut: RunReportService;
  let users: Repository<User>;

  beforeAll(async () => {
    // The seeded hours are months old: with the default retention a roll-up would prune them mid-suite. The start-up
    // catch-up is awaited too, so it cannot roll (and prune) the rows seeded below.
    app = await bootTestApp({ env: { REQUEST_LOG_RETENTION_HOURS: '8760' } });
    await app.app.get(RollupScheduler).startup;
    sut = app.app.get(RunReportService);
    users = app.dataSource.getRepository(User);
    const ds = app.dataSource;
    await ds.getRepository(TrafficRun).save([
      run('rc-1', T0),
      run('pruned-1', T0 - 3_600_000, { okPct: 97.5, http5xx: 2, p95Ms: 620, topError: 'HTTP_502' }),
      run('pruned-2', T0 - 7_200_000, { okPct: 97.5, http5xx: 0, p95Ms: 2400, summary: {
        latency: { avg: 700 },
        endpoints: [
          { endpoint: 'GET /health', total: 30, ok: 30, fail: 0, okPct: 100, latency: { avg: 5, p50: 4, p95: 9, p99: 9, max: 9 } },
          { endpoint: 'GET /api/execute/preflight', total: 10, ok: 10, fail: 0, okPct: 100, latency: { avg: 9, p50: 8, p95: 12, p99: 12, max: 12 } },
          { endpoint: 'POST /api/session', total: 10, ok: 9, fail: 1, okPct: 90, latency: { avg: 2000, p50: 1900, p95: 2500, p99: 2500, max: 2500 } },
        ],
        verdict: { reads: { requests: 40, ok: 40, okPct: 100, p95Ms: 11 }, signIn: { requests: 10, ok: 9, okPct: 90, p95Ms: 2500 } },
      } }),
    ]);
    const [u1, u2] = await users.save([
      { addressHash: 'a'.repeat(64), firstSeenAt: T0, lastSeenAt: T0, source: 'siwe', notes: null },
      { addressHash: 'b'.repeat(64), firstSeenAt: T0, lastSeenAt: T0, source: 'siwe', notes: null },
      { addressHash: 'c'.repeat(64), firstSeenAt: T0, lastSeenAt: T0, source: 'load-run', notes: null },
    ]);
    const row = (ts: number, route: string, status: number, durationMs: number, userHash: string | null, errorCode: string | null = null) =>
      ({ ts, method: route === '/api/session' ? 'POST' : 'GET', route, status, durationMs, userHash, runId: 'rc-1', correlationId: null, errorCode });
    await ds.getRepository(RequestLog).save([
      row(T0 + 1_000, '/health', 200, 2, null),
      row(T0 + 2_000, '/health', 200, 4, null),
      row(T0 + 3_000, '/api/session/status', 200, 10, u1.addressHash),
      row(T0 + 61_000, '/api/session/status', 400, 6, null, 'SESSION_REQUIRED'),
      row(T0 + 62_000, '/api/session/status', 200, 30, u2.addressHash),
      row(T0 + 63_000, '/api/session', 502, 300, u1.addressHash, 'RPC_ERROR'),
      { ...row(T0 + 64_000, '/health', 200, 1, null), runId: 'other-run' },
    ]);
    const exec = (status: Execution['status'], token: string, amount: bigint, fee: bigint | null, txHash: string | null, createdAt: number) => ({
      id: randomUUID(), userId: u1.id, sessionId: null, correlationId: 'rc-1', action: 'native-transfer', token, amountUnits: amount,
      feeBps: 25, feeUnits: fee, status, txHash, blockNumber: txHash ? 7 : null, errorCode: null, errorMessage: null, latencyMs: null,
      createdAt, updatedAt: createdAt,
    });
    const big = 2n ** 70n;
    await ds.getRepository(Execution).save([
      exec('confirmed', 'ETH', big, big / 400n, `0x${'1'.repeat(64)}`, T0 + 1),
      exec('confirmed', 'ETH', 4000n, 10n, `0x${'2'.repeat(64)}`, T0 + 2),
      exec('submitted', 'ETH', 5n, null, `0x${'3'.repeat(64)}`, T0 + 3),
      exec('prepared', 'USDC', 9n, null, null, T0 + 4),
      { ...exec('confirmed', 'ETH', 1n, 0n, `0x${'4'.repeat(64)}`, T0 + 5), correlationId: 'someone-else' },
    ]);
    await ds.getRepository(TokenTotal).save({ token: 'ETH', confirmedCount: 3, amountUnits: big + 4001n, feeUnits: big / 400n + 10n });
  });

  afterAll(() => app?.close());

  it('the latest run is the one started last; an unknown id gives null', async () => {
    await expect(sut.latestRunId()).resolves.toBe('rc-1');
    await expect(sut.build('no-such-run')).resolves.toBeNull();
  });

  it("figures come from the run's own request rows", async () => {
    const report = (await sut.build('rc-1'))!;
    expect(report.source).toBe('request_log');
    // Six rows of rc-1: durations 2, 4, 10, 6, 30, 300; one 5xx; one 4xx.
    expect(report.requests).toMatchObject({ count: 6, ok: 5, clientErrors: 1, serverErrors: 1, okPct: 83.33, avg: 58.67, p50: 6, p95: 300, max: 300 });
    const status = report.routes.find((r) => r.route === '/api/session/status')!;
    expect(status).toMatchObject({ method: 'GET', count: 3, ok: 3, clientErrors: 1, serverErrors: 0, p50: 10, max: 30 });
    expect(report.perMinute.map((m) => m.requests)).toEqual([3, 3]);
    expect(report.perMinute[1].minute - report.perMinute[0].minute).toBe(60_000);
    expect(report.errors).toEqual([
      { code: 'SESSION_REQUIRED', status: 400, count: 1 },
      { code: 'RPC_ERROR', status: 502, count: 1 },
    ]);
    expect(report.uniqueUsers).toBe(2);
    expect(report.usersAllTime).toBe(3);
    expect(report.loadRunUsersAllTime).toBe(1);
  });

  it('readiness judges the reads; the two sign-in exchanges are figures of their own', async () => {
    const report = (await sut.build('rc-1'))!;
    // Reads: /health 2 and 4 ms, status 10, 6 (400) and 30 ms. Sign-in: one POST /api/session, 502 after 300 ms.
    expect(report.reads).toMatchObject({ count: 5, ok: 5, clientErrors: 1, serverErrors: 0, okPct: 100, avg: 10.4, p95: 30 });
    expect(report.signIn).toMatchObject({ count: 1, ok: 0, serverErrors: 1, okPct: 0, p95: 300 });
  });

  it("executions, volume, fees and hashes are the run's own, exact beyond 2^63", async () => {
    const report = (await sut.build('rc-1'))!;
    expect(report.executions).toEqual({ total: 4, byStatus: { prepared: 1, submitted: 1, confirmed: 2, failed: 0 } });
    expect(report.runTokens).toEqual([{ token: 'ETH', confirmed: 2, amountUnits: (2n ** 70n + 4000n).toString(), feeUnits: (2n ** 70n / 400n + 10n).toString() }]);
    expect(report.recentTx.map((t) => t.txHash)).toEqual([`0x${'3'.repeat(64)}`, `0x${'2'.repeat(64)}`, `0x${'1'.repeat(64)}`]);
    expect(report.allTimeTokens).toEqual([{ token: 'ETH', confirmed: 3, amountUnits: (2n ** 70n + 4001n).toString(), feeUnits: (2n ** 70n / 400n + 10n).toString() }]);
  });

  it('the Markdown has the nine sections, the charts, and readiness pass/fail per criterion', async () => {
    const report = (await sut.build('rc-1'))!;
    const md = renderReport(report, new Date(T0));
    for (let section = 1; section <= 9; section++) expect(md).toMatch(new RegExp(`^## ${section}\\. `, 'm'));
    expect(md).toMatch(/Tool and server counts agree +\| yes /);
    expect(md).toMatch(/```mermaid\nxychart-beta\n {4}title "Latency by route \(ms\)"/);
    expect(md).toContain('title "Requests per minute"');
    expect(md).toContain('bar [3, 3]');
    expect(md).toContain(`\`0x${'1'.repeat(64)}\``);
    expect(readiness(report).map((c) => [c.name, c.passed])).toEqual([
      ['Success rate (reads)', true], ['Server errors (all requests)', false], ['Average latency (reads)', true], ['P95 latency (reads)', true],
      ['Sign-in (nonce + POST /api/session)', false],
    ]);
    expect(md).toContain('**Not ready**: Server errors (all requests), Sign-in (nonce + POST /api/session) failed.');
    expect(md).toMatch(/\| Devnet users all-time: organic \/ from load runs +\| 2 \/ 1 \(total 3\) +\|/);
    expect(md).toMatch(/\| From load runs \(first seen in a run's sign-in\) +\| +1 \|/);
    expect(md).toMatch(/^# Devnet load report — rc-1$/m);
  });

  it('readiness follows the limits given; "no 5xx" is not negotiable', async () => {
    const report = (await sut.build('rc-1'))!;
    // Reads: OK% 100, avg 10.4 ms, P95 30 ms; one 5xx (the sign-in); sign-in OK% 0, P95 300 ms.
    expect(readiness(report, { minOk: 80, maxAvgMs: 10, maxP95Ms: 30, maxSignInP95Ms: 2000 }).map((c) => [c.name, c.target, c.passed])).toEqual([
      ['Success rate (reads)', 'OK% ≥ 80', true], ['Server errors (all requests)', 'no 5xx', false], ['Average latency (reads)', 'avg < 10 ms', false],
      ['P95 latency (reads)', 'P95 < 30 ms', false], ['Sign-in (nonce + POST /api/session)', 'OK% ≥ 80, P95 of POST /api/session < 2000 ms', false],
    ]);
    const md = renderReport(report, new Date(T0), { minOk: 0, maxAvgMs: 60, maxP95Ms: 301, maxSignInP95Ms: 301 });
    expect(md).toMatch(/\| Success rate \(reads\) +\| OK% ≥ 0 +\| 100\.00 % +\| ✅ pass \|/);
    expect(md).toContain('**Not ready**: Server errors (all requests) failed.');
  });

  it('once raw rows are gone the stored summary is used, and the report says so', async () => {
    const report = (await sut.build('pruned-1'))!;
    expect(report.source).toBe('stored_summary');
    expect(report.requests).toBeNull();
    expect(report.uniqueUsers).toBeNull();
    const md = renderReport(report);
    expect(md).toContain('no longer in the request log');
    expect(md).toContain("From the tool's stored summary");
    expect(md).toContain('Requests over time: not available');
    // No verdict stored with this run: the run's own figures over all its requests.
    expect(readiness(report).map((c) => [c.name, c.passed])).toEqual([
      ['Success rate (reads)', false], ['Server errors (all requests)', false], ['Average latency (reads)', true], ['P95 latency (reads)', false],
    ]);
  });

  it("from a stored summary, readiness judges the reads of the tool's verdict and shows its sign-in apart", async () => {
    const report = (await sut.build('pruned-2'))!;
    expect(report.source).toBe('stored_summary');
    const criteria = readiness(report);
    expect(criteria.map((c) => [c.name, c.actual, c.passed])).toEqual([
      ['Success rate (reads)', '100.00 %', true],
      ['Server errors (all requests)', '0', true],
      // (30 × 5 + 10 × 9) / 40 over the read endpoints, not the 700 ms mean that includes sign-in.
      ['Average latency (reads)', '6.0 ms', true],
      ['P95 latency (reads)', '11.0 ms', true],
      ['Sign-in (nonce + POST /api/session)', '90.00 %, P95 2500.0 ms', false],
    ]);
  });
});
