// Proof gate: the real load engine, in-process, drives 50 signed-in users for 10 s at ≥ 99 % OK; the server logged
// exactly the requests the engine counted, and the run report agrees. With BASE_URL it targets that server instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolIo } from '../../tools/lib/cli';
import { LoadResult, runLoad } from '../../tools/lib/engine';
import { renderReport } from '../../tools/report/render';
import { RequestLog } from '../../src/traffic/request-log.entity';
import { RunReportService } from '../../src/reports/run-report.service';
import { bootTestApp, TestApp } from '../support/app';
import { proofGate } from '../support/proof';

const gate = proofGate('devnet load smoke');
const external = process.env.BASE_URL;

describe('devnet load smoke proofs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bloom-smoke-'));
  const dbPath = join(dir, 'telemetry.db');
  const runId = `smoke-${Date.now()}`;
  const lines: string[] = [];
  const io: ToolIo = { out: (l) => lines.push(l), err: (l) => lines.push(l) };
  let server: TestApp | undefined;
  let result: LoadResult;

  beforeAll(async () => {
    if (!external) server = await bootTestApp({ listen: true, dbPath });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  gate.check('50 users for 10 s through the real engine reach ≥ 99 % OK', async () => {
    result = await runLoad({
      kind: 'devnet-load',
      baseUrl: external ?? server!.baseUrl,
      runId,
      users: 50,
      readConcurrency: 20,
      execConcurrency: 5,
      mode: 'read-only',
      durationS: 10,
      minOk: 99,
      // The gate's contract is ≥ 99 % OK. Latency goals are the bench's, measured on a quiet machine: here the engine
      // and the server share one jest process on a machine other jobs load, so a P95 limit failed by chance (seen: a
      // full-suite run at ≥ 99 % OK whose verdict failed on P95). Limits this high check the verdict's logic, not the machine.
      maxP95: 60_000,
      maxSignInP95: 60_000,
      reportDir: join(dir, 'reports'),
      adminToken: process.env.TELEMETRY_ADMIN_TOKEN,
      progress: 'off',
      params: { users: 50, readConcurrency: 20, durationS: 10 },
      io,
    });
    const s = result.summary;
    expect(s.users).toEqual({ requested: 50, signedIn: 50, signInFailed: 0 });
    expect(s.okPct).toBeGreaterThanOrEqual(99);
    // Which endpoint and status, should one ever appear (a bare count would not say).
    expect(s.errors.filter((e) => e.statuses.some((status) => status >= 500))).toEqual([]);
    expect(s.http5xx).toBe(0);
    expect(s.durationS).toBeGreaterThanOrEqual(10);
    expect(s.passed).toBe(true);
    // The verdict judges the reads; sign-in is judged apart, and both add up to the run.
    expect(s.verdict.reads.passed && s.verdict.signIn.passed).toBe(true);
    expect(s.verdict.reads.requests + s.verdict.signIn.requests).toBe(s.requests);
    expect(result.exitCode).toBe(0);
    expect(result.registration?.ok).toBe(true);
    const endpoints = s.endpoints.map((e) => e.endpoint);
    for (const e of ['GET /health', 'GET /api/execute/preflight', 'GET /api/session/status', 'POST /api/execute/prepare (validateOnly)']) {
      expect(endpoints).toContain(e);
    }
    // The sum of the per-endpoint rows is the run total, and every figure is ordered.
    expect(s.endpoints.reduce((n, e) => n + e.total, 0)).toBe(s.requests);
    for (const e of s.endpoints) {
      expect(e.latency.p50).toBeLessThanOrEqual(e.latency.p95);
      expect(e.latency.p95).toBeLessThanOrEqual(e.latency.p99);
      expect(e.latency.p99).toBeLessThanOrEqual(e.latency.max);
    }
    expect(lines.join('\n')).toContain('| Endpoint');
  }, 120_000);

  if (!external) {
    gate.check('without an RPC the Aave probe is skipped, and the summary says so', () => {
      expect(result.summary.endpoints.map((e) => e.endpoint)).not.toContain('GET /api/defi/aave/positions');
      expect(result.summary.notes.join(' ')).toMatch(/Aave positions skipped/);
    });

    gate.check('the server logged exactly the requests the engine counted for this run id', async () => {
      await server!.close(); // graceful shutdown flushes the request-log buffer
      const reopened = await bootTestApp({ dbPath });
      try {
        const logged = await reopened.dataSource.getRepository(RequestLog).countBy({ runId });
        expect(logged).toBe(result.summary.requests);

        const report = await reopened.app.get(RunReportService).build(runId);
        expect(report).not.toBeNull();
        expect(report!.source).toBe('request_log');
        expect(report!.run.requests).toBe(result.summary.requests);
        expect(report!.requests!.count).toBe(logged);
        expect(report!.requests!.serverErrors).toBe(0);
        const markdown = renderReport(report!);
        for (let section = 1; section <= 9; section++) expect(markdown).toMatch(new RegExp(`^## ${section}\\. `, 'm'));
        expect(markdown).toMatch(/Tool and server counts agree +\| yes /);
        expect(markdown).toContain('xychart-beta');
      } finally {
        await reopened.close();
      }
    }, 60_000);
  }
});
