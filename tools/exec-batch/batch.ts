// devnet:exec-batch: n wallets sign in and prepare one execution each; in real mode each execution is backed by a
// real devnet transfer whose hash is submitted, then the server's receipt watcher confirms or fails it.
import { defaultPrepareBody, Preflight, parsePreflight, unreachable, adminHeaders } from '../lib/api';
import { EXIT, ToolError, ToolIo } from '../lib/cli';
import { Headers, HttpClient, apiErrorCode, envelopeData } from '../lib/http';
import { createLimiter } from '../lib/limiter';
import { ProgressMode, startProgress } from '../lib/progress';
import { writeRunJson } from '../lib/report-file';
import { RegistrationResult, registerRun, runHeaders } from '../lib/traffic-run';
import { signIn } from '../lib/siwe-client';
import { RunStats } from '../lib/stats';
import { endpointTable, errorTable, renderTable } from '../lib/table';
import { createEphemeralWallets } from '../lib/wallets';
import { DevnetSender, connectDevnet, runRecipient, sendDevnetTransfer } from './send-devnet-tx';

export interface ExecBatchOptions {
  baseUrl: string;
  runId: string;
  n: number;
  concurrency: number;
  dryRun: boolean;
  token?: string;
  amount?: string;
  /** Real mode: how long to wait for the receipt watcher before reporting the rest as pending. */
  waitS: number;
  reportDir: string;
  adminToken?: string;
  /** Real mode only (checked before anything is sent). */
  devnet?: { rpcUrl: string; privateKey: string };
  progress: ProgressMode;
  params: Record<string, unknown>;
  io: ToolIo;
}

type Outcome = 'validated' | 'prepared' | 'submitted' | 'confirmed' | 'failed' | 'sign-in failed' | 'prepare failed' | 'send failed' | 'submit failed';

/** The server's validateOnly answer: what a dry run validated. */
interface Quote {
  action: string;
  token: string | null;
  amount: string | null;
  feeBps: number;
  feeUnitsQuote: string | null;
}

interface Item {
  index: number;
  outcome: Outcome;
  quote?: Quote;
  executionId?: string;
  txHash?: string;
  error?: string;
}

export interface ExecBatchResult {
  counts: Record<string, number>;
  items: Item[];
  registration: RegistrationResult;
  reportPath: string;
  exitCode: number;
}

const POLL_MS = 2000;

export async function runExecBatch(options: ExecBatchOptions): Promise<ExecBatchResult> {
  const { io } = options;
  const http = new HttpClient(options.baseUrl, { connections: options.concurrency + 1 });
  const stats = new RunStats();
  const base: Headers = runHeaders(options.runId);
  const startedAt = Date.now();
  let sender: DevnetSender | undefined;
  try {
    const preflightRes = await http.send({ method: 'GET', path: '/api/execute/preflight', headers: base, wantBody: true });
    if (preflightRes.status === 0) throw unreachable(options.baseUrl, preflightRes.networkError);
    stats.record('GET /api/execute/preflight', preflightRes, { status: 200 });
    const preflight = parsePreflight(preflightRes.body);
    if (!preflight) throw new ToolError(`preflight answered HTTP ${preflightRes.status}; is ${options.baseUrl} a Bloom Telemetry server?`);
    const body = prepareBody(preflight, options);
    if (!options.dryRun) {
      if (!preflight.rpc) throw new ToolError('the server has no ETH_RPC_URL (preflight rpc: false): nothing would ever confirm; configure it before --dry-run=false.');
      sender = connectDevnet(options.devnet!.rpcUrl, options.devnet!.privateKey);
    }
    const url = new URL(options.baseUrl);
    const target = { domain: url.host, uri: url.origin, chainId: preflight.chainId };
    const recipient = runRecipient(options.runId);
    const limiter = createLimiter(options.concurrency);
    const items: Item[] = [];
    const progress = startProgress('exec-batch', options.n, { done: () => items.length, detail: () => `${stats.total} req` }, options.progress, io.err);
    await Promise.all(createEphemeralWallets(options.n).map((wallet, index) =>
      limiter.run(async () => {
        const item: Item = { index, outcome: 'sign-in failed' };
        try {
          const sessionId = await signIn(http, wallet, target, base, (e, res, status) => void stats.record(e, res, { status }));
          const headers = { ...base, 'x-session-id': sessionId, 'content-type': 'application/json' };
          await prepareAndSend(http, stats, headers, body, options, item, sender, recipient);
        } catch (err) {
          item.error ??= (err as Error).message;
        }
        items.push(item);
      })));
    progress.stop();
    if (sender) await waitForReceipts(http, options, items);
    items.sort((a, b) => a.index - b.index);
    return await finish(http, options, stats, items, startedAt);
  } finally {
    sender?.close();
    await http.close();
  }
}

