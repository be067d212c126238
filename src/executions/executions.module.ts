import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeesModule } from '../fees/fees.module';
import { SessionsModule } from '../sessions/sessions.module';
import { Execution } from './execution.entity';
import { ExecutionsController } from './executions.controller';
import { ExecutionsService } from './executions.service';
import { TokenTotal } from './token-total.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Execution, TokenTotal]), SessionsModule, FeesModule],
  controllers: [ExecutionsController],
  providers: [ExecutionsService],
  exports: [ExecutionsService],
})
export class ExecutionsModule {}
