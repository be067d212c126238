// RATE_LIMIT_PER_MIN per client IP: remote clients (seen through a loopback proxy with TRUST_PROXY) get 429s.
import request from 'supertest';
import { bootTestApp, TestApp } from './support/app';

const REMOTE = '203.0.113.7';

describe('rate limiting', () => {
  describe('behind a loopback proxy (TRUST_PROXY=true, RATE_LIMIT_PER_MIN=3)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await bootTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_MIN: '3' } });
    });
    afterAll(() => t.close());

    const fromRemote = (ip: string, path = '/api/execute/preflight') => request(t.http).get(path).set('X-Forwarded-For', ip);

    it('answers 429 RATE_LIMITED with Retry-After once a client IP passes the limit', async () => {
      for (let i = 0; i < 3; i++) await fromRemote(REMOTE).expect(200);
      const limited = await fromRemote(REMOTE);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers['x-correlation-id']).toBeDefined();
      // Every route counts against the same IP, including POSTs that would otherwise be 4xx.
      const post = await request(t.http).post('/api/session').set('X-Forwarded-For', REMOTE).send({});
      expect(post.status).toBe(429);
    });

    it('counts each client IP separately', async () => {
      for (let i = 0; i < 3; i++) await fromRemote('203.0.113.8').expect(200);
      expect((await fromRemote('203.0.113.8')).status).toBe(429);
      await fromRemote('198.51.100.20').expect(200);
    });

    it('never limits loopback clients, /health or /metrics', async () => {
      for (let i = 0; i < 10; i++) await request(t.http).get('/api/execute/preflight').expect(200);
      for (let i = 0; i < 6; i++) {
        expect((await fromRemote('203.0.113.9', '/health')).status).not.toBe(429);
        expect((await fromRemote('203.0.113.9', '/metrics')).status).not.toBe(429);
      }
      await fromRemote('203.0.113.9').expect(200);
    });
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