function prepareBody(preflight: Preflight, options: ExecBatchOptions): string {
  const body = defaultPrepareBody(preflight, options.token, options.amount);
  if (!body) {
    throw new ToolError(options.token
      ? `token "${options.token}" is not listed by the server's preflight (${preflight.tokens.map((t) => t.symbol).join(', ')}).`
      : 'the server\'s preflight lists no adapter or no token.');
  }
  if (!options.dryRun && body.action !== 'native-transfer') {
    throw new ToolError('the server does not allow the native-transfer adapter, which real mode sends.');
  }
  return JSON.stringify({ ...body, validateOnly: options.dryRun, correlationId: options.runId });
}

async function prepareAndSend(
  http: HttpClient, stats: RunStats, headers: Headers, body: string, options: ExecBatchOptions,
  item: Item, sender: DevnetSender | undefined, recipient: string,
): Promise<void> {
  const expected = options.dryRun ? 200 : 201;
  const res = await http.send({ method: 'POST', path: '/api/execute/prepare', headers, body, wantBody: true });
  if (!stats.record(options.dryRun ? 'POST /api/execute/prepare (validateOnly)' : 'POST /api/execute/prepare', res, { status: expected })) {
    item.outcome = 'prepare failed';
    item.error = apiErrorCode(res.body) ?? (res.status === 0 ? res.networkError : `HTTP_${res.status}`);
    return;
  }
  if (options.dryRun) {
    item.outcome = 'validated';
    item.quote = envelopeData<Quote>(res.body);
    return;
  }
  const executionId = envelopeData<{ executionId: string }>(res.body)?.executionId;
  item.executionId = executionId;
  item.outcome = 'prepared';
  try {
    item.txHash = await sendDevnetTransfer({ sender: sender!, to: recipient, amountWei: BigInt((JSON.parse(body) as { amount: string }).amount) });
  } catch (err) {
    item.outcome = 'send failed';
    item.error = (err as Error).message.split('\n')[0];
    return;
  }
  const submit = await http.send({
    method: 'POST', path: `/api/execute/${executionId}/submit`, headers, body: JSON.stringify({ txHash: item.txHash }), wantBody: true,
  });
  if (stats.record('POST /api/execute/:id/submit', submit, { status: 200 })) {
    item.outcome = 'submitted';
  } else {
    item.outcome = 'submit failed';
    item.error = apiErrorCode(submit.body) ?? (submit.status === 0 ? submit.networkError : `HTTP_${submit.status}`);
  }
}

/** Polls the admin executions list until every submitted execution is confirmed or failed, or the wait ends. */
async function waitForReceipts(http: HttpClient, options: ExecBatchOptions, items: Item[]): Promise<void> {
  const pending = new Map(items.filter((i) => i.outcome === 'submitted').map((i) => [i.executionId!, i]));
  const deadline = Date.now() + options.waitS * 1000;
  while (pending.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const res = await http.send({ method: 'GET', path: '/api/telemetry/executions?limit=500', headers: adminHeaders(options.adminToken), wantBody: true });
    const page = envelopeData<{ items: { id: string; status: string; errorCode: string | null }[] }>(res.body);
    if (!page) {
      // Transactions are already out: report them as pending rather than abort without a summary.
      options.io.err(`warning: cannot read /api/telemetry/executions (HTTP ${res.status}); set TELEMETRY_ADMIN_TOKEN or run from loopback. ${pending.size} left pending.`);
      return;
    }
    for (const row of page.items) {
      const item = pending.get(row.id);
      if (!item || (row.status !== 'confirmed' && row.status !== 'failed')) continue;
      item.outcome = row.status;
      if (row.errorCode) item.error = row.errorCode;
      pending.delete(row.id);
    }
    options.io.err(`[exec-batch] waiting for receipts: ${pending.size} pending`);
  }
}

