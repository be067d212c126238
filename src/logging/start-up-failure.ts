// The one line a failed start leaves: an operator's mistake (bad configuration, port in use) without a stack trace,
// anything else with its stack.
import { ConfigValidationError, LOG_FORMATS, LogFormat } from '../config/env.validation';
import { createPinoLogger } from './log-output';

/** Listen errors an operator fixes by choosing another port or privilege, not by reading a stack. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'is already in use',
  EACCES: 'needs more privileges',
  EADDRNOTAVAIL: 'is not available on this host',
};

/**
 * A database that cannot be reached or opened (host, credentials, database name, file permissions): the driver's own
 * message says which; PostgreSQL codes 28xxx are authentication, 3D000 an unknown database.
 */
const DATABASE_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_READONLY', 'SQLITE_PERM']);

export function describeStartUpFailure(err: unknown): { message: string; expected: boolean } {
  if (err instanceof ConfigValidationError) return { message: err.message, expected: true };
  const e = err as { code?: unknown; port?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code in LISTEN_ERRORS) {
    return { message: `Cannot listen: port ${String(e.port)} ${LISTEN_ERRORS[e.code]} (${e.code})`, expected: true };
  }
  if (typeof e?.code === 'string' && DATABASE_ERRORS.has(e.code)) {
    return { message: `Cannot open the database: ${String(e.message)} (${e.code})`, expected: true };
  }
  return { message: `Start-up failed: ${err instanceof Error ? err.message : String(err)}`, expected: false };
}

/**
 * Logged with a logger of its own: the app's may not exist yet (the configuration that sets it up is what failed),
 * so the format follows LOG_FORMAT when it is valid, else the terminal.
 */
export function logStartUpFailure(err: unknown): void {
  const asked = process.env.LOG_FORMAT?.trim().toLowerCase();
  const format: LogFormat = LOG_FORMATS.includes(asked as LogFormat) ? (asked as LogFormat) : process.stdout.isTTY ? 'pretty' : 'json';
  const logger = createPinoLogger({ level: 'info', format, debugExecutions: false }).child({ context: 'Bootstrap' });
  const { message, expected } = describeStartUpFailure(err);
  if (expected) logger.fatal(message);
  else logger.fatal({ err }, message);
}
