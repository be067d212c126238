import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TelemetryController } from './telemetry.controller';
import { TelemetryService } from './telemetry.service';
import { TrafficRunsService } from './traffic-runs.service';
import { TrafficSeriesService } from './traffic-series.service';
import { TrafficRun } from './traffic-run.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TrafficRun])],
  controllers: [TelemetryController],
  providers: [TelemetryService, TrafficRunsService, TrafficSeriesService],
  exports: [TrafficRunsService],
})
export class TelemetryModule {}
