// The one load engine behind `load-test` and `devnet:load`: sign-in of ephemeral wallets, then either one pass of
// reads per user (load-test) or a time-bound mix (devnet:load), counted per endpoint against documented answers.
import { Wallet } from 'ethers';
import { PrepareBody, Preflight, defaultPrepareBody, parsePreflight, unreachable } from './api';
import { EXIT, ToolError, ToolIo } from './cli';
import { Headers, HttpClient, HttpRequest, apiErrorCode } from './http';
import { createLimiter, runWorkers } from './limiter';
import { ProgressMode, startProgress } from './progress';
import { writeRunJson } from './report-file';
import { RegistrationResult, registerRun, runHeaders } from './traffic-run';
import { signIn } from './siwe-client';
import { Expectation, RunStats, StatsSnapshot } from './stats';
import { correctedTable, endpointTable, errorTable } from './table';
import { Verdict, judgeRun, verdictLines } from './verdict';
import { createEphemeralWallets } from './wallets';

export type LoadKind = 'load-test' | 'devnet-load';

export interface LoadOptions {
  kind: LoadKind;
  baseUrl: string;
  runId: string;
  users: number;
  readConcurrency: number;
  /** load-test `full` mode: prepare calls run at this bound beside the reads. */
  execConcurrency: number;
  mode: 'read-only' | 'full';
  /** devnet-load: length of the timed mix in seconds (sign-in comes before it). */
  durationS?: number;
  minOk: number;
  maxP95: number;
  maxSignInP95: number;
  reportDir: string;
  adminToken?: string;
  progress: ProgressMode;
  /** Register the run with POST /api/telemetry/runs (default true). */
  register?: boolean;
  /** The options as the operator gave them, stored with the run. */
  params: Record<string, unknown>;
  io: ToolIo;
}

export interface RunSummary extends StatsSnapshot {
  runId: string;
  kind: LoadKind;
  baseUrl: string;
  params: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  durationS: number;
  rps: number;
  users: { requested: number; signedIn: number; signInFailed: number };
  notes: string[];
  verdict: Verdict;
  passed: boolean;
}

export interface LoadResult {
  summary: RunSummary;
  registration?: RegistrationResult;
  reportPath: string;
  exitCode: number;
}

interface VirtualUser {
  wallet: Wallet;
  statusReq?: HttpRequest;
  prepareReq?: HttpRequest;
  positionsReq: HttpRequest;
}

interface Probe {
  endpoint: string;
  expect: Expectation;
  needsSession: boolean;
  request(user: VirtualUser): HttpRequest;
}

const OK_200: Expectation = { status: 200 };

/**
 * Sign-in is CPU-bound on the server (signature recovery): beyond a few dozen in flight, more only queue there and
 * run into the client timeout, without signing in any faster. The timed mix uses the full --read-concurrency.
 */
export const SIGN_IN_CONCURRENCY_CAP = 50;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { io } = options;
  const connections = options.readConcurrency + (options.kind === 'load-test' && options.mode === 'full' ? options.execConcurrency : 0);
  const http = new HttpClient(options.baseUrl, { connections });
  const stats = new RunStats();
  const base: Headers = runHeaders(options.runId);
  const notes: string[] = [];
  const startedAt = Date.now();
  try {
    const preflight = await fetchPreflight(http, options.baseUrl, base, stats);
    const prepare = wantsPrepare(options) ? defaultPrepareBody(preflight) : undefined;
    const prepareJson = prepare && JSON.stringify({ ...prepare, validateOnly: true } satisfies PrepareBody);
    const users = await signInAll(http, options, base, preflight, stats, prepareJson);
    const signedIn = users.filter((u) => u.statusReq).length;
    const aave = options.kind === 'devnet-load' && preflight.rpc ? await probeAave(http, stats, users[0]) : 'no-rpc';
    const probes = buildProbes(base, options, notes, { anySession: signedIn > 0, canPrepare: prepareJson !== undefined, aave });

    if (options.kind === 'load-test') await runOnePass(http, options, users, probes, stats);
    else await runTimedMix(http, options, users, probes, stats);

    const endedAt = Date.now();
    const summary = buildSummary(options, stats, startedAt, endedAt, notes, { requested: options.users, signedIn, signInFailed: options.users - signedIn });
    printSummary(io, summary);

    let registration: RegistrationResult | undefined;
    if (options.register !== false) {
      registration = await registerRun(http, toRegistration(summary, startedAt, endedAt), options.adminToken);
      (registration.ok ? io.out : io.err)(registration.ok ? registration.message : `warning: ${registration.message}`);
    }
    const reportPath = await writeRunJson(options.reportDir, options.runId, { ...summary, registration });
    io.out(`JSON report: ${reportPath}`);
    const exitCode = !summary.passed || (registration && !registration.ok) ? EXIT.THRESHOLD : EXIT.OK;
    return { summary, registration, reportPath, exitCode };
  } finally {
    await http.close();
  }
}

