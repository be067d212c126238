// devnet:exec-batch in real mode as an operator runs it (a ts-node child process) against the app and a real devnet:
// every execution is backed by a mined transfer, confirmed by the server's receipt watcher, and devnet-stats counts
// exactly those with exact volume and fees. The report then lists the real hashes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { Execution } from '../src/executions/execution.entity';
import { computeFeeUnits } from '../src/fees/fee';
import { runRecipient } from '../tools/exec-batch/send-devnet-tx';
import { bootTestApp, TestApp } from './support/app';
import { Devnet, startDevnet } from './support/devnet';

const ROOT = resolve(__dirname, '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tool(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, BASE_URL: undefined, TELEMETRY_ADMIN_TOKEN: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return new Promise((done) => {
    execFile(TS_NODE, ['--transpile-only', join(ROOT, script), ...args], { cwd: ROOT, env: childEnv, timeout: 240_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('devnet:exec-batch --dry-run=false on a real devnet', () => {
  const N = 25;
  const AMOUNT = 123_456_789_012_345n;
  const RUN_ID = 'chain-batch-1';
  let devnet: Devnet;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    devnet = await startDevnet();
    t = await bootTestApp({
      listen: true,
      env: { ETH_RPC_URL: devnet.url, CHAIN_ID: String(devnet.chainId), RECEIPT_WATCH_INTERVAL_MS: '250' },
    });
    dir = mkdtempSync(join(tmpdir(), 'bloom-exec-batch-'));
  });

  afterAll(async () => {
    await t?.close();
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`confirms ${N} real transfers and devnet-stats counts exactly those, with exact volume and fees`, async () => {
    const recipientBefore = await devnet.provider.getBalance(runRecipient(RUN_ID));
    const run = await tool(
      'tools/exec-batch/exec-batch.ts',
      [`--base-url=${t.baseUrl}`, `--n=${N}`, '--concurrency=5', '--dry-run=false', '--token=ETH', `--amount=${AMOUNT}`,
        `--run-id=${RUN_ID}`, '--wait-s=90', '--progress=off', `--report-dir=${join(dir, 'reports')}`],
      { ETH_RPC_URL: devnet.url, DEVNET_PRIVATE_KEY: devnet.fundedKey },
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`\\| confirmed +\\| +${N} \\|`));
    // The funding key never reaches the output, with or without its 0x.
    expect(run.stdout + run.stderr).not.toContain(devnet.fundedKey.slice(2));

    const rows = await t.dataSource.getRepository(Execution).find();
    expect(rows).toHaveLength(N);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'confirmed', token: 'ETH', amountUnits: AMOUNT, feeUnits: computeFeeUnits(AMOUNT, row.feeBps) });
      // Each hash is a mined, successful transfer of the prepared amount to the run's address.
      const [tx, receipt] = await Promise.all([devnet.provider.getTransaction(row.txHash!), devnet.provider.getTransactionReceipt(row.txHash!)]);
      expect(receipt).toMatchObject({ status: 1, blockNumber: row.blockNumber });
      expect(tx).toMatchObject({ to: runRecipient(RUN_ID), value: AMOUNT });
      expect(run.stdout).toContain(row.txHash!);
    }
    expect((await devnet.provider.getBalance(runRecipient(RUN_ID))) - recipientBefore).toBe(AMOUNT * BigInt(N));

    const stats = (await request(t.http).get('/api/telemetry/devnet-stats').expect(200)).body.data;
    const fees = rows.reduce((sum, r) => sum + computeFeeUnits(AMOUNT, r.feeBps), 0n);
    expect(stats.transactions).toMatchObject({ allTime: N, successCount: N, failCount: 0, pendingCount: 0 });
    expect(stats.amountExecuted.byToken).toEqual([{ token: 'ETH', decimals: 18, totalUnits: (AMOUNT * BigInt(N)).toString() }]);
    expect(stats.feesCollected.byToken).toEqual([
      expect.objectContaining({ token: 'ETH', decimals: 18, totalFeeUnits: fees.toString(), last24hFeeUnits: fees.toString() }),
    ]);

    // The report reads the same database as the server (on PostgreSQL runs, the test app's own database).
    const dbEnv: Record<string, string> = t.dbUrl ? { TELEMETRY_DB_URL: t.dbUrl } : { TELEMETRY_DB_PATH: t.dbPath };
    // Latency limits out of the way: this checks the listed hashes, and a busy shared machine must not make it NOT READY.
    const report = await tool('tools/report/report.ts', [`--run-id=${RUN_ID}`, `--out-dir=${dir}`, '--max-avg=60000', '--max-p95=60000'], dbEnv);
    // The tool's own output in the failure message, not only its exit code.
    expect({ code: report.code, stdout: report.stdout, stderr: report.stderr }).toEqual({ code: 0, stdout: expect.stringContaining('Readiness: READY'), stderr: '' });
    const markdown = readFileSync(join(dir, `DEVNET_LOAD_REPORT_${RUN_ID}.md`), 'utf8');
    const recent = markdown.slice(markdown.search(/^## 8\. /m), markdown.search(/^## 9\. /m));
    const listed = recent.match(/0x[0-9a-f]{64}/g) ?? [];
    expect(listed.length).toBeGreaterThan(0);
    const known = new Set(rows.map((r) => r.txHash));
    for (const hash of listed) expect(known.has(hash)).toBe(true);
  }, 240_000);
});
