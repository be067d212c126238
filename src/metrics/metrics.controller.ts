import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrometheusService } from './prometheus.service';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly prometheus: PrometheusService) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus exposition of the service’s own counters and latency histograms' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  // The exposition format, not the JSON envelope: written directly.
  async exposition(@Res() res: Response): Promise<void> {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(await this.prometheus.exposition());
  }
}
