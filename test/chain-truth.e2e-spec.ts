// The figures only count what really happened on chain, on a real devnet (anvil on loopback behind a counting proxy):
// a transaction counts only for the wallet that sent it (another user's claim of the hash fails and never blocks the
// sender), only once its receipt is CONFIRMATIONS blocks deep, and a reorg that drops its block takes it back out of
// the totals.
import { SchedulerRegistry } from '@nestjs/schedule';
import { HDNodeWallet, parseEther, Wallet } from 'ethers';
import request from 'supertest';
import { RPC_TIMEOUT_MS } from '../src/chain/chain.service';
import { RECEIPT_WATCHER_INTERVAL } from '../src/chain/receipt-watcher.scheduler';
import { ReceiptWatcherService } from '../src/chain/receipt-watcher.service';
import { Execution } from '../src/executions/execution.entity';
import { TokenTotal } from '../src/executions/token-total.entity';
import { computeFeeUnits } from '../src/fees/fee';
import { bootTestApp, TestApp } from './support/app';
import { Devnet, RpcProxy, startDevnet, startRpcProxy } from './support/devnet';
import { signIn, SignedIn } from './support/siwe';

const CONFIRMATIONS = 3;

describe(`sender, depth (CONFIRMATIONS=${CONFIRMATIONS}) and reorgs on a real devnet`, () => {
  let devnet: Devnet;
  let proxy: RpcProxy;
  let t: TestApp;
  let watcher: ReceiptWatcherService;
  let alice: SignedIn;
  let bob: SignedIn;

  const execution = (id: string) => t.dataSource.getRepository(Execution).findOneByOrFail({ id });
  const ethTotals = async () =>
    (await t.dataSource.getRepository(TokenTotal).findOneBy({ token: 'ETH' })) ?? { confirmedCount: 0, amountUnits: 0n, feeUnits: 0n };

  async function prepare(who: SignedIn, amount: bigint): Promise<{ id: string; feeBps: number }> {
    const res = await request(t.http)
      .post('/api/execute/prepare')
      .set('x-session-id', who.sessionId)
      .send({ action: 'native-transfer', token: 'ETH', amount: amount.toString() })
      .expect(201);
    return { id: res.body.data.executionId, feeBps: res.body.data.feeBps };
  }

  const submit = (who: SignedIn, id: string, txHash: string) =>
    request(t.http).post(`/api/execute/${id}/submit`).set('x-session-id', who.sessionId).send({ txHash });

  /** `who`'s own wallet sends `amount` wei; with automine the transaction is in a block (depth 1) when this resolves. */
  async function sendFrom(who: SignedIn, amount: bigint): Promise<{ hash: string; blockNumber: number }> {
    const tx = await (who.wallet as HDNodeWallet).connect(devnet.provider).sendTransaction({ to: Wallet.createRandom().address, value: amount });
    const receipt = await tx.wait();
    return { hash: tx.hash, blockNumber: receipt!.blockNumber };
  }

  beforeAll(async () => {
    devnet = await startDevnet();
    proxy = await startRpcProxy(devnet.url);
    t = await bootTestApp({ env: { ETH_RPC_URL: proxy.url, CHAIN_ID: String(devnet.chainId), CONFIRMATIONS: String(CONFIRMATIONS) } });
    // The tests drive pollOnce themselves.
    t.app.get(SchedulerRegistry).deleteInterval(RECEIPT_WATCHER_INTERVAL);
    watcher = t.app.get(ReceiptWatcherService);
    alice = await signIn(t.http, Wallet.createRandom());
    bob = await signIn(t.http, Wallet.createRandom());
    for (const who of [alice, bob]) await (await devnet.wallet.sendTransaction({ to: who.address, value: parseEther('10') })).wait();
  });

  afterAll(async () => {
    proxy?.setHang(false);
    await t?.close();
    await proxy?.close();
    await devnet?.stop();
  });

  it('refuses at submit a hash the node knows was sent by another wallet (409 TX_SENDER_MISMATCH), and the sender can still submit it', async () => {
    const amount = 1_000_000n;
    const byBob = await prepare(bob, amount);
    const byAlice = await prepare(alice, amount);
    const { hash } = await sendFrom(alice, amount);

    const refused = await submit(bob, byBob.id, hash);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'TX_SENDER_MISMATCH']);
    expect(await execution(byBob.id)).toMatchObject({ status: 'prepared', txHash: null });

    await submit(alice, byAlice.id, hash).expect(200);
    await devnet.mine(CONFIRMATIONS - 1);
    expect(await watcher.pollOnce()).toMatchObject({ confirmed: 1 });
    expect((await execution(byAlice.id)).status).toBe('confirmed');
  });

  it('a claim by another wallet that the node could not check at submit fails TX_SENDER_MISMATCH; the sender submits and confirms', async () => {
    const amount = 2_345_678_901_234n;
    const byBob = await prepare(bob, amount);
    const byAlice = await prepare(alice, amount);
    const { hash } = await sendFrom(alice, amount);
    const before = await ethTotals();

    // The node hangs: the submit does not wait for it (nor for the RPC's own timeout) and is accepted.
    proxy.setHang(true);
    const started = Date.now();
    await submit(bob, byBob.id, hash).expect(200);
    expect(Date.now() - started).toBeLessThan(RPC_TIMEOUT_MS);
    proxy.setHang(false);

    // Bob's claim does not lock the hash: Alice, who sent it, submits it too. Right after a lookup that failed, submits
    // skip the node for a while instead of each waiting for it.
    proxy.resetCounts();
    await submit(alice, byAlice.id, hash).expect(200);
    expect(proxy.count('eth_getTransactionByHash')).toBe(0);

    // At depth 1 the receipt already proves the sender: Bob's claim fails at once, Alice's waits for depth.
    expect(await watcher.pollOnce()).toMatchObject({ checked: 2, senderMismatch: 1, shallow: 1, confirmed: 0 });
    expect(await execution(byBob.id)).toMatchObject({ status: 'failed', errorCode: 'TX_SENDER_MISMATCH', feeUnits: null });
    expect((await execution(byAlice.id)).status).toBe('submitted');

    await devnet.mine(CONFIRMATIONS - 1);
    expect(await watcher.pollOnce()).toMatchObject({ checked: 1, confirmed: 1 });
    const fee = computeFeeUnits(amount, byAlice.feeBps);
    expect(await execution(byAlice.id)).toMatchObject({ status: 'confirmed', feeUnits: fee });
    const after = await ethTotals();
    // Counted once, for the sender only.
    expect(after.confirmedCount - before.confirmedCount).toBe(1);
    expect(after.amountUnits - before.amountUnits).toBe(amount);
    expect(after.feeUnits - before.feeUnits).toBe(fee);
  });

  it(`confirms only once the receipt is ${CONFIRMATIONS} blocks deep`, async () => {
    const amount = 31_337n;
    const prepared = await prepare(alice, amount);
    const { hash, blockNumber } = await sendFrom(alice, amount);
    await submit(alice, prepared.id, hash).expect(200);

    for (let depth = 1; depth < CONFIRMATIONS; depth++) {
      expect((await devnet.provider.getBlockNumber()) - blockNumber + 1).toBe(depth);
      expect(await watcher.pollOnce()).toMatchObject({ checked: 1, shallow: 1, confirmed: 0 });
      expect(await execution(prepared.id)).toMatchObject({ status: 'submitted', blockNumber: null, feeUnits: null });
      await devnet.mine(1);
    }
    expect(await watcher.pollOnce()).toMatchObject({ checked: 1, confirmed: 1 });
    expect(await execution(prepared.id)).toMatchObject({ status: 'confirmed', blockNumber });
  });

  it('a reorg that drops a confirmed execution’s block puts it back to submitted and takes it out of the totals; re-mined, it counts once', async () => {
    const amount = 987_654_321_000n;
    const prepared = await prepare(alice, amount);
    const before = await ethTotals();
    // Signed once, so the very same transaction (same hash) can be broadcast again after the reorg.
    const wallet = (alice.wallet as HDNodeWallet).connect(devnet.provider);
    const raw = await wallet.signTransaction(await wallet.populateTransaction({ to: Wallet.createRandom().address, value: amount }));
    const sent = await devnet.provider.broadcastTransaction(raw);
    const minedIn = (await sent.wait())!.blockNumber;
    await submit(alice, prepared.id, sent.hash).expect(200);
    await devnet.mine(CONFIRMATIONS - 1);
    expect(await watcher.pollOnce()).toMatchObject({ confirmed: 1 });
    const fee = computeFeeUnits(amount, prepared.feeBps);
    const confirmedTotals = await ethTotals();
    expect(confirmedTotals.amountUnits - before.amountUnits).toBe(amount);

    // Replace every block from the transaction's on: the transaction is no longer on the chain.
    await devnet.reorg((await devnet.provider.getBlockNumber()) - minedIn + 1);
    expect(await devnet.provider.getTransactionReceipt(sent.hash)).toBeNull();
    const report = await watcher.pollOnce();
    expect(report.rechecked).toBeGreaterThanOrEqual(1);
    expect(report.reorged).toBe(1);
    expect(await execution(prepared.id)).toMatchObject({ status: 'submitted', blockNumber: null, blockHash: null, feeUnits: null });
    expect(await ethTotals()).toMatchObject({ confirmedCount: before.confirmedCount, amountUnits: before.amountUnits, feeUnits: before.feeUnits });

    // The same transaction mined again confirms again at the required depth, and counts exactly once.
    await (await devnet.provider.broadcastTransaction(raw)).wait();
    await devnet.mine(CONFIRMATIONS - 1);
    expect(await watcher.pollOnce()).toMatchObject({ confirmed: 1, reorged: 0 });
    expect((await execution(prepared.id)).status).toBe('confirmed');
    const after = await ethTotals();
    expect(after.confirmedCount - before.confirmedCount).toBe(1);
    expect(after.amountUnits - before.amountUnits).toBe(amount);
    expect(after.feeUnits - before.feeUnits).toBe(fee);
  });

  it('re-reads a confirmed execution while its block is among the newest 128, then never again (bounded work)', async () => {
    const amount = 555n;
    const prepared = await prepare(alice, amount);
    const { hash } = await sendFrom(alice, amount);
    await submit(alice, prepared.id, hash).expect(200);
    await devnet.mine(CONFIRMATIONS - 1);
    expect(await watcher.pollOnce()).toMatchObject({ confirmed: 1 });
    const { blockNumber } = await execution(prepared.id);

    // Every other confirmed execution is in an older block: at this head only this one is inside the window.
    await devnet.mine(blockNumber! + 127 - (await devnet.provider.getBlockNumber()));
    expect(await watcher.pollOnce()).toMatchObject({ rechecked: 1, reorged: 0 });
    await devnet.mine(1);
    expect(await watcher.pollOnce()).toMatchObject({ rechecked: 0 });
    expect((await execution(prepared.id)).status).toBe('confirmed');
  });
});