async function fetchPreflight(http: HttpClient, baseUrl: string, base: Headers, stats: RunStats): Promise<Preflight> {
  const res = await http.send({ method: 'GET', path: '/api/execute/preflight', headers: base, wantBody: true });
  if (res.status === 0) throw unreachable(baseUrl, res.networkError);
  stats.record('GET /api/execute/preflight', res, OK_200);
  const preflight = parsePreflight(res.body);
  if (res.status !== 200 || !preflight) {
    throw new ToolError(`preflight at ${baseUrl}/api/execute/preflight answered HTTP ${res.status}, not the documented 200 with chainId; is this a Bloom Telemetry server?`);
  }
  return preflight;
}

async function signInAll(
  http: HttpClient,
  options: LoadOptions,
  base: Headers,
  preflight: Preflight,
  stats: RunStats,
  prepareJson: string | undefined,
): Promise<VirtualUser[]> {
  const wallets = createEphemeralWallets(options.users);
  const url = new URL(options.baseUrl);
  const target = { domain: url.host, uri: url.origin, chainId: preflight.chainId };
  const observe = (endpoint: string, res: Parameters<RunStats['record']>[1], status: number): void => {
    stats.record(endpoint, res, { status });
  };
  const limiter = createLimiter(Math.min(options.readConcurrency, SIGN_IN_CONCURRENCY_CAP));
  let done = 0;
  const progress = startProgress('sign-in', options.users, { done: () => done, detail: () => `${stats.total} req` }, options.progress, options.io.err);
  const users = await Promise.all(
    wallets.map((wallet) =>
      limiter.run(async (): Promise<VirtualUser> => {
        const user: VirtualUser = {
          wallet,
          positionsReq: { method: 'GET', path: `/api/defi/aave/positions?address=${wallet.address}`, headers: base },
        };
        try {
          const sessionId = await signIn(http, wallet, target, base, observe);
          const withSession = { ...base, 'x-session-id': sessionId };
          user.statusReq = { method: 'GET', path: '/api/session/status', headers: withSession };
          if (prepareJson) {
            user.prepareReq = {
              method: 'POST',
              path: '/api/execute/prepare',
              headers: { ...withSession, 'content-type': 'application/json' },
              body: prepareJson,
            };
          }
        } catch {
          // Counted by the observer under the failing endpoint; the user simply has no session.
        }
        done++;
        return user;
      }),
    ),
  );
  progress.stop();
  return users;
}

function wantsPrepare(options: LoadOptions): boolean {
  return options.kind === 'devnet-load' || options.mode === 'full';
}

type AaveAvailability = 'ok' | 'no-rpc' | 'no-pool';

/**
 * preflight `rpc: true` means ETH_RPC_URL is set, not that AAVE_POOL_ADDRESS is: one positions read first tells.
 * Its documented answers are 200, or 503 RPC_NOT_CONFIGURED when the pool is not configured.
 */
async function probeAave(http: HttpClient, stats: RunStats, user: VirtualUser): Promise<AaveAvailability> {
  const res = await http.send({ ...user.positionsReq, wantBody: true });
  const notConfigured = res.status === 503 && apiErrorCode(res.body) === 'RPC_NOT_CONFIGURED';
  stats.record(AAVE_ENDPOINT, res, notConfigured ? { status: 503, code: 'RPC_NOT_CONFIGURED' } : OK_200);
  return notConfigured ? 'no-pool' : 'ok';
}

