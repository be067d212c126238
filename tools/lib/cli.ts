// Shared command-line handling: commander with clean errors (no stack traces) and fixed exit codes.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

/** Exit codes shared by every tool (documented in the README). */
export const EXIT = {
  OK: 0,
  /** A threshold (--min-ok / --max-p95) failed, or a batch had failures. */
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

export function parseRunId(raw: string): string {
  if (!RUN_ID_PATTERN.test(raw)) throw new InvalidArgumentError(`--run-id must match [A-Za-z0-9._:-]{1,64}, got "${raw}".`);
  return raw;
}

export function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`--base-url must be an http(s) URL, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`--base-url must be an http(s) URL, got "${raw}".`);
  }
  return url.origin;
}

/** `auto` (or nothing) → `<kind>-<epoch ms>`, the form the runbook shows (e.g. devnet-load-1705766400000). */
export function resolveRunId(raw: string | undefined, kind: string, now = Date.now()): string {
  return raw === undefined || raw === 'auto' ? `${kind}-${now}` : raw;
}

export function baseUrlOption(env: NodeJS.ProcessEnv = process.env): Option {
  return new Option('--base-url <url>', 'target server (env BASE_URL)')
    .default(env.BASE_URL ? safeDefaultBaseUrl(env.BASE_URL) : DEFAULT_BASE_URL)
    .argParser(parseBaseUrl);
}

function safeDefaultBaseUrl(raw: string): string {
  try {
    return parseBaseUrl(raw);
  } catch {
    throw new ToolError(`BASE_URL must be an http(s) URL, got "${raw}".`, EXIT.USAGE);
  }
}

export function runIdOption(): Option {
  return new Option('--run-id <id>', 'run id sent as x-run-id on every request ("auto": <kind>-<epoch ms>)')
    .default('auto')
    .argParser((raw) => (raw === 'auto' ? raw : parseRunId(raw)));
}

/** A commander program that throws instead of exiting, so `runTool` decides the exit code. */
export function newProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .showHelpAfterError('(run with --help for usage)');
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
