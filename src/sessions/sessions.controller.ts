import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
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
  async create(@Body() dto: CreateSessionDto, @Res({ passthrough: true }) res: Response) {
    const { userHash, ...created } = await this.sessions.signIn(dto.message, dto.signature);
    res.locals.userHash = userHash;
    return created;
  }

  @Get('status')
  @ApiHeader({ name: SESSION_HEADER, required: false })
  @ApiQuery({ name: 'sessionId', required: false })
  async status(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const session = await this.sessions.findByKey(sessionKeyOf(req, true));
    res.locals.userHash = session.user.addressHash;
    return this.sessions.view(session);
  }

  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: SESSION_HEADER, required: true })
  @ApiOperation({ summary: 'Revoke the session; idempotent (revoking again answers the same)' })
  async revoke(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const session = await this.sessions.findByKey(sessionKeyOf(req));
    res.locals.userHash = session.user.addressHash;
    return this.sessions.revoke(session);
  }
}
