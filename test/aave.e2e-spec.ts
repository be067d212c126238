// GET /api/defi/aave/positions end to end: a real EVM node (anvil) with an Aave-like pool contract compiled from
// test/fixtures/AavePoolStub.sol, reached through a counting JSON-RPC proxy.
import { getAddress, Wallet } from 'ethers';
import request from 'supertest';
import { validateEnv } from '../src/config/env.validation';
import { RequestLog } from '../src/traffic/request-log.entity';
import { RequestLogWriter } from '../src/traffic/request-log.writer';
import { UsersService } from '../src/users/users.service';
import { AccountData, AavePoolStub, deployAavePoolStub } from './fixtures/aave-pool-stub';
import { bootTestApp, TestApp } from './support/app';
import { Devnet, RpcProxy, startDevnet, startRpcProxy } from './support/devnet';

const PATH = '/api/defi/aave/positions';

function randomAccountData(): AccountData {
  // Values beyond 2^53 and 2^64 prove nothing passes through a JS number.
  const big = (bits: number) => BigInt(`0x${Wallet.createRandom().privateKey.slice(2, 2 + bits / 4)}`);
  return {
    totalCollateralBase: big(200),
    totalDebtBase: big(96),
    availableBorrowsBase: big(72),
    currentLiquidationThreshold: 8250n,
    ltv: 8000n,
    healthFactor: 2n ** 255n + 1n,
  };
}

const asStrings = (d: AccountData) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.toString()]));