const AAVE_ENDPOINT = 'GET /api/defi/aave/positions';

function buildProbes(
  base: Headers,
  options: LoadOptions,
  notes: string[],
  can: { anySession: boolean; canPrepare: boolean; aave: AaveAvailability },
): Map<string, Probe> {
  const { anySession, canPrepare } = can;
  const probes = new Map<string, Probe>();
  const add = (p: Probe): void => void probes.set(p.endpoint, p);
  const health: HttpRequest = { method: 'GET', path: '/health', headers: base };
  const pre: HttpRequest = { method: 'GET', path: '/api/execute/preflight', headers: base };
  const noSession: HttpRequest = { method: 'GET', path: '/api/session/status', headers: base };
  add({ endpoint: 'GET /health', expect: OK_200, needsSession: false, request: () => health });
  add({ endpoint: 'GET /api/execute/preflight', expect: OK_200, needsSession: false, request: () => pre });
  add({ endpoint: 'GET /api/session/status', expect: OK_200, needsSession: true, request: (u) => u.statusReq! });
  if (options.kind === 'devnet-load') {
    add({ endpoint: 'GET /api/session/status (no session)', expect: { status: 400, code: 'SESSION_REQUIRED' }, needsSession: false, request: () => noSession });
    if (can.aave === 'ok') {
      add({ endpoint: AAVE_ENDPOINT, expect: OK_200, needsSession: false, request: (u) => u.positionsReq });
    } else if (can.aave === 'no-rpc') {
      notes.push('Aave positions skipped: preflight reports rpc: false (no ETH_RPC_URL on the server).');
    } else {
      notes.push('Aave positions skipped: the server has an RPC but answers 503 RPC_NOT_CONFIGURED (no AAVE_POOL_ADDRESS).');
    }
  }
  if (wantsPrepare(options)) {
    if (canPrepare) {
      add({ endpoint: 'POST /api/execute/prepare (validateOnly)', expect: OK_200, needsSession: true, request: (u) => u.prepareReq! });
    } else {
      notes.push('Prepare skipped: preflight lists no adapter or no token.');
    }
  }
  if (!anySession) {
    notes.push('No wallet could sign in: session probes (status, prepare) were not sent.');
    for (const [k, p] of probes) if (p.needsSession) probes.delete(k);
  }
  return probes;
}

async function send(http: HttpClient, stats: RunStats, probe: Probe, user: VirtualUser): Promise<void> {
  const res = await http.send(probe.request(user));
  stats.record(probe.endpoint, res, probe.expect);
}

/** load-test: every user reads status, preflight and health once; `full` adds a validateOnly prepare at exec concurrency. */
async function runOnePass(http: HttpClient, options: LoadOptions, users: VirtualUser[], probes: Map<string, Probe>, stats: RunStats): Promise<void> {
  const reads = createLimiter(options.readConcurrency);
  const execs = createLimiter(options.execConcurrency);
  const prepare = probes.get('POST /api/execute/prepare (validateOnly)');
  const readProbes = [...probes.values()].filter((p) => p !== prepare);
  const tasks: Promise<void>[] = [];
  for (const user of users) {
    const hasSession = user.statusReq !== undefined;
    for (const probe of readProbes) {
      if (probe.needsSession && !hasSession) continue;
      tasks.push(reads.run(() => send(http, stats, probe, user)));
    }
    if (prepare && hasSession) tasks.push(execs.run(() => send(http, stats, prepare, user)));
  }
  const before = stats.total;
  const progress = startProgress('load', tasks.length, { done: () => stats.total - before, detail: () => `${stats.okPct()}% ok` }, options.progress, options.io.err);
  await Promise.all(tasks);
  progress.stop();
}

