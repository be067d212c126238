// Admin access (AdminGuard): bearer TELEMETRY_ADMIN_TOKEN in constant time, else loopback only — the real peer, or
// the client behind a loopback proxy when TRUST_PROXY is set, so a proxy cannot turn the world into "loopback".
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { configureApp } from '../src/app.factory';
import { AppModule } from '../src/app.module';
import { AdminGuard } from '../src/common/admin.guard';
import { ResponseEnvelopeAdapter } from '../src/common/response-envelope.adapter';
import { isLoopback, isLoopbackIp } from '../src/common/loopback';
import { rmSync } from 'node:fs';
import { tempDbPath, withEnv } from './support/app';
import { createTestDatabase, postgresServerUrl } from './support/postgres';

/** Stands in for the admin endpoints: the same guard on a route of the real AppModule. */
@Controller('admin-probe')
class AdminProbeController {
  @Get()
  @UseGuards(AdminGuard)
  probe() {
    return { admitted: true };
  }
}

@Module({ imports: [AppModule], controllers: [AdminProbeController] })
class ProbeModule {}

async function boot(env: Record<string, string | undefined>) {
  const { dir, dbPath } = tempDbPath();
  const server = postgresServerUrl();
  const pg = server ? await createTestDatabase(server) : undefined;
  const app = await withEnv({ TELEMETRY_DB_PATH: dbPath, ...(pg ? { TELEMETRY_DB_URL: pg.url } : {}), RATE_LIMIT_PER_MIN: '0', ...env }, () =>
    NestFactory.create<NestExpressApplication>(ProbeModule, new ResponseEnvelopeAdapter(), { bodyParser: false, logger: ['error'] }),
  );
  configureApp(app);
  await app.init();
  return {
    http: app.getHttpServer(),
    async close() {
      await app.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('admin access', () => {
  it('isLoopback: 127/8, ::1 and IPv4-mapped loopback only, from req.ip', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackIp(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '203.0.113.7', '::ffff:10.0.0.1', '', '128.0.0.1', '::2']) expect(isLoopbackIp(ip)).toBe(false);
    // req.ip (proxy-aware when trusted) wins over the socket peer.
    expect(isLoopback({ ip: '203.0.113.7', socket: { remoteAddress: '127.0.0.1' } } as never)).toBe(false);
    expect(isLoopback({ ip: undefined, socket: { remoteAddress: '::1' } } as never)).toBe(true);
  });

  describe('without TELEMETRY_ADMIN_TOKEN', () => {
    let t: Awaited<ReturnType<typeof boot>>;
    beforeAll(async () => {
      t = await boot({ TELEMETRY_ADMIN_TOKEN: undefined, TRUST_PROXY: 'true' });
    });
    afterAll(() => t.close());

    it('admits a loopback client', async () => {
      const res = await request(t.http).get('/admin-probe').expect(200);
      expect(res.body.data).toEqual({ admitted: true });
    });

    it('refuses a remote client behind the loopback proxy with 403 FORBIDDEN', async () => {
      const res = await request(t.http).get('/admin-probe').set('X-Forwarded-For', '203.0.113.7');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });

    // A forwarded address is whatever the client wrote: only a parsed loopback IP counts, never a "127." prefix.
    it.each(['127.evil.com', '127.0.0.1.evil.com', '::ffff:127.evil'])('refuses X-Forwarded-For %s on a real admin endpoint with 403', async (forwarded) => {
      const res = await request(t.http).get('/api/telemetry/summary').set('X-Forwarded-For', forwarded);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });
  });

  describe('with TELEMETRY_ADMIN_TOKEN', () => {
    const token = 'admin-token-for-tests-0123456789';
    let t: Awaited<ReturnType<typeof boot>>;
    beforeAll(async () => {
      t = await boot({ TELEMETRY_ADMIN_TOKEN: token, TRUST_PROXY: 'true' });
    });
    afterAll(() => t.close());

    it('admits the right bearer token from anywhere', async () => {
      await request(t.http).get('/admin-probe').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', '203.0.113.7').expect(200);
    });

    it.each([
      ['no header', undefined],
      ['wrong token', 'Bearer admin-token-for-tests-0123456780'],
      ['prefix of the token', `Bearer ${token.slice(0, -1)}`],
      ['token plus a suffix', `Bearer ${token}x`],
      ['other scheme', `Basic ${token}`],
      ['empty bearer', 'Bearer '],
      ['injection-looking', "Bearer ' OR '1'='1"],
    ])('refuses %s with 401 UNAUTHORIZED, even from loopback', async (_name, header) => {
      const req = request(t.http).get('/admin-probe');
      const res = await (header === undefined ? req : req.set('Authorization', header));
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    });
  });
});
