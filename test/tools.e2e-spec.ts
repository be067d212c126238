// The operator tools as an operator runs them (ts-node child processes): flag validation, exit codes, clean
// errors, and full runs against the real app.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootTestApp, TestApp } from './support/app';

const ROOT = resolve(__dirname, '..');
const TS_NODE = join(ROOT, 'node_modules', '.bin', 'ts-node');
const UNREACHABLE = 'http://127.0.0.1:9';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tool(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, BASE_URL: undefined, TELEMETRY_ADMIN_TOKEN: undefined, ETH_RPC_URL: undefined,
    DEVNET_PRIVATE_KEY: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  return new Promise((done) => {
    execFile(TS_NODE, ['--transpile-only', join(ROOT, script), ...args], { cwd: ROOT, env: childEnv, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** A clean error: the message, and no stack frames. */
function expectCleanError(run: Run, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('operator tools (CLI)', () => {
  it.each([
    ['tools/load/load-test.ts', ['--users=0'], /--users must be a positive integer, got "0"/],
    ['tools/load/load-test.ts', ['--read-concurrency=-5'], /--read-concurrency must be a positive integer/],
    ['tools/load/load-test.ts', ['--frobnicate'], /unknown option '--frobnicate'/],
    ['tools/load/load-test.ts', ['--mode=chaos'], /Allowed choices are read-only, full/],
    ['tools/load/devnet-load.ts', ['--duration=0'], /--duration must be a positive integer/],
    ['tools/load/devnet-load.ts', ['--users=-1'], /--users must be a positive integer/],
    ['tools/exec-batch/exec-batch.ts', ['--concurrency=0'], /--concurrency must be a positive integer/],
    ['tools/exec-batch/exec-batch.ts', ['--dry-run=maybe'], /--dry-run must be true or false/],
    ['tools/report/report.ts', ['--run-id=bad id'], /--run-id must match/],
  ])('%s %j → exit 2 with a clear message', async (script, args, message) => {
    expectCleanError(await tool(script, args), 2, message);
  }, 60_000);

  it('prints --help and exits 0', async () => {
    const run = await tool('tools/load/devnet-load.ts', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--read-concurrency <n>.*default: 200/s);
    expect(run.stdout).toContain('--duration <s>');
  }, 60_000);

  it('an unreachable server → exit 3, one clear line, no stack trace; exec concurrency is capped with a warning', async () => {
    const run = await tool('tools/load/load-test.ts', [`--base-url=${UNREACHABLE}`, '--exec-concurrency=40']);
    expectCleanError(run, 3, /cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    expect(run.stderr).toContain('--exec-concurrency=40 capped at 10');
  }, 60_000);

  it('a real exec batch without a devnet refuses before doing anything', async () => {
    // The base URL is unreachable: had the tool tried anything, the error would be about the server.
    const run = await tool('tools/exec-batch/exec-batch.ts', ['--dry-run=false', `--base-url=${UNREACHABLE}`], { ETH_RPC_URL: 'http://127.0.0.1:8545' });
    expectCleanError(run, 3, /needs DEVNET_PRIVATE_KEY in the environment; nothing was sent/);
  }, 60_000);

  it('a report for an unknown run id → exit 3 with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bloom-report-'));
    try {
      // An empty database: a fresh SQLite file on the PostgreSQL run too.
      const run = await tool('tools/report/report.ts', ['--run-id=no-such-run', `--out-dir=${dir}`], { TELEMETRY_DB_PATH: join(dir, 't.db'), TELEMETRY_DB_URL: undefined });
      expectCleanError(run, 3, /unknown run id "no-such-run"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('operator tools against the real app', () => {
  let server: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bloom-tools-'));
    server = await bootTestApp({ listen: true, dbPath: join(dir, 'telemetry.db') });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('load-test --mode=full prints the tables, writes the JSON, registers the run and exits 0', async () => {
    const run = await tool('tools/load/load-test.ts', [`--base-url=${server.baseUrl}`, '--users=10', '--read-concurrency=5', '--mode=full',
      '--run-id=cli-load-1', `--report-dir=${join(dir, 'reports')}`, '--max-p95=5000', '--progress=off']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\| Endpoint +\| Total \| OK +\| Fail \| +OK% \| Avg ms \| +P50 \| +P95 \| +P99 \| +Max \|$/m);
    expect(run.stdout).toContain('No errors.');
    expect(run.stdout).toContain('run cli-load-1 registered');
    const json = JSON.parse(readFileSync(join(dir, 'reports', 'cli-load-1.json'), 'utf8'));
    expect(json).toMatchObject({ runId: 'cli-load-1', kind: 'load-test', okPct: 100, users: { signedIn: 10 }, registration: { ok: true } });
    // 1 preflight + 10 × (nonce, sign-in, status, preflight, health, prepare)
    expect(json.requests).toBe(61);
  }, 120_000);

  it('a failed threshold exits 1', async () => {
    const run = await tool('tools/load/load-test.ts', [`--base-url=${server.baseUrl}`, '--users=2', '--max-p95=0.001',
      '--run-id=cli-load-2', `--report-dir=${join(dir, 'reports')}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL: OK% 100\.00 ≥ 99, P95 [\d.]+ ms > 0\.001/);
  }, 120_000);

  it('exec-batch dry run validates every execution, stores none, and the report covers the run', async () => {
    const run = await tool('tools/exec-batch/exec-batch.ts', [`--base-url=${server.baseUrl}`, '--n=4', '--concurrency=2', '--dry-run=true',
      '--token=USDC', '--amount=2500000', '--run-id=cli-batch-1', `--report-dir=${join(dir, 'reports')}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| validated \(validateOnly\) \| +4 \|/);
    expect(run.stdout).toContain('run cli-batch-1 registered');

    const report = await tool('tools/report/report.ts', ['--run-id=cli-batch-1', `--out-dir=${dir}`], { TELEMETRY_DB_PATH: server.dbPath, TELEMETRY_DB_URL: server.dbUrl });
    expect(report.code).toBe(0);
    const file = join(dir, 'DEVNET_LOAD_REPORT_cli-batch-1.md');
    expect(existsSync(file)).toBe(true);
    const markdown = readFileSync(file, 'utf8');
    for (let section = 1; section <= 9; section++) expect(markdown).toMatch(new RegExp(`^## ${section}\\. `, 'm'));
    expect(markdown).toContain('This run created no executions');
  }, 120_000);

  it('devnet:report without --run-id reports the latest run', async () => {
    const report = await tool('tools/report/report.ts', [`--out-dir=${dir}`], { TELEMETRY_DB_PATH: server.dbPath, TELEMETRY_DB_URL: server.dbUrl });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/Report for cli-batch-1 /);
  }, 60_000);
});
