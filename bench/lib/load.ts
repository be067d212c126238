// Load generators: autocannon (closed loop at N connections, or open loop at a fixed rate) and the project's own
// engine (tools/lib: undici dispatch pool, closed-loop workers, RunStats) for the engine-vs-autocannon figure.
import autocannon from 'autocannon';
import { HttpClient } from '../../tools/lib/http';
import { runWorkers } from '../../tools/lib/limiter';
import { RunStats } from '../../tools/lib/stats';

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  /** Responses with a status (1xx–5xx) the client saw. */
  responses: number;
  errors: number;
}

export interface Target {
  baseUrl: string;
  path: string;
  headers?: Record<string, string>;
}

export async function closedLoop(target: Target, connections: number, durationS: number): Promise<LoadFigures> {
  const r = await autocannon({ url: target.baseUrl + target.path, headers: target.headers, connections, duration: durationS, timeout: 10 });
  return figuresOf(r);
}

/** A fixed request rate over many connections; autocannon corrects latencies for coordinated omission. */
export async function openLoop(target: Target, rate: number, durationS: number): Promise<LoadFigures> {
  const r = await autocannon({ url: target.baseUrl + target.path, headers: target.headers, connections: 100, overallRate: rate, duration: durationS, timeout: 10 });
  return figuresOf(r);
}

function figuresOf(r: Awaited<ReturnType<typeof autocannon>>): LoadFigures {
  const responses = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  return { rps: responses / r.duration, p50: r.latency.p50, p99: r.latency.p99, responses, errors: r.errors };
}

/** The engine's hot loop as devnet:load runs it: `connections` workers, one request each at a time, counted. */
export async function engineLoop(target: Target, connections: number, durationS: number): Promise<LoadFigures> {
  const http = new HttpClient(target.baseUrl, { connections });
  const stats = new RunStats();
  const request = { method: 'GET' as const, path: target.path, headers: target.headers ?? {} };
  const expect = { status: 200 };
  try {
    const started = performance.now();
    const deadline = started + durationS * 1000;
    await runWorkers(connections, async () => {
      while (performance.now() < deadline) stats.record(`GET ${target.path}`, await http.send(request), expect);
    });
    const elapsedS = (performance.now() - started) / 1000;
    const snap = stats.snapshot();
    const errors = snap.errors.filter((e) => e.code === 'NETWORK_ERROR').reduce((n, e) => n + e.count, 0);
    const responses = snap.requests - errors;
    return { rps: responses / elapsedS, p50: snap.latency.p50, p99: snap.latency.p99, responses, errors };
  } finally {
    await http.close();
  }
}
