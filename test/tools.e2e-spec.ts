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

/** A usage error: exactly one line on stderr, exit 2. */
function expectUsageLine(run: Run, message: RegExp): void {
  expectCleanError(run, 2, message);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
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
    ['tools/report/report.ts', ['--max-avg=0'], /--max-avg must be a number from 0\.001/],
    ['tools/load/load-test.ts', ['--max-signin-p95=fast'], /--max-signin-p95 must be a number/],
    ['tools/load/load-test.ts', ['--base-url=http://127.0.0.1:3001/docs'], /--base-url must be the server's origin only .*got "http:\/\/127\.0\.0\.1:3001\/docs"/],
    ['tools/load/devnet-load.ts', ['--base-url=http://127.0.0.1:3001?x=1'], /--base-url must be the server's origin only/],
    ['tools/exec-batch/exec-batch.ts', ['--base-url=localhost:3001'], /--base-url must be an http\(s\) URL/],
  ])('%s %j → exit 2 with one clear line', async (script, args, message) => {
    expectUsageLine(await tool(script, args), message);
  }, 60_000);

  it.each(['tools/load/load-test.ts', 'tools/load/devnet-load.ts', 'tools/exec-batch/exec-batch.ts'])(
    '%s: a malformed BASE_URL is one clear line (exit 2), and --help still prints', async (script) => {
      expectUsageLine(await tool(script, [], { BASE_URL: 'localhost:3001' }), /^error: BASE_URL must be an http\(s\) URL .*got "localhost:3001"/);
      const help = await tool(script, ['--help'], { BASE_URL: 'localhost:3001' });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--base-url <url>\s+target server origin \(default: env BASE_URL, else\s+http:\/\/localhost:3001\)/);
    }, 60_000);

  it('prints --help and exits 0', async () => {
    const run = await tool('tools/load/devnet-load.ts', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--read-concurrency <n>.*default: 200/s);
    expect(run.stdout).toContain('--duration <s>');
    expect(run.stdout).toMatch(/--max-p95 <ms>.*default: 500/s);
    expect(run.stdout).toMatch(/--max-signin-p95 <ms>.*default: 2000/s);
  }, 60_000);

  it('--dry-run is a switch: alone it parses (the tool goes on to the server), and the default stays a dry run', async () => {
    expectCleanError(await tool('tools/exec-batch/exec-batch.ts', ['--dry-run', `--base-url=${UNREACHABLE}`]), 3, /cannot reach/);
    const help = await tool('tools/exec-batch/exec-batch.ts', ['--help']);
    expect(help.stdout).toMatch(/--dry-run \[bool\][^]*\(default:\s+true,\s+preset:\s+"true"\)/);
  }, 60_000);

  it('a report on a SQLite file that does not exist is refused (exit 2) and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bloom-report-'));
    try {
      const db = join(dir, 'typo', 'telemetry.db');
      const run = await tool('tools/report/report.ts', [`--out-dir=${dir}`], { TELEMETRY_DB_PATH: db, TELEMETRY_DB_URL: undefined });
      expectUsageLine(run, /the SQLite database .*typo\/telemetry\.db does not exist \(TELEMETRY_DB_PATH\)/);
      expect(existsSync(join(dir, 'typo'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    // The verdict judges the 41 reads; the 20 sign-in exchanges (nonce + POST /api/session) are judged apart.
    expect(json.verdict).toMatchObject({
      reads: { requests: 41, ok: 41, okPct: 100, minOk: 99, maxP95: 5000, passed: true },
      signIn: { requests: 20, ok: 20, okPct: 100, minOk: 99, maxP95: 2000, passed: true },
      passed: true,
    });
    expect(json.params).toMatchObject({ minOk: 99, maxP95: 5000, maxSignInP95: 2000 });
    expect(run.stdout).toMatch(/^Reads \(--min-ok, --max-p95\): OK% 100\.00 ≥ 99, P95 [\d.]+ ms ≤ 5000 \(41 requests\) → pass$/m);
    expect(run.stdout).toMatch(/^Sign-in \(.*\): OK% 100\.00 ≥ 99, P95 [\d.]+ ms ≤ 2000 \(20 requests\) → pass$/m);
    expect(run.stdout).toMatch(/^PASS$/m);
  }, 120_000);

  it('slow reads fail the run; sign-in has its own limit, and only that limit fails it', async () => {
    const reads = await tool('tools/load/load-test.ts', [`--base-url=${server.baseUrl}`, '--users=2', '--max-p95=0.001',
      '--run-id=cli-load-2', `--report-dir=${join(dir, 'reports')}`, '--progress=off']);
    expect(reads.code).toBe(1);
    expect(reads.stdout).toMatch(/^Reads .*P95 [\d.]+ ms > 0\.001 .*→ fail$/m);
    expect(reads.stdout).toMatch(/^FAIL: reads$/m);

    // --max-p95 far above anything, so only sign-in can fail this run: before the split it decided the one P95.
    const signIn = await tool('tools/load/load-test.ts', [`--base-url=${server.baseUrl}`, '--users=2', '--max-p95=60000',
      '--max-signin-p95=0.001', '--run-id=cli-load-3', `--report-dir=${join(dir, 'reports')}`, '--progress=off']);
    expect(signIn.code).toBe(1);
    expect(signIn.stdout).toMatch(/^Reads .*→ pass$/m);
    expect(signIn.stdout).toMatch(/^Sign-in .*P95 [\d.]+ ms > 0\.001 .*→ fail$/m);
    expect(signIn.stdout).toMatch(/^FAIL: sign-in$/m);
    const json = JSON.parse(readFileSync(join(dir, 'reports', 'cli-load-3.json'), 'utf8'));
    expect(json.verdict).toMatchObject({ reads: { passed: true }, signIn: { maxP95: 0.001, p95Passed: false }, passed: false });
  }, 120_000);

  it('exec-batch --dry-run (a bare switch) validates every execution, prints what it validated, and marks the run a dry run', async () => {
    const run = await tool('tools/exec-batch/exec-batch.ts', [`--base-url=${server.baseUrl}`, '--n=4', '--concurrency=2', '--dry-run',
      '--token=USDC', '--amount=2500000', '--run-id=cli-batch-1', `--report-dir=${join(dir, 'reports')}`, '--progress=off']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| validated \(validateOnly\) \| +4 \|/);
    // 2,500,000 base units at the default 25 bps: 6,250.
    expect(run.stdout).toContain('Validated (per execution): native-transfer of 2500000 base units of USDC, fee 25 bps, fee quote 6250 base units');
    expect(run.stdout).toContain('run cli-batch-1 registered');
    const json = JSON.parse(readFileSync(join(dir, 'reports', 'cli-batch-1.json'), 'utf8'));
    expect(json.params).toMatchObject({ dryRun: true, n: 4, token: 'USDC', amount: '2500000' });
    expect(json.quote).toEqual({ status: 'valid', action: 'native-transfer', token: 'USDC', amount: '2500000', feeBps: 25, feeUnitsQuote: '6250' });
  }, 120_000);

  it('devnet:report titles the run by its kind, creates --out-dir, and judges readiness by its limits (exit 1 when NOT READY)', async () => {
    const db = { TELEMETRY_DB_PATH: server.dbPath, TELEMETRY_DB_URL: server.dbUrl };
    const outDir = join(dir, 'new', 'reports');
    const ready = await tool('tools/report/report.ts', ['--run-id=cli-batch-1', `--out-dir=${outDir}`, '--max-avg=60000', '--max-p95=60000'], db);
    // One assertion over the whole run, so that a failure shows what the tool printed.
    expect(ready).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('Readiness: READY') });
    const markdown = readFileSync(join(outDir, 'DEVNET_LOAD_REPORT_cli-batch-1.md'), 'utf8');
    expect(markdown).toMatch(/^# Exec batch report — cli-batch-1$/m);
    for (let section = 1; section <= 9; section++) expect(markdown).toMatch(new RegExp(`^## ${section}\\. `, 'm'));
    expect(markdown).toContain('This run created no executions');
    expect(markdown).toMatch(/\| Average latency +\| avg < 60000 ms /);

    const notReady = await tool('tools/report/report.ts', ['--run-id=cli-batch-1', `--out-dir=${outDir}`, '--max-avg=0.001'], db);
    expect(notReady.code).toBe(1);
    expect(notReady.stdout).toContain('Readiness: NOT READY (Average latency)');

    await tool('tools/report/report.ts', ['--run-id=cli-load-1', `--out-dir=${outDir}`], db);
    expect(readFileSync(join(outDir, 'DEVNET_LOAD_REPORT_cli-load-1.md'), 'utf8')).toMatch(/^# Load test report — cli-load-1$/m);
  }, 120_000);

  it('a report for an unknown run id → exit 3 with a clear message', async () => {
    const run = await tool('tools/report/report.ts', ['--run-id=no-such-run', `--out-dir=${dir}`], { TELEMETRY_DB_PATH: server.dbPath, TELEMETRY_DB_URL: server.dbUrl });
    expectCleanError(run, 3, /unknown run id "no-such-run"/);
  }, 60_000);

  it('devnet:report without --run-id reports the latest run', async () => {
    const report = await tool('tools/report/report.ts', [`--out-dir=${dir}`, '--max-avg=60000', '--max-p95=60000'], { TELEMETRY_DB_PATH: server.dbPath, TELEMETRY_DB_URL: server.dbUrl });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/Report for cli-batch-1 /);
  }, 60_000);
});
