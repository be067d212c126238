// Renders one run's figures as the operator's Markdown report (nine sections, readiness, Mermaid charts). Pure: no I/O.
import type { RunReport } from '../../src/reports/run-report.service';
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

/** The readiness limits (`--min-ok`, `--max-avg`, `--max-p95` of devnet:report); "no 5xx" is not negotiable. */
export interface ReadinessLimits {
  minOk: number;
  maxAvgMs: number;
  maxP95Ms: number;
}

export const DEFAULT_READINESS: ReadinessLimits = { minOk: 99, maxAvgMs: 100, maxP95Ms: 500 };

const TITLES: Record<string, string> = {
  'load-test': 'Load test report',
  'devnet-load': 'Devnet load report',
  'exec-batch': 'Exec batch report',
};

/** The readiness figures: from the server's rows when they exist, else from the tool's stored summary. */
export function readiness(report: RunReport, limits: ReadinessLimits = DEFAULT_READINESS): Criterion[] {
  const r = report.requests;
  const okPct = r ? r.okPct : report.run.okPct;
  const http5xx = r ? r.serverErrors : report.run.http5xx;
  const avg = r ? r.avg : storedAvg(report);
  const p95 = r ? r.p95 : report.run.p95Ms;
  return [
    { name: 'Success rate', target: `OK% ≥ ${limits.minOk}`, actual: `${okPct.toFixed(2)} %`, passed: okPct >= limits.minOk },
    { name: 'Server errors', target: 'no 5xx', actual: String(http5xx), passed: http5xx === 0 },
    { name: 'Average latency', target: `avg < ${limits.maxAvgMs} ms`, actual: avg === null ? 'unknown' : `${avg.toFixed(1)} ms`, passed: avg !== null && avg < limits.maxAvgMs },
    { name: 'P95 latency', target: `P95 < ${limits.maxP95Ms} ms`, actual: `${p95.toFixed(1)} ms`, passed: p95 < limits.maxP95Ms },
  ];
}

function storedAvg(report: RunReport): number | null {
  const latency = (report.run.summary as { latency?: { avg?: unknown } }).latency;
  return typeof latency?.avg === 'number' ? latency.avg : null;
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
  p(`Generated ${generatedAt.toISOString()} · run kind \`${run.kind}\` · ${iso(run.startedAt)} → ${iso(run.endedAt)}`, '');
  p(report.source === 'request_log'
    ? `Request figures come from the server's own request log: the ${report.requests!.count} rows tagged \`x-run-id: ${run.runId}\` (a request is OK when its status is below 500).`
    : `The raw request rows of this run are no longer in the request log (pruned after roll-up, or never written): request figures come from the summary the tool stored with the run (OK there means the documented answer for each request).`, '');

  p('## 1. Executive summary', '');
  const rows: (string | number)[][] = [
    ['Verdict', ready ? '✅ READY' : '❌ NOT READY'],
    ['Requests counted by the tool', run.requests],
  ];
  if (report.requests) {
    const r = report.requests;
    rows.push(['Requests logged by the server', r.count]);
    rows.push(['Tool and server counts agree', r.count === run.requests ? 'yes' : `no (difference ${r.count - run.requests})`]);
    rows.push(['OK (status < 500)', `${r.ok} (${r.okPct.toFixed(2)} %)`]);
    rows.push(['4xx / 5xx', `${r.clientErrors} / ${r.serverErrors}`]);
    rows.push(['Avg / P50 / P95 / P99 / Max ms', [r.avg, r.p50, r.p95, r.p99, r.max].map(f1).join(' / ')]);
  }
  rows.push(['Tool OK% (documented answers)', `${run.okPct.toFixed(2)} %`]);
  rows.push(['Tool P50 / P95 / P99 ms', [run.p50Ms, run.p95Ms, run.p99Ms].map(f1).join(' / ')]);
  rows.push(['Top error', run.topError ?? 'none']);
  p(renderTable(['Figure', 'Value'], rows), '');

  p('## 2. Unique devnet users', '');
  p(report.uniqueUsers === null
    ? `Not known for this run (its request rows are gone). Users all-time: ${report.usersAllTime}.`
    : `${report.uniqueUsers} distinct wallets made identified requests in this run (counted by address hash). Users all-time: ${report.usersAllTime}.`, '');

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
  const endpoints = ((report.run.summary as { endpoints?: StoredEndpoint[] }).endpoints ?? []);
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
  const errors = ((report.run.summary as { errors?: StoredError[] }).errors ?? []);
  if (errors.length === 0) return ['The tool recorded no errors.', ''];
  return [renderTable(['Error', 'Count', 'Statuses'], errors.map((e) => [e.code, e.count, (e.statuses ?? []).join(' ')])), ''];
}
