import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, appConfig } from '../config/app.config';
import { createPinoLogger } from './log-output';
import { ServiceLogger } from './service-logger';

/**
 * Service logs through pino. No pino-http middleware on any route: the request log is the database's job, and its
 * per-request child logger would serialise the URL (query string) and headers (x-session-id) into every log line.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({ pinoHttp: { logger: createPinoLogger(config.log), autoLogging: false }, forRoutes: [] }),
    }),
  ],
  providers: [ServiceLogger],
  exports: [ServiceLogger],
})
export class LoggingModule {}
