// What the engine counts: per-endpoint outcomes and latencies, and error classes, for one run.
import { LatencyFigures, LatencyRecorder } from './histogram';
import { HttpResponse, apiErrorCode } from './http';
import { round2 } from './percentiles';

/** The documented answer of an endpoint for the request the tool sends. */
export interface Expectation {
  status: number;
  /** For an expected error answer, the API's error code too (e.g. 400 SESSION_REQUIRED). */
  code?: string;
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

/** null when the answer is the documented one; otherwise the error class: NETWORK_ERROR, the API's code, or HTTP_<status>. */
export function classify(res: Pick<HttpResponse, 'status' | 'body'>, expect: Expectation): string | null {
  if (res.status === 0) return NETWORK_ERROR;
  const code = res.status >= 400 ? apiErrorCode(res.body) : undefined;
  if (res.status === expect.status && (expect.code === undefined || code === expect.code)) return null;
  return code ?? `HTTP_${res.status}`;
}

class EndpointStats {
  total = 0;
  ok = 0;
  readonly latency = new LatencyRecorder();
}

export interface EndpointRow {
  endpoint: string;
  total: number;
  ok: number;
  fail: number;
  okPct: number;
  latency: LatencyFigures;
}

export interface ErrorRow {
  code: string;
  count: number;
  endpoints: string[];
  statuses: number[];
}

export interface StatsSnapshot {
  requests: number;
  ok: number;
  fail: number;
  okPct: number;
  http5xx: number;
  latency: LatencyFigures;
  endpoints: EndpointRow[];
  errors: ErrorRow[];
}

export function okPercent(ok: number, total: number): number {
  return total === 0 ? 0 : round2((ok / total) * 100);
}

/** Counts and merged latency of a set of endpoints (a verdict judges groups, not single endpoints). */
export interface GroupFigures {
  requests: number;
  ok: number;
  okPct: number;
  p95Ms: number;
}

export class RunStats {
  private readonly endpoints = new Map<string, EndpointStats>();
  private readonly errors = new Map<string, { count: number; endpoints: Set<string>; statuses: Set<number> }>();
  total = 0;
  ok = 0;
  http5xx = 0;

  okPct(): number {
    return okPercent(this.ok, this.total);
  }

  record(endpoint: string, res: HttpResponse, expect: Expectation): boolean {
    let stats = this.endpoints.get(endpoint);
    if (!stats) {
      stats = new EndpointStats();
      this.endpoints.set(endpoint, stats);
    }
    stats.total++;
    this.total++;
    stats.latency.record(res.ms);
    if (res.status >= 500) this.http5xx++;
    const error = classify(res, expect);
    if (error === null) {
      stats.ok++;
      this.ok++;
      return true;
    }
    let e = this.errors.get(error);
    if (!e) {
      e = { count: 0, endpoints: new Set(), statuses: new Set() };
      this.errors.set(error, e);
    }
    e.count++;
    e.endpoints.add(endpoint);
    e.statuses.add(res.status);
    return false;
  }

  group(include: (endpoint: string) => boolean): GroupFigures {
    const merged = new LatencyRecorder();
    let requests = 0;
    let ok = 0;
    for (const [endpoint, s] of this.endpoints) {
      if (!include(endpoint)) continue;
      merged.addFrom(s.latency);
      requests += s.total;
      ok += s.ok;
    }
    return { requests, ok, okPct: okPercent(ok, requests), p95Ms: merged.figures().p95 };
  }

  snapshot(): StatsSnapshot {
    const all = new LatencyRecorder();
    const endpoints: EndpointRow[] = [];
    for (const [endpoint, s] of this.endpoints) {
      all.addFrom(s.latency);
      endpoints.push({ endpoint, total: s.total, ok: s.ok, fail: s.total - s.ok, okPct: okPercent(s.ok, s.total), latency: s.latency.figures() });
    }
    const errors = [...this.errors].map(([code, e]) => ({ code, count: e.count, endpoints: [...e.endpoints], statuses: [...e.statuses] }));
    errors.sort((a, b) => b.count - a.count);
    return {
      requests: this.total,
      ok: this.ok,
      fail: this.total - this.ok,
      okPct: okPercent(this.ok, this.total),
      http5xx: this.http5xx,
      latency: all.figures(),
      endpoints,
      errors,
    };
  }
}
