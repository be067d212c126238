// One traffic run's figures for `npm run devnet:report`: its tagged request_log rows (or, once those are pruned,
// the summary the tool stored), the executions it created, and the all-time token totals for context.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Execution, ExecutionStatus, EXECUTION_STATUSES } from '../executions/execution.entity';
import { TokenTotal } from '../executions/token-total.entity';
import { RequestLog } from '../request-log/request-log.entity';
import { TrafficRun } from '../telemetry/traffic-run.entity';
import { User } from '../users/user.entity';
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

interface RawRow {
  ts: number | string;
  method: string;
  route: string;
  status: number;
  durationMs: number | string;
  errorCode: string | null;
  userHash: string | null;
}

const MINUTE_MS = 60_000;
const RECENT_TX = 10;

@Injectable()
export class RunReportService {
  constructor(
    @InjectRepository(TrafficRun) private readonly runs: Repository<TrafficRun>,
    @InjectRepository(RequestLog) private readonly requestLog: Repository<RequestLog>,
    @InjectRepository(Execution) private readonly executions: Repository<Execution>,
    @InjectRepository(TokenTotal) private readonly tokenTotals: Repository<TokenTotal>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  /** The most recently started run, or null when none is recorded. */
  async latestRunId(): Promise<string | null> {
    const [run] = await this.runs.find({ order: { startedAt: 'DESC', id: 'DESC' }, take: 1 });
    return run?.runId ?? null;
  }

  /** Null when no run has that id. */
  async build(runId: string): Promise<RunReport | null> {
    const run = await this.runs.findOneBy({ runId });
    if (!run) return null;
    const rows = await this.requestLog
      .createQueryBuilder('r')
      .select(['r.ts AS "ts"', 'r.method AS "method"', 'r.route AS "route"', 'r.status AS "status"',
        'r.duration_ms AS "durationMs"', 'r.error_code AS "errorCode"', 'r.user_hash AS "userHash"'])
      .where('r.run_id = :runId', { runId })
      .orderBy('r.ts', 'ASC')
      .getRawMany<RawRow>();
    const executions = await this.executions.find({ where: { correlationId: runId }, order: { createdAt: 'DESC' } });
    return {
      run,
      source: rows.length > 0 ? 'request_log' : 'stored_summary',
      ...requestFigures(rows),
      usersAllTime: await this.users.count(),
      ...executionFigures(executions),
      allTimeTokens: (await this.tokenTotals.find({ order: { token: 'ASC' } })).map((t) => ({
        token: t.token,
        confirmed: t.confirmedCount,
        amountUnits: t.amountUnits.toString(),
        feeUnits: t.feeUnits.toString(),
      })),
    };
  }
}

/** Status below 500 is ok: the one definition of success of SPEC §4.5. */
function requestFigures(rows: RawRow[]): Pick<RunReport, 'requests' | 'routes' | 'perMinute' | 'errors' | 'uniqueUsers'> {
  if (rows.length === 0) return { requests: null, routes: [], perMinute: [], errors: [], uniqueUsers: null };
  const byRoute = new Map<string, { method: string; route: string; durations: number[]; ok: number; c4: number; c5: number }>();
  const errors = new Map<string, ErrorFigure>();
  const minutes = new Map<number, number>();
  const users = new Set<string>();
  const all: number[] = new Array(rows.length);
  let ok = 0;
  let c4 = 0;
  let c5 = 0;
  rows.forEach((row, i) => {
    const ms = Number(row.durationMs);
    const status = Number(row.status);
    all[i] = ms;
    const key = `${row.method} ${row.route}`;
    let r = byRoute.get(key);
    if (!r) byRoute.set(key, (r = { method: row.method, route: row.route, durations: [], ok: 0, c4: 0, c5: 0 }));
    r.durations.push(ms);
    if (status < 500) { r.ok++; ok++; } else { r.c5++; c5++; }
    if (status >= 400 && status < 500) { r.c4++; c4++; }
    if (status >= 400) {
      const code = row.errorCode ?? `HTTP_${status}`;
      const e = errors.get(`${code} ${status}`) ?? { code, status, count: 0 };
      e.count++;
      errors.set(`${code} ${status}`, e);
    }
    const minute = Math.floor(Number(row.ts) / MINUTE_MS) * MINUTE_MS;
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
    if (row.userHash) users.add(row.userHash);
  });
  const routes = [...byRoute.values()].map((r) => ({
    method: r.method,
    route: r.route,
    ...rounded(summarize(r.durations)),
    ok: r.ok,
    clientErrors: r.c4,
    serverErrors: r.c5,
    okPct: pct(r.ok, r.durations.length),
  }));
  routes.sort((a, b) => b.count - a.count);
  return {
    requests: { ...rounded(summarize(all)), ok, clientErrors: c4, serverErrors: c5, okPct: pct(ok, rows.length) },
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
