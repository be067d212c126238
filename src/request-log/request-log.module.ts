import { Global, Module } from '@nestjs/common';
import { RequestLogBuffer } from './request-log.buffer';

@Global()
@Module({
  providers: [RequestLogBuffer],
  exports: [RequestLogBuffer],
})
export class RequestLogModule {}
