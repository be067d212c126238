// No raw wallet address and no session key reaches the database: the file and its WAL are scanned byte by byte.
import { Wallet } from 'ethers';
import { existsSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { ExecutionsService } from '../src/executions/executions.service';
import { bootTestApp, TestApp } from './support/app';
import { getNonce, postSession, signIn, siweMessage, TEST_DOMAIN } from './support/siwe';

function databaseBytes(dbPath: string): Buffer {
  return Buffer.concat([dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

/** Every way an address or key could have been written: hex in each letter case, and the raw bytes. */
function forms(hex0x: string): Buffer[] {
  const body = hex0x.slice(2);
  const text = [hex0x, body, body.toLowerCase(), body.toUpperCase()];
  return [...new Set(text)].map((s) => Buffer.from(s, 'utf8')).concat(Buffer.from(body, 'hex'));
}

describe('privacy', () => {
  let t: TestApp;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await bootTestApp({ env: { RATE_LIMIT_PER_MIN: '0', TELEMETRY_SALT: undefined } });
    const executions = t.app.get(ExecutionsService);
    for (let i = 0; i < 4; i++) {
      const { sessionId, address } = await signIn(t.http);
      secrets.push(address, sessionId);
      const session = (r: request.Test) => r.set('x-session-id', sessionId);
      await session(request(t.http).get('/api/session/status')).expect(200);
      const id = (await session(request(t.http).post('/api/execute/prepare')).send({ action: 'native-transfer', token: 'ETH', amount: `${i + 1}000` }).expect(201)).body.data.executionId;
      const txHash = `0x${String(i + 1).repeat(64)}`;
      await session(request(t.http).post(`/api/execute/${id}/submit`)).send({ txHash }).expect(200);
      await executions.confirmFromReceipt(id, { txHash, blockNumber: i + 1 });
      if (i % 2 === 0) await session(request(t.http).post('/api/session/revoke')).expect(200);
      // An address in a query string and in rejected bodies is not stored either.
      await request(t.http).get('/api/session/status').query({ sessionId, address }).expect(200);
    }
    // Failed sign-ins: a signature of another wallet, and a message for another chain.
    const victim = Wallet.createRandom();
    const attacker = Wallet.createRandom();
    secrets.push(victim.address, attacker.address);
    const message = siweMessage({ domain: TEST_DOMAIN, address: victim.address, chainId: 11155111, nonce: await getNonce(t.http) });
    await postSession(t.http, { message, signature: await attacker.signMessage(message) }).expect(401);
    const wrongChain = siweMessage({ domain: TEST_DOMAIN, address: attacker.address, chainId: 1, nonce: await getNonce(t.http) });
    await postSession(t.http, { message: wrongChain, signature: await attacker.signMessage(wrongChain) }).expect(401);
    // Let the request log (if any) flush its buffer before the scan.
    await new Promise((r) => setTimeout(r, 1500));
  });
  afterAll(() => t.close());

  function expectAbsent(bytes: Buffer) {
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        expect({ secret, form: form.toString('hex').slice(0, 16), found: bytes.includes(form) }).toEqual({ secret, form: form.toString('hex').slice(0, 16), found: false });
      }
    }
  }

  it('stores users, sessions and executions (the scan has something to look at)', async () => {
    const [users] = await t.dataSource.query('SELECT COUNT(*) AS n FROM users');
    const [sessions] = await t.dataSource.query('SELECT COUNT(*) AS n FROM sessions');
    expect(Number(users.n)).toBe(4);
    expect(Number(sessions.n)).toBe(4);
  });

  it('finds no address nor session key in any row of any table', async () => {
    const tables = t.dataSource.entityMetadatas.map((m) => m.tableName);
    const dump: unknown[] = [];
    for (const table of tables) dump.push(await t.dataSource.query(`SELECT * FROM "${table}"`));
    expect(tables).toEqual(expect.arrayContaining(['users', 'sessions', 'siwe_nonces', 'executions', 'request_log', 'settings']));
    expectAbsent(Buffer.from(JSON.stringify(dump, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), 'utf8'));
  });

  // The file scan also covers free pages, the WAL and indexes; on PostgreSQL (t.dbUrl) the row scan above is the check.
  it('finds no address (any case, or raw bytes) nor session key in the SQLite file and WAL while running', () => {
    if (t.dbUrl) return;
    expectAbsent(databaseBytes(t.dbPath));
  });

  it('finds none after shutdown either (WAL checkpointed into the file)', async () => {
    if (t.dbUrl) return;
    const dbPath = t.dbPath;
    await t.app.close();
    expectAbsent(databaseBytes(dbPath));
  });
});
