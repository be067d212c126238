// Lets a request through only with an active session; attaches it (and its user) for the handler.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { requestContext } from '../common/request-context';
import { AuthenticatedRequest, sessionKeyOf } from './session-request';
import { SessionsService } from './sessions.service';

@Injectable()
export class ActiveSessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const { session, user } = await this.sessions.requireActive(sessionKeyOf(req));
    (req as AuthenticatedRequest).auth = { session, user };
    // The request logger reads it when the response finishes.
    requestContext(req).userHash = user.addressHash;
    return true;
  }
}
