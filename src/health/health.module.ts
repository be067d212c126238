import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TrafficModule } from '../traffic/traffic.module';
import { DatabaseProbe } from './database-probe';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TrafficModule],
  controllers: [HealthController],
  providers: [DatabaseProbe],
})
export class HealthModule {}
