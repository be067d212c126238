import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Ctx, RequestContext } from '../common/request-context';
import { CreateSessionDto } from './dto/create-session.dto';
import { SESSION_HEADER, sessionKeyOf } from './session-request';
import { SessionsService } from './sessions.service';

@ApiTags('session')
@Controller('api/session')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get('nonce')
  @ApiOperation({ summary: 'A single-use nonce for an EIP-4361 message; expires after SIWE_NONCE_TTL_S' })
  nonce() {
    return this.sessions.issueNonce();
  }

  @Post()
  @ApiOperation({ summary: 'Sign in with a signed EIP-4361 message; returns the session id (shown once)' })
  async create(@Body() dto: CreateSessionDto, @Ctx() ctx: RequestContext) {
    const { userHash, ...created } = await this.sessions.signIn(dto.message, dto.signature);
    ctx.userHash = userHash;
    return created;
  }

  @Get('status')
  @ApiHeader({ name: SESSION_HEADER, required: false })
  @ApiQuery({ name: 'sessionId', required: false })
  async status(@Req() req: Request, @Ctx() ctx: RequestContext) {
    const session = await this.sessions.findByKey(sessionKeyOf(req, true));
    ctx.userHash = session.user.addressHash;
    return this.sessions.view(session);
  }

  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  @ApiOperation({ summary: 'Revoke the session; idempotent (revoking again answers the same)' })
  async revoke(@Req() req: Request, @Ctx() ctx: RequestContext) {
    const session = await this.sessions.findByKey(sessionKeyOf(req));
    ctx.userHash = session.user.addressHash;
    return this.sessions.revoke(session);
  }
}