/** devnet:load: `readConcurrency` closed-loop workers cycle through a weighted mix until the deadline. */
async function runTimedMix(http: HttpClient, options: LoadOptions, users: VirtualUser[], probes: Map<string, Probe>, stats: RunStats): Promise<void> {
  const weights: Record<string, number> = {
    'GET /health': 2,
    'GET /api/execute/preflight': 2,
    'GET /api/session/status': 3,
    'GET /api/session/status (no session)': 1,
    'GET /api/defi/aave/positions': 2,
    'POST /api/execute/prepare (validateOnly)': 2,
  };
  const cycle = interleave([...probes.values()], (p) => weights[p.endpoint] ?? 1);
  const sessionUsers = users.filter((u) => u.statusReq);
  const durationMs = (options.durationS ?? 60) * 1000;
  const started = performance.now();
  const deadline = started + durationMs;
  let opSeq = 0;
  let userSeq = 0;
  const before = stats.total;
  const progress = startProgress(
    'devnet-load',
    options.durationS ?? 60,
    {
      done: () => Math.floor((performance.now() - started) / 1000),
      detail: () => `${stats.total - before} req, ${stats.okPct()}% ok, ${Math.round(((stats.total - before) * 1000) / Math.max(1, performance.now() - started))} req/s`,
    },
    options.progress,
    options.io.err,
  );
  await runWorkers(options.readConcurrency, async () => {
    while (performance.now() < deadline) {
      const probe = cycle[opSeq++ % cycle.length];
      const user = probe.needsSession ? sessionUsers[userSeq++ % sessionUsers.length] : users[userSeq++ % users.length];
      await send(http, stats, probe, user);
    }
  });
  progress.stop();
}

/** Weighted round-robin: each round takes every probe whose weight exceeds the round number. */
export function interleave<T>(items: T[], weight: (item: T) => number): T[] {
  const out: T[] = [];
  const max = Math.max(0, ...items.map(weight));
  for (let round = 0; round < max; round++) for (const item of items) if (weight(item) > round) out.push(item);
  return out;
}

function buildSummary(
  options: LoadOptions,
  stats: RunStats,
  startedAt: number,
  endedAt: number,
  notes: string[],
  users: RunSummary['users'],
): RunSummary {
  const snapshot = stats.snapshot();
  const durationS = Math.max(0.001, (endedAt - startedAt) / 1000);
  const verdict = judgeRun(stats, options);
  return {
    runId: options.runId,
    kind: options.kind,
    baseUrl: options.baseUrl,
    params: options.params,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationS: Math.round(durationS * 10) / 10,
    rps: Math.round(snapshot.requests / durationS),
    users,
    notes,
    ...snapshot,
    verdict,
    passed: verdict.passed,
  };
}

export function toRegistration(summary: RunSummary, startedAt: number, endedAt: number) {
  return {
    runId: summary.runId,
    kind: summary.kind,
    params: summary.params,
    startedAt,
    endedAt,
    requests: summary.requests,
    okPct: summary.okPct,
    p50Ms: summary.latency.p50,
    p95Ms: summary.latency.p95,
    p99Ms: summary.latency.p99,
    http5xx: summary.http5xx,
    ...(summary.errors[0] ? { topError: summary.errors[0].code } : {}),
    summary: {
      rps: summary.rps,
      durationS: summary.durationS,
      users: summary.users,
      notes: summary.notes,
      endpoints: summary.endpoints,
      errors: summary.errors,
      latency: summary.latency,
      verdict: summary.verdict,
      passed: summary.passed,
    },
  };
}

export function printSummary(io: ToolIo, s: RunSummary): void {
  io.out('');
  io.out(`Run ${s.runId} (${s.kind}) against ${s.baseUrl}: ${s.requests} requests in ${s.durationS} s (${s.rps} req/s), ` +
    `${s.users.signedIn}/${s.users.requested} wallets signed in`);
  for (const note of s.notes) io.out(`note: ${note}`);
  io.out('');
  io.out(endpointTable(s));
  io.out('');
  io.out(`Latency corrected for coordinated omission (hdr expected interval = the endpoint's raw median):`);
  io.out(correctedTable(s));
  io.out('');
  io.out(errorTable(s.errors));
  io.out('');
  for (const line of verdictLines(s.verdict)) io.out(line);
}
