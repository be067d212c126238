// The load engine against an app with a real devnet RPC: Aave positions join the mix when the server can answer
// them, and are skipped (with a note) when it has an RPC but no Aave pool.
import { ToolIo } from '../tools/lib/cli';
import { LoadOptions, runLoad } from '../tools/lib/engine';
import { deployAavePoolStub } from './fixtures/aave-pool-stub';
import { bootTestApp, TestApp } from './support/app';
import { Devnet, startDevnet } from './support/devnet';

const AAVE = 'GET /api/defi/aave/positions';

describe('devnet:load with a devnet RPC', () => {
  let devnet: Devnet;
  let poolAddress: string;
  const apps: TestApp[] = [];
  const io: ToolIo = { out: () => undefined, err: () => undefined };

  const boot = async (env: Record<string, string>): Promise<TestApp> => {
    const t = await bootTestApp({ listen: true, env: { ETH_RPC_URL: devnet.url, CHAIN_ID: String(devnet.chainId), RECEIPT_WATCH_INTERVAL_MS: '3600000', ...env } });
    apps.push(t);
    return t;
  };

  const options = (baseUrl: string, runId: string): LoadOptions => ({
    kind: 'devnet-load', baseUrl, runId, users: 5, readConcurrency: 4, execConcurrency: 1, mode: 'read-only', durationS: 2,
    minOk: 99, maxP95: 5000, maxSignInP95: 5000, reportDir: `${apps[apps.length - 1].dbPath}-reports`, progress: 'off', register: false, params: {}, io,
  });

  beforeAll(async () => {
    devnet = await startDevnet();
    poolAddress = (await deployAavePoolStub(devnet.wallet)).address;
  }, 60_000);

  afterAll(async () => {
    for (const t of apps) await t.close();
    await devnet?.stop();
  });

  it('with an Aave pool, positions reads join the mix and answer 200', async () => {
    const t = await boot({ AAVE_POOL_ADDRESS: poolAddress });
    const { summary } = await runLoad(options(t.baseUrl, 'aave-on'));
    const aave = summary.endpoints.find((e) => e.endpoint === AAVE);
    expect(aave).toBeDefined();
    expect(aave!.total).toBeGreaterThan(1);
    expect(aave!.ok).toBe(aave!.total);
    expect(summary.notes.join(' ')).not.toMatch(/Aave/);
    expect(summary.okPct).toBe(100);
  }, 60_000);

  it('with an RPC but no pool, one probe tells and the mix skips positions with a note', async () => {
    const t = await boot({});
    const { summary } = await runLoad(options(t.baseUrl, 'aave-off'));
    expect(summary.endpoints.find((e) => e.endpoint === AAVE)).toMatchObject({ total: 1, ok: 1 });
    expect(summary.notes.join(' ')).toMatch(/Aave positions skipped: .*503 RPC_NOT_CONFIGURED/);
    expect(summary.okPct).toBe(100);
  }, 60_000);
});
