import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DefiService } from './defi.service';
import { AavePositionsQueryDto } from './dto/aave-positions-query.dto';

@ApiTags('defi')
@Controller('api/defi')
export class DefiController {
  constructor(private readonly defi: DefiService) {}

  @Get('aave/positions')
  @ApiOperation({
    summary: 'Aave v3 account data of an address (bigints as strings); cached per address for AAVE_CACHE_MS',
  })
  // The address is the subject of the lookup, not its caller: it makes no user or visitor of this request.
  aavePositions(@Query() query: AavePositionsQueryDto) {
    return this.defi.aavePositions(query.address);
  }
}
