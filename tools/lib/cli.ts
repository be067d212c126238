// Shared command-line handling: commander with clean errors (no stack traces) and fixed exit codes.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** Exit codes shared by every tool (documented in the README). */
export const EXIT = {
  OK: 0,
  /** A threshold (--min-ok / --max-p95 / --max-signin-p95) failed, a batch had failures, or a report is NOT READY. */
  THRESHOLD: 1,
  /** Bad command line: unknown flag, bad value. */
  USAGE: 2,
  /** Could not run: server unreachable, unknown run id, missing devnet configuration. */
  RUNTIME: 3,
} as const;

/** An expected failure with a message for the operator; printed without a stack trace. */
export class ToolError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.RUNTIME) {
    super(message);
  }
}

export const RUN_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const DEFAULT_BASE_URL = 'http://localhost:3001';

export function positiveInt(flag: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      throw new InvalidArgumentError(`${flag} must be a positive integer, got "${raw}".`);
    }
    return Number(raw);
  };
}

export function numberInRange(flag: string, min: number, max: number) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      throw new InvalidArgumentError(`${flag} must be a number from ${min} to ${max}, got "${raw}".`);
    }
    return v;
  };
}

export function booleanFlag(flag: string) {
  return (raw: string): boolean => {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new InvalidArgumentError(`${flag} must be true or false, got "${raw}".`);
  };
}

/** `--flag`, `--flag=true` or `--flag=false`; absent → `defaultValue`. */
export function switchOption(flags: string, description: string, defaultValue: boolean): Option {
  const flag = flags.split(' ')[0];
  return new Option(`${flag} [bool]`, description).default(defaultValue).preset('true').argParser(booleanFlag(flag));
}

export function parseRunId(raw: string): string {
  if (!RUN_ID_PATTERN.test(raw)) throw new InvalidArgumentError(`--run-id must match [A-Za-z0-9._:-]{1,64}, got "${raw}".`);
  return raw;
}

/**
 * A bare http(s) origin. A path, query or hash is refused rather than dropped or used as a prefix: the tools call the
 * server's documented absolute paths (/health, /api/...), so `http://host/docs` can only be a mistake.
 */
export function parseBaseUrl(raw: string, name = '--base-url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`${name} must be an http(s) URL such as ${DEFAULT_BASE_URL}, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`${name} must be an http(s) URL such as ${DEFAULT_BASE_URL}, got "${raw}".`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError(`${name} must be the server's origin only (scheme://host:port, no path, query or hash), got "${raw}".`);
  }
  return url.origin;
}

export function baseUrlOption(): Option {
  return new Option('--base-url <url>', 'target server origin').default(DEFAULT_BASE_URL, `env BASE_URL, else ${DEFAULT_BASE_URL}`).argParser((raw) => parseBaseUrl(raw));
}

/**
 * Parses argv, then takes the default base URL from env BASE_URL. The environment is read only after the command
 * line, so `--help` prints even when BASE_URL is malformed, and `--base-url` overrides a bad BASE_URL.
 */
export function parseCommandLine<T extends { baseUrl?: string }>(program: Command, argv: string[], env: NodeJS.ProcessEnv): T {
  program.parse(argv, { from: 'user' });
  const opts = program.opts<T>();
  if (program.getOptionValueSource('baseUrl') === 'default' && env.BASE_URL) {
    try {
      opts.baseUrl = parseBaseUrl(env.BASE_URL, 'BASE_URL');
    } catch (err) {
      throw new ToolError((err as Error).message, EXIT.USAGE);
    }
  }
  return opts;
}

/** `auto` (or nothing) → `<kind>-<epoch ms>`, the form the runbook shows (e.g. devnet-load-1705766400000). */
export function resolveRunId(raw: string | undefined, kind: string, now = Date.now()): string {
  return raw === undefined || raw === 'auto' ? `${kind}-${now}` : raw;
}

export function runIdOption(): Option {
  return new Option('--run-id <id>', 'run id sent as x-run-id on every request ("auto": <kind>-<epoch ms>)')
    .default('auto')
    .argParser((raw) => (raw === 'auto' ? raw : parseRunId(raw)));
}

export interface ToolIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIo: ToolIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * A commander program that throws instead of exiting, so `runTool` decides the exit code. A usage error is one line
 * on stderr, the hint to --help included.
 */
export function newProgram(name: string, description: string, io: ToolIo = processIo): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      outputError: (message, write) => write(`${message.trimEnd()} (run with --help for usage)`),
    });
}

/**
 * Runs a tool's main and sets the exit code: commander errors → 2, ToolError → its code, anything else → 3 with
 * one line (the stack only with DEBUG=1).
 */
export async function runTool(main: () => Promise<number>, io: ToolIo = processIo): Promise<void> {
  let code: number;
  try {
    code = await main();
  } catch (err) {
    code = exitCodeFor(err, io);
  }
  process.exitCode = code;
}

function exitCodeFor(err: unknown, io: ToolIo): number {
  if (err instanceof CommanderError) {
    // Commander already printed the message (or the help/version text).
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (err instanceof ToolError) {
    io.err(`error: ${err.message}`);
    return err.exitCode;
  }
  const e = err as Error;
  io.err(`error: ${e?.message ?? String(err)}`);
  if (process.env.DEBUG === '1' && e?.stack) io.err(e.stack);
  return EXIT.RUNTIME;
}
