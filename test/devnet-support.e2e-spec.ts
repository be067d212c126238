// The local chain the chain suites stand on (test/support/devnet.ts): anvil on loopback with a funded random account,
// automine by default, and the controls later suites need (mine, automine off, snapshot/revert, reorg), each proven
// here against the real node.
import { Wallet, parseEther } from 'ethers';
import { Devnet, startDevnet, waitForReceipt } from './support/devnet';

describe('devnet support (anvil on 127.0.0.1)', () => {
  let devnet: Devnet;

  beforeAll(async () => {
    devnet = await startDevnet({ chainId: 31_337, balanceEth: '50' });
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  const pay = (wei: bigint) => devnet.wallet.sendTransaction({ to: Wallet.createRandom().address, value: wei });

  it('listens on loopback with the asked chain id and funds the random account', async () => {
    expect(devnet.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await devnet.provider.getNetwork()).chainId).toBe(31_337n);
    expect(BigInt(await devnet.provider.send('eth_chainId', []))).toBe(31_337n);
    expect(await devnet.provider.getBalance(devnet.wallet.address)).toBe(parseEther('50'));
  });

  it('automines: a sent transaction is in the next block without a mine call', async () => {
    const before = await devnet.provider.getBlockNumber();
    const tx = await pay(1n);
    const receipt = await waitForReceipt(devnet.provider, tx.hash);
    expect(receipt.status).toBe(1);
    expect(receipt.blockNumber).toBe(before + 1);
  });

  it('mine(n) adds exactly n blocks', async () => {
    const before = await devnet.provider.getBlockNumber();
    await devnet.mine(5);
    expect(await devnet.provider.getBlockNumber()).toBe(before + 5);
    await devnet.mine();
    expect(await devnet.provider.getBlockNumber()).toBe(before + 6);
  });

  it('with automine off a transaction waits in the pool until a block is mined', async () => {
    await devnet.setAutomine(false);
    try {
      const before = await devnet.provider.getBlockNumber();
      const tx = await pay(2n);
      expect(await devnet.provider.getTransactionReceipt(tx.hash)).toBeNull();
      expect(await devnet.provider.getBlockNumber()).toBe(before);
      await devnet.mine(1);
      const receipt = await devnet.provider.getTransactionReceipt(tx.hash);
      expect(receipt?.blockNumber).toBe(before + 1);
    } finally {
      await devnet.setAutomine(true);
    }
  });

  it('revert(snapshot) restores height and balances, and a snapshot id is good once', async () => {
    const to = Wallet.createRandom().address;
    const height = await devnet.provider.getBlockNumber();
    const id = await devnet.snapshot();
    await (await devnet.wallet.sendTransaction({ to, value: 7n })).wait();
    await devnet.mine(3);
    expect(await devnet.provider.getBalance(to)).toBe(7n);

    expect(await devnet.revert(id)).toBe(true);
    expect(await devnet.provider.getBlockNumber()).toBe(height);
    expect(await devnet.provider.getBalance(to)).toBe(0n);
    expect(await devnet.revert(id)).toBe(false);
  });

  it('reorg(depth) keeps the height, replaces the block hashes and drops the reorged transaction', async () => {
    const tx = await pay(3n);
    const receipt = await waitForReceipt(devnet.provider, tx.hash);
    const height = await devnet.provider.getBlockNumber();
    expect(receipt.blockNumber).toBe(height);

    await devnet.reorg(2);

    expect(await devnet.provider.getBlockNumber()).toBe(height);
    const replaced = await devnet.provider.getBlock(height);
    expect(replaced?.hash).not.toBe(receipt.blockHash);
    expect(await devnet.provider.getTransactionReceipt(tx.hash)).toBeNull();
  });
});
