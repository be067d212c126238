// `npm run bench`: the performance goals measured side by side with their anchors in one run. Builds, measures every
// figure several times, prints one Markdown table (median, min–max, goal, met) and writes reports/bench-<date>.json.
// Asserts nothing about time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { EXIT, newProgram, positiveInt, runTool, ToolError } from '../tools/lib/cli';
import { Driver, Phase, PHASES, Recorder } from './lib/figures';
import { AppEntry, ROOT } from './lib/processes';
import { DriverStatus, figureReports, markdownTable, missedGoals, missesText, missingFigures } from './lib/report';
import { devnetLoadPhase } from './phases/devnet-load';
import { RequestPathSettings, requestPathPhase } from './phases/request-path';
import { ScaleSettings, scalePhase } from './phases/scale';

interface Settings extends RequestPathSettings, ScaleSettings {
  runs: number;
  durationS: number;
  /** The devnet:load scenario: --users, --read-concurrency, --duration. */
  devnetUsers: number;
  devnetConcurrency: number;
  devnetDurationS: number;
}

const FULL: Settings = {
  runs: 3, durationS: 5, connections: 200, openRate: 1000, signIns: 300, signInWarmUp: 1000, pauseMs: 300,
  devnetUsers: 1500, devnetConcurrency: 200, devnetDurationS: 60,
  requests: 1_000_000, users: 10_000, executions: 100_000, days: 30, hourRequests: 100_000,
};
/** Seconds-long phases and small seeds: proves the script end to end (the smoke test in `npm test`). */
const QUICK: Settings = {
  runs: 1, durationS: 1, connections: 50, openRate: 200, signIns: 10, signInWarmUp: 10, pauseMs: 50,
  devnetUsers: 30, devnetConcurrency: 20, devnetDurationS: 3,
  requests: 2_000, users: 50, executions: 200, days: 2, hourRequests: 500,
};

async function main(): Promise<number> {
  const program = newProgram('bench', 'Performance benchmarks beside their anchors: prints one Markdown table, writes reports/bench-<date>.json')
    .option('--quick', 'seconds-long phases and small seeds, sources through ts-node (no build)', false)
    .option('--pg', 'also measure on PostgreSQL (TELEMETRY_DB_URL, else a private cluster from tools/pg-local.sh)', false)
    .addOption(new Option('--runs <n>', 'runs per figure (default 3, quick 1)').argParser(positiveInt('--runs')))
    .addOption(new Option('--duration <s>', 'seconds per load run (default 5, quick 1)').argParser(positiveInt('--duration')))
    .addOption(new Option('--only <phases>', `comma list of phases to run (${PHASES.join(', ')}); default all`).argParser(phaseList))
    .option('--out-dir <dir>', 'where the JSON report goes', 'reports')
    .option('--no-build', 'use the existing dist/ instead of running `npm run build` first');
  program.parse();
  const opts = program.opts<{ quick: boolean; pg: boolean; runs?: number; duration?: number; only?: Phase[]; outDir: string; build: boolean }>();
  const phases: Phase[] = opts.only ?? [...PHASES];
  const settings: Settings = { ...(opts.quick ? QUICK : FULL) };
  if (opts.runs) settings.runs = opts.runs;
  if (opts.duration) settings.durationS = opts.duration;
  const entry: AppEntry = opts.quick ? 'src' : 'dist';
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const started = new Date();
  const loadStart = loadavg();
  log(`bench: ${opts.quick ? 'quick' : 'full'} mode, ${settings.runs} run(s) per figure, load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  if (entry === 'dist' && opts.build) {
    log('building (npm run build)…');
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  const pgServerUrl = process.env.TELEMETRY_DB_URL || (opts.pg ? startLocalPostgres() : undefined);
  const drivers: DriverStatus = { sqlite: 'measured', postgres: pgServerUrl ? 'measured' : 'skipped' };
  const rec = new Recorder();
  const dir = mkdtempSync(join(tmpdir(), 'bloom-bench-'));
  try {
    for (const driver of ['sqlite', 'postgres'] as Driver[]) {
      if (drivers[driver] === 'skipped') continue;
      const common = { driver, entry, dir, pgServerUrl, runs: settings.runs, durationS: settings.durationS, log };
      const all: Record<Phase, () => Promise<void>> = {
        path: () => requestPathPhase(rec, { ...common, ...settings }),
        'devnet-load': () => devnetLoadPhase(rec, { ...common, users: settings.devnetUsers, readConcurrency: settings.devnetConcurrency, durationS: settings.devnetDurationS }),
        scale: () => scalePhase(rec, { ...common, ...settings }),
      };
      for (const name of phases) {
        const phase = all[name];
        log(`${driver}: ${name}`);
        try {
          await phase();
        } catch (e) {
          drivers[driver] = 'failed';
          rec.notes.push(`${driver} ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
          log(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const reports = figureReports(rec);
  const table = markdownTable(reports.filter((r) => phases.includes(r.phase)), drivers, settings.runs);
  const finished = new Date();
  const missing = missingFigures(reports, drivers, phases);
  const misses = missedGoals(reports.filter((r) => phases.includes(r.phase)));
  const report = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationS: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
    mode: opts.quick ? 'quick' : 'full',
    machine: { cpus: cpus().length, node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    settings,
    phases,
    drivers,
    figures: reports,
    missing,
    misses,
    notes: rec.notes,
    table,
  };
  const outDir = resolve(ROOT, opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(`${table}\n\n${missesText(misses)}\n\n`);
  for (const note of rec.notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`Took ${report.durationS} s, load average ${report.machine.loadavgEnd.map((l) => l.toFixed(2)).join(' ')} at the end. JSON: ${file}\n`);
  if (missing.length > 0) throw new ToolError(`figures missing: ${missing.join(', ')}`, EXIT.RUNTIME);
  return EXIT.OK;
}

function phaseList(raw: string): Phase[] {
  const names = raw.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(PHASES as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) throw new InvalidArgumentError(`--only takes a comma list of ${PHASES.join(', ')}; got ${raw}`);
  return names as Phase[];
}

function startLocalPostgres(): string {
  const out = execFileSync(join(ROOT, 'tools', 'pg-local.sh'), ['start'], { cwd: ROOT, encoding: 'utf8' });
  return out.trim().split('\n').pop()!;
}

void runTool(main);