describe('Aave positions on a real devnet', () => {
  let devnet: Devnet;
  let proxy: RpcProxy;
  let stub: AavePoolStub;
  const apps: TestApp[] = [];

  const boot = async (env: Record<string, string | undefined>) => {
    const t = await bootTestApp({ env: { CHAIN_ID: String(devnet.chainId), RECEIPT_WATCH_INTERVAL_MS: '3600000', ...env } });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    devnet = await startDevnet();
    stub = await deployAavePoolStub(devnet.wallet);
    proxy = await startRpcProxy(devnet.url);
  });

  afterAll(async () => {
    for (const t of apps) await t.close();
    await proxy?.close();
    await devnet?.stop();
  });

  describe('configured', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await boot({ ETH_RPC_URL: proxy.url, AAVE_POOL_ADDRESS: stub.address, AAVE_CACHE_MS: '1500' });
    });
    afterEach(() => {
      proxy.setDelay(0);
      proxy.setHang(false);
    });

    it('answers the contract values as exact decimal strings', async () => {
      const user = Wallet.createRandom().address;
      const data = randomAccountData();
      await stub.setUserAccountData(user, data);
      const res = await request(t.http).get(PATH).query({ address: user }).expect(200);
      expect(res.body).toEqual({
        ok: true,
        data: { ...asStrings(data), address: user, readAt: expect.any(String) },
      });
    });

    it('logs the request under the asked-about address’s user hash (never the address)', async () => {
      const user = Wallet.createRandom().address;
      await request(t.http).get(PATH).query({ address: user }).expect(200);
      await t.app.get(RequestLogWriter).flush();
      const rows = await t.dataSource.getRepository(RequestLog).findBy({ route: PATH });
      const expected = t.app.get(UsersService).hashAddress(user);
      expect(rows.map((r) => r.userHash)).toContain(expected);
      expect(JSON.stringify(rows)).not.toContain(user.slice(2).toLowerCase());
    });

    it('answers zeros for an address the pool does not know', async () => {
      const res = await request(t.http).get(PATH).query({ address: Wallet.createRandom().address.toLowerCase() }).expect(200);
      expect(res.body.data.healthFactor).toBe('0');
      expect(res.body.data.totalCollateralBase).toBe('0');
    });

    it('serves repeated reads of one address from the cache until it expires', async () => {
      const user = Wallet.createRandom().address;
      await stub.setUserAccountData(user, randomAccountData());
      proxy.resetCounts();
      const first = await request(t.http).get(PATH).query({ address: user }).expect(200);
      // Lower case is the same address: same cache entry.
      const second = await request(t.http).get(PATH).query({ address: user.toLowerCase() }).expect(200);
      expect(second.body.data).toEqual(first.body.data);
      expect(proxy.count('eth_call')).toBe(1);

      const changed = randomAccountData();
      await stub.setUserAccountData(user, changed);
      await new Promise((r) => setTimeout(r, 1600));
      const third = await request(t.http).get(PATH).query({ address: user }).expect(200);
      expect(proxy.count('eth_call')).toBe(2);
      expect(third.body.data).toMatchObject(asStrings(changed));
    });

    it('answers 400 for malformed addresses and a wrong EIP-55 checksum', async () => {
      const good = Wallet.createRandom().address;
      // Flip the case of one letter: still hex, no longer the checksum.
      const i = good.slice(2).search(/[a-fA-F]/) + 2;
      const flipped = good.slice(0, i) + (good[i] === good[i].toLowerCase() ? good[i].toUpperCase() : good[i].toLowerCase()) + good.slice(i + 1);
      proxy.resetCounts();
      for (const address of [flipped, '0x123', `${good}00`, 'vitalik.eth', '']) {
        const res = await request(t.http).get(PATH).query({ address }).expect(400);
        expect(res.body).toEqual({ ok: false, error: { code: 'VALIDATION_ERROR', message: expect.any(String) } });
      }
      await request(t.http).get(PATH).expect(400);
      await request(t.http).get(PATH).query({ address: good, extra: '1' }).expect(400);
      expect(proxy.count('eth_call')).toBe(0);
      await request(t.http).get(PATH).query({ address: good.toUpperCase().replace('0X', '0x') }).expect(200);
      expect(getAddress(good.toLowerCase())).toBe(good);
    });

    it('answers 502 RPC_ERROR when the node does not answer within 2 s', async () => {
      proxy.setHang(true);
      const started = Date.now();
      const res = await request(t.http).get(PATH).query({ address: Wallet.createRandom().address }).expect(502);
      const took = Date.now() - started;
      expect(res.body.error.code).toBe('RPC_ERROR');
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(4000);
    });

    it('answers 502 RPC_ERROR when the node is down, and again 200 when it is back', async () => {
      const user = Wallet.createRandom().address;
      await proxy.down();
      try {
        const res = await request(t.http).get(PATH).query({ address: user }).expect(502);
        expect(res.body.error.code).toBe('RPC_ERROR');
      } finally {
        await proxy.up();
      }
      // A failed read is not cached.
      await request(t.http).get(PATH).query({ address: user }).expect(200);
    });
  });

  it('coalesces concurrent reads of one address into one eth_call (cache off)', async () => {
    const t = await boot({ ETH_RPC_URL: proxy.url, AAVE_POOL_ADDRESS: stub.address, AAVE_CACHE_MS: '0' });
    const user = Wallet.createRandom().address;
    const data = randomAccountData();
    await stub.setUserAccountData(user, data);
    // A slow node keeps the first read in flight while all the others arrive.
    proxy.setDelay(400);
    proxy.resetCounts();
    try {
      const n = 50;
      const responses = await Promise.all(Array.from({ length: n }, () => request(t.http).get(PATH).query({ address: user })));
      expect(responses.map((r) => r.status)).toEqual(Array(n).fill(200));
      for (const r of responses) expect(r.body.data).toMatchObject(asStrings(data));
      expect(proxy.count('eth_call')).toBe(1);
    } finally {
      proxy.setDelay(0);
    }
    // Nothing cached with AAVE_CACHE_MS=0: the next read goes to the node again.
    await request(t.http).get(PATH).query({ address: user }).expect(200);
    expect(proxy.count('eth_call')).toBe(2);
  });

  it('answers 502 RPC_ERROR when AAVE_POOL_ADDRESS holds no contract', async () => {
    const t = await boot({ ETH_RPC_URL: devnet.url, AAVE_POOL_ADDRESS: Wallet.createRandom().address });
    const res = await request(t.http).get(PATH).query({ address: Wallet.createRandom().address }).expect(502);
    expect(res.body.error.code).toBe('RPC_ERROR');
  });

  it('rejects at start-up an AAVE_POOL_ADDRESS whose EIP-55 checksum is wrong', () => {
    // Flip the case of one letter of the checksummed address: still mixed case, no longer its checksum.
    const good = stub.address;
    const i = good.slice(2).search(/[a-fA-F]/) + 2;
    const broken = good.slice(0, i) + (good[i] === good[i].toLowerCase() ? good[i].toUpperCase() : good[i].toLowerCase()) + good.slice(i + 1);
    expect(validateEnv({ AAVE_POOL_ADDRESS: good }).AAVE_POOL_ADDRESS).toBe(good);
    expect(validateEnv({ AAVE_POOL_ADDRESS: good.toLowerCase() }).AAVE_POOL_ADDRESS).toBe(good.toLowerCase());
    expect(() => validateEnv({ AAVE_POOL_ADDRESS: broken })).toThrow(`AAVE_POOL_ADDRESS="${broken}": must have a valid EIP-55 checksum when mixed case`);
  });

  it('answers 503 RPC_NOT_CONFIGURED without ETH_RPC_URL or without AAVE_POOL_ADDRESS', async () => {
    const noRpc = await boot({ ETH_RPC_URL: undefined, AAVE_POOL_ADDRESS: stub.address });
    const noPool = await boot({ ETH_RPC_URL: devnet.url, AAVE_POOL_ADDRESS: undefined });
    for (const t of [noRpc, noPool]) {
      const res = await request(t.http).get(PATH).query({ address: Wallet.createRandom().address }).expect(503);
      expect(res.body).toEqual({ ok: false, error: { code: 'RPC_NOT_CONFIGURED', message: expect.any(String) } });
    }
  });
});
