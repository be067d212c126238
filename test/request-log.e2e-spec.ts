import { rmSync } from 'node:fs';
import request from 'supertest';
import { RequestLogBuffer } from '../src/traffic/request-log.buffer';
import { FLUSH_INTERVAL_MS, RequestLogWriter } from '../src/traffic/request-log.writer';
import { TrafficRepository } from '../src/traffic/traffic.repository';
import { UNMATCHED_ROUTE } from '../src/traffic/request-fields';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { RequestLog } from '../src/traffic/request-log.entity';
import { bootTestApp, openTestDataSource, tempDbPath, TestApp } from './support/app';

interface LoggedRow {
  method: string;
  route: string;
  status: number;
  duration_ms: number;
  user_hash: string | null;
  run_id: string | null;
  correlation_id: string | null;
  error_code: string | null;
}

/** Reads with a connection of its own (the app is closed by then), on SQLite or PostgreSQL alike. */
async function readRows(t: TestApp): Promise<LoggedRow[]> {
  const ds = await openTestDataSource(t);
  try {
    return (await ds.query('SELECT * FROM "request_log" ORDER BY "id"')) as LoggedRow[];
  } finally {
    await ds.destroy();
  }
}

describe('request logging: every request once, after a graceful shutdown', () => {
  const temp = tempDbPath();
  afterAll(() => rmSync(temp.dir, { recursive: true, force: true }));

  it('N mixed requests (200, 404, 400 INVALID_JSON, 413, 429, guard 401, validation 400) give exactly N rows', async () => {
    const t = await bootTestApp({
      dbPath: temp.dbPath,
      env: { TELEMETRY_ADMIN_TOKEN: 'admin-token-0123456789', TRUST_PROXY: 'true', RATE_LIMIT_PER_MIN: '2' },
    });
    const sent: { status: number; route: string; errorCode: string | null }[] = [];
    const expectStatus = async (req: request.Test, status: number, route: string, errorCode: string | null) => {
      const res = await req;
      expect(res.status).toBe(status);
      sent.push({ status, route, errorCode });
      return res;
    };
    const open = request(t.http).post('/api/telemetry/runs').set('authorization', 'Bearer admin-token-0123456789').send({ runId: 'run-ok.1', kind: 'load-test' });
    const { runKey } = (await expectStatus(open, 201, '/api/telemetry/runs', null)).body.data as { runKey: string };
    for (let i = 0; i < 5; i++) {
      await expectStatus(request(t.http).get('/health').set('x-run-key', runKey), 200, '/health', null);
      await expectStatus(request(t.http).get(`/no/such/${i}?secret=abc`), 404, UNMATCHED_ROUTE, 'NOT_FOUND');
      // The body parser rejects these before any route is matched.
      await expectStatus(request(t.http).post('/ingest').set('content-type', 'application/json').send('{"a":'), 400, UNMATCHED_ROUTE, 'INVALID_JSON');
      await expectStatus(request(t.http).post('/api/telemetry/runs').set('content-type', 'application/json').send('{"a":'), 400, UNMATCHED_ROUTE, 'INVALID_JSON');
      await expectStatus(
        request(t.http).post('/ingest').set('content-type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(65 * 1024) })),
        413,
        UNMATCHED_ROUTE,
        'PAYLOAD_TOO_LARGE',
      );
      await expectStatus(request(t.http).get('/api/telemetry/summary'), 401, '/api/telemetry/summary', 'UNAUTHORIZED');
      await expectStatus(request(t.http).get('/api/telemetry/runs?limit=abc').set('x-run-id', 'bad run id!'), 400, '/api/telemetry/runs', 'VALIDATION_ERROR');
    }
    // A remote client behind the loopback proxy: two requests within the limit, then 429s from the rate limiter, which
    // answers before any route is matched.
    const remote = () => request(t.http).get('/api/telemetry/runs').set('x-forwarded-for', '203.0.113.9');
    await expectStatus(remote(), 200, '/api/telemetry/runs', null);
    await expectStatus(remote(), 200, '/api/telemetry/runs', null);
    await expectStatus(remote(), 429, UNMATCHED_ROUTE, 'RATE_LIMITED');
    await expectStatus(remote(), 429, UNMATCHED_ROUTE, 'RATE_LIMITED');
    // Rows are only buffered so far (the writer flushes on its timer); close() must write every one of them.
    await t.close();
    expect(t.app.get(RequestLogWriter).shutdownSummary()).toMatchObject({ spilled: 0, lost: 0, spillFile: null });
    const rows = await readRows(t);
    expect(rows).toHaveLength(sent.length);
    expect(rows.map((r) => [r.status, r.route, r.error_code])).toEqual(sent.map((s) => [s.status, s.route, s.errorCode]));
    for (const r of rows) {
      expect(r.route).not.toContain('?');
      expect(r.route).not.toContain('secret');
      expect(r.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(rows.map((r) => r.run_id))).toEqual(new Set(['run-ok.1', null]));
    expect(rows.filter((r) => r.run_id === 'run-ok.1')).toHaveLength(5);
  });
});

describe('request logging: buffer health, users seen, disabled logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  it('reports buffer depth, capacity, dropped rows and rejected run ids in /health and /metrics', async () => {
    await request(t.http).get('/health').set('x-run-id', 'x'.repeat(65));
    const health = await request(t.http).get('/health').expect(200);
    expect(health.body.requestLog).toMatchObject({ enabled: true, capacity: 100_000, dropped: 0, runIdsRejected: 1 });
    expect(typeof health.body.requestLog.depth).toBe('number');
    const metrics = await request(t.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/bloom_request_log_buffer_depth \d+/);
    expect(metrics.text).toContain('bloom_request_log_dropped_total 0');
    expect(metrics.text).toContain('bloom_request_log_run_id_rejected_total 1');
  });

  it('moves users.last_seen_at forward from logged traffic in the batched write, never backwards', async () => {
    const users = t.dataSource.getRepository(User);
    const old = Date.now() - 3_600_000;
    const seen = await users.save(users.create({ addressHash: 'a'.repeat(64), firstSeenAt: old, lastSeenAt: old, source: 'siwe', notes: null }));
    const future = Date.now() + 3_600_000;
    const ahead = await users.save(users.create({ addressHash: 'b'.repeat(64), firstSeenAt: old, lastSeenAt: future, source: 'siwe', notes: null }));
    const buffer = t.app.get(RequestLogBuffer);
    const base = { method: 'GET', route: '/api/session/status', status: 200, durationMs: 1, runId: null, correlationId: null, errorCode: null };
    const now = Date.now();
    buffer.push({ ...base, ts: now - 10, userHash: seen.addressHash });
    buffer.push({ ...base, ts: now, userHash: seen.addressHash });
    buffer.push({ ...base, ts: now, userHash: ahead.addressHash });
    buffer.push({ ...base, ts: now, userHash: 'c'.repeat(64) });
    await expect(t.app.get(RequestLogWriter).flush()).resolves.toBe(true);
    expect((await users.findOneByOrFail({ id: seen.id })).lastSeenAt).toBe(now);
    expect((await users.findOneByOrFail({ id: ahead.id })).lastSeenAt).toBe(future);
    expect(await users.count()).toBe(2);
  });

  it('flush() also writes rows that arrive while a drain waits for its last_seen_at updates', async () => {
    const before = await t.dataSource.getRepository(RequestLog).count();
    const buffer = t.app.get(RequestLogBuffer);
    const users = t.app.get(UsersService);
    const base = { method: 'GET', route: '/api/session/status', status: 200, durationMs: 1, runId: null, correlationId: null, errorCode: null };
    // The real update, held until released: the drain has left its write loop and waits for it.
    const touch = users.touchLastSeen.bind(users);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let touching!: () => void;
    const touched = new Promise<void>((resolve) => (touching = resolve));
    const spy = jest.spyOn(users, 'touchLastSeen').mockImplementationOnce(async (seen) => {
      touching();
      await held;
      return touch(seen);
    });
    try {
      buffer.push({ ...base, ts: Date.now(), userHash: 'd'.repeat(64) });
      const first = t.app.get(RequestLogWriter).flush();
      await touched;
      // One turn of the event loop: the drain finds the buffer empty and waits for the update.
      await new Promise((resolve) => setImmediate(resolve));
      buffer.push({ ...base, ts: Date.now(), userHash: null });
      const second = t.app.get(RequestLogWriter).flush();
      release();
      await expect(first).resolves.toBe(true);
      await expect(second).resolves.toBe(true);
      expect(await t.dataSource.getRepository(RequestLog).count()).toBe(before + 2);
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('keeps logging past id 2^31 - 1, where a PostgreSQL SERIAL ends (bigint there; the SQLite INTEGER key is 64-bit)', async () => {
    const last32 = 2 ** 31 - 1;
    if (t.dbUrl) await t.dataSource.query(`SELECT setval('request_log_id_seq', ${last32})`);
    // SQLite's AUTOINCREMENT continues after the highest id ever used.
    else await t.dataSource.query(`INSERT INTO "request_log" ("id", "ts", "method", "route", "status", "duration_ms") VALUES (${last32}, 0, 'GET', '/seed', 200, 0)`);
    await request(t.http).get('/health').expect(200);
    await expect(t.app.get(RequestLogWriter).flush()).resolves.toBe(true);
    const rows = await t.dataSource.getRepository(RequestLog).find({ where: { route: '/health' }, order: { id: 'DESC' }, take: 1 });
    expect(rows.map((r) => r.id)).toEqual([last32 + 1]);
  });

  it('writes steady traffic once a tick, not a statement per handful of rows, and flush() still writes every row', async () => {
    const repo = t.app.get(TrafficRepository);
    const before = await t.dataSource.getRepository(RequestLog).count();
    const buffer = t.app.get(RequestLogBuffer);
    const base = { method: 'GET', route: '/health', status: 200, durationMs: 1, userHash: null, runId: null, correlationId: null, errorCode: null };
    // The real inserts, timed: a write that outlasts an interval may be followed by another at once.
    const insert = repo.insertRequests.bind(repo);
    let slowWrites = 0;
    const inserts = jest.spyOn(repo, 'insertRequests').mockImplementation(async (rows, manager) => {
      const started = Date.now();
      try {
        return await insert(rows, manager);
      } finally {
        if (Date.now() - started >= FLUSH_INTERVAL_MS / 2) slowWrites++;
      }
    });
    let pushed = 0;
    const startedAt = Date.now();
    // ~2,500 rows a second, well under the 500-row size trigger per 50 ms tick: rows arrive during every write.
    const producer = setInterval(() => {
      for (let i = 0; i < 5; i++, pushed++) buffer.push({ ...base, ts: Date.now() });
    }, 2);
    await new Promise((r) => setTimeout(r, 600));
    clearInterval(producer);
    const statements = inserts.mock.calls.length;
    const ticks = (Date.now() - startedAt) / FLUSH_INTERVAL_MS;
    inserts.mockRestore();
    // One write a tick (and one under way at the start), plus one at once after each slow write. Writing the rows that
    // arrived during each write at once instead made ~2.5× as many statements here.
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(Math.ceil(ticks) + 1 + slowWrites);
    await expect(t.app.get(RequestLogWriter).flush()).resolves.toBe(true);
    expect(await t.dataSource.getRepository(RequestLog).count()).toBe(before + pushed);
  });
});

describe('request logging: REQUEST_LOG_ENABLED=false', () => {
  it('enqueues nothing', async () => {
    const t = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false' } });
    try {
      for (let i = 0; i < 5; i++) await request(t.http).get('/health').expect(200);
      await t.app.get(RequestLogWriter).flush();
      expect(await t.dataSource.getRepository(RequestLog).count()).toBe(0);
      expect(t.app.get(RequestLogBuffer).stats()).toMatchObject({ depth: 0, written: 0 });
    } finally {
      await t.close();
    }
  });
});
