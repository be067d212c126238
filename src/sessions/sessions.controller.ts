import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Ctx, RequestContext } from '../common/request-context';
import { RunKeys } from '../traffic/run-keys';
import { CreateSessionDto } from './dto/create-session.dto';
import { SESSION_HEADER, sessionKeyOf } from './session-request';
import { SessionsService } from './sessions.service';

@ApiTags('session')
@Controller('api/session')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly runKeys: RunKeys,
  ) {}

  @Get('nonce')
  @ApiOperation({ summary: 'A single-use nonce for an EIP-4361 message; expires after SIWE_NONCE_TTL_S' })
  nonce() {
    return this.sessions.issueNonce();
  }

  @Post()
  @ApiOperation({ summary: 'Sign in with a signed EIP-4361 message; returns the session id (shown once)' })
  async create(@Body() dto: CreateSessionDto, @Req() req: Request, @Ctx() ctx: RequestContext) {
    // A wallet first seen in a sign-in of an open traffic run is a load-run user, shown apart from organic ones.
    const source = (await this.runKeys.runIdOf(req)) === null ? 'siwe' : 'load-run';
    const { userHash, ...created } = await this.sessions.signIn(dto.message, dto.signature, source);
    ctx.userHash = userHash;
    return created;
  }

  @Get('status')
  @ApiHeader({ name: SESSION_HEADER, required: false })
  @ApiQuery({ name: 'sessionId', required: false })
  async status(@Req() req: Request, @Ctx() ctx: RequestContext) {
    const session = await this.sessions.findByKey(sessionKeyOf(req, true));
    const view = this.sessions.view(session);
    // A request belongs to a user only through an active session.
    if (view.status === 'active') ctx.userHash = session.user.addressHash;
    return view;
  }

  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  @ApiOperation({ summary: 'Revoke the session; idempotent (revoking again answers the same)' })
  async revoke(@Req() req: Request, @Ctx() ctx: RequestContext) {
    const session = await this.sessions.findByKey(sessionKeyOf(req));
    if (this.sessions.view(session).status === 'active') ctx.userHash = session.user.addressHash;
    return this.sessions.revoke(session);
  }
}
