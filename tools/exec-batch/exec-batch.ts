// npm run devnet:exec-batch -- [--n=25 --concurrency=5 --dry-run[=true|false] --token=ETH --amount=<base units>]
import { InvalidArgumentError, Option } from 'commander';
import {
  ToolError, ToolIo, baseUrlOption, newProgram, parseCommandLine, positiveInt, processIo, resolveRunId, runIdOption, runTool, switchOption,
} from '../lib/cli';
import { ProgressMode } from '../lib/progress';
import { DEFAULT_REPORT_DIR } from '../lib/report-file';
import { ExecBatchOptions, runExecBatch } from './batch';

export const BATCH_CONCURRENCY_CAP = 10;
const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

export function parseExecBatchArgs(argv: string[], env: NodeJS.ProcessEnv, io: ToolIo): ExecBatchOptions {
  const program = newProgram('devnet:exec-batch', 'Wallets sign in and prepare one execution each: validateOnly in a dry run; otherwise a real devnet transfer per execution, submitted and awaited.', io)
    .addOption(baseUrlOption())
    .addOption(new Option('--n <n>', 'executions (one fresh wallet each)').default(25).argParser(positiveInt('--n')))
    .addOption(new Option('--concurrency <n>', `wallets in flight at most (capped at ${BATCH_CONCURRENCY_CAP})`).default(5).argParser(positiveInt('--concurrency')))
    .addOption(switchOption('--dry-run', 'validateOnly, nothing stored or sent (--dry-run alone = true); --dry-run=false sends real transactions (needs ETH_RPC_URL, DEVNET_PRIVATE_KEY)', true))
    .addOption(new Option('--token <symbol>', 'token symbol from preflight (default: ETH, else the first listed)'))
    .addOption(new Option('--amount <units>', 'amount in integer base units (default: 1/100 of one token)').argParser((raw) => {
      if (!/^[1-9]\d{0,39}$/.test(raw)) throw new InvalidArgumentError(`--amount must be a positive integer of base units, got "${raw}".`);
      return raw;
    }))
    .addOption(runIdOption())
    .addOption(new Option('--wait-s <s>', 'real mode: seconds to wait for confirmations').default(120).argParser(positiveInt('--wait-s')))
    .addOption(new Option('--report-dir <dir>', 'folder for <run-id>.json').default(DEFAULT_REPORT_DIR))
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'off']).default('auto'));
  const o = parseCommandLine<{ baseUrl: string; n: number; concurrency: number; dryRun: boolean; token?: string; amount?: string;
    runId: string; waitS: number; reportDir: string; progress: ProgressMode }>(program, argv, env);

  let devnet: ExecBatchOptions['devnet'];
  if (!o.dryRun) {
    // Checked before anything is sent: a real batch without a devnet must stop here, not half-way.
    const missing = ['ETH_RPC_URL', 'DEVNET_PRIVATE_KEY'].filter((k) => !env[k]);
    if (missing.length > 0) {
      throw new ToolError(`--dry-run=false sends real devnet transactions and needs ${missing.join(' and ')} in the environment; nothing was sent. Use --dry-run=true to validate only.`);
    }
    if (!PRIVATE_KEY.test(env.DEVNET_PRIVATE_KEY!)) throw new ToolError('DEVNET_PRIVATE_KEY must be 32 bytes of hex (0x + 64 hex characters); nothing was sent.');
    devnet = { rpcUrl: env.ETH_RPC_URL!, privateKey: env.DEVNET_PRIVATE_KEY! };
  }
  let concurrency = o.concurrency;
  if (concurrency > BATCH_CONCURRENCY_CAP) {
    io.err(`warning: --concurrency=${concurrency} capped at ${BATCH_CONCURRENCY_CAP}.`);
    concurrency = BATCH_CONCURRENCY_CAP;
  }
  return {
    baseUrl: o.baseUrl,
    runId: resolveRunId(o.runId, 'exec-batch'),
    n: o.n,
    concurrency,
    dryRun: o.dryRun,
    token: o.token,
    amount: o.amount,
    waitS: o.waitS,
    reportDir: o.reportDir,
    adminToken: env.TELEMETRY_ADMIN_TOKEN || undefined,
    devnet,
    progress: o.progress,
    params: { n: o.n, concurrency, dryRun: o.dryRun, token: o.token ?? null, amount: o.amount ?? null },
    io,
  };
}

export async function mainExecBatch(argv: string[], env: NodeJS.ProcessEnv = process.env, io: ToolIo = processIo): Promise<number> {
  return (await runExecBatch(parseExecBatchArgs(argv, env, io))).exitCode;
}

if (require.main === module) void runTool(() => mainExecBatch(process.argv.slice(2)));
