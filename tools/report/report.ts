// npm run devnet:report -- [--run-id=<id> --out-dir=. --min-ok=99 --max-avg=100 --max-p95=500]: writes
// DEVNET_LOAD_REPORT_<RUN_ID>.md for one run (default: the latest); exits 1 when the run is NOT READY.
// Reads the database named by TELEMETRY_DB_PATH / TELEMETRY_DB_URL through the product's own services.
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppModule } from '../../src/app.module';
import { EnvironmentVariables } from '../../src/config/env.validation';
import { RunReportService } from '../../src/reports/run-report.service';
import { EXIT, ToolError, ToolIo, newProgram, numberInRange, parseRunId, processIo, runTool } from '../lib/cli';
import { DEFAULT_READINESS, ReadinessLimits, readiness, renderReport } from './render';

export function reportFileName(runId: string): string {
  return `DEVNET_LOAD_REPORT_${runId}.md`;
}

/**
 * Booting the app on a SQLite path that does not exist would create an empty database and report "no run" from it:
 * a mistyped TELEMETRY_DB_PATH must be refused before anything is created.
 */
export function checkSqliteFile(env: NodeJS.ProcessEnv): void {
  if (env.TELEMETRY_DB_URL) return;
  const file = resolve(env.TELEMETRY_DB_PATH || new EnvironmentVariables().TELEMETRY_DB_PATH);
  if (!existsSync(file)) {
    throw new ToolError(`the SQLite database ${file} does not exist (TELEMETRY_DB_PATH); point it at the server's database file.`, EXIT.USAGE);
  }
}

export async function mainReport(argv: string[], env: NodeJS.ProcessEnv = process.env, io: ToolIo = processIo): Promise<number> {
  const program = newProgram('devnet:report', 'Writes DEVNET_LOAD_REPORT_<RUN_ID>.md (nine sections, readiness, Mermaid charts) for one traffic run; exits 1 when it is not ready.', io)
    .addOption(new Option('--run-id <id>', 'the run to report (default: the latest recorded run)').argParser(parseRunId))
    .addOption(new Option('--out-dir <dir>', 'folder for the report (created when missing)').default('.'))
    .addOption(new Option('--min-ok <pct>', 'readiness: least OK%').default(DEFAULT_READINESS.minOk).argParser(numberInRange('--min-ok', 0, 100)))
    .addOption(new Option('--max-avg <ms>', 'readiness: average latency below this (ms)').default(DEFAULT_READINESS.maxAvgMs).argParser(numberInRange('--max-avg', 0.001, 3_600_000)))
    .addOption(new Option('--max-p95 <ms>', 'readiness: P95 latency below this (ms)').default(DEFAULT_READINESS.maxP95Ms).argParser(numberInRange('--max-p95', 0.001, 3_600_000)));
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ runId?: string; outDir: string; minOk: number; maxAvg: number; maxP95: number }>();
  const limits: ReadinessLimits = { minOk: opts.minOk, maxAvgMs: opts.maxAvg, maxP95Ms: opts.maxP95 };
  checkSqliteFile(env);

  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'], abortOnError: false });
    const reports = app.get(RunReportService);
    const runId = opts.runId ?? (await reports.latestRunId());
    if (!runId) throw new ToolError('no traffic run is recorded in this database; run load-test, devnet:load or devnet:exec-batch first (or check TELEMETRY_DB_PATH).');
    const report = await reports.build(runId);
    if (!report) throw new ToolError(`unknown run id "${runId}": no such run in traffic_runs (see GET /api/telemetry/runs).`);
    const folder = resolve(opts.outDir);
    await mkdir(folder, { recursive: true });
    const file = join(folder, reportFileName(runId));
    await writeFile(file, renderReport(report, new Date(), limits));
    const failed = readiness(report, limits).filter((c) => !c.passed).map((c) => c.name);
    io.out(`Report for ${runId} (${report.source === 'request_log' ? `${report.requests!.count} logged requests` : 'stored summary'}): ${file}`);
    io.out(failed.length === 0 ? 'Readiness: READY' : `Readiness: NOT READY (${failed.join(', ')})`);
    return failed.length === 0 ? EXIT.OK : EXIT.THRESHOLD;
  } finally {
    await app?.close();
  }
}

if (require.main === module) void runTool(() => mainReport(process.argv.slice(2)));
