// One traffic run's figures for `npm run devnet:report`: its tagged request_log rows (or, once those are pruned,
// the summary the tool stored), the executions it created, and the all-time token totals for context.
import { Injectable } from '@nestjs/common';
import { Execution, ExecutionStatus, EXECUTION_STATUSES } from '../executions/execution.entity';
import { ExecutionsService } from '../executions/executions.service';
import { countStatus, emptyStatusCounts } from '../traffic/status-counts';
import { RunRequestRow } from '../traffic/traffic.repository';
import { TrafficRun } from '../traffic/traffic-run.entity';
import { TrafficRunsService } from '../traffic/traffic-runs.service';
import { TrafficService } from '../traffic/traffic.service';
import { UsersService } from '../users/users.service';
import { LatencySummary, round2, summarize } from './percentiles';

export interface RouteFigures extends LatencySummary {
  method: string;
  route: string;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  okPct: number;
}

export interface ErrorFigure {
  code: string;
  status: number;
  count: number;
}

export interface TokenFigure {
  token: string;
  confirmed: number;
  amountUnits: string;
  feeUnits: string;
}

export interface RunReport {
  run: TrafficRun;
  /** Where the request figures come from: the run's own request_log rows, or the tool's stored summary. */
  source: 'request_log' | 'stored_summary';
  requests: (LatencySummary & { ok: number; clientErrors: number; serverErrors: number; okPct: number }) | null;
  routes: RouteFigures[];
  perMinute: { minute: number; requests: number }[];
  errors: ErrorFigure[];
  uniqueUsers: number | null;
  usersAllTime: number;
  executions: { byStatus: Record<ExecutionStatus, number>; total: number };
  runTokens: TokenFigure[];
  allTimeTokens: TokenFigure[];
  recentTx: { executionId: string; txHash: string; status: ExecutionStatus; blockNumber: number | null; token: string | null }[];
}

const MINUTE_MS = 60_000;
const RECENT_TX = 10;

@Injectable()
export class RunReportService {
  constructor(
    private readonly runs: TrafficRunsService,
    private readonly traffic: TrafficService,
    private readonly executions: ExecutionsService,
    private readonly users: UsersService,
  ) {}

  /** The most recently started run, or null when none is recorded. */
  async latestRunId(): Promise<string | null> {
    const [run] = await this.runs.recent(1);
    return run?.runId ?? null;
  }

  /** Null when no run has that id. */
  async build(runId: string): Promise<RunReport | null> {
    const run = await this.runs.findByRunId(runId);
    if (!run) return null;
    const [rows, executions, usersAllTime, totals] = await Promise.all([
      this.traffic.requestsOfRun(runId),
      this.executions.findByCorrelationId(runId),
      this.users.count(),
      this.executions.tokenTotals(),
    ]);
    return {
      run,
      source: rows.length > 0 ? 'request_log' : 'stored_summary',
      ...requestFigures(rows),
      usersAllTime,
      ...executionFigures(executions),
      allTimeTokens: totals.map((t) => ({
        token: t.token,
        confirmed: t.confirmedCount,
        amountUnits: t.amountUnits.toString(),
        feeUnits: t.feeUnits.toString(),
      })),
    };
  }
}

/** Per-run and per-route figures; status counts by the one rule of status-counts.ts. */
function requestFigures(rows: RunRequestRow[]): Pick<RunReport, 'requests' | 'routes' | 'perMinute' | 'errors' | 'uniqueUsers'> {
  if (rows.length === 0) return { requests: null, routes: [], perMinute: [], errors: [], uniqueUsers: null };
  const byRoute = new Map<string, { method: string; route: string; durations: number[]; counts: ReturnType<typeof emptyStatusCounts> }>();
  const errors = new Map<string, ErrorFigure>();
  const minutes = new Map<number, number>();
  const users = new Set<string>();
  const all: number[] = new Array(rows.length);
  const total = emptyStatusCounts();
  rows.forEach((row, i) => {
    all[i] = row.durationMs;
    const key = `${row.method} ${row.route}`;
    let r = byRoute.get(key);
    if (!r) byRoute.set(key, (r = { method: row.method, route: row.route, durations: [], counts: emptyStatusCounts() }));
    r.durations.push(row.durationMs);
    countStatus(r.counts, row.status);
    countStatus(total, row.status);
    if (row.status >= 400) {
      const code = row.errorCode ?? `HTTP_${row.status}`;
      const e = errors.get(`${code} ${row.status}`) ?? { code, status: row.status, count: 0 };
      e.count++;
      errors.set(`${code} ${row.status}`, e);
    }
    const minute = Math.floor(row.ts / MINUTE_MS) * MINUTE_MS;
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
    if (row.userHash) users.add(row.userHash);
  });
  const routes = [...byRoute.values()].map((r) => ({
    method: r.method,
    route: r.route,
    ...rounded(summarize(r.durations)),
    ok: r.counts.ok,
    clientErrors: r.counts.clientErrors,
    serverErrors: r.counts.serverErrors,
    okPct: pct(r.counts.ok, r.durations.length),
  }));
  routes.sort((a, b) => b.count - a.count);
  return {
    requests: { ...rounded(summarize(all)), ok: total.ok, clientErrors: total.clientErrors, serverErrors: total.serverErrors, okPct: pct(total.ok, rows.length) },
    routes,
    perMinute: [...minutes].sort((a, b) => a[0] - b[0]).map(([minute, requests]) => ({ minute, requests })),
    errors: [...errors.values()].sort((a, b) => b.count - a.count),
    uniqueUsers: users.size,
  };
}

function executionFigures(executions: Execution[]): Pick<RunReport, 'executions' | 'runTokens' | 'recentTx'> {
  const byStatus = Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 0])) as Record<ExecutionStatus, number>;
  const tokens = new Map<string, { confirmed: number; amount: bigint; fee: bigint }>();
  for (const e of executions) {
    byStatus[e.status]++;
    if (e.status !== 'confirmed' || !e.token) continue;
    const t = tokens.get(e.token) ?? { confirmed: 0, amount: 0n, fee: 0n };
    t.confirmed++;
    t.amount += e.amountUnits ?? 0n;
    t.fee += e.feeUnits ?? 0n;
    tokens.set(e.token, t);
  }
  return {
    executions: { byStatus, total: executions.length },
    runTokens: [...tokens].map(([token, t]) => ({ token, confirmed: t.confirmed, amountUnits: t.amount.toString(), feeUnits: t.fee.toString() })),
    recentTx: executions
      .filter((e) => e.txHash)
      .slice(0, RECENT_TX)
      .map((e) => ({ executionId: e.id, txHash: e.txHash!, status: e.status, blockNumber: e.blockNumber, token: e.token })),
  };
}

function pct(part: number, total: number): number {
  return total === 0 ? 0 : round2((part / total) * 100);
}

function rounded(s: LatencySummary): LatencySummary {
  return { count: s.count, avg: round2(s.avg), p50: round2(s.p50), p95: round2(s.p95), p99: round2(s.p99), max: round2(s.max) };
}
