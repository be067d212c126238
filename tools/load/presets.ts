// The two presets of the load engine: flags, defaults and validation for `load-test` and `devnet:load`.
import { Command, Option } from 'commander';
import {
  ToolIo, baseUrlOption, newProgram, numberInRange, parseCommandLine, positiveInt, processIo, resolveRunId, runIdOption,
} from '../lib/cli';
import { LoadKind, LoadOptions, runLoad } from '../lib/engine';
import { ProgressMode } from '../lib/progress';
import { DEFAULT_REPORT_DIR } from '../lib/report-file';

export const EXEC_CONCURRENCY_CAP = 10;

interface Preset {
  kind: LoadKind;
  name: string;
  description: string;
  users: number;
  readConcurrency: number;
}

const PRESETS: Record<LoadKind, Preset> = {
  'load-test': {
    kind: 'load-test',
    name: 'load-test',
    description: 'Signs in ephemeral wallets, then each reads session status, preflight and /health once (full: plus a validateOnly prepare).',
    users: 100,
    readConcurrency: 50,
  },
  'devnet-load': {
    kind: 'devnet-load',
    name: 'devnet:load',
    description: 'Signs in ephemeral wallets, then drives a time-bound mix of health, preflight, session status, Aave positions (when the server has an RPC) and validateOnly prepare.',
    users: 1500,
    readConcurrency: 200,
  },
};

function buildProgram(preset: Preset, io: ToolIo): Command {
  const program = newProgram(preset.name, preset.description, io)
    .addOption(baseUrlOption())
    .addOption(new Option('--users <n>', 'ephemeral wallets to sign in').default(preset.users).argParser(positiveInt('--users')))
    .addOption(new Option('--read-concurrency <n>', 'requests in flight at most').default(preset.readConcurrency).argParser(positiveInt('--read-concurrency')))
    .addOption(runIdOption())
    .addOption(new Option('--min-ok <pct>', 'exit 1 below this OK% (of the reads, and of sign-in)').default(99).argParser(numberInRange('--min-ok', 0, 100)))
    .addOption(new Option('--max-p95 <ms>', 'exit 1 above this P95 of the read endpoints together (every request but sign-in)').default(500).argParser(numberInRange('--max-p95', 0.001, 3_600_000)))
    .addOption(new Option('--max-signin-p95 <ms>', 'exit 1 above this P95 of sign-in (POST /api/session)').default(2000).argParser(numberInRange('--max-signin-p95', 0.001, 3_600_000)))
    .addOption(new Option('--report-dir <dir>', 'folder for <run-id>.json').default(DEFAULT_REPORT_DIR))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'off']).default('auto'));
  if (preset.kind === 'load-test') {
    program
      .addOption(new Option('--exec-concurrency <n>', `prepare calls in flight at most (capped at ${EXEC_CONCURRENCY_CAP})`).default(5).argParser(positiveInt('--exec-concurrency')))
      .addOption(new Option('--mode <mode>', 'read-only, or full (adds validateOnly prepare)').choices(['read-only', 'full']).default('read-only'));
  } else {
    program.addOption(new Option('--duration <s>', 'seconds of mixed load after sign-in').default(60).argParser(positiveInt('--duration')));
  }
  return program;
}

/** Parses argv into engine options (throws CommanderError on bad input; exported for the CLI tests). */
export function parseLoadArgs(kind: LoadKind, argv: string[], env: NodeJS.ProcessEnv, io: ToolIo): LoadOptions {
  const preset = PRESETS[kind];
  const o = parseCommandLine<{
    baseUrl: string; users: number; readConcurrency: number; runId: string; minOk: number; maxP95: number; maxSigninP95: number;
    reportDir: string; progress: ProgressMode; execConcurrency?: number; mode?: 'read-only' | 'full'; duration?: number;
  }>(buildProgram(preset, io), argv, env);
  let execConcurrency = o.execConcurrency ?? 0;
  if (execConcurrency > EXEC_CONCURRENCY_CAP) {
    io.err(`warning: --exec-concurrency=${execConcurrency} capped at ${EXEC_CONCURRENCY_CAP} (execution paths are not load-tested wider).`);
    execConcurrency = EXEC_CONCURRENCY_CAP;
  }
  const runId = resolveRunId(o.runId, kind);
  const params: Record<string, unknown> = {
    users: o.users, readConcurrency: o.readConcurrency, minOk: o.minOk, maxP95: o.maxP95, maxSignInP95: o.maxSigninP95,
  };
  if (kind === 'load-test') Object.assign(params, { execConcurrency, mode: o.mode });
  else params.durationS = o.duration;
  return {
    kind,
    baseUrl: o.baseUrl,
    runId,
    users: o.users,
    readConcurrency: o.readConcurrency,
    execConcurrency: Math.max(1, execConcurrency),
    mode: o.mode ?? 'read-only',
    durationS: o.duration,
    minOk: o.minOk,
    maxP95: o.maxP95,
    maxSignInP95: o.maxSigninP95,
    reportDir: o.reportDir,
    adminToken: env.TELEMETRY_ADMIN_TOKEN || undefined,
    progress: o.progress,
    params,
    io,
  };
}

export async function mainLoad(kind: LoadKind, argv: string[], env: NodeJS.ProcessEnv = process.env, io: ToolIo = processIo): Promise<number> {
  const options = parseLoadArgs(kind, argv, env, io);
  const result = await runLoad(options);
  return result.exitCode;
}

