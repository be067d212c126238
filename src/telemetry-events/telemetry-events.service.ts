// Console telemetry events: one JSON line per event on stdout when TELEMETRY_CONSOLE=true.
import { Inject, Injectable } from '@nestjs/common';
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
  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.consoleEvents;
  }

  emit(event: TelemetryEventName, fields: Record<string, TelemetryEventValue | bigint> = {}): void {
    if (!this.config.consoleEvents) return;
    const line: Record<string, TelemetryEventValue> = { ts: new Date().toISOString(), event };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (typeof value === 'string' && RAW_ADDRESS.test(value)) continue;
      line[key] = typeof value === 'bigint' ? value.toString() : value;
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
