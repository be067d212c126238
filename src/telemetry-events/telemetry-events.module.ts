import { Module } from '@nestjs/common';
import { TelemetryEventsService } from './telemetry-events.service';

@Module({
  providers: [TelemetryEventsService],
  exports: [TelemetryEventsService],
})
export class TelemetryEventsModule {}
