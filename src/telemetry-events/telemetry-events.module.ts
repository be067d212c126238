import { Global, Module } from '@nestjs/common';
import { TelemetryEventsService } from './telemetry-events.service';

/** Global so any feature can emit an event without importing this module. */
@Global()
@Module({
  providers: [TelemetryEventsService],
  exports: [TelemetryEventsService],
})
export class TelemetryEventsModule {}
