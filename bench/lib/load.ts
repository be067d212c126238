// Load generators: autocannon (closed loop at N connections), a constant-arrival open loop on an undici Pool, and the
// project's own engine (tools/lib: undici dispatch pool, closed-loop workers, RunStats) for the engine-vs-autocannon
// figure.
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
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

/**
 * Constant arrival: request i is due at start + i / rate, scheduled by absolute time so late timers never shift the
 * rest (no bursts, no drift). Latency runs from the due time, not the send time, so a stalled server is charged for
 * every request it delayed (coordinated omission corrected). autocannon's overallRate is not used: it sends each
 * second's quota in a burst at the start of that second.
 */
export async function openLoop(target: Target, rate: number, durationS: number, connections = 100): Promise<LoadFigures> {
  const pool = new Pool(target.baseUrl, { connections, pipelining: 1 });
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const total = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  let responses = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const send = async (dueAt: number): Promise<void> => {
    try {
      const res = await pool.request({ method: 'GET', path: target.path, headers: target.headers });
      await res.body.dump();
      responses++;
      histogram.recordValue(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
    } catch {
      errors++;
    }
  };
  try {
    const start = performance.now();
    for (let i = 0; i < total; ) {
      const now = performance.now();
      // Everything due by now goes out; at most one request is due per interval, so this is never a burst unless
      // the event loop itself was blocked, and then the latency clock has been running since the due time.
      while (i < total && start + i * intervalMs <= now) inFlight.push(send(start + i++ * intervalMs));
      if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + i * intervalMs - performance.now())));
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - start) / 1000;
    const ms = (p: number) => histogram.getValueAtPercentile(p) / 1000;
    return { rps: responses / elapsedS, p50: ms(50), p99: ms(99), responses, errors };
  } finally {
    histogram.destroy();
    await pool.close();
  }
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
