import { Module } from '@nestjs/common';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { DevnetStatsController } from './devnet-stats.controller';
import { DevnetStatsService } from './devnet-stats.service';

@Module({
  imports: [TelemetryModule],
  controllers: [DevnetStatsController],
  providers: [DevnetStatsService],
})
export class DevnetStatsModule {}
