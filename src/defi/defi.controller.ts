import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { BAD_QUERY } from '../openapi/error-descriptions';
import { AAVE_POSITION } from '../openapi/shapes';
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
  @ApiData(200, 'The account data read from the pool', AAVE_POSITION)
  @ApiErrors({
    400: BAD_QUERY,
    502: 'RPC_ERROR: the JSON-RPC node failed or did not answer within 2 s',
    503: 'RPC_NOT_CONFIGURED: no ETH_RPC_URL or no AAVE_POOL_ADDRESS is configured',
  })
  // The address is the subject of the lookup, not its caller: it makes no user or visitor of this request.
  aavePositions(@Query() query: AavePositionsQueryDto) {
    return this.defi.aavePositions(query.address);
  }
}
