import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module';
import { TelemetryEventsModule } from '../telemetry-events/telemetry-events.module';
import { UsersModule } from '../users/users.module';
import { MetricsRollup } from './metrics-rollup.entity';
import { RequestLogBuffer } from './request-log.buffer';
import { RequestLog } from './request-log.entity';
import { RequestLogWriter } from './request-log.writer';
import { RequestLogger } from './request-logger';
import { RolledHour } from './rolled-hour.entity';
import { RollupScheduler } from './rollup.scheduler';
import { RollupService } from './rollup.service';
import { TrafficRun } from './traffic-run.entity';
import { TrafficRunsService } from './traffic-runs.service';
import { TrafficSeriesService } from './traffic-series.service';
import { TrafficRepository } from './traffic.repository';
import { TrafficService } from './traffic.service';

/** Owns request_log, metrics_rollup, rolled_hours and traffic_runs: request capture, rollups, series and runs. */
@Module({
  imports: [TypeOrmModule.forFeature([RequestLog, MetricsRollup, RolledHour, TrafficRun]), MetricsModule, TelemetryEventsModule, UsersModule],
  providers: [
    TrafficRepository,
    RequestLogBuffer,
    RequestLogger,
    RequestLogWriter,
    RollupService,
    RollupScheduler,
    TrafficService,
    TrafficRunsService,
    TrafficSeriesService,
  ],
  exports: [RequestLogBuffer, TrafficService, TrafficRunsService, TrafficSeriesService],
})
export class TrafficModule {}
