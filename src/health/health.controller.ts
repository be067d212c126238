import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { AppConfig, appConfig } from '../config/app.config';
import { RawResponse } from '../common/response-envelope.interceptor';
import { databaseKind } from '../database/data-source-options';
import { RequestLogBuffer } from '../request-log/request-log.buffer';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly requestLog: RequestLogBuffer,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Get()
  @RawResponse()
  @SkipThrottle()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness with a database ping; 503 when the database does not answer' })
  async check(@Res({ passthrough: true }) res: Response) {
    let database: { status: 'up' | 'down'; driver: string; message?: string };
    try {
      await this.health.check([() => this.db.pingCheck('database', { timeout: 1000 })]);
      database = { status: 'up', driver: databaseKind(this.config.db) };
    } catch {
      database = { status: 'down', driver: databaseKind(this.config.db), message: 'database did not answer' };
    }
    const ok = database.status === 'up';
    if (!ok) res.status(503);
    return {
      ok,
      status: ok ? 'ok' : 'error',
      version: this.config.version,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      database,
      requestLog: { enabled: this.config.requestLog.enabled, ...this.requestLog.stats() },
    };
  }
}
