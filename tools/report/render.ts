// Renders one run's figures as the operator's Markdown report (nine sections, readiness, Mermaid charts). Pure: no I/O.
import type { RunReport } from '../../src/reports/run-report.service';
import { isSignInEndpoint } from '../../src/reports/sign-in-endpoints';
import { renderTable } from '../lib/table';

export interface Criterion {
  name: string;
  target: string;
  actual: string;
  passed: boolean;
}

interface StoredEndpoint {
  endpoint: string;
  total: number;
  ok: number;
  fail: number;
  okPct: number;
  latency: { avg: number; p50: number; p95: number; p99: number; max: number };
}

interface StoredError {
  code: string;
  count: number;
  statuses?: number[];
  endpoints?: string[];
}

/** The readiness limits (`--min-ok`, `--max-avg`, `--max-p95`, `--max-signin-p95` of devnet:report); "no 5xx" is not negotiable. */
export interface ReadinessLimits {
  minOk: number;
  maxAvgMs: number;
  maxP95Ms: number;
  maxSignInP95Ms: number;
}

/** The same defaults as the load tools' --min-ok, --max-p95 and --max-signin-p95, plus the runbook's average. */
export const DEFAULT_READINESS: ReadinessLimits = { minOk: 99, maxAvgMs: 100, maxP95Ms: 500, maxSignInP95Ms: 2000 };

const TITLES: Record<string, string> = {
  'load-test': 'Load test report',
  'devnet-load': 'Devnet load report',
  'exec-batch': 'Exec batch report',
};

interface JudgedFigures {
  okPct: number | null;
  avg: number | null;
  p95: number | null;
}

interface StoredGroup {
  okPct?: unknown;
  p95Ms?: unknown;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The reads (every request but the two sign-in exchanges), as the load tools' verdict judges them: from the server's
 * rows when they exist, else from the tool's stored summary (its verdict's reads, the mean over its read endpoints).
 */
function readsOf(report: RunReport): JudgedFigures {
  const r = report.reads;
  if (r) return r.count === 0 ? { okPct: null, avg: null, p95: null } : { okPct: r.okPct, avg: r.avg, p95: r.p95 };
  const summary = (report.run.summary ?? {}) as { verdict?: { reads?: StoredGroup }; endpoints?: StoredEndpoint[]; latency?: { avg?: unknown } };
  const stored = summary.verdict?.reads;
  const readEndpoints = (summary.endpoints ?? []).filter((e) => !isSignInEndpoint(e.endpoint));
  const total = readEndpoints.reduce((n, e) => n + e.total, 0);
  if (!stored) return { okPct: report.run.okPct, avg: num(summary.latency?.avg), p95: report.run.p95Ms };
  return {
    okPct: num(stored.okPct),
    avg: total === 0 ? null : readEndpoints.reduce((sum, e) => sum + e.latency.avg * e.total, 0) / total,
    p95: num(stored.p95Ms),
  };
}

/** Sign-in: OK% over both exchanges, P95 of POST /api/session; null when the run has no sign-in figures. */
function signInOf(report: RunReport): { okPct: number | null; p95: number | null } | null {
  if (report.signIn) return { okPct: report.signIn.okPct, p95: report.signIn.p95 };
  if (report.reads) return null;
  const stored = (report.run.summary as { verdict?: { signIn?: StoredGroup } } | null)?.verdict?.signIn;
  return stored ? { okPct: num(stored.okPct), p95: num(stored.p95Ms) } : null;
}

const ms = (v: number | null): string => (v === null ? 'unknown' : `${v.toFixed(1)} ms`);
const percent = (v: number | null): string => (v === null ? 'unknown' : `${v.toFixed(2)} %`);

