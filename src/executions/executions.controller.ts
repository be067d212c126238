import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ActiveSessionGuard } from '../sessions/active-session.guard';
import { Ctx, RequestContext } from '../common/request-context';
import { AuthenticatedRequest, SESSION_HEADER } from '../sessions/session-request';
import { FailExecutionDto } from './dto/fail-execution.dto';
import { PrepareExecutionDto } from './dto/prepare-execution.dto';
import { SubmitExecutionDto } from './dto/submit-execution.dto';
import { ExecutionsService } from './executions.service';

@ApiTags('execute')
@Controller('api/execute')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get('preflight')
  @ApiOperation({ summary: 'Chain id, adapters, tokens, fee bps and RPC presence, from configuration only' })
  preflight() {
    return this.executions.preflight();
  }

  @Post('prepare')
  @UseGuards(ActiveSessionGuard)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  @ApiOperation({ summary: '201 prepared execution, or 200 with the fee quote when validateOnly (nothing stored)' })
  async prepare(@Body() dto: PrepareExecutionDto, @Req() req: AuthenticatedRequest, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.executions.prepare(req.auth.user, req.auth.session, dto, ctx.correlationId ?? undefined);
    if (dto.validateOnly) res.status(HttpStatus.OK);
    return result;
  }

  @Post(':id/submit')
  @HttpCode(HttpStatus.OK)
  @UseGuards(ActiveSessionGuard)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  submit(@Param('id') id: string, @Body() dto: SubmitExecutionDto, @Req() req: AuthenticatedRequest) {
    return this.executions.submit(req.auth.user, id, dto.txHash);
  }

  @Post(':id/fail')
  @HttpCode(HttpStatus.OK)
  @UseGuards(ActiveSessionGuard)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  fail(@Param('id') id: string, @Body() dto: FailExecutionDto, @Req() req: AuthenticatedRequest) {
    return this.executions.fail(req.auth.user, id, dto.errorCode, dto.errorMessage);
  }
}
