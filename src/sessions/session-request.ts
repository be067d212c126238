import type { Request } from 'express';
import type { Session } from './session.entity';
import type { User } from '../users/user.entity';

export const SESSION_HEADER = 'x-session-id';

/** The session key a request names: header x-session-id, else (for status only) query sessionId. */
export function sessionKeyOf(req: Request, allowQuery = false): string | undefined {
  const header = req.headers[SESSION_HEADER];
  if (typeof header === 'string' && header !== '') return header.trim();
  const query = allowQuery ? req.query?.sessionId : undefined;
  return typeof query === 'string' && query !== '' ? query.trim() : undefined;
}

/** What ActiveSessionGuard attaches to the request. */
export interface AuthenticatedRequest extends Request {
  auth: { session: Session; user: User };
}
