import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { RequestLogBuffer } from './request-log.buffer';
import { RequestLogWriter } from './request-log.writer';
import { RequestLogger } from './request-logger';

/** Global: /health and the telemetry summary read the buffer; app.factory mounts the logger. */
@Global()
@Module({
  imports: [UsersModule],
  providers: [RequestLogBuffer, RequestLogger, RequestLogWriter],
  exports: [RequestLogBuffer, RequestLogger, RequestLogWriter],
})
export class RequestLogModule {}
