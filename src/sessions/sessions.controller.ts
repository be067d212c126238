import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../openapi/api-responses';
import { BAD_BODY, DB_DOWN, TOO_LARGE } from '../openapi/error-descriptions';
import { NONCE, SESSION_CREATED, SESSION_REVOKED, SESSION_VIEW } from '../openapi/shapes';
import type { Request } from 'express';
import { Ctx, RequestContext, requestContext } from '../common/request-context';
import { RunKeys } from '../traffic/run-keys';
import { CreateSessionDto } from './dto/create-session.dto';
import { sessionKeyOf } from './session-request';
import { SessionsService } from './sessions.service';

const SESSION_ID_ERRORS = 'SESSION_REQUIRED (no session id given) or INVALID_SESSION_ID (not 0x + 64 hex)';
const SESSION_NOT_FOUND = 'SESSION_NOT_FOUND: no such session';

@ApiTags('session')
@Controller('api/session')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly runKeys: RunKeys,
  ) {}

  @Get('nonce')
  @ApiOperation({ summary: 'A single-use nonce for an EIP-4361 message; expires after SIWE_NONCE_TTL_S' })
  @ApiData(200, 'The nonce and when it expires', NONCE)
  @ApiErrors({ 503: DB_DOWN })
  nonce() {
    return this.sessions.issueNonce();
  }

  @Post()
  @ApiOperation({ summary: 'Sign in with a signed EIP-4361 message; returns the session id (shown once)' })
  @ApiData(201, 'Signed in: the session id, shown this once', SESSION_CREATED)
  @ApiErrors({
    400: `${BAD_BODY}; INVALID_SIWE_MESSAGE, INVALID_ADDRESS or INVALID_SIGNATURE (malformed)`,
    401: 'NONCE_INVALID, NONCE_USED, NONCE_EXPIRED, DOMAIN_MISMATCH, CHAIN_ID_MISMATCH, MESSAGE_EXPIRED, MESSAGE_NOT_YET_VALID or INVALID_SIGNATURE (not the message address)',
    413: TOO_LARGE,
    503: DB_DOWN,
  })
  async create(@Body() dto: CreateSessionDto, @Req() req: Request, @Ctx() ctx: RequestContext) {
    // A wallet first seen in a sign-in of an open traffic run is a load-run user, shown apart from organic ones.
    const source = (await this.runKeys.runIdOf(req)) === null ? 'siwe' : 'load-run';
    const { userHash, ...created } = await this.sessions.signIn(dto.message, dto.signature, source);
    ctx.userHash = userHash;
    return created;
  }

  @Get('status')
  @ApiSecurity('session')
  @ApiQuery({ name: 'sessionId', required: false, description: 'instead of the x-session-id header' })
  @ApiOperation({ summary: 'Status of a session (active, revoked, expired), its creation and expiry' })
  @ApiData(200, 'The session', SESSION_VIEW)
  @ApiErrors({ 400: SESSION_ID_ERRORS, 404: SESSION_NOT_FOUND, 503: DB_DOWN })
  // The request context straight from req, not through @Ctx(): a custom parameter decorator costs a pipe run per
  // request, on the service's most frequent authenticated read.
  async status(@Req() req: Request) {
    const session = await this.sessions.findByKey(sessionKeyOf(req, true));
    const view = this.sessions.view(session);
    // A request belongs to a user only through an active session.
    if (view.status === 'active') requestContext(req).userHash = session.user.addressHash;
    return view;
  }

  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Revoke the session; idempotent (revoking again answers the same)' })
  @ApiData(200, 'Revoked', SESSION_REVOKED)
  @ApiErrors({ 400: SESSION_ID_ERRORS, 404: SESSION_NOT_FOUND, 503: DB_DOWN })
  async revoke(@Req() req: Request, @Ctx() ctx: RequestContext) {
    const session = await this.sessions.findByKey(sessionKeyOf(req));
    if (this.sessions.view(session).status === 'active') ctx.userHash = session.user.addressHash;
    return this.sessions.revoke(session);
  }
}
