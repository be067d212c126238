// Sign-In with Ethereum end to end: real wallets, real EIP-4361 messages, real AppModule on a temp SQLite file.
import { Wallet } from 'ethers';
import request from 'supertest';
import { toAppConfig } from '../src/config/app.config';
import { validateEnv } from '../src/config/env.validation';
import { sessionKeyHash } from '../src/sessions/session-key';
import { Session } from '../src/sessions/session.entity';
import { SiweNonce } from '../src/sessions/siwe-nonce.entity';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { rmSync } from 'node:fs';
import { Setting } from '../src/users/setting.entity';
import { ADDRESS_HASH_SALT_KEY } from '../src/users/users.service';
import { bootTestApp, tempDbPath, TestApp } from './support/app';
import { getNonce, postSession, signIn, siweMessage, TEST_DOMAIN } from './support/siwe';

const CHAIN_ID = 11155111;

describe('sessions (SIWE)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ env: { CHAIN_ID: String(CHAIN_ID), SESSION_DOMAIN: undefined, RATE_LIMIT_PER_MIN: '0', SIWE_NONCE_TTL_S: '10' } });
  });
  afterAll(() => t.close());

  const count = (entity: typeof User | typeof Session) => t.dataSource.getRepository(entity).count();

  async function signed(wallet = Wallet.createRandom(), overrides: Partial<Parameters<typeof siweMessage>[0]> = {}) {
    const nonce = overrides.nonce ?? (await getNonce(t.http));
    const message = siweMessage({ domain: TEST_DOMAIN, address: wallet.address, chainId: CHAIN_ID, nonce, ...overrides });
    return { message, signature: await wallet.signMessage(message), nonce, wallet };
  }

  async function expectRejected(body: unknown, status: number, code: string) {
    const [users, sessions] = [await count(User), await count(Session)];
    const res = await postSession(t.http, body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ ok: false, error: { code } });
    expect(await count(User)).toBe(users);
    expect(await count(Session)).toBe(sessions);
  }

  describe('GET /api/session/nonce', () => {
    it('issues distinct alphanumeric nonces with an expiry, stored unused', async () => {
      const a = await request(t.http).get('/api/session/nonce').expect(200);
      const b = await request(t.http).get('/api/session/nonce').expect(200);
      expect(a.body.ok).toBe(true);
      expect(a.body.data.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(a.body.data.nonce).not.toBe(b.body.data.nonce);
      const expiresAt = Date.parse(a.body.data.expiresAt);
      expect(expiresAt).toBeGreaterThan(Date.now());
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 10_000);
      const row = await t.dataSource.getRepository(SiweNonce).findOneByOrFail({ nonce: a.body.data.nonce });
      expect(row.usedAt).toBeNull();
    });
  });

  describe('POST /api/session', () => {
    it('creates a session for a valid signed message and upserts the user by address hash', async () => {
      const wallet = Wallet.createRandom();
      const { message, signature, nonce } = await signed(wallet);
      const res = await postSession(t.http, { message, signature }).expect(201);
      expect(res.body.ok).toBe(true);
      expect(res.body.data.status).toBe('active');
      expect(res.body.data.sessionId).toMatch(/^0x[0-9a-f]{64}$/);
      const expiresAt = Date.parse(res.body.data.expiresAt);
      expect(Math.abs(expiresAt - (Date.now() + 86_400_000))).toBeLessThan(60_000);

      const hash = t.app.get(UsersService).hashAddress(wallet.address);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const user = await t.dataSource.getRepository(User).findOneByOrFail({ addressHash: hash });
      const session = await t.dataSource.getRepository(Session).findOneByOrFail({ keyHash: sessionKeyHash(res.body.data.sessionId) });
      expect(session.userId).toBe(user.id);
      expect(session.keyHash).not.toContain(res.body.data.sessionId.slice(2));
      expect((await t.dataSource.getRepository(SiweNonce).findOneByOrFail({ nonce })).usedAt).not.toBeNull();

      // A second sign-in of the same wallet reuses the user and moves last_seen_at.
      const again = await signIn(t.http, wallet);
      expect(again.sessionId).not.toBe(res.body.data.sessionId);
      const users = await t.dataSource.getRepository(User).findBy({ addressHash: hash });
      expect(users).toHaveLength(1);
      expect(users[0].firstSeenAt).toBe(user.firstSeenAt);
      expect(users[0].lastSeenAt).toBeGreaterThanOrEqual(user.lastSeenAt);
    });

    it('hashes an address the same in every letter case', () => {
      const users = t.app.get(UsersService);
      const { address } = Wallet.createRandom();
      expect(users.hashAddress(address)).toBe(users.hashAddress(address.toLowerCase()));
      expect(users.hashAddress(address)).toBe(users.hashAddress(`0x${address.slice(2).toUpperCase()}`));
      expect(users.hashAddress(address)).not.toBe(users.hashAddress(Wallet.createRandom().address));
    });

    it('rejects a replayed nonce (NONCE_USED) and an unknown one (NONCE_INVALID)', async () => {
      const first = await signed();
      await postSession(t.http, { message: first.message, signature: first.signature }).expect(201);
      await expectRejected({ message: first.message, signature: first.signature }, 401, 'NONCE_USED');
      // Another wallet trying the consumed nonce with its own valid signature.
      const other = await signed(Wallet.createRandom(), { nonce: first.nonce });
      await expectRejected({ message: other.message, signature: other.signature }, 401, 'NONCE_USED');
      const made = await signed(Wallet.createRandom(), { nonce: 'abcdef0123456789abcdef0123456789' });
      await expectRejected({ message: made.message, signature: made.signature }, 401, 'NONCE_INVALID');
    });

    it('rejects an expired nonce (NONCE_EXPIRED)', async () => {
      const { message, signature, nonce } = await signed();
      // Seeded past its expiry rather than sleeping through SIWE_NONCE_TTL_S.
      await t.dataSource.getRepository(SiweNonce).update({ nonce }, { expiresAt: Date.now() - 1 });
      await expectRejected({ message, signature }, 401, 'NONCE_EXPIRED');
    });

    it('rejects a signature made by another address (INVALID_SIGNATURE) without consuming the nonce', async () => {
      const victim = Wallet.createRandom();
      const attacker = Wallet.createRandom();
      const nonce = await getNonce(t.http);
      const message = siweMessage({ domain: TEST_DOMAIN, address: victim.address, chainId: CHAIN_ID, nonce });
      await expectRejected({ message, signature: await attacker.signMessage(message) }, 401, 'INVALID_SIGNATURE');
      expect((await t.dataSource.getRepository(SiweNonce).findOneByOrFail({ nonce })).usedAt).toBeNull();
      // A signature over a different text (tampered message) fails the same way.
      const tampered = message.replace('Sign in to Bloom', 'Sign in to Bloom!');
      await expectRejected({ message: tampered, signature: await victim.signMessage(message) }, 401, 'INVALID_SIGNATURE');
    });

    it.each([
      ['not hex', '0x' + 'zz'.repeat(65)],
      ['too short', '0x1234'],
      ['no prefix', 'ab'.repeat(65)],
      ['invalid recovery byte', '0x' + '11'.repeat(64) + 'ff'],
    ])('rejects a malformed signature (%s) with 400 INVALID_SIGNATURE', async (_name, signature) => {
      const { message } = await signed();
      await expectRejected({ message, signature }, 400, 'INVALID_SIGNATURE');
    });

    it('rejects a message for another domain (DOMAIN_MISMATCH) or chain (CHAIN_ID_MISMATCH)', async () => {
      const domain = await signed(Wallet.createRandom(), { domain: 'evil.example' });
      await expectRejected({ message: domain.message, signature: domain.signature }, 401, 'DOMAIN_MISMATCH');
      const chain = await signed(Wallet.createRandom(), { chainId: 1 });
      await expectRejected({ message: chain.message, signature: chain.signature }, 401, 'CHAIN_ID_MISMATCH');
    });

    it('rejects messages outside the time window or past their expiration', async () => {
      const old = await signed(Wallet.createRandom(), { issuedAt: new Date(Date.now() - 11 * 60_000).toISOString() });
      await expectRejected({ message: old.message, signature: old.signature }, 401, 'MESSAGE_EXPIRED');
      const future = await signed(Wallet.createRandom(), { issuedAt: new Date(Date.now() + 11 * 60_000).toISOString() });
      await expectRejected({ message: future.message, signature: future.signature }, 401, 'MESSAGE_NOT_YET_VALID');
      const expired = await signed(Wallet.createRandom(), {
        issuedAt: new Date(Date.now() - 60_000).toISOString(),
        expirationTime: new Date(Date.now() - 1000).toISOString(),
      });
      await expectRejected({ message: expired.message, signature: expired.signature }, 401, 'MESSAGE_EXPIRED');
    });

    it('rejects a wrong-checksum or malformed address in the message (INVALID_ADDRESS)', async () => {
      const wallet = Wallet.createRandom();
      const { message } = await signed(wallet);
      const body = wallet.address.slice(2);
      // Flip the case of the first letter in the address: still hex, no longer EIP-55.
      const i = body.search(/[a-fA-F]/);
      const flipped = body[i] === body[i].toUpperCase() ? body[i].toLowerCase() : body[i].toUpperCase();
      const wrong = `0x${body.slice(0, i)}${flipped}${body.slice(i + 1)}`;
      const wrongMessage = message.replace(wallet.address, wrong);
      await expectRejected({ message: wrongMessage, signature: await wallet.signMessage(wrongMessage) }, 400, 'INVALID_ADDRESS');
      const short = message.replace(wallet.address, wallet.address.slice(0, 40));
      const res = await postSession(t.http, { message: short, signature: await wallet.signMessage(short) });
      expect(res.status).toBe(400);
      expect(['INVALID_ADDRESS', 'INVALID_SIWE_MESSAGE']).toContain(res.body.error.code);
    });

    it.each([
      [{ message: 'hello', signature: '0x' + '11'.repeat(65) }, 'INVALID_SIWE_MESSAGE'],
      [{ message: '', signature: '0x' + '11'.repeat(65) }, 'INVALID_SIWE_MESSAGE'],
      [{ message: 42, signature: '0x' + '11'.repeat(65) }, 'VALIDATION_ERROR'],
      [{ signature: '0x' + '11'.repeat(65) }, 'VALIDATION_ERROR'],
      [{ message: 'x', signature: '0x' + '11'.repeat(65), extra: true }, 'VALIDATION_ERROR'],
      [{ message: 'x'.repeat(5000), signature: '0x' + '11'.repeat(65) }, 'VALIDATION_ERROR'],
    ])('rejects a malformed body %#', async (body, code) => {
      await expectRejected(body, 400, code);
    });

    // The domain a message may name comes from configuration only: a phishing site's Host must not make its signature work.
    it.each(['evil.example', 'evil.example:3001'])('refuses a message for the request Host %s with the default SESSION_DOMAIN (401 DOMAIN_MISMATCH)', async (host) => {
      const wallet = Wallet.createRandom();
      const message = siweMessage({ domain: host, address: wallet.address, chainId: CHAIN_ID, nonce: await getNonce(t.http) });
      const res = await request(t.http).post('/api/session').set('Host', host).send({ message, signature: await wallet.signMessage(message) });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('DOMAIN_MISMATCH');
    });

    it('accepts both default domains, localhost:PORT and 127.0.0.1:PORT, whatever the Host header says', async () => {
      const port = TEST_DOMAIN.split(':')[1];
      for (const domain of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
        const wallet = Wallet.createRandom();
        const message = siweMessage({ domain, address: wallet.address, chainId: CHAIN_ID, nonce: await getNonce(t.http) });
        await request(t.http).post('/api/session').set('Host', 'evil.example').send({ message, signature: await wallet.signMessage(message) }).expect(201);
      }
    });

    it('accepts exactly the SESSION_DOMAIN list when configured', async () => {
      const other = await bootTestApp({ env: { SESSION_DOMAIN: 'app.bloom.example, Staging.Bloom.example:8443', RATE_LIMIT_PER_MIN: '0' } });
      try {
        const attempt = async (domain: string) => {
          const wallet = Wallet.createRandom();
          const message = siweMessage({ domain, address: wallet.address, chainId: CHAIN_ID, nonce: await getNonce(other.http) });
          return request(other.http).post('/api/session').set('Host', domain).send({ message, signature: await wallet.signMessage(message) });
        };
        expect((await attempt('app.bloom.example')).status).toBe(201);
        expect((await attempt('staging.bloom.example:8443')).status).toBe(201);
        for (const domain of [TEST_DOMAIN, 'staging.bloom.example', 'app.bloom.example:443']) {
          const res = await attempt(domain);
          expect(res.status).toBe(401);
          expect(res.body.error.code).toBe('DOMAIN_MISMATCH');
        }
      } finally {
        await other.close();
      }
    });

    it('validates SESSION_DOMAIN at start-up', () => {
      expect(toAppConfig(validateEnv({ PORT: '8080' })).sessionDomains).toEqual(['localhost:8080', '127.0.0.1:8080']);
      expect(validateEnv({ SESSION_DOMAIN: 'a.example,[::1]:3001' }).SESSION_DOMAIN).toEqual(['a.example', '[::1]:3001']);
      for (const bad of ['https://a.example', 'a.example/path', 'user@a.example', 'a..example', 'a.example:port']) {
        expect(() => validateEnv({ SESSION_DOMAIN: bad })).toThrow(/SESSION_DOMAIN=.*host\[:port\]/);
      }
    });

    it('lets only one of many concurrent sign-ins with the same nonce win', async () => {
      // Its own app without request logging: this is about the nonce race alone, not the log writer's second
      // SQLite connection (whose lock interplay under bursts of writes is reported separately).
      const quiet = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false', RATE_LIMIT_PER_MIN: '0' } });
      try {
        const wallet = Wallet.createRandom();
        const nonce = await getNonce(quiet.http);
        const message = siweMessage({ domain: TEST_DOMAIN, address: wallet.address, chainId: CHAIN_ID, nonce });
        const signature = await wallet.signMessage(message);
        const results = await Promise.all(Array.from({ length: 8 }, () => postSession(quiet.http, { message, signature })));
        expect(results.filter((r) => r.status === 201)).toHaveLength(1);
        expect(results.filter((r) => r.status === 401 && r.body.error.code === 'NONCE_USED')).toHaveLength(7);
        expect(await quiet.dataSource.getRepository(Session).count()).toBe(1);
      } finally {
        await quiet.close();
      }
    });
  });

  describe('GET /api/session/status and POST /api/session/revoke', () => {
    it('reports an active session by header or query, then revoked after revoke (idempotent)', async () => {
      const { sessionId } = await signIn(t.http);
      const byHeader = await request(t.http).get('/api/session/status').set('x-session-id', sessionId).expect(200);
      expect(byHeader.body.data.status).toBe('active');
      expect(Date.parse(byHeader.body.data.createdAt)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(byHeader.body.data.expiresAt)).toBeGreaterThan(Date.now());
      const byQuery = await request(t.http).get('/api/session/status').query({ sessionId }).expect(200);
      expect(byQuery.body.data).toEqual(byHeader.body.data);
      // Upper-case hex names the same session.
      await request(t.http).get('/api/session/status').set('x-session-id', `0x${sessionId.slice(2).toUpperCase()}`).expect(200);

      const revoked = await request(t.http).post('/api/session/revoke').set('x-session-id', sessionId).expect(200);
      expect(revoked.body).toEqual({ ok: true, data: { status: 'revoked' } });
      const after = await request(t.http).get('/api/session/status').set('x-session-id', sessionId).expect(200);
      expect(after.body.data.status).toBe('revoked');
      const row = await t.dataSource.getRepository(Session).findOneByOrFail({ keyHash: sessionKeyHash(sessionId) });
      expect(row.revokedAt).not.toBeNull();
      const again = await request(t.http).post('/api/session/revoke').set('x-session-id', sessionId).expect(200);
      expect(again.body.data.status).toBe('revoked');
      expect((await t.dataSource.getRepository(Session).findOneByOrFail({ id: row.id })).revokedAt).toBe(row.revokedAt);
    });

    it('derives expired from expires_at', async () => {
      const { sessionId } = await signIn(t.http);
      await t.dataSource.getRepository(Session).update({ keyHash: sessionKeyHash(sessionId) }, { expiresAt: Date.now() - 1 });
      const res = await request(t.http).get('/api/session/status').set('x-session-id', sessionId).expect(200);
      expect(res.body.data.status).toBe('expired');
    });

    it.each(['get', 'post'] as const)('%s: 400 SESSION_REQUIRED, 400 INVALID_SESSION_ID, 404 SESSION_NOT_FOUND', async (method) => {
      const path = method === 'get' ? '/api/session/status' : '/api/session/revoke';
      const none = await request(t.http)[method](path);
      expect(none.status).toBe(400);
      expect(none.body.error.code).toBe('SESSION_REQUIRED');
      for (const bad of ['abc', '0x1234', `0x${'g'.repeat(64)}`, `0x${'a'.repeat(65)}`, "' OR 1=1 --"]) {
        const res = await request(t.http)[method](path).set('x-session-id', bad);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('INVALID_SESSION_ID');
      }
      const unknown = await request(t.http)[method](path).set('x-session-id', `0x${'ab'.repeat(32)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('SESSION_NOT_FOUND');
    });
  });

  describe('configuration', () => {
    it('honours SESSION_TTL_S and sweeps expired nonces when issuing', async () => {
      const app = await bootTestApp({ env: { SESSION_TTL_S: '60', RATE_LIMIT_PER_MIN: '0' } });
      try {
        const nonces = app.dataSource.getRepository(SiweNonce);
        const now = Date.now();
        await nonces.insert([
          { nonce: 'expired0000000000000000000000001', expiresAt: now - 60_000, usedAt: null },
          { nonce: 'expired0000000000000000000000002', expiresAt: now - 1, usedAt: now - 5 },
        ]);
        const { sessionId } = await signIn(app.http);
        expect(await nonces.findOneBy({ nonce: 'expired0000000000000000000000001' })).toBeNull();
        expect(await nonces.findOneBy({ nonce: 'expired0000000000000000000000002' })).toBeNull();
        const status = await request(app.http).get('/api/session/status').set('x-session-id', sessionId).expect(200);
        const ttl = Date.parse(status.body.data.expiresAt) - Date.parse(status.body.data.createdAt);
        expect(ttl).toBe(60_000);
      } finally {
        await app.close();
      }
    });
  });

  describe('salt', () => {
    it('generates a salt once, keeps it in settings, and hashes the same after a restart', async () => {
      // One named database for both boots (on PostgreSQL too), so the restart sees the same data.
      const { dir, dbPath } = tempDbPath();
      const { address } = Wallet.createRandom();
      try {
        const first = await bootTestApp({ dbPath, env: { TELEMETRY_SALT: undefined } });
        const hash = first.app.get(UsersService).hashAddress(address);
        const salt = await first.dataSource.getRepository(Setting).findOneByOrFail({ key: ADDRESS_HASH_SALT_KEY });
        expect(salt.value).toMatch(/^[0-9a-f]{64}$/);
        await first.close();
        const second = await bootTestApp({ dbPath, env: { TELEMETRY_SALT: undefined } });
        try {
          expect(second.app.get(UsersService).hashAddress(address)).toBe(hash);
        } finally {
          await second.close();
        }
        // Another database gets another salt: no public default exists.
        const third = await bootTestApp({ env: { TELEMETRY_SALT: undefined } });
        try {
          expect(third.app.get(UsersService).hashAddress(address)).not.toBe(hash);
        } finally {
          await third.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('uses TELEMETRY_SALT when set (same hash on any database)', async () => {
      const env = { TELEMETRY_SALT: 'a-configured-salt-of-32-characters' };
      const a = await bootTestApp({ env });
      const b = await bootTestApp({ env });
      try {
        const { address } = Wallet.createRandom();
        expect(a.app.get(UsersService).hashAddress(address)).toBe(b.app.get(UsersService).hashAddress(address));
        expect(await a.dataSource.getRepository(Setting).findOneBy({ key: ADDRESS_HASH_SALT_KEY })).toBeNull();
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
