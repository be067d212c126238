import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TrafficModule } from '../traffic/traffic.module';
import { UsersModule } from '../users/users.module';
import { TelemetryController } from './telemetry.controller';
import { TelemetryService } from './telemetry.service';

/** Admin and public telemetry views over the owners' methods; owns no table. */
@Module({
  imports: [TrafficModule, UsersModule, SessionsModule, ExecutionsModule],
  controllers: [TelemetryController],
  providers: [TelemetryService],
})
export class TelemetryModule {}
