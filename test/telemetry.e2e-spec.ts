import request from 'supertest';
import { createHash, randomUUID } from 'node:crypto';
import { Execution, ExecutionStatus } from '../src/executions/execution.entity';
import { RollupService } from '../src/traffic/rollup.service';
import { RollupScheduler } from '../src/traffic/rollup.scheduler';
import { RequestLog } from '../src/traffic/request-log.entity';
import { Session } from '../src/sessions/session.entity';
import { User } from '../src/users/user.entity';
import { bootTestApp, TestApp } from './support/app';

const TOKEN = 'telemetry-admin-token-0123';
const HOUR = 3_600_000;
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('telemetry endpoints', () => {
  let t: TestApp;
  const now = Date.now();
  let users: User[];

  beforeAll(async () => {
    // Logging off: the test's own requests must not add to the traffic figures it checks.
    t = await bootTestApp({ env: { TELEMETRY_ADMIN_TOKEN: TOKEN, REQUEST_LOG_ENABLED: 'false' } });
    await t.app.get(RollupScheduler).startup;
    const ds = t.dataSource;
    users = await ds.getRepository(User).save(
      ['a', 'b', 'c', 'd'].map((c, i) => ({ addressHash: c.repeat(64), firstSeenAt: now - (10 - i) * HOUR, lastSeenAt: now - i * HOUR, source: c === 'd' ? 'load-run' : 'siwe', notes: null })),
    );
    const session = (userId: number, createdAt: number, expiresAt: number, status: 'active' | 'revoked') =>
      ({ userId, keyHash: randomUUID().replace(/-/g, '').padEnd(64, '0'), status, createdAt, expiresAt, revokedAt: status === 'revoked' ? createdAt : null });
    await ds.getRepository(Session).save([
      session(users[0].id, now - 5 * HOUR, now - 4 * HOUR, 'active'), // older, expired
      session(users[0].id, now - HOUR, now + HOUR, 'active'), // latest: active
      session(users[1].id, now - 2 * HOUR, now + HOUR, 'revoked'),
      session(users[2].id, now - 3 * HOUR, now - HOUR, 'active'), // expired
    ]);
    const execution = (userId: number, status: ExecutionStatus, createdAt: number): Partial<Execution> => ({
      id: randomUUID(), userId, sessionId: null, correlationId: null, action: 'native-transfer', token: 'ETH', amountUnits: 10n ** 20n,
      feeBps: 25, feeUnits: status === 'confirmed' ? 25n * 10n ** 16n : null, status, txHash: null, blockNumber: null,
      errorCode: status === 'failed' ? 'REVERTED' : null, errorMessage: null, latencyMs: null, createdAt, updatedAt: createdAt,
    });
    await ds.getRepository(Execution).save([
      execution(users[0].id, 'confirmed', now - 50_000),
      execution(users[0].id, 'failed', now - 40_000),
      execution(users[0].id, 'prepared', now - 30_000),
      execution(users[1].id, 'submitted', now - 20_000),
      execution(users[1].id, 'confirmed', now - 10_000),
    ]);
  });
  afterAll(() => t.close());

  describe('access', () => {
    it.each(['/api/telemetry/summary', '/api/telemetry/users', '/api/telemetry/executions'])('GET %s without the admin token → 401', async (path) => {
      const res = await request(t.http).get(path).expect(401);
      expect(res.body).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      await request(t.http).get(path).set('Authorization', 'Bearer wrong-token-wrong-token').expect(401);
    });

    it('POST /api/telemetry/runs without the admin token → 401; GET runs and traffic are public', async () => {
      await request(t.http).post('/api/telemetry/runs').send({}).expect(401);
      await request(t.http).get('/api/telemetry/runs').expect(200);
      await request(t.http).get('/api/telemetry/traffic').expect(200);
    });
  });

  describe('bad query parameters → 400 VALIDATION_ERROR', () => {
    it.each([
      '/api/telemetry/users?limit=0',
      '/api/telemetry/users?limit=501',
      '/api/telemetry/users?limit=abc',
      '/api/telemetry/users?limit=1.5',
      '/api/telemetry/users?offset=-1',
      '/api/telemetry/users?unknown=1',
      '/api/telemetry/executions?status=done',
      '/api/telemetry/executions?limit=1000',
      '/api/telemetry/runs?limit=0',
      '/api/telemetry/runs?limit=x',
      '/api/telemetry/traffic?hours=0',
      '/api/telemetry/traffic?hours=721',
      '/api/telemetry/traffic?hours=2e1',
    ])('%s', async (path) => {
      const res = await request(t.http).get(path).set(auth);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  it('GET users: one row per user with the latest session status and execution count, paged', async () => {
    const res = await request(t.http).get('/api/telemetry/users?limit=500').set(auth).expect(200);
    expect(res.body.data.total).toBe(4);
    const rows = res.body.data.items as Record<string, unknown>[];
    expect(rows.map((r) => r.addressHash)).toEqual(['a', 'b', 'c', 'd'].map((c) => c.repeat(64))); // most recently seen first
    expect(rows.map((r) => [r.sessionStatus, r.executionCount])).toEqual([['active', 3], ['revoked', 2], ['expired', 0], [null, 0]]);
    expect(rows[0]).toMatchObject({ firstSeenAt: new Date(users[0].firstSeenAt).toISOString(), lastSeenAt: new Date(users[0].lastSeenAt).toISOString() });
    const page = await request(t.http).get('/api/telemetry/users?limit=2&offset=1').set(auth).expect(200);
    expect(page.body.data.items.map((r: { addressHash: string }) => r.addressHash)).toEqual(['b'.repeat(64), 'c'.repeat(64)]);
    expect(page.body.data).toMatchObject({ total: 4, limit: 2, offset: 1 });
  });

  it('GET executions: newest first, status filter, exact unit strings', async () => {
    const all = await request(t.http).get('/api/telemetry/executions').set(auth).expect(200);
    expect(all.body.data.items.map((e: { status: string }) => e.status)).toEqual(['confirmed', 'submitted', 'prepared', 'failed', 'confirmed']);
    expect(all.body.data.items[0]).toMatchObject({ amountUnits: '100000000000000000000', feeUnits: '250000000000000000', userHash: 'b'.repeat(64) });
    const confirmed = await request(t.http).get('/api/telemetry/executions?status=confirmed&limit=1&offset=1').set(auth).expect(200);
    expect(confirmed.body.data).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(confirmed.body.data.items).toHaveLength(1);
    expect(confirmed.body.data.items[0].userHash).toBe('a'.repeat(64));
  });

  describe('runs', () => {
    const open = (body: Record<string, unknown>) => request(t.http).post('/api/telemetry/runs').set(auth).send(body);
    const finish = (runId: string, extra: Record<string, unknown> = {}) => request(t.http).post(`/api/telemetry/runs/${runId}/finish`).set(auth)
      .send({ requests: 1000, okPct: 99.5, p50Ms: 3, p95Ms: 12.5, p99Ms: 40, http5xx: 2, topError: 'HTTP_503', summary: { endpoints: [] }, ...extra });

    it('opens a run → 201 { runId, runKey }; the key is stored only as its SHA-256 and never listed; 409 for a taken id', async () => {
      const created = await open({ runId: 'run-1', kind: 'devnet-load', params: { users: 10 } }).expect(201);
      const { runId, runKey } = created.body.data as { runId: string; runKey: string };
      expect(created.body.data).toEqual({ runId: 'run-1', runKey: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
      const [stored] = (await t.dataSource.query(`SELECT * FROM "traffic_runs" WHERE "run_id" = 'run-1'`)) as Record<string, unknown>[];
      expect(stored.key_hash).toBe(createHash('sha256').update(runKey).digest('hex'));
      expect(JSON.stringify(stored)).not.toContain(runKey.slice(2));
      const listed = await request(t.http).get('/api/telemetry/runs?limit=100').expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(runKey.slice(2));
      expect(JSON.stringify(listed.body)).not.toContain(String(stored.key_hash));
      expect(listed.body.data.find((r: { runId: string }) => r.runId === runId)).toEqual({
        runId, kind: 'devnet-load', params: { users: 10 }, open: true, startedAt: expect.any(String), endedAt: null,
        requests: null, okPct: null, p50Ms: null, p95Ms: null, p99Ms: null, http5xx: null, topError: null, verdict: null, dryRun: false,
      });
      const dup = await open({ runId: 'run-1', kind: 'load-test' }).expect(409);
      expect(dup.body.error.code).toBe('RUN_ALREADY_EXISTS');
    });

    it('generates the run id when none is given; two runs never share a key', async () => {
      const a = await open({ kind: 'exec-batch' }).expect(201);
      const b = await open({ kind: 'exec-batch' }).expect(201);
      expect(a.body.data.runId).toMatch(/^exec-batch-\d{13}-[0-9a-f]{6}$/);
      expect(a.body.data.runId).not.toBe(b.body.data.runId);
      expect(a.body.data.runKey).not.toBe(b.body.data.runKey);
    });

    it.each([
      ['unknown kind', { kind: 'chaos' }],
      ['bad runId', { runId: 'has space' }],
      ['runId too long', { runId: 'x'.repeat(65) }],
      ['params not an object', { params: 'x' }],
      ['unknown field', { startedAt: 1 }],
    ])('open rejects %s with 400 VALIDATION_ERROR', async (_name, patch) => {
      const res = await open({ runId: 'run-bad', kind: 'devnet-load', ...patch }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('finish stores the measurements (epoch ms or ISO end) and closes the run; 409 once closed, 404 for an unknown run', async () => {
      await open({ runId: 'run-f', kind: 'load-test' }).expect(201);
      const endedAt = new Date(Date.now() + 60_000).toISOString();
      const done = await finish('run-f', { endedAt }).expect(200);
      expect(done.body.data).toMatchObject({ runId: 'run-f', open: false, endedAt, requests: 1000, okPct: 99.5, p95Ms: 12.5, http5xx: 2, topError: 'HTTP_503' });
      const again = await finish('run-f').expect(409);
      expect(again.body.error.code).toBe('RUN_ALREADY_FINISHED');
      const unknown = await finish('no-such-run').expect(404);
      expect(unknown.body.error.code).toBe('RUN_NOT_FOUND');
      await request(t.http).post('/api/telemetry/runs/run-f/finish').send({}).expect(401);
    });

    it.each([
      ['okPct over 100', { okPct: 101 }],
      ['negative requests', { requests: -1 }],
      ['missing requests', { requests: undefined }],
      ['not a time', { endedAt: 'yesterday' }],
      ['ended before it started', { endedAt: 1_000 }],
      ['unknown field', { extra: true }],
    ])('finish rejects %s with 400 VALIDATION_ERROR and the run stays open', async (_name, patch) => {
      await open({ runId: 'run-v', kind: 'load-test' }).expect((res) => expect([201, 409]).toContain(res.status));
      const res = await finish('run-v', patch).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      const runs = await request(t.http).get('/api/telemetry/runs?limit=100').expect(200);
      expect(runs.body.data.find((r: { runId: string }) => r.runId === 'run-v').open).toBe(true);
    });

    it('GET runs?limit lists open and finished runs, newest first', async () => {
      for (let i = 0; i < 3; i++) await open({ runId: `run-n${i}`, kind: 'devnet-load' }).expect(201);
      await finish('run-n1').expect(200);
      const res = await request(t.http).get('/api/telemetry/runs?limit=3').expect(200);
      expect(res.body.data.map((r: { runId: string; open: boolean }) => [r.runId, r.open])).toEqual([['run-n2', true], ['run-n1', false], ['run-n0', true]]);
      const five = await request(t.http).get('/api/telemetry/runs').expect(200);
      expect(five.body.data).toHaveLength(5);
    });

    it('leaves dry runs out unless includeDry=true, and shows each run\'s own verdict', async () => {
      const summary = (passed: boolean) => ({ verdict: { passed, reads: {}, signIn: {} } });
      await open({ runId: 'run-pass', kind: 'load-test' }).expect(201);
      await finish('run-pass', { summary: summary(true) }).expect(200);
      await open({ runId: 'run-dry', kind: 'exec-batch', params: { n: 5, dryRun: true } }).expect(201);
      await finish('run-dry').expect(200);
      await open({ runId: 'run-fail', kind: 'load-test' }).expect(201);
      await finish('run-fail', { summary: summary(false) }).expect(200);
      const shown = await request(t.http).get('/api/telemetry/runs?limit=2').expect(200);
      expect(shown.body.data.map((r: { runId: string; verdict: string | null }) => [r.runId, r.verdict])).toEqual([['run-fail', 'fail'], ['run-pass', 'pass']]);
      const all = await request(t.http).get('/api/telemetry/runs?limit=3&includeDry=true').expect(200);
      expect(all.body.data.map((r: { runId: string; dryRun: boolean }) => [r.runId, r.dryRun])).toEqual([['run-fail', false], ['run-dry', true], ['run-pass', false]]);
      const stats = await request(t.http).get('/api/telemetry/devnet-stats').expect(200);
      expect(stats.body.data.traffic.recentRuns.map((r: { runId: string }) => r.runId)).not.toContain('run-dry');
    });
  });

  describe('traffic and summary from rollups plus unrolled raw rows', () => {
    const current = now - (now % HOUR);
    const rows: Omit<RequestLog, 'id'>[] = [];
    beforeAll(async () => {
      const statuses = [200, 200, 404, 429, 500];
      for (const [hour, n] of [[current - 2 * HOUR, 30], [current - HOUR, 20], [current, 10]] as const) {
        for (let i = 0; i < n; i++) {
          rows.push({ ts: hour + i * 1000, method: 'GET', route: '/health', status: statuses[i % 5], durationMs: i + 1, userHash: null, runId: i % 3 === 0 ? 'run-seed' : null, correlationId: null,
            errorCode: statuses[i % 5] === 404 ? 'NOT_FOUND' : statuses[i % 5] === 500 ? 'INTERNAL_ERROR' : statuses[i % 5] === 429 ? 'RATE_LIMITED' : null });
        }
      }
      await t.dataSource.getRepository(RequestLog).insert(rows);
      // Roll the complete hours only; the current hour stays raw.
      await t.app.get(RollupService).rollUpCompleteHours(now);
    });

    it('GET traffic?hours=3: rolled hours with percentiles, the current hour from raw rows', async () => {
      const res = await request(t.http).get('/api/telemetry/traffic?hours=3').expect(200);
      const series = res.body.data.series as Record<string, unknown>[];
      expect(series.map((h) => h.hourStart)).toEqual([current - 2 * HOUR, current - HOUR, current].map((h) => new Date(h).toISOString()));
      const expected = [current - 2 * HOUR, current - HOUR, current].map((h) => {
        const inHour = rows.filter((r) => r.ts >= h && r.ts < h + HOUR);
        return {
          requests: inHour.length,
          ok: inHour.filter((r) => r.status < 500).length,
          serverErrors: inHour.filter((r) => r.status >= 500).length,
          rateLimited: inHour.filter((r) => r.status === 429).length,
          maxMs: Math.max(...inHour.map((r) => r.durationMs)),
        };
      });
      series.forEach((h, i) => expect(h).toMatchObject(expected[i]));
      expect(series.map((h) => h.rolled)).toEqual([true, true, false]);
      expect(series[0].p95Ms).toBe(29); // nearest rank of 1..30
      expect(series[2].p95Ms).toBeNull();
    });

    it('GET traffic?minutes=120: per-minute series from the raw rows, with the rollups\' nearest-rank p95', async () => {
      const res = await request(t.http).get('/api/telemetry/traffic?minutes=120').expect(200);
      const series = res.body.data.series as Array<Record<string, unknown>>;
      expect(series).toHaveLength(120);
      const from = Date.parse(res.body.data.from);
      expect(series.map((m) => Date.parse(String(m.minuteStart)))).toEqual(series.map((_, i) => from + i * 60_000));
      // The window reaches back into the previous hour (its first minute has 20 rows) but not the hour before.
      for (const [minute, p95] of [[current - HOUR, 19], [current, 10]] as const) {
        const inMinute = rows.filter((r) => r.ts >= minute && r.ts < minute + 60_000);
        expect(series.find((m) => m.minuteStart === new Date(minute).toISOString())).toEqual({
          minuteStart: new Date(minute).toISOString(),
          requests: inMinute.length,
          ok: inMinute.filter((r) => r.status < 500).length,
          clientErrors: inMinute.filter((r) => r.status >= 400 && r.status < 500).length,
          serverErrors: inMinute.filter((r) => r.status >= 500).length,
          rateLimited: inMinute.filter((r) => r.status === 429).length,
          avgMs: inMinute.reduce((a, r) => a + r.durationMs, 0) / inMinute.length,
          maxMs: inMinute.length,
          p95Ms: p95,
        });
      }
      expect(series.reduce((a, m) => a + Number(m.requests), 0)).toBe(30);
      expect(series.filter((m) => m.requests === 0).every((m) => m.p95Ms === null && m.avgMs === null)).toBe(true);
    });

    it.each(['minutes=0', 'minutes=181', 'minutes=1.5'])('GET traffic?%s → 400 VALIDATION_ERROR', async (query) => {
      const res = await request(t.http).get(`/api/telemetry/traffic?${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('GET summary: users, sessions, executions, requests, top errors, request-log health', async () => {
      const res = await request(t.http).get('/api/telemetry/summary').set(auth).expect(200);
      const s = res.body.data;
      expect(s.users).toEqual({ total: 4, activeLast24h: 4, fromLoadRuns: 1 });
      expect(s.sessions).toEqual({ active: 1, expired: 2, revoked: 1 });
      expect(s.executions).toMatchObject({ byStatus: { prepared: 1, submitted: 1, confirmed: 2, failed: 1 }, total: 5, successRate: 2 / 3 });
      const errors = rows.filter((r) => r.status >= 500).length;
      const ofRuns = rows.filter((r) => r.runId !== null).length;
      expect(s.requests).toMatchObject({ allTime: rows.length, last24h: rows.length, fromLoadRunsAllTime: ofRuns, fromLoadRuns24h: ofRuns, http5xx24h: errors, errorRate24h: errors / rows.length });
      expect(s.requests.lastRolledHour).toMatchObject({ hourStart: new Date(current - HOUR).toISOString(), requests: 20, p95Ms: 19 });
      const codes = new Map<string, number>();
      for (const r of rows) if (r.errorCode) codes.set(r.errorCode, (codes.get(r.errorCode) ?? 0) + 1);
      expect(s.topErrorCodes24h).toEqual([...codes].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)));
      expect(s.requestLog).toMatchObject({ depth: 0, dropped: 0, capacity: 100_000 });
    });
  });
});