/** Readiness judges the reads (as the load tools' verdict does); sign-in is judged on its own line, with its own limit. */
export function readiness(report: RunReport, limits: ReadinessLimits = DEFAULT_READINESS): Criterion[] {
  const reads = readsOf(report);
  const http5xx = report.requests ? report.requests.serverErrors : report.run.http5xx;
  const criteria: Criterion[] = [
    { name: 'Success rate (reads)', target: `OK% ≥ ${limits.minOk}`, actual: percent(reads.okPct), passed: reads.okPct !== null && reads.okPct >= limits.minOk },
    { name: 'Server errors (all requests)', target: 'no 5xx', actual: http5xx === null ? 'unknown' : String(http5xx), passed: http5xx === 0 },
    { name: 'Average latency (reads)', target: `avg < ${limits.maxAvgMs} ms`, actual: ms(reads.avg), passed: reads.avg !== null && reads.avg < limits.maxAvgMs },
    { name: 'P95 latency (reads)', target: `P95 < ${limits.maxP95Ms} ms`, actual: ms(reads.p95), passed: reads.p95 !== null && reads.p95 < limits.maxP95Ms },
  ];
  const signIn = signInOf(report);
  if (signIn) {
    criteria.push({
      name: 'Sign-in (nonce + POST /api/session)',
      target: `OK% ≥ ${limits.minOk}, P95 of POST /api/session < ${limits.maxSignInP95Ms} ms`,
      actual: `${percent(signIn.okPct)}, P95 ${ms(signIn.p95)}`,
      passed: signIn.okPct !== null && signIn.okPct >= limits.minOk && signIn.p95 !== null && signIn.p95 < limits.maxSignInP95Ms,
    });
  }
  return criteria;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const f1 = (v: number): string => v.toFixed(1);
/** Mermaid labels are double-quoted strings: keep them free of quotes. */
const label = (s: string): string => `"${s.replace(/"/g, "'")}"`;

export function renderReport(report: RunReport, generatedAt = new Date(), limits: ReadinessLimits = DEFAULT_READINESS): string {
  const { run } = report;
  const criteria = readiness(report, limits);
  const ready = criteria.every((c) => c.passed);
  const out: string[] = [];
  const p = (...lines: string[]): void => void out.push(...lines);

  p(`# ${TITLES[run.kind] ?? 'Traffic run report'} — ${run.runId}`, '');
  p(`Generated ${generatedAt.toISOString()} · run kind \`${run.kind}\` · ${iso(run.startedAt)} → ${run.endedAt === null ? 'still open' : iso(run.endedAt)}`, '');
  p(report.source === 'request_log'
    ? `Request figures come from the server's own request log: the ${report.requests!.count} rows of this run (requests that carried its secret \`x-run-key\` while it was open; a request is OK when its status is below 500).`
    : `The raw request rows of this run are no longer in the request log (pruned after roll-up, or never written): request figures come from the summary the tool stored with the run (OK there means the documented answer for each request).`, '');

  p('## 1. Executive summary', '');
  const rows: (string | number)[][] = [
    ['Verdict', ready ? '✅ READY' : '❌ NOT READY'],
    ['Requests counted by the tool', run.requests ?? 'not yet (run still open)'],
  ];
  if (report.requests) {
    const r = report.requests;
    rows.push(['Requests logged by the server', r.count]);
    if (run.requests !== null) rows.push(['Tool and server counts agree', r.count === run.requests ? 'yes' : `no (difference ${r.count - run.requests})`]);
    rows.push(['OK (status < 500)', `${r.ok} (${r.okPct.toFixed(2)} %)`]);
    rows.push(['4xx / 5xx', `${r.clientErrors} / ${r.serverErrors}`]);
    rows.push(['Avg / P50 / P95 / P99 / Max ms (all requests)', [r.avg, r.p50, r.p95, r.p99, r.max].map(f1).join(' / ')]);
  }
  if (report.reads) rows.push(['Reads: requests, avg / P95 ms', `${report.reads.count}, ${f1(report.reads.avg)} / ${f1(report.reads.p95)}`]);
  if (report.signIn) rows.push(['Sign-in: requests, P95 ms of POST /api/session', `${report.signIn.count}, ${f1(report.signIn.p95)}`]);
  if (run.okPct !== null) rows.push(['Tool OK% (documented answers)', `${run.okPct.toFixed(2)} %`]);
  if (run.p50Ms !== null && run.p95Ms !== null && run.p99Ms !== null) rows.push(['Tool P50 / P95 / P99 ms', [run.p50Ms, run.p95Ms, run.p99Ms].map(f1).join(' / ')]);
  rows.push(['Top error', run.topError ?? 'none']);
  rows.push(['Devnet users all-time: organic / from load runs', usersSplit(report)]);
  p(renderTable(['Figure', 'Value'], rows), '');

  p('## 2. Unique devnet users', '');
  p(report.uniqueUsers === null
    ? 'Not known for this run (its request rows are gone).'
    : `${report.uniqueUsers} distinct wallets made identified requests in this run (counted by address hash; a wallet first seen in a run's sign-in is a load-run user).`, '');
  p(renderTable(['Users all-time', 'Count'], [
    ['Organic (first seen in a sign-in outside any run)', report.usersAllTime - report.loadRunUsersAllTime],
    ['From load runs (first seen in a run\'s sign-in)', report.loadRunUsersAllTime],
    ['Total', report.usersAllTime],
  ]), '');

  p('## 3. Processed transactions', '');
  const ex = report.executions;
  p(ex.total === 0
    ? 'This run created no executions (load runs prepare with `validateOnly`, which stores nothing).'
    : renderTable(['Status', 'Executions'], Object.entries(ex.byStatus).map(([s, n]) => [s, n]).concat([['total', ex.total]])), '');

  p('## 4. Devnet volume executed (by token)', '');
  p(tokenSection(report, 'amountUnits', 'Amount (base units)'), '');

  p('## 5. Devnet fees collected', '');
  p(tokenSection(report, 'feeUnits', 'Fees (base units)'), '');

  p('## 6. Per-route performance', '');
  p(...routeSection(report));

  p('## 7. Errors', '');
  p(...errorSection(report));

  p('## 8. Recent transaction hashes', '');
  p(report.recentTx.length === 0
    ? 'None: this run submitted no transactions.'
    : renderTable(['Execution', 'Tx hash', 'Status', 'Block', 'Token'],
      report.recentTx.map((t) => [t.executionId, `\`${t.txHash}\``, t.status, t.blockNumber ?? '', t.token ?? ''])), '');

  p('## 9. Readiness', '');
  p(renderTable(['Criterion', 'Target', 'Actual', 'Result'], criteria.map((c) => [c.name, c.target, c.actual, c.passed ? '✅ pass' : '❌ fail'])), '');
  p(ready ? '**Ready**: every criterion passes.' : `**Not ready**: ${criteria.filter((c) => !c.passed).map((c) => c.name).join(', ')} failed.`, '');
  return out.join('\n');
}

function usersSplit(report: RunReport): string {
  return `${report.usersAllTime - report.loadRunUsersAllTime} / ${report.loadRunUsersAllTime} (total ${report.usersAllTime})`;
}

function tokenSection(report: RunReport, field: 'amountUnits' | 'feeUnits', heading: string): string {
  const run = report.runTokens.length === 0
    ? 'This run: none confirmed.'
    : `This run (confirmed executions):\n\n${renderTable(['Token', 'Confirmed', heading], report.runTokens.map((t) => [t.token, t.confirmed, t[field]]))}`;
  const all = report.allTimeTokens.length === 0
    ? 'All-time: none confirmed.'
    : `All-time (every confirmed execution):\n\n${renderTable(['Token', 'Confirmed', heading], report.allTimeTokens.map((t) => [t.token, t.confirmed, t[field]]))}`;
  return `${run}\n\n${all}`;
}

function routeSection(report: RunReport): string[] {
  const out: string[] = [];
  if (report.source === 'request_log') {
    out.push(renderTable(['Route', 'Total', 'OK', '4xx', '5xx', 'OK%', 'Avg ms', 'P50', 'P95', 'P99', 'Max'],
      report.routes.map((r) => [`${r.method} ${r.route}`, r.count, r.ok, r.clientErrors, r.serverErrors, r.okPct.toFixed(2),
        f1(r.avg), f1(r.p50), f1(r.p95), f1(r.p99), f1(r.max)])), '');
    out.push(...latencyChart(report.routes.map((r) => ({ name: `${r.method} ${r.route}`, avg: r.avg, p95: r.p95 }))));
    out.push('Requests over time (per minute):', '', '```mermaid', 'xychart-beta', '    title "Requests per minute"',
      `    x-axis [${report.perMinute.map((m) => label(iso(m.minute).slice(11, 16))).join(', ')}]`,
      '    y-axis "requests"', `    bar [${report.perMinute.map((m) => m.requests).join(', ')}]`, '```', '');
    return out;
  }
  const endpoints = ((report.run.summary as { endpoints?: StoredEndpoint[] } | null)?.endpoints ?? []);
  if (endpoints.length === 0) return ['No per-route figures were stored with this run.', ''];
  out.push('From the tool\'s stored summary (per endpoint as the tool labelled it):', '');
  out.push(renderTable(['Endpoint', 'Total', 'OK', 'Fail', 'OK%', 'Avg ms', 'P50', 'P95', 'P99', 'Max'],
    endpoints.map((e) => [e.endpoint, e.total, e.ok, e.fail, e.okPct.toFixed(2), f1(e.latency.avg), f1(e.latency.p50),
      f1(e.latency.p95), f1(e.latency.p99), f1(e.latency.max)])), '');
  out.push(...latencyChart(endpoints.map((e) => ({ name: e.endpoint, avg: e.latency.avg, p95: e.latency.p95 }))));
  out.push('Requests over time: not available once the raw rows are pruned (the hourly rollups do not keep run ids).', '');
  return out;
}

function latencyChart(rows: { name: string; avg: number; p95: number }[]): string[] {
  return ['Latency by route (bars: P95, line: average):', '', '```mermaid', 'xychart-beta', '    title "Latency by route (ms)"',
    `    x-axis [${rows.map((r) => label(r.name)).join(', ')}]`, '    y-axis "ms"',
    `    bar [${rows.map((r) => f1(r.p95)).join(', ')}]`, `    line [${rows.map((r) => f1(r.avg)).join(', ')}]`, '```', ''];
}

function errorSection(report: RunReport): string[] {
  if (report.source === 'request_log') {
    if (report.errors.length === 0) return ['No error answers (status ≥ 400) in this run.', ''];
    return [renderTable(['Code', 'Status', 'Count'], report.errors.map((e) => [e.code, e.status, e.count])), '',
      'Error answers a probe expects (e.g. 400 `SESSION_REQUIRED` for a status read without a session) are listed here too; the tool counts them as OK.', ''];
  }
  const errors = ((report.run.summary as { errors?: StoredError[] } | null)?.errors ?? []);
  if (errors.length === 0) return ['The tool recorded no errors.', ''];
  return [renderTable(['Error', 'Count', 'Statuses'], errors.map((e) => [e.code, e.count, (e.statuses ?? []).join(' ')])), ''];
}