async function finish(http: HttpClient, options: ExecBatchOptions, stats: RunStats, items: Item[], startedAt: number): Promise<ExecBatchResult> {
  const { io } = options;
  const endedAt = Date.now();
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
  const snapshot = stats.snapshot();
  const reached = (outcomes: Outcome[]): number => items.filter((i) => outcomes.includes(i.outcome)).length;
  const stages = options.dryRun
    ? [['validated (validateOnly)', counts.validated ?? 0], ['failed', options.n - (counts.validated ?? 0)]]
    : [
        ['prepared', reached(['prepared', 'submitted', 'confirmed', 'failed', 'send failed', 'submit failed'])],
        ['submitted', reached(['submitted', 'confirmed', 'failed'])],
        ['confirmed', counts.confirmed ?? 0],
        // Every other end: sign-in, prepare, send or submit failed, or the chain reverted it.
        ['failed', options.n - reached(['confirmed', 'submitted'])],
        ['pending', counts.submitted ?? 0],
      ];
  io.out('');
  io.out(`Exec batch ${options.runId} against ${options.baseUrl}: ${options.n} wallets, ${options.dryRun ? 'dry run (validateOnly, nothing stored)' : 'real devnet transfers'}`);
  const quote = items.find((i) => i.quote)?.quote;
  if (quote) {
    io.out(`Validated (per execution): ${quote.action} of ${quote.amount ?? '-'} base units of ${quote.token ?? '-'}, fee ${quote.feeBps} bps, ` +
      `fee quote ${quote.feeUnitsQuote ?? '-'} base units`);
  }
  io.out('');
  io.out(renderTable(['Stage', 'Executions'], stages));
  const hashes = items.filter((i) => i.txHash);
  if (hashes.length > 0) {
    io.out('');
    io.out(renderTable(['#', 'Execution', 'Tx hash', 'Outcome'], hashes.map((i) => [i.index + 1, i.executionId ?? '', i.txHash!, i.outcome])));
  }
  io.out('');
  io.out(endpointTable(snapshot));
  io.out('');
  io.out(errorTable(snapshot.errors));
  const failures = items.filter((i) => i.outcome !== 'validated' && i.outcome !== 'confirmed');
  const registration = await registerRun(http, {
    runId: options.runId,
    kind: 'exec-batch',
    params: options.params,
    startedAt,
    endedAt,
    requests: snapshot.requests,
    okPct: snapshot.okPct,
    p50Ms: snapshot.latency.p50,
    p95Ms: snapshot.latency.p95,
    p99Ms: snapshot.latency.p99,
    http5xx: snapshot.http5xx,
    ...(snapshot.errors[0] ? { topError: snapshot.errors[0].code } : {}),
    summary: { stages: Object.fromEntries(stages), ...(quote ? { quote } : {}), endpoints: snapshot.endpoints, errors: snapshot.errors, latency: snapshot.latency,
      txHashes: hashes.map((i) => i.txHash) },
  }, options.adminToken);
  (registration.ok ? io.out : io.err)(registration.ok ? registration.message : `warning: ${registration.message}`);
  const reportPath = await writeRunJson(options.reportDir, options.runId, { runId: options.runId, kind: 'exec-batch', params: options.params,
    startedAt: new Date(startedAt).toISOString(), endedAt: new Date(endedAt).toISOString(), stages: Object.fromEntries(stages), quote, items, ...snapshot, registration });
  io.out(`JSON report: ${reportPath}`);
  if (failures.length > 0) io.err(`${failures.length} of ${options.n} executions did not ${options.dryRun ? 'validate' : 'confirm'} (see the table above).`);
  return { counts, items, registration, reportPath, exitCode: failures.length > 0 || !registration.ok ? EXIT.THRESHOLD : EXIT.OK };
}
