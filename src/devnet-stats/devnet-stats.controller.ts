import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { DB_DOWN } from '../openapi/error-descriptions';
import { DEVNET_STATS } from '../openapi/shapes';
import { DevnetStatsService } from './devnet-stats.service';

@ApiTags('telemetry')
@Controller('api/telemetry')
export class DevnetStatsController {
  constructor(private readonly stats: DevnetStatsService) {}

  @Get('devnet-stats')
  @ApiOperation({ summary: 'Public devnet statistics (traffic, users, transactions, volume, fees, display decision); cached ≤ 2 s' })
  @ApiData(200, 'The statistics; unit amounts are exact integer strings', DEVNET_STATS)
  @ApiErrors({ 503: DB_DOWN })
  devnetStats() {
    return this.stats.get();
  }
}
