// The execution ledger end to end: preflight, prepare (and validateOnly), submit, fail, confirmation by receipt.
import request from 'supertest';
import { Execution } from '../src/executions/execution.entity';
import { ExecutionsService } from '../src/executions/executions.service';
import { TokenTotal } from '../src/executions/token-total.entity';
import { TOKENS } from '../src/executions/tokens';
import { computeFeeUnits } from '../src/fees/fee';
import { sessionKeyHash } from '../src/sessions/session-key';
import { Session } from '../src/sessions/session.entity';
import { bootTestApp, TestApp } from './support/app';
import { signIn } from './support/siwe';

const FEE_BPS = 30;
const txHash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

describe('executions', () => {
  let t: TestApp;
  let sut: ExecutionsService;
  let alice: string;
  let bob: string;
  let hashes = 0;
  const nextHash = () => txHash(++hashes);

  beforeAll(async () => {
    t = await bootTestApp({ env: { BLOSSOM_FEE_BPS: String(FEE_BPS), RATE_LIMIT_PER_MIN: '0' } });
    sut = t.app.get(ExecutionsService);
    alice = (await signIn(t.http)).sessionId;
    bob = (await signIn(t.http)).sessionId;
  });
  afterAll(() => t.close());

  const executions = () => t.dataSource.getRepository(Execution);
  const totals = () => t.dataSource.getRepository(TokenTotal);
  const prepare = (session: string, body: object) => request(t.http).post('/api/execute/prepare').set('x-session-id', session).send(body);
  const submit = (session: string, id: string, body: object) => request(t.http).post(`/api/execute/${id}/submit`).set('x-session-id', session).send(body);
  const fail = (session: string, id: string, body: object) => request(t.http).post(`/api/execute/${id}/fail`).set('x-session-id', session).send(body);

  async function prepared(session = alice, body: object = { action: 'uniswap-v3-swap', token: 'USDC', amount: '1000000' }): Promise<string> {
    const res = await prepare(session, body).expect(201);
    return res.body.data.executionId as string;
  }

  async function totalOf(token: string) {
    return (await totals().findOneBy({ token })) ?? { confirmedCount: 0, amountUnits: 0n, feeUnits: 0n };
  }

  describe('GET /api/execute/preflight', () => {
    it('answers from configuration: chain id, adapters, tokens with decimals, fee bps, rpc, mode', async () => {
      const res = await request(t.http).get('/api/execute/preflight').expect(200);
      expect(res.body).toEqual({
        ok: true,
        data: {
          chainId: 11155111,
          adapters: ['uniswap-v3-swap', 'aave-v3-supply', 'aave-v3-withdraw', 'native-transfer'],
          tokens: TOKENS.map((x) => ({ symbol: x.symbol, decimals: x.decimals })),
          feeBps: FEE_BPS,
          rpc: false,
          executionMode: 'devnet',
        },
      });
      expect(res.body.data.tokens).toContainEqual({ symbol: 'USDC', decimals: 6 });
    });

    it('reflects EXECUTION_ADAPTERS, CHAIN_ID and ETH_RPC_URL (never called)', async () => {
      const other = await bootTestApp({ env: { EXECUTION_ADAPTERS: 'only-this', CHAIN_ID: '31337', ETH_RPC_URL: 'http://127.0.0.1:9' } });
      try {
        const res = await request(other.http).get('/api/execute/preflight').expect(200);
        expect(res.body.data).toMatchObject({ chainId: 31337, adapters: ['only-this'], rpc: true, executionMode: 'chain', feeBps: 25 });
      } finally {
        await other.close();
      }
    });
  });

  describe('POST /api/execute/prepare', () => {
    it('stores a prepared execution with the fee bps fixed and answers 201 after commit', async () => {
      const res = await prepare(alice, { action: 'uniswap-v3-swap', token: 'usdc', amount: '2500000', correlationId: 'corr-1' }).expect(201);
      expect(res.body.data).toMatchObject({ status: 'prepared', feeBps: FEE_BPS, feeUnitsQuote: computeFeeUnits(2_500_000n, FEE_BPS).toString(), token: 'USDC' });
      expect(res.body.data.executionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const row = await executions().findOneByOrFail({ id: res.body.data.executionId });
      const session = await t.dataSource.getRepository(Session).findOneByOrFail({ keyHash: sessionKeyHash(alice) });
      expect(row).toMatchObject({ status: 'prepared', action: 'uniswap-v3-swap', token: 'USDC', amountUnits: 2_500_000n, feeBps: FEE_BPS, feeUnits: null, correlationId: 'corr-1', sessionId: session.id, userId: session.userId, latencyMs: null });
    });

    it('uses the request x-correlation-id when the body has none', async () => {
      const res = await request(t.http).post('/api/execute/prepare').set('x-session-id', alice).set('x-correlation-id', 'req-abc').send({ action: 'native-transfer', token: 'ETH', amount: '1' }).expect(201);
      expect((await executions().findOneByOrFail({ id: res.body.data.executionId })).correlationId).toBe('req-abc');
    });

    it('accepts an action without token or amount (no fee quote)', async () => {
      const res = await prepare(alice, { action: 'aave-v3-withdraw' }).expect(201);
      expect(res.body.data).toMatchObject({ status: 'prepared', token: null, amount: null, feeUnitsQuote: null });
    });

    it('validateOnly answers 200 with the quote and stores nothing', async () => {
      const before = await executions().count();
      const res = await prepare(alice, { action: 'aave-v3-supply', token: 'DAI', amount: '123456789012345678901', validateOnly: true }).expect(200);
      expect(res.body.data).toMatchObject({ status: 'valid', feeBps: FEE_BPS, feeUnitsQuote: computeFeeUnits(123456789012345678901n, FEE_BPS).toString() });
      expect(res.body.data.executionId).toBeUndefined();
      expect(await executions().count()).toBe(before);
    });

    it.each([
      [{ action: 'rug-pull', token: 'USDC', amount: '1' }, 'UNKNOWN_ACTION'],
      [{ action: 'uniswap-v3-swap', token: 'SHIB', amount: '1' }, 'UNKNOWN_TOKEN'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '0' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '-5' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '1.5' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '1e18' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '0x10' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '007' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: ' 7' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: `1${'0'.repeat(40)}` }, 'VALIDATION_ERROR'], // 10^40
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: 1000 }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: ['1'] }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: null }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', amount: '5' }, 'VALIDATION_ERROR'],
      [{ token: 'USDC', amount: '5' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '5', validateOnly: 'yes' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '5', correlationId: 'bad id!' }, 'VALIDATION_ERROR'],
      [{ action: 'uniswap-v3-swap', token: 'USDC', amount: '5', admin: true }, 'VALIDATION_ERROR'],
    ])('rejects %j with 400 %s and stores nothing', async (body, code) => {
      const before = await executions().count();
      const res = await prepare(alice, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ ok: false, error: { code } });
      expect(await executions().count()).toBe(before);
    });

    it('accepts the largest allowed amount (40 digits)', async () => {
      const amount = '9'.repeat(40);
      const res = await prepare(alice, { action: 'uniswap-v3-swap', token: 'WETH', amount, validateOnly: true }).expect(200);
      expect(res.body.data.feeUnitsQuote).toBe(computeFeeUnits(BigInt(amount), FEE_BPS).toString());
    });

    it('needs an active session: missing, malformed, unknown, revoked and expired each get 401 with their code', async () => {
      const body = { action: 'uniswap-v3-swap', token: 'USDC', amount: '1' };
      const before = await executions().count();
      const none = await request(t.http).post('/api/execute/prepare').send(body);
      expect([none.status, none.body.error.code]).toEqual([401, 'SESSION_REQUIRED']);
      const malformed = await prepare('0xnothex', body);
      expect([malformed.status, malformed.body.error.code]).toEqual([401, 'INVALID_SESSION_ID']);
      const unknown = await prepare(`0x${'cd'.repeat(32)}`, body);
      expect([unknown.status, unknown.body.error.code]).toEqual([401, 'SESSION_NOT_FOUND']);

      const revoked = (await signIn(t.http)).sessionId;
      await request(t.http).post('/api/session/revoke').set('x-session-id', revoked).expect(200);
      const r = await prepare(revoked, body);
      expect([r.status, r.body.error.code]).toEqual([401, 'SESSION_REVOKED']);

      const expired = (await signIn(t.http)).sessionId;
      await t.dataSource.getRepository(Session).update({ keyHash: sessionKeyHash(expired) }, { expiresAt: Date.now() - 1 });
      const e = await prepare(expired, body);
      expect([e.status, e.body.error.code]).toEqual([401, 'SESSION_EXPIRED']);
      expect(await executions().count()).toBe(before);
    });
  });

  describe('transitions by the owner', () => {
    it('prepared → submitted → (confirmFromReceipt) confirmed, with fee and token totals', async () => {
      const id = await prepared(alice, { action: 'uniswap-v3-swap', token: 'USDT', amount: '5000000' });
      const hash = nextHash();
      const before = await totalOf('USDT');
      const sub = await submit(alice, id, { txHash: hash.toUpperCase().replace('0X', '0x') }).expect(200);
      expect(sub.body.data).toMatchObject({ executionId: id, status: 'submitted', txHash: hash });
      expect(await executions().findOneByOrFail({ id })).toMatchObject({ status: 'submitted', txHash: hash, feeUnits: null });

      const confirmed = await sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 1234 });
      const fee = computeFeeUnits(5_000_000n, FEE_BPS);
      expect(confirmed).toMatchObject({ status: 'confirmed', feeUnits: fee.toString(), blockNumber: 1234 });
      const row = await executions().findOneByOrFail({ id });
      expect(row).toMatchObject({ status: 'confirmed', blockNumber: 1234, feeUnits: fee });
      expect(row.latencyMs).toBeGreaterThanOrEqual(0);
      const after = await totalOf('USDT');
      expect(after.confirmedCount).toBe(before.confirmedCount + 1);
      expect(after.amountUnits).toBe(before.amountUnits + 5_000_000n);
      expect(after.feeUnits).toBe(before.feeUnits + fee);

      // Applying the same receipt again changes nothing (the watcher may retry).
      await sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 1234 });
      expect(await totalOf('USDT')).toEqual(after);
    });

    it('prepared → failed, and submitted → failed, with latency and error fields', async () => {
      const a = await prepared();
      const res = await fail(alice, a, { errorCode: 'USER_REJECTED', errorMessage: 'The wallet declined' }).expect(200);
      expect(res.body.data).toMatchObject({ status: 'failed', errorCode: 'USER_REJECTED' });
      expect(await executions().findOneByOrFail({ id: a })).toMatchObject({ status: 'failed', errorCode: 'USER_REJECTED', errorMessage: 'The wallet declined' });
      expect((await executions().findOneByOrFail({ id: a })).latencyMs).toBeGreaterThanOrEqual(0);

      const b = await prepared();
      await submit(alice, b, { txHash: nextHash() }).expect(200);
      await fail(alice, b, { errorCode: 'DROPPED' }).expect(200);
      expect(await executions().findOneByOrFail({ id: b })).toMatchObject({ status: 'failed', errorCode: 'DROPPED', errorMessage: null, feeUnits: null });
    });

    it('submitted → failed by receipt (REVERTED) counts nothing in token totals', async () => {
      const id = await prepared(alice, { action: 'uniswap-v3-swap', token: 'DAI', amount: '777' });
      const hash = nextHash();
      await submit(alice, id, { txHash: hash }).expect(200);
      const before = await totalOf('DAI');
      const failed = await sut.failFromReceipt(id, { errorCode: 'REVERTED', errorMessage: 'status 0' });
      expect(failed).toMatchObject({ status: 'failed', errorCode: 'REVERTED', feeUnits: null });
      expect(await totalOf('DAI')).toEqual(before);
      await expect(sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 1 })).rejects.toMatchObject({ response: { code: 'INVALID_TRANSITION' } });
    });

    it('rejects illegal transitions with 409 INVALID_TRANSITION', async () => {
      const id = await prepared();
      const hash = nextHash();
      await submit(alice, id, { txHash: hash }).expect(200);
      const again = await submit(alice, id, { txHash: nextHash() });
      expect([again.status, again.body.error.code]).toEqual([409, 'INVALID_TRANSITION']);
      await sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 9 });
      const failConfirmed = await fail(alice, id, { errorCode: 'LATE' });
      expect([failConfirmed.status, failConfirmed.body.error.code]).toEqual([409, 'INVALID_TRANSITION']);
      const submitConfirmed = await submit(alice, id, { txHash: nextHash() });
      expect(submitConfirmed.status).toBe(409);
      await expect(sut.failFromReceipt(id, { errorCode: 'REVERTED' })).rejects.toMatchObject({ response: { code: 'INVALID_TRANSITION' } });

      const failedId = await prepared();
      await fail(alice, failedId, { errorCode: 'USER_REJECTED' }).expect(200);
      for (const res of [await submit(alice, failedId, { txHash: nextHash() }), await fail(alice, failedId, { errorCode: 'AGAIN' })]) {
        expect([res.status, res.body.error.code]).toEqual([409, 'INVALID_TRANSITION']);
      }
      // Confirmation needs `submitted`: a prepared execution cannot be confirmed.
      const fresh = await prepared();
      await expect(sut.confirmFromReceipt(fresh, { txHash: nextHash(), blockNumber: 1 })).rejects.toMatchObject({ response: { code: 'INVALID_TRANSITION' } });
      expect((await executions().findOneByOrFail({ id: fresh })).status).toBe('prepared');
    });

    it('confirms only with the submitted tx hash (409 TX_HASH_MISMATCH) and 404 for an unknown id', async () => {
      const id = await prepared();
      await submit(alice, id, { txHash: nextHash() }).expect(200);
      await expect(sut.confirmFromReceipt(id, { txHash: nextHash(), blockNumber: 1 })).rejects.toMatchObject({ response: { code: 'TX_HASH_MISMATCH' } });
      expect((await executions().findOneByOrFail({ id })).status).toBe('submitted');
      await expect(sut.confirmFromReceipt('3f1c4a52-0000-4000-8000-000000000000', { txHash: nextHash(), blockNumber: 1 })).rejects.toMatchObject({ response: { code: 'EXECUTION_NOT_FOUND' } });
    });

    it('rejects a tx hash already used by another of the same user’s executions, or by a confirmed one (409 TX_HASH_IN_USE)', async () => {
      const hash = nextHash();
      const a = await prepared();
      const again = await prepared();
      await submit(alice, a, { txHash: hash }).expect(200);
      const res = await submit(alice, again, { txHash: hash });
      expect([res.status, res.body.error.code]).toEqual([409, 'TX_HASH_IN_USE']);
      expect((await executions().findOneByOrFail({ id: again })).status).toBe('prepared');

      await sut.confirmFromReceipt(a, { txHash: hash, blockNumber: 3 });
      const late = await prepared(bob);
      const byBob = await submit(bob, late, { txHash: hash });
      expect([byBob.status, byBob.body.error.code]).toEqual([409, 'TX_HASH_IN_USE']);
    });

    it('lets another user claim a hash that is only submitted: a claim never blocks the sender (the watcher judges the sender)', async () => {
      const hash = nextHash();
      const byBob = await prepared(bob);
      const byAlice = await prepared();
      await submit(bob, byBob, { txHash: hash }).expect(200);
      await submit(alice, byAlice, { txHash: hash }).expect(200);
      expect((await executions().findOneByOrFail({ id: byAlice })).txHash).toBe(hash);
    });

    it('lets exactly one of concurrent submits win', async () => {
      // Its own app without request logging: the race under test is the conditional UPDATE, not the log writer.
      const quiet = await bootTestApp({ env: { REQUEST_LOG_ENABLED: 'false', RATE_LIMIT_PER_MIN: '0' } });
      try {
        const owner = (await signIn(quiet.http)).sessionId;
        const res = await request(quiet.http).post('/api/execute/prepare').set('x-session-id', owner).send({ action: 'native-transfer', token: 'ETH', amount: '1' }).expect(201);
        const id = res.body.data.executionId as string;
        const results = await Promise.all(Array.from({ length: 6 }, () => request(quiet.http).post(`/api/execute/${id}/submit`).set('x-session-id', owner).send({ txHash: nextHash() })));
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(results.filter((r) => r.status === 409 && r.body.error.code === 'INVALID_TRANSITION')).toHaveLength(5);
        const winner = results.find((r) => r.status === 200)!.body.data.txHash;
        expect((await quiet.dataSource.getRepository(Execution).findOneByOrFail({ id })).txHash).toBe(winner);
      } finally {
        await quiet.close();
      }
    });

    it('counts concurrent confirmations of one token exactly once each', async () => {
      const ids: string[] = [];
      const hashesById = new Map<string, string>();
      for (let i = 0; i < 6; i++) {
        const id = await prepared(alice, { action: 'uniswap-v3-swap', token: 'WETH', amount: String(1000 + i) });
        const hash = nextHash();
        await submit(alice, id, { txHash: hash }).expect(200);
        ids.push(id);
        hashesById.set(id, hash);
      }
      const before = await totalOf('WETH');
      await Promise.all(ids.map((id) => sut.confirmFromReceipt(id, { txHash: hashesById.get(id)!, blockNumber: 7 })));
      const after = await totalOf('WETH');
      const amounts = ids.map((_, i) => BigInt(1000 + i));
      expect(after.confirmedCount).toBe(before.confirmedCount + 6);
      expect(after.amountUnits).toBe(before.amountUnits + amounts.reduce((s, a) => s + a, 0n));
      expect(after.feeUnits).toBe(before.feeUnits + amounts.reduce((s, a) => s + computeFeeUnits(a, FEE_BPS), 0n));
    });
  });

  describe('ownership and malformed input', () => {
    it("answers 404 EXECUTION_NOT_FOUND for another user's execution, exactly as for an unknown id", async () => {
      const id = await prepared(alice);
      const unknown = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
      for (const target of [id, unknown, 'not-a-uuid', "1' OR '1'='1"]) {
        for (const res of [await submit(bob, encodeURIComponent(target), { txHash: nextHash() }), await fail(bob, encodeURIComponent(target), { errorCode: 'X' })]) {
          expect(res.status).toBe(404);
          expect(res.body.error).toEqual({ code: 'EXECUTION_NOT_FOUND', message: 'No such execution' });
        }
      }
      expect((await executions().findOneByOrFail({ id })).status).toBe('prepared');
    });

    it.each([
      [{ txHash: '0x1234' }],
      [{ txHash: `0x${'g'.repeat(64)}` }],
      [{ txHash: 'ab'.repeat(32) }],
      [{ txHash: `0x${'a'.repeat(65)}` }],
      [{ txHash: 12 }],
      [{}],
    ])('submit rejects %j with 400 VALIDATION_ERROR', async (body) => {
      const id = await prepared();
      const res = await submit(alice, id, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect((await executions().findOneByOrFail({ id })).status).toBe('prepared');
    });

    it.each([
      [{ errorCode: 'lower_case' }],
      [{ errorCode: '' }],
      [{ errorCode: 'A'.repeat(65) }],
      [{ errorCode: 'OK', errorMessage: 'x'.repeat(501) }],
      [{ errorCode: 'OK', errorMessage: 5 }],
      [{}],
    ])('fail rejects %j with 400 VALIDATION_ERROR', async (body) => {
      const id = await prepared();
      const res = await fail(alice, id, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
      expect((await executions().findOneByOrFail({ id })).status).toBe('prepared');
    });
  });

  describe('amounts beyond 2^64', () => {
    it('round-trip exactly through prepare → submit → confirmFromReceipt → token_totals', async () => {
      const big = [2n ** 64n + 1n, 2n ** 100n + 12345n, 10n ** 40n - 1n];
      const before = await totalOf('ETH');
      let fees = 0n;
      for (const amount of big) {
        const res = await prepare(alice, { action: 'native-transfer', token: 'ETH', amount: amount.toString() }).expect(201);
        const id = res.body.data.executionId as string;
        expect(res.body.data.feeUnitsQuote).toBe(computeFeeUnits(amount, FEE_BPS).toString());
        const hash = nextHash();
        await submit(alice, id, { txHash: hash }).expect(200);
        const confirmed = await sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 42 });
        expect(confirmed.amount).toBe(amount.toString());
        const row = await executions().findOneByOrFail({ id });
        expect(row.amountUnits).toBe(amount);
        expect(row.feeUnits).toBe(computeFeeUnits(amount, FEE_BPS));
        fees += computeFeeUnits(amount, FEE_BPS);
      }
      const after = await totalOf('ETH');
      expect(after.amountUnits - before.amountUnits).toBe(big.reduce((s, a) => s + a, 0n));
      expect(after.feeUnits - before.feeUnits).toBe(fees);
      // Stored as exact decimal strings, not floats.
      const raw = await t.dataSource.query(`SELECT amount_units, fee_units FROM token_totals WHERE token = 'ETH'`);
      expect(raw[0].amount_units).toBe(after.amountUnits.toString());
      expect(typeof raw[0].amount_units).toBe('string');
    });

    it('keeps the fee bps fixed at prepare time even if the configuration changes later', async () => {
      const id = await prepared(alice, { action: 'uniswap-v3-swap', token: 'USDC', amount: '1000000' });
      await executions().update({ id }, { feeBps: 10 }); // as if prepared under BLOSSOM_FEE_BPS=10
      const hash = nextHash();
      await submit(alice, id, { txHash: hash }).expect(200);
      const confirmed = await sut.confirmFromReceipt(id, { txHash: hash, blockNumber: 1 });
      expect(confirmed.feeUnits).toBe(computeFeeUnits(1_000_000n, 10).toString());
    });
  });
});
