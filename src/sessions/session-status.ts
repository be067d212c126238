// The one definition of a session's status: revoked if revoked, else expired once expires_at is reached, else active.
import type { Session, SessionStatus } from './session.entity';

export function sessionStatus(session: Pick<Session, 'status' | 'expiresAt'>, now = Date.now()): SessionStatus {
  if (session.status === 'revoked') return 'revoked';
  return session.expiresAt <= now ? 'expired' : 'active';
}

/** The same rule as a SQL expression over a sessions row aliased `alias`, with `nowParam` the bound placeholder of now. */
export function sessionStatusSql(alias: string, nowParam: string): string {
  return `CASE WHEN "${alias}"."status" = 'revoked' THEN 'revoked' WHEN "${alias}"."expires_at" <= ${nowParam} THEN 'expired' ELSE 'active' END`;
}
