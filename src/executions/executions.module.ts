import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeesModule } from '../fees/fees.module';
import { SessionsModule } from '../sessions/sessions.module';
import { Execution } from './execution.entity';
import { ExecutionsController } from './executions.controller';
import { TelemetryEventsModule } from '../telemetry-events/telemetry-events.module';
import { ExecutionsRepository } from './executions.repository';
import { ExecutionsService } from './executions.service';
import { TokenTotal } from './token-total.entity';

/** Owns executions and token_totals; the chain's receipt watcher goes through ExecutionsService. */
@Module({
  imports: [TypeOrmModule.forFeature([Execution, TokenTotal]), SessionsModule, FeesModule, TelemetryEventsModule],
  controllers: [ExecutionsController],
  providers: [ExecutionsService, ExecutionsRepository],
  exports: [ExecutionsService],
})
export class ExecutionsModule {}
