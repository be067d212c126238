// RATE_LIMIT_PER_MIN per client IP, in front of everything: remote clients (seen through a loopback proxy with
// TRUST_PROXY) get 429 on any path — API, 404s, static files, /docs, /health, bodies the parser refuses.
import { rmSync } from 'node:fs';
import request from 'supertest';
import { bootTestApp, openTestDataSource, tempDbPath, TestApp } from './support/app';

const REMOTE = '203.0.113.7';
const LIMIT = 3;

describe('rate limiting', () => {
  describe(`behind a loopback proxy (TRUST_PROXY=true, RATE_LIMIT_PER_MIN=${LIMIT})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MIN: String(LIMIT) } });
    });
    afterAll(() => t.close());

    const fromRemote = (ip: string, path = '/api/execute/preflight') => request(t.http).get(path).set('X-Forwarded-For', ip);

    function expectLimited(res: request.Response): void {
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringContaining(String(LIMIT)) } });
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.headers['x-correlation-id']).toBeDefined();
    }

    it('answers 429 RATE_LIMITED with Retry-After once a client IP passes the limit', async () => {
      for (let i = 0; i < LIMIT; i++) await fromRemote(REMOTE).expect(200);
      expectLimited(await fromRemote(REMOTE));
      // Every route counts against the same IP, including POSTs that would otherwise be 4xx.
      expectLimited(await request(t.http).post('/api/session').set('X-Forwarded-For', REMOTE).send({}));
    });

    // Each flood comes from its own address, so it proves that its own kind of request is counted.
    it.each([
      ['404s', '203.0.113.20', () => request(t.http).get('/no/such/path'), 404],
      ['a static asset', '203.0.113.21', () => request(t.http).get('/assets/dashboard.css'), 200],
      ['/docs', '203.0.113.22', () => request(t.http).get('/docs/json'), 200],
      ['/health', '203.0.113.23', () => request(t.http).get('/health'), 200],
      ['malformed JSON bodies', '203.0.113.24', () => request(t.http).post('/api/session').set('content-type', 'application/json').send('{"a":'), 400],
      ['broken gzip bodies', '203.0.113.25', () => request(t.http).post('/api/session').set('content-type', 'application/json').set('content-encoding', 'gzip').send('{"a":1}'), 400],
    ])('limits a flood of %s', async (_name, ip, send, status) => {
      for (let i = 0; i < LIMIT; i++) expect((await send().set('X-Forwarded-For', ip)).status).toBe(status);
      expectLimited(await send().set('X-Forwarded-For', ip));
    });

    it('counts each client IP separately', async () => {
      for (let i = 0; i < LIMIT; i++) await fromRemote('203.0.113.8').expect(200);
      expect((await fromRemote('203.0.113.8')).status).toBe(429);
      await fromRemote('198.51.100.20').expect(200);
    });

    it('never limits loopback clients, on any path', async () => {
      for (let i = 0; i < 3 * LIMIT; i++) {
        await request(t.http).get('/api/execute/preflight').expect(200);
        await request(t.http).get('/health').expect(200);
        await request(t.http).get('/no/such/path').expect(404);
      }
    });

    it('does not take a forwarded loopback-looking name for loopback', async () => {
      for (let i = 0; i < LIMIT; i++) await fromRemote('127.evil.com').expect(200);
      expect((await fromRemote('127.evil.com')).status).toBe(429);
    });
  });

  it('writes a request_log row with RATE_LIMITED for each 429', async () => {
    const temp = tempDbPath();
    try {
      const t = await bootTestApp({ dbPath: temp.dbPath, env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MIN: '1' } });
      try {
        await request(t.http).get('/no/such/path').set('X-Forwarded-For', REMOTE).expect(404);
        await request(t.http).get('/no/such/path').set('X-Forwarded-For', REMOTE).expect(429);
      } finally {
        await t.close();
      }
      // Closing flushes the request log; read what it wrote through a connection of our own.
      const ds = await openTestDataSource(t);
      try {
        const rows = await ds.query('SELECT status, error_code FROM request_log ORDER BY id');
        expect(rows).toEqual([{ status: 404, error_code: 'NOT_FOUND' }, { status: 429, error_code: 'RATE_LIMITED' }]);
      } finally {
        await ds.destroy();
      }
    } finally {
      rmSync(temp.dir, { recursive: true, force: true });
    }
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: the loopback peer stays exempt and cannot be spoofed as remote', async () => {
    const t = await bootTestApp({ env: { TRUST_PROXY: 'false', RATE_LIMIT_PER_MIN: '2' } });
    try {
      for (let i = 0; i < 6; i++) await request(t.http).get('/api/execute/preflight').set('X-Forwarded-For', REMOTE).expect(200);
    } finally {
      await t.close();
    }
  });

  it('RATE_LIMIT_PER_MIN=0 disables limiting', async () => {
    const t = await bootTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MIN: '0' } });
    try {
      for (let i = 0; i < 8; i++) await request(t.http).get('/api/execute/preflight').set('X-Forwarded-For', REMOTE).expect(200);
    } finally {
      await t.close();
    }
  });
});
