import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { TrafficModule } from '../traffic/traffic.module';
import { UsersModule } from '../users/users.module';
import { DevnetStatsController } from './devnet-stats.controller';
import { DevnetStatsService } from './devnet-stats.service';

@Module({
  imports: [TrafficModule, UsersModule, ExecutionsModule],
  controllers: [DevnetStatsController],
  providers: [DevnetStatsService],
})
export class DevnetStatsModule {}
