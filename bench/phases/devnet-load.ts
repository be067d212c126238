// The runbook's scenario as the operator runs it: `devnet:load` through ts-node against a fresh server, tool and
// server on the same machine at once. Figures come from the tool's own JSON report.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGN_IN_ENDPOINT } from '../../tools/lib/siwe-client';
import { EXIT } from '../../tools/lib/cli';
import { newDatabase } from '../lib/database';
import { Recorder } from '../lib/figures';
import { PhaseContext } from '../lib/phase';
import { ROOT, startApp } from '../lib/processes';

export interface DevnetLoadOptions extends PhaseContext {
  users: number;
  readConcurrency: number;
}

interface LatencySummary {
  avg: number;
  p95: number;
}

interface ToolReport {
  okPct: number;
  rps: number;
  endpoints: { endpoint: string; latency: LatencySummary }[];
}

/** The read endpoints the runbook judges, by the tool's endpoint names. */
const READS: Record<string, string> = {
  health: 'GET /health',
  preflight: 'GET /api/execute/preflight',
  status: 'GET /api/session/status',
  statusNone: 'GET /api/session/status (no session)',
};

export async function devnetLoadPhase(rec: Recorder, o: DevnetLoadOptions): Promise<void> {
  const db = await newDatabase(o.driver, o.dir, 'devnet-load', o.pgServerUrl);
  const server = await startApp('devnet:load server', o.entry, db.env);
  try {
    const reportDir = mkdtempSync(join(o.dir, 'devnet-load-reports-'));
    const args = [
      '--transpile-only', join(ROOT, 'tools', 'load', 'devnet-load.ts'), `--base-url=${server.baseUrl}`, `--users=${o.users}`,
      `--read-concurrency=${o.readConcurrency}`, `--duration=${o.durationS}`, `--report-dir=${reportDir}`, '--progress=off',
    ];
    o.log(`  devnet:load ${args.slice(3, 6).join(' ')}`);
    const exit = await new Promise<{ code: number; output: string }>((done) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'ts-node'), args, { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
        done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
      });
    });
    const files = readdirSync(reportDir).filter((f) => f.endsWith('.json'));
    if (files.length !== 1 || (exit.code !== EXIT.OK && exit.code !== EXIT.THRESHOLD)) {
      throw new Error(`devnet:load exited ${exit.code} (report files: ${files.length}):\n${exit.output.slice(-3000)}`);
    }
    // The tool's own verdict (--min-ok, --max-p95, sign-in limit) is looser than these goals; the figures judge anyway.
    if (exit.code === EXIT.THRESHOLD) rec.notes.push(`${o.driver}: devnet:load failed its own thresholds (exit ${exit.code})`);
    const report = JSON.parse(readFileSync(join(reportDir, files[0]), 'utf8')) as ToolReport;
    const endpoint = (name: string) => {
      const row = report.endpoints.find((e) => e.endpoint === name);
      if (!row) throw new Error(`devnet:load report has no ${name} row`);
      return row.latency;
    };
    rec.add(o.driver, 'devnet.okPct', report.okPct);
    rec.add(o.driver, 'devnet.rps', report.rps);
    rec.add(o.driver, 'devnet.signInP95', endpoint(SIGN_IN_ENDPOINT).p95);
    for (const [key, name] of Object.entries(READS)) {
      const l = endpoint(name);
      rec.add(o.driver, `devnet.${key}.avg`, l.avg);
      rec.add(o.driver, `devnet.${key}.p95`, l.p95);
      o.log(`  ${name}: avg ${l.avg} ms, P95 ${l.p95} ms`);
    }
    o.log(`  OK ${report.okPct} %, ${report.rps} req/s`);
  } finally {
    await server.stop();
    await db.drop();
  }
}
