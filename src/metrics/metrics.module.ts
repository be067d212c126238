import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { PrometheusService } from './prometheus.service';
import { RollupScheduler } from './rollup.scheduler';
import { RollupService } from './rollup.service';
import { TrafficService } from './traffic.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [PrometheusService, RollupService, RollupScheduler, TrafficService],
  exports: [PrometheusService, RollupService, TrafficService],
})
export class MetricsModule {}
