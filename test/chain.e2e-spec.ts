// Receipt-verified executions against a real EVM node (anvil on loopback, behind a stoppable counting proxy):
// a real transaction confirms with its fee, a reverted one fails REVERTED, an unknown hash fails TX_NOT_FOUND only
// after the configured time, and while the node is down nothing changes until it is back.
import { hexlify, parseEther, randomBytes, Wallet } from 'ethers';
import { rmSync } from 'node:fs';
import request from 'supertest';
import { MAX_BACKOFF_MS, ReceiptWatcherService } from '../src/chain/receipt-watcher.service';
import { RECEIPT_WATCHER_INTERVAL } from '../src/chain/receipt-watcher.scheduler';
import { Execution } from '../src/executions/execution.entity';
import { TokenTotal } from '../src/executions/token-total.entity';
import { computeFeeUnits } from '../src/fees/fee';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createApp } from '../src/app.factory';
import { AavePoolStub, deployAavePoolStub } from './fixtures/aave-pool-stub';
import { bootTestApp, tempDbPath, TestApp, withEnv } from './support/app';
import { Devnet, RpcProxy, startDevnet, startRpcProxy } from './support/devnet';
import { createTestDatabase, postgresServerUrl } from './support/postgres';
import { signIn, SignedIn } from './support/siwe';

const TX_NOT_FOUND_AFTER_S = 5;
const INTERVAL_MS = 1000;

