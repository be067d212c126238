import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
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
  aavePositions(@Query() query: AavePositionsQueryDto, @Res({ passthrough: true }) res: Response) {
    // The request logger counts the asked-about wallet as this request's user (hashed, never raw).
    res.locals.userHash = this.users.hashAddress(query.address);
    return this.defi.aavePositions(query.address);
  }
}
