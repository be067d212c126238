import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ActiveSessionGuard } from './active-session.guard';
import { Session } from './session.entity';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { SiweNonce } from './siwe-nonce.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Session, SiweNonce]), UsersModule],
  controllers: [SessionsController],
  providers: [SessionsService, ActiveSessionGuard],
  exports: [SessionsService, ActiveSessionGuard],
})
export class SessionsModule {}
