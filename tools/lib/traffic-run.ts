// How a tool's traffic is tied to its run on the server: the header every request of the run carries, and the
// registration of the run with its summary. The only place that knows the run protocol, so it can be swapped alone.
import { adminHeaders } from './api';
import { Headers, HttpClient, apiErrorCode } from './http';

/** The headers that tag a request as part of the run. */
export function runHeaders(runId: string): Headers {
  return { 'x-run-id': runId };
}

export interface RunRegistration {
  runId: string;
  kind: 'load-test' | 'devnet-load' | 'exec-batch';
  params: Record<string, unknown>;
  startedAt: number;
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

export interface RegistrationResult {
  ok: boolean;
  message: string;
}

/**
 * POST /api/telemetry/runs. Deliberately without x-run-id: it is bookkeeping, not load, and tagging it would make the
 * server's count for the run exceed the summary it carries by one.
 */
export async function registerRun(http: HttpClient, run: RunRegistration, adminToken: string | undefined): Promise<RegistrationResult> {
  const res = await http.send({
    method: 'POST',
    path: '/api/telemetry/runs',
    headers: adminHeaders(adminToken),
    body: JSON.stringify(run),
    wantBody: true,
  });
  if (res.status === 200 || res.status === 201) return { ok: true, message: `run ${run.runId} registered` };
  const why = res.status === 0 ? res.networkError : `HTTP ${res.status} ${apiErrorCode(res.body) ?? ''}`.trim();
  const hint = res.status === 401 || res.status === 403 ? ' (set TELEMETRY_ADMIN_TOKEN to the server\'s admin token)' : '';
  return { ok: false, message: `could not register run ${run.runId}: ${why}${hint}` };
}
