import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ActiveSessionGuard } from './active-session.guard';
import { Session } from './session.entity';
import { SessionsController } from './sessions.controller';
import { TelemetryEventsModule } from '../telemetry-events/telemetry-events.module';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { SiweNonce } from './siwe-nonce.entity';

/** Owns sessions and siwe_nonces. */
@Module({
  imports: [TypeOrmModule.forFeature([Session, SiweNonce]), UsersModule, TelemetryEventsModule],
  controllers: [SessionsController],
  providers: [SessionsService, SessionsRepository, ActiveSessionGuard],
  exports: [SessionsService, ActiveSessionGuard],
})
export class SessionsModule {}
