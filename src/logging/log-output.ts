// The pino logger behind the service logs: JSON lines (production, log collectors) or pino-pretty (a terminal).
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/app.config';

export type LogSettings = AppConfig['log'];

/**
 * The level pino itself runs at: DEBUG_EXECUTIONS needs debug lines through even when LOG_LEVEL is info; the service
 * logger keeps everything else at LOG_LEVEL (see ServiceLogger).
 */
export function effectiveLevel(log: LogSettings): string {
  const order = pino.levels.values;
  return log.debugExecutions && order[log.level] > order.debug ? 'debug' : log.level;
}

/** Synchronous in both formats (no worker thread), so the last line before process.exit(1) is never lost. */
function destination(log: LogSettings): DestinationStream {
  if (log.format === 'json') return pino.destination({ dest: 1, sync: true });
  return pretty({
    sync: true,
    // The start and shutdown facts are already in their message; JSON lines keep them as fields for collectors.
    ignore: 'pid,hostname,context,start,shutdown',
    messageFormat: '{if context}[{context}] {end}{msg}',
    translateTime: 'SYS:HH:MM:ss.l',
  });
}

export function createPinoLogger(log: LogSettings): Logger {
  return pino(
    {
      level: effectiveLevel(log),
      // Level names and ISO times read without a decoder; no hostname (the collector knows where a line came from).
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
    },
    destination(log),
  );
}