describe('receipt watcher on a real devnet', () => {
  let devnet: Devnet;
  let proxy: RpcProxy;
  let stub: AavePoolStub;
  let t: TestApp;
  let watcher: ReceiptWatcherService;
  let user: SignedIn;

  const execution = (id: string) => t.dataSource.getRepository(Execution).findOneByOrFail({ id });

  async function prepare(amount: bigint, token = 'ETH'): Promise<{ id: string; feeUnitsQuote: string; feeBps: number }> {
    const res = await request(t.http)
      .post('/api/execute/prepare')
      .set('x-session-id', user.sessionId)
      .send({ action: 'native-transfer', token, amount: amount.toString() })
      .expect(201);
    return { id: res.body.data.executionId, feeUnitsQuote: res.body.data.feeUnitsQuote, feeBps: res.body.data.feeBps };
  }

  async function submit(id: string, txHash: string): Promise<void> {
    const res = await request(t.http).post(`/api/execute/${id}/submit`).set('x-session-id', user.sessionId).send({ txHash }).expect(200);
    expect(res.body.data.status).toBe('submitted');
  }

  /** The signed-in user's own wallet sends `amount` wei to a fresh address; resolves with the mined hash. */
  async function sendTransfer(amount: bigint): Promise<string> {
    const tx = await (user.wallet as Wallet).connect(devnet.provider).sendTransaction({ to: Wallet.createRandom().address, value: amount });
    await tx.wait();
    return tx.hash;
  }

  beforeAll(async () => {
    devnet = await startDevnet();
    stub = await deployAavePoolStub(devnet.wallet);
    proxy = await startRpcProxy(devnet.url);
    t = await bootTestApp({
      env: {
        ETH_RPC_URL: proxy.url,
        CHAIN_ID: String(devnet.chainId),
        // Backoff starts at one interval; the scheduled job is removed below so tests drive pollOnce(now).
        RECEIPT_WATCH_INTERVAL_MS: String(INTERVAL_MS),
        RECEIPT_WATCH_BATCH: '2',
        TX_NOT_FOUND_AFTER_S: String(TX_NOT_FOUND_AFTER_S),
      },
    });
    watcher = t.app.get(ReceiptWatcherService);
    t.app.get(SchedulerRegistry).deleteInterval(RECEIPT_WATCHER_INTERVAL);
    user = await signIn(t.http, Wallet.createRandom());
    await (await devnet.wallet.sendTransaction({ to: user.address, value: parseEther('10') })).wait();
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await devnet?.stop();
  });

  // Every test leaves no submitted execution behind, so each starts from an empty queue.
  afterEach(async () => {
    await proxy.up();
    const left = await t.dataSource.getRepository(Execution).countBy({ status: 'submitted' });
    expect(left).toBe(0);
  });

  it('preflight says rpc: true', async () => {
    const res = await request(t.http).get('/api/execute/preflight').expect(200);
    expect(res.body.data).toMatchObject({ rpc: true, chainId: devnet.chainId });
  });

  it('confirms a mined transaction with its block number and the fee at the execution’s own bps', async () => {
    const amount = 1_234_567_890_123_456_789n;
    const prepared = await prepare(amount);
    const hash = await sendTransfer(amount);
    await submit(prepared.id, hash);
    const totalsBefore = await t.dataSource.getRepository(TokenTotal).findOneBy({ token: 'ETH' });

    const report = await watcher.pollOnce(Date.now());
    expect(report).toMatchObject({ checked: 1, confirmed: 1, reverted: 0, notFound: 0, pending: 0 });

    const receipt = await devnet.provider.getTransactionReceipt(hash);
    const row = await execution(prepared.id);
    const fee = computeFeeUnits(amount, prepared.feeBps);
    expect(row).toMatchObject({ status: 'confirmed', txHash: hash.toLowerCase(), blockNumber: receipt!.blockNumber, feeUnits: fee });
    expect(fee.toString()).toBe(prepared.feeUnitsQuote);
    const totals = await t.dataSource.getRepository(TokenTotal).findOneByOrFail({ token: 'ETH' });
    expect(totals.amountUnits - (totalsBefore?.amountUnits ?? 0n)).toBe(amount);
    expect(totals.feeUnits - (totalsBefore?.feeUnits ?? 0n)).toBe(fee);

    // Nothing left to read: a second pass changes nothing.
    expect(await watcher.pollOnce(Date.now())).toMatchObject({ checked: 0, confirmed: 0 });
  });

  it('fails a reverted transaction with REVERTED and applies no fee', async () => {
    const prepared = await prepare(10n ** 15n);
    const hash = await stub.sendRevertingTx();
    expect((await devnet.provider.getTransactionReceipt(hash))!.status).toBe(0);
    await submit(prepared.id, hash);

    expect(await watcher.pollOnce(Date.now())).toMatchObject({ checked: 1, reverted: 1, confirmed: 0 });
    expect(await execution(prepared.id)).toMatchObject({ status: 'failed', errorCode: 'REVERTED', feeUnits: null });
  });

  it('keeps an unknown hash submitted until TX_NOT_FOUND_AFTER_S, then fails it with TX_NOT_FOUND', async () => {
    const prepared = await prepare(5n);
    await submit(prepared.id, hexlify(randomBytes(32)));
    const submittedAt = (await execution(prepared.id)).updatedAt;

    proxy.resetCounts();
    expect(await watcher.pollOnce(submittedAt + TX_NOT_FOUND_AFTER_S * 1000 - 1)).toMatchObject({ checked: 1, pending: 1 });
    expect((await execution(prepared.id)).status).toBe('submitted');
    // Before the deadline the node is not even asked about the transaction itself.
    expect(proxy.count('eth_getTransactionByHash')).toBe(0);

    expect(await watcher.pollOnce(submittedAt + TX_NOT_FOUND_AFTER_S * 1000)).toMatchObject({ checked: 1, notFound: 1 });
    expect(proxy.count('eth_getTransactionByHash')).toBe(1);
    expect(await execution(prepared.id)).toMatchObject({ status: 'failed', errorCode: 'TX_NOT_FOUND', feeUnits: null });
  });

  it('changes nothing while the node is down, backs off exponentially, and catches up when it is back', async () => {
    const amount = 777_000_000_000n;
    const mined = await prepare(amount);
    await submit(mined.id, await sendTransfer(amount));
    const lost = await prepare(9n);
    await submit(lost.id, hexlify(randomBytes(32)));
    let now = (await execution(lost.id)).updatedAt + TX_NOT_FOUND_AFTER_S * 1000 + 1;

    await proxy.down();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const report = await watcher.pollOnce(now);
      expect(report).toMatchObject({ rpcError: expect.any(String), checked: 0, confirmed: 0, notFound: 0 });
      expect(await watcher.pollOnce(now + report.retryInMs! - 1)).toMatchObject({ skipped: 'backoff', retryInMs: 1 });
      delays.push(report.retryInMs!);
      now += report.retryInMs!;
    }
    // Doubling from one interval, capped at MAX_BACKOFF_MS.
    expect(delays).toEqual(delays.map((_, i) => Math.min(INTERVAL_MS * 2 ** i, MAX_BACKOFF_MS)));
    expect(delays[delays.length - 1]).toBe(MAX_BACKOFF_MS);
    // Past the TX_NOT_FOUND deadline, yet an unreachable node proves nothing: both stay submitted.
    expect((await execution(mined.id)).status).toBe('submitted');
    expect((await execution(lost.id)).status).toBe('submitted');

    await proxy.up();
    const back = await watcher.pollOnce(now);
    expect(back).toMatchObject({ checked: 2, confirmed: 1, notFound: 1 });
    expect(await execution(mined.id)).toMatchObject({ status: 'confirmed', feeUnits: computeFeeUnits(amount, mined.feeBps) });
    expect((await execution(lost.id)).errorCode).toBe('TX_NOT_FOUND');
  });

  it('reads in bounded batches, oldest first, and pending transactions cannot starve newer ones', async () => {
    const pending = [await prepare(1n), await prepare(2n)];
    for (const p of pending) await submit(p.id, hexlify(randomBytes(32)));
    const amount = 31_337n;
    const newest = await prepare(amount);
    await submit(newest.id, await sendTransfer(amount));
    const now = Date.now();

    proxy.resetCounts();
    expect(await watcher.pollOnce(now)).toMatchObject({ checked: 2, pending: 2 });
    expect(proxy.count('eth_getTransactionReceipt')).toBe(2);
    expect((await execution(newest.id)).status).toBe('submitted');
    // The next pass continues after the two still pending.
    expect(await watcher.pollOnce(now)).toMatchObject({ checked: 1, confirmed: 1 });
    expect((await execution(newest.id)).status).toBe('confirmed');
    // Then it starts over from the oldest; past the deadline both fail, which also empties the queue.
    expect(await watcher.pollOnce(now + TX_NOT_FOUND_AFTER_S * 1000 + 60_000)).toMatchObject({ checked: 2, notFound: 2 });
  });

  it('leaves executions the owner failed meanwhile alone', async () => {
    const amount = 4_000n;
    const prepared = await prepare(amount);
    await submit(prepared.id, await sendTransfer(amount));
    await request(t.http).post(`/api/execute/${prepared.id}/fail`).set('x-session-id', user.sessionId).send({ errorCode: 'USER_CANCELLED' }).expect(200);
    expect(await watcher.pollOnce(Date.now())).toMatchObject({ checked: 0 });
    expect((await execution(prepared.id)).status).toBe('failed');
  });
});

