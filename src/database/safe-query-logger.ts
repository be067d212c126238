// TypeORM logger for production: a failed query is logged with its SQL and error message, never its bound parameters
// (nonces, user hashes, the HMAC salt…); successful queries are never logged.
import { Logger as NestLogger } from '@nestjs/common';
import type { Logger } from 'typeorm';

// A failed multi-row insert of the request-log writer is ~10,000 placeholders long: the head names the statement.
const MAX_LOGGED_SQL = 500;

// Shorter values would blank out ordinary words and numbers of the message while hiding nothing secret.
const MIN_REDACTED_LENGTH = 4;

/** Drivers may quote a bad value in the message itself (PostgreSQL: `invalid input syntax for type integer: "…"`). */
function redact(message: string, parameters: unknown[] | undefined): string {
  let safe = message;
  for (const p of parameters ?? []) {
    if (typeof p !== 'string' && typeof p !== 'number' && typeof p !== 'bigint') continue;
    const text = String(p);
    if (text.length >= MIN_REDACTED_LENGTH) safe = safe.split(text).join('<redacted>');
  }
  return safe;
}

/**
 * A unique violation is how a caller learns of a duplicate (a replayed nonce, a claimed tx hash) and answers 409 itself:
 * an expected outcome, logged at debug. An unexpected one still reaches the exception filter, which logs the 500.
 */
const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

function shortened(sql: string): string {
  return sql.length <= MAX_LOGGED_SQL ? sql : `${sql.slice(0, MAX_LOGGED_SQL)}… (${sql.length} characters)`;
}

export class SafeQueryLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const message = error instanceof Error ? error.message : String(error);
    const line = `Query failed: ${redact(message, parameters)} — SQL: ${shortened(query)}`;
    if (UNIQUE_VIOLATION.test(message)) this.logger.debug(line);
    else this.logger.error(line);
  }

  logQuerySlow(): void {}

  logSchemaBuild(): void {}

  logMigration(): void {}

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
