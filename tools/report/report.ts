// npm run devnet:report -- [--run-id=<id>]: writes DEVNET_LOAD_REPORT_<RUN_ID>.md for one run (default: the latest).
// Reads the database named by TELEMETRY_DB_PATH / TELEMETRY_DB_URL through the product's own services.
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppModule } from '../../src/app.module';
import { RunReportService } from '../../src/reports/run-report.service';
import { EXIT, ToolError, ToolIo, newProgram, parseRunId, processIo, runTool } from '../lib/cli';
import { readiness, renderReport } from './render';

export function reportFileName(runId: string): string {
  return `DEVNET_LOAD_REPORT_${runId}.md`;
}

export async function mainReport(argv: string[], io: ToolIo = processIo): Promise<number> {
  const program = newProgram('devnet:report', 'Writes DEVNET_LOAD_REPORT_<RUN_ID>.md (nine sections, readiness, Mermaid charts) for one traffic run.')
    .addOption(new Option('--run-id <id>', 'the run to report (default: the latest recorded run)').argParser(parseRunId))
    .addOption(new Option('--out-dir <dir>', 'folder for the report').default('.'))
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ runId?: string; outDir: string }>();

  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'], abortOnError: false });
    const reports = app.get(RunReportService);
    const runId = opts.runId ?? (await reports.latestRunId());
    if (!runId) throw new ToolError('no traffic run is recorded in this database; run load-test, devnet:load or devnet:exec-batch first (or check TELEMETRY_DB_PATH).');
    const report = await reports.build(runId);
    if (!report) throw new ToolError(`unknown run id "${runId}": no such run in traffic_runs (see GET /api/telemetry/runs).`);
    const file = join(resolve(opts.outDir), reportFileName(runId));
    await writeFile(file, renderReport(report));
    const failed = readiness(report).filter((c) => !c.passed).map((c) => c.name);
    io.out(`Report for ${runId} (${report.source === 'request_log' ? `${report.requests!.count} logged requests` : 'stored summary'}): ${file}`);
    io.out(failed.length === 0 ? 'Readiness: READY' : `Readiness: NOT READY (${failed.join(', ')})`);
    return EXIT.OK;
  } finally {
    await app?.close();
  }
}

if (require.main === module) void runTool(() => mainReport(process.argv.slice(2)));
