import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRawData } from '../openapi/api-responses';
import { HEALTH } from '../openapi/shapes';
import type { Response } from 'express';
import { AppConfig, appConfig } from '../config/app.config';
import { databaseKind } from '../database/data-source-options';
import { RequestLogBuffer } from '../traffic/request-log.buffer';
import { DatabaseProbe } from './database-probe';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly probe: DatabaseProbe,
    private readonly requestLog: RequestLogBuffer,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the last database ping (one a second, in the background); 503 when it failed or took over 5 s' })
  @ApiRawData(200, 'Up: database answers (own body, no envelope)', HEALTH)
  @ApiRawData(503, 'Down: the database did not answer (same body, ok false)', HEALTH)
  // Its own body shape (no envelope), so it writes the response itself.
  async check(@Res() res: Response): Promise<void> {
    const ok = await this.probe.isUp();
    const driver = databaseKind(this.config.db);
    const database = ok ? { status: 'up', driver } : { status: 'down', driver, message: 'database did not answer' };
    res.status(ok ? 200 : 503).json({
      ok,
      status: ok ? 'ok' : 'error',
      version: this.config.version,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      database,
      requestLog: { enabled: this.config.requestLog.enabled, ...this.requestLog.stats() },
    });
  }
}
