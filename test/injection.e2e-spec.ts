// SQL-injection-looking strings in every field of the session and execution endpoints: 4xx, tables intact.
import request from 'supertest';
import { Execution } from '../src/executions/execution.entity';
import { bootTestApp, TestApp } from './support/app';
import { postSession, signIn } from './support/siwe';

const INJECTIONS = [
  "'; DROP TABLE users; --",
  "1' OR '1'='1",
  '" OR ""="',
  "Robert'); DROP TABLE executions;--",
  '1; DELETE FROM sessions',
  "0x' UNION SELECT key_hash FROM sessions --",
];

describe('SQL-injection-looking input', () => {
  let t: TestApp;
  let sessionId: string;
  let executionId: string;

  beforeAll(async () => {
    t = await bootTestApp({ env: { RATE_LIMIT_PER_MIN: '0' } });
    sessionId = (await signIn(t.http)).sessionId;
    const res = await request(t.http).post('/api/execute/prepare').set('x-session-id', sessionId).send({ action: 'native-transfer', token: 'ETH', amount: '5' }).expect(201);
    executionId = res.body.data.executionId;
  });
  afterAll(() => t.close());

  async function snapshot() {
    const runner = t.dataSource.createQueryRunner();
    const names = t.dataSource.entityMetadatas.map((m) => m.tableName);
    const tables = await runner.getTables(names).then((all) => all.map((table) => table.name).sort()).finally(() => runner.release());
    expect(tables).toHaveLength(names.length);
    const counts: Record<string, number> = {};
    for (const table of ['users', 'sessions', 'siwe_nonces', 'executions', 'token_totals']) {
      counts[table] = Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM "${table}"`))[0].n);
    }
    return { tables, counts };
  }

  const valid = { action: 'native-transfer', token: 'ETH', amount: '5' };
  const session = (r: request.Test) => r.set('x-session-id', sessionId);

  it.each(INJECTIONS)('is refused with 4xx in every field: %s', async (evil) => {
    const before = await snapshot();
    const attempts: Array<Promise<request.Response>> = [
      postSession(t.http, { message: evil, signature: evil }),
      postSession(t.http, { message: evil, signature: `0x${'11'.repeat(65)}` }),
      request(t.http).get('/api/session/status').set('x-session-id', evil),
      request(t.http).get('/api/session/status').query({ sessionId: evil }),
      request(t.http).post('/api/session/revoke').set('x-session-id', evil),
      request(t.http).post('/api/execute/prepare').set('x-session-id', evil).send(valid),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, action: evil }),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, token: evil.slice(0, 16) }),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, amount: evil }),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, correlationId: evil }),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, validateOnly: evil }),
      session(request(t.http).post(`/api/execute/${encodeURIComponent(evil)}/submit`)).send({ txHash: `0x${'ef'.repeat(32)}` }),
      session(request(t.http).post(`/api/execute/${executionId}/submit`)).send({ txHash: evil }),
      session(request(t.http).post(`/api/execute/${encodeURIComponent(evil)}/fail`)).send({ errorCode: 'X' }),
      session(request(t.http).post(`/api/execute/${executionId}/fail`)).send({ errorCode: evil }),
      session(request(t.http).post('/api/execute/prepare')).send({ ...valid, [evil]: 1 }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.ok).toBe(false);
    }
    expect(await snapshot()).toEqual(before);
    expect((await t.dataSource.getRepository(Execution).findOneByOrFail({ id: executionId })).status).toBe('prepared');
  });

  it('stores a free-text errorMessage verbatim (bound, never interpolated)', async () => {
    const id = (await session(request(t.http).post('/api/execute/prepare')).send(valid).expect(201)).body.data.executionId;
    const before = await snapshot();
    const message = INJECTIONS.join(' | ');
    await session(request(t.http).post(`/api/execute/${id}/fail`)).send({ errorCode: 'WALLET_ERROR', errorMessage: message }).expect(200);
    expect((await t.dataSource.getRepository(Execution).findOneByOrFail({ id })).errorMessage).toBe(message);
    expect((await snapshot()).tables).toEqual(before.tables);
  });
});
