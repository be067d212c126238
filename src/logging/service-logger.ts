// Nest's LoggerService over pino (nestjs-pino), minus the framework's start-up chatter at info.
import { Inject, Injectable } from '@nestjs/common';
import { Logger, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { AppConfig, appConfig } from '../config/app.config';

/** Contexts whose `log` lines list modules, routes and "started" messages: useful when debugging, noise otherwise. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

@Injectable()
export class ServiceLogger extends Logger {
  private readonly frameworkVisible: boolean;

  constructor(logger: PinoLogger, @Inject(PARAMS_PROVIDER_TOKEN) params: Params, @Inject(appConfig.KEY) config: AppConfig) {
    super(logger, params);
    // pino may run at debug for DEBUG_EXECUTIONS alone; the framework's lines show only when LOG_LEVEL asks for debug.
    this.frameworkVisible = pino.levels.values[config.log.level] <= pino.levels.values.debug;
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      if (this.frameworkVisible) super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
