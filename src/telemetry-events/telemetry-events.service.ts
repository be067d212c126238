// Console telemetry events: one JSON line per event on stdout when TELEMETRY_CONSOLE=true; with DEBUG_EXECUTIONS=1,
// every execution transition also goes to the service log at debug.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig, appConfig } from '../config/app.config';

export type TelemetryEventName =
  | 'session.created'
  | 'execution.prepared'
  | 'execution.submitted'
  | 'execution.confirmed'
  | 'execution.failed'
  | 'run.opened'
  | 'run.recorded'
  | (string & {});

export type TelemetryEventValue = string | number | boolean | null | undefined;

// A raw wallet address must never reach a log line; callers pass hashes, but this is the last line of defence.
const RAW_ADDRESS = /0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/;

@Injectable()
export class TelemetryEventsService {
  private readonly transitions = new Logger('Executions');

  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.consoleEvents;
  }

  emit(event: TelemetryEventName, fields: Record<string, TelemetryEventValue | bigint> = {}): void {
    const debug = this.config.log?.debugExecutions === true && event.startsWith('execution.');
    if (!this.config.consoleEvents && !debug) return;
    const line: Record<string, TelemetryEventValue> = { ts: new Date().toISOString(), event };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (typeof value === 'string' && RAW_ADDRESS.test(value)) continue;
      line[key] = typeof value === 'bigint' ? value.toString() : value;
    }
    if (this.config.consoleEvents) process.stdout.write(`${JSON.stringify(line)}\n`);
    if (debug) this.transitions.debug({ transition: line }, `${event} ${String(line.executionId ?? '')}`.trim());
  }
}
