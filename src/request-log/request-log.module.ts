import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { LogDatabase } from './log-database';
import { RequestLogBuffer } from './request-log.buffer';
import { RequestLogWriter } from './request-log.writer';
import { RequestLogger } from './request-logger';

/** Global: /health reads the buffer, the rollups write through LogDatabase, app.factory mounts the logger. */
@Global()
@Module({
  imports: [UsersModule],
  providers: [RequestLogBuffer, RequestLogger, RequestLogWriter, LogDatabase],
  exports: [RequestLogBuffer, RequestLogger, RequestLogWriter, LogDatabase],
})
export class RequestLogModule {}