describe('receipt watcher scheduling', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet();
  });
  afterAll(() => devnet.stop());

  it('confirms on its own every RECEIPT_WATCH_INTERVAL_MS', async () => {
    const t = await bootTestApp({ env: { ETH_RPC_URL: devnet.url, CHAIN_ID: String(devnet.chainId), RECEIPT_WATCH_INTERVAL_MS: '200' } });
    try {
      expect(t.app.get(SchedulerRegistry).doesExist('interval', RECEIPT_WATCHER_INTERVAL)).toBe(true);
      const user = await signIn(t.http, Wallet.createRandom());
      const prepared = await request(t.http)
        .post('/api/execute/prepare')
        .set('x-session-id', user.sessionId)
        .send({ action: 'native-transfer', token: 'ETH', amount: '1000' })
        .expect(201);
      const id = prepared.body.data.executionId as string;
      const tx = await devnet.wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1000n });
      await tx.wait();
      await request(t.http).post(`/api/execute/${id}/submit`).set('x-session-id', user.sessionId).send({ txHash: tx.hash }).expect(200);
      const repo = t.dataSource.getRepository(Execution);
      const deadline = Date.now() + 10_000;
      while ((await repo.findOneByOrFail({ id })).status === 'submitted' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await repo.findOneByOrFail({ id })).status).toBe('confirmed');
    } finally {
      await t.close();
    }
  });

  it('refuses to start when the node answers another chain id than CHAIN_ID', async () => {
    // createApp directly (bootTestApp would not hand back an app whose init failed), on its own database.
    const { dir, dbPath } = tempDbPath();
    const pgServer = postgresServerUrl();
    const pg = pgServer ? await createTestDatabase(pgServer) : undefined;
    const env = { TELEMETRY_DB_PATH: dbPath, ...(pg ? { TELEMETRY_DB_URL: pg.url } : {}), ETH_RPC_URL: devnet.url, CHAIN_ID: '1' };
    const app = await withEnv(env, () => createApp({ logger: false }));
    try {
      await expect(app.init()).rejects.toThrow(`ETH_RPC_URL answers chain id ${devnet.chainId} but CHAIN_ID is 1`);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
    }
  });

  it('without ETH_RPC_URL: preflight says rpc: false, nothing is scheduled and nothing confirms', async () => {
    const t = await bootTestApp({ env: { ETH_RPC_URL: undefined, CHAIN_ID: String(devnet.chainId) } });
    try {
      const res = await request(t.http).get('/api/execute/preflight').expect(200);
      expect(res.body.data.rpc).toBe(false);
      expect(t.app.get(SchedulerRegistry).doesExist('interval', RECEIPT_WATCHER_INTERVAL)).toBe(false);
      const user = await signIn(t.http, Wallet.createRandom());
      const prepared = await request(t.http)
        .post('/api/execute/prepare')
        .set('x-session-id', user.sessionId)
        .send({ action: 'native-transfer', token: 'ETH', amount: '1000' })
        .expect(201);
      const id = prepared.body.data.executionId as string;
      const tx = await devnet.wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1000n });
      await tx.wait();
      await request(t.http).post(`/api/execute/${id}/submit`).set('x-session-id', user.sessionId).send({ txHash: tx.hash }).expect(200);
      expect(await t.app.get(ReceiptWatcherService).pollOnce(Date.now() + 86_400_000)).toMatchObject({ skipped: 'not-configured', checked: 0 });
      expect((await t.dataSource.getRepository(Execution).findOneByOrFail({ id })).status).toBe('submitted');
    } finally {
      await t.close();
    }
  });
});
