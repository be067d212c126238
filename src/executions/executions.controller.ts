import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { BAD_BODY, DB_DOWN, SESSION_ERRORS, TOO_LARGE } from '../openapi/error-descriptions';
import { EXECUTION, PREFLIGHT, PREPARED } from '../openapi/shapes';
import type { Response } from 'express';
import { ActiveSessionGuard } from '../sessions/active-session.guard';
import { Ctx, RequestContext } from '../common/request-context';
import { AuthenticatedRequest } from '../sessions/session-request';
import { FailExecutionDto } from './dto/fail-execution.dto';
import { PrepareExecutionDto } from './dto/prepare-execution.dto';
import { SubmitExecutionDto } from './dto/submit-execution.dto';
import { ExecutionsService } from './executions.service';

/** What submit and fail share: a body, a session, and an execution of the session's own wallet. */
const EXECUTION_ERRORS: Record<number, string> = {
  400: BAD_BODY,
  ...SESSION_ERRORS,
  404: 'EXECUTION_NOT_FOUND: no such execution of this wallet',
  413: TOO_LARGE,
  503: DB_DOWN,
};

@ApiTags('execute')
@Controller('api/execute')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get('preflight')
  @ApiOperation({ summary: 'Chain id, adapters, tokens, fee bps and RPC presence, from configuration only' })
  @ApiData(200, 'What this service executes and at which fee', PREFLIGHT)
  preflight() {
    return this.executions.preflight();
  }

  @Post('prepare')
  @UseGuards(ActiveSessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: '201 prepared execution, or 200 with the fee quote when validateOnly (nothing stored)' })
  @ApiData(201, 'Prepared (status prepared, with its executionId)', PREPARED)
  @ApiData(200, 'validateOnly: the fee quote, nothing stored (status valid)', PREPARED)
  @ApiErrors({ 400: `${BAD_BODY}; UNKNOWN_ACTION or UNKNOWN_TOKEN`, ...SESSION_ERRORS, 413: TOO_LARGE, 503: DB_DOWN })
  async prepare(@Body() dto: PrepareExecutionDto, @Req() req: AuthenticatedRequest, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.executions.prepare(req.auth.user, req.auth.session, dto, ctx.correlationId ?? undefined);
    if (dto.validateOnly) res.status(HttpStatus.OK);
    return result;
  }

  @Post(':id/submit')
  @HttpCode(HttpStatus.OK)
  @UseGuards(ActiveSessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Record the transaction hash of the owner\'s prepared execution (prepared → submitted)' })
  @ApiData(200, 'Submitted', EXECUTION)
  @ApiErrors({ ...EXECUTION_ERRORS, 409: 'INVALID_TRANSITION (not prepared) or TX_HASH_IN_USE (another execution holds this hash)' })
  submit(@Param('id') id: string, @Body() dto: SubmitExecutionDto, @Req() req: AuthenticatedRequest) {
    return this.executions.submit(req.auth.user, id, dto.txHash);
  }

  @Post(':id/fail')
  @HttpCode(HttpStatus.OK)
  @UseGuards(ActiveSessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Mark the owner\'s execution failed with a client error code (prepared or submitted → failed)' })
  @ApiData(200, 'Failed', EXECUTION)
  @ApiErrors({ ...EXECUTION_ERRORS, 409: 'INVALID_TRANSITION: the execution is already final' })
  fail(@Param('id') id: string, @Body() dto: FailExecutionDto, @Req() req: AuthenticatedRequest) {
    return this.executions.fail(req.auth.user, id, dto.errorCode, dto.errorMessage);
  }
}
