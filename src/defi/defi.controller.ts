import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../common/request-context';
import { UsersService } from '../users/users.service';
import { DefiService } from './defi.service';
import { AavePositionsQueryDto } from './dto/aave-positions-query.dto';

@ApiTags('defi')
@Controller('api/defi')
export class DefiController {
  constructor(
    private readonly defi: DefiService,
    private readonly users: UsersService,
  ) {}

  @Get('aave/positions')
  @ApiOperation({
    summary: 'Aave v3 account data of an address (bigints as strings); cached per address for AAVE_CACHE_MS',
  })
  aavePositions(@Query() query: AavePositionsQueryDto, @Ctx() ctx: RequestContext) {
    // The request logger counts the asked-about wallet as this request's user (hashed, never raw).
    ctx.userHash = this.users.hashAddress(query.address);
    return this.defi.aavePositions(query.address);
  }
}
