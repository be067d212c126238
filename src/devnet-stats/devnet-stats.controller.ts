import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DevnetStatsService } from './devnet-stats.service';

@ApiTags('telemetry')
@Controller('api/telemetry')
export class DevnetStatsController {
  constructor(private readonly stats: DevnetStatsService) {}

  @Get('devnet-stats')
  @ApiOperation({ summary: 'Public devnet statistics (traffic, users, transactions, volume, fees, display decision); cached ≤ 2 s' })
  devnetStats() {
    return this.stats.get();
  }
}
