// How a tool's traffic is tied to its run on the server, the only place that knows the run protocol: the run is opened
// before the first request (the server answers with the run's secret key), every request of the run carries that key
// in x-run-key, and the run is finished with the tool's own measurements after the last request.
import { adminHeaders, unreachable } from './api';
import { EXIT, ToolError } from './cli';
import { Headers, HttpClient, apiErrorCode, envelopeData } from './http';
import { RunStats, StatsSnapshot } from './stats';

export type RunKind = 'load-test' | 'devnet-load' | 'exec-batch';

export interface OpenRun {
  runId: string;
  /** Secret: proves to the server that a request belongs to this run. Kept in memory only. */
  runKey: string;
}

/** What the tool measured, stored with the run when it is finished. */
export interface RunMeasurements {
  endedAt: number;
  requests: number;
  okPct: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  http5xx: number;
  topError?: string;
  summary: Record<string, unknown>;
}

export interface FinishResult {
  ok: boolean;
  message: string;
}

/** The headers that tag a request as part of the run. */
export function runHeaders(run: OpenRun): Headers {
  return { 'x-run-key': run.runKey };
}

/**
 * POST /api/telemetry/runs. Refuses in one line when the server will not open it: without admin access the run's
 * requests could not be told apart from organic traffic, so the tool sends none.
 */
async function openRun(http: HttpClient, baseUrl: string, run: RunSpec, adminToken: string | undefined): Promise<OpenRun> {
  const res = await http.send({ method: 'POST', path: '/api/telemetry/runs', headers: adminHeaders(adminToken), body: JSON.stringify(run), wantBody: true });
  const opened = envelopeData<OpenRun>(res.body);
  if (res.status === 201 && opened?.runKey) return { runId: opened.runId, runKey: opened.runKey };
  if (res.status === 0) throw unreachable(baseUrl, res.networkError);
  if (res.status === 401 || res.status === 403) {
    throw new ToolError(`no admin access to ${baseUrl}: opening run ${run.runId} needs TELEMETRY_ADMIN_TOKEN set to the server's admin token (or a loopback server without one).`, EXIT.RUNTIME);
  }
  throw new ToolError(`could not open run ${run.runId}: HTTP ${res.status} ${apiErrorCode(res.body) ?? ''}`.trim(), EXIT.RUNTIME);
}

/**
 * POST /api/telemetry/runs/:runId/finish. Deliberately without x-run-key: it is bookkeeping, not load, and tagging it
 * would make the server's count for the run exceed the summary it carries by one.
 */
export async function finishRun(http: HttpClient, run: OpenRun, measured: RunMeasurements, adminToken: string | undefined): Promise<FinishResult> {
  const res = await http.send({
    method: 'POST',
    path: `/api/telemetry/runs/${encodeURIComponent(run.runId)}/finish`,
    headers: adminHeaders(adminToken),
    body: JSON.stringify(measured),
    wantBody: true,
  });
  if (res.status === 200) return { ok: true, message: `run ${run.runId} finished and recorded` };
  const why = res.status === 0 ? res.networkError : `HTTP ${res.status} ${apiErrorCode(res.body) ?? ''}`.trim();
  return { ok: false, message: `could not finish run ${run.runId}: ${why}` };
}

/** The run's figures from the tool's own counts; `summary` is what the tool adds (tables, verdict, stages…). */
export function measurementsOf(snapshot: StatsSnapshot, endedAt: number, summary: Record<string, unknown>): RunMeasurements {
  return {
    endedAt,
    requests: snapshot.requests,
    okPct: snapshot.okPct,
    p50Ms: snapshot.latency.p50,
    p95Ms: snapshot.latency.p95,
    p99Ms: snapshot.latency.p99,
    http5xx: snapshot.http5xx,
    ...(snapshot.errors[0] ? { topError: snapshot.errors[0].code } : {}),
    summary,
  };
}

export interface RunSpec {
  runId: string;
  kind: RunKind;
  params: Record<string, unknown>;
}

/**
 * Opens the run, then runs `body` with it (which finishes it). A tool that stops early still closes its run, with what
 * it measured up to then, so no run is left open.
 */
export async function inRun<T>(
  http: HttpClient, baseUrl: string, spec: RunSpec, adminToken: string | undefined, stats: RunStats, body: (run: OpenRun) => Promise<T>,
): Promise<T> {
  const run = await openRun(http, baseUrl, spec, adminToken);
  try {
    return await body(run);
  } catch (err) {
    await abandonRun(http, run, stats, err, adminToken);
    throw err;
  }
}

async function abandonRun(http: HttpClient, run: OpenRun, stats: RunStats, error: unknown, adminToken: string | undefined): Promise<void> {
  const snapshot = stats.snapshot();
  const reason = error instanceof Error ? error.message : String(error);
  await finishRun(http, run, measurementsOf(snapshot, Date.now(), { aborted: reason, endpoints: snapshot.endpoints, errors: snapshot.errors }), adminToken);
}
