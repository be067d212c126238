// Active sessions in memory, keyed by the session-key hash, so a request with a session costs no query. Revocation
// in this process removes the entry at once; an entry lives at most its TTL and never past the session's expiry, so
// a revocation made by another process (PostgreSQL replicas) is seen within SESSION_CACHE_TTL_MS.
import { LRUCache } from 'lru-cache';
import type { User } from '../users/user.entity';
import type { Session } from './session.entity';

export type SessionWithUser = Session & { user: User };

/**
 * How stale a cached session may be. It bounds the only cross-process change, a revocation on another replica; 5 s
 * keeps that window short while a session read several times a second (a load run's user) still hits ~90 % of the time.
 */
export const SESSION_CACHE_TTL_MS = 5_000;
/**
 * On SQLite one process owns the database file (replicas need PostgreSQL), so every revocation goes through this
 * process and deletes its entry at once: the TTL only bounds a change made outside the service (a hand edit). Under
 * the runbook's 1,500-user load a 5 s TTL sent a third of the status reads to the one shared connection, behind the
 * request-log writes; 60 s loads each session about once per run.
 */
export const SESSION_CACHE_TTL_SINGLE_PROCESS_MS = 60_000;
/** ~1 KB an entry: at most ~10 MB, and a flood of sign-ins cannot grow it past that. */
export const SESSION_CACHE_MAX = 10_000;

type Load = () => Promise<SessionWithUser>;

export class SessionCache {
  private readonly cache: LRUCache<string, SessionWithUser, Load>;

  constructor(ttlMs = SESSION_CACHE_TTL_MS, max = SESSION_CACHE_MAX, private readonly clock: () => number = Date.now) {
    this.cache = new LRUCache<string, SessionWithUser, Load>({
      max,
      ttl: ttlMs,
      ttlResolution: 0,
      perf: { now: clock },
      // A revocation deletes the entry while a load may be running: callers already waiting still get that load's
      // answer (read before the revocation committed), but it is not stored.
      ignoreFetchAbort: true,
      fetchMethod: async (_keyHash, _stale, { options, context }) => {
        const session = await context();
        // Expired sessions are answered from the cache for the normal TTL; active ones leave it when they expire.
        const untilExpiry = session.expiresAt - this.clock();
        if (untilExpiry > 0 && untilExpiry < ttlMs) options.ttl = untilExpiry;
        return session;
      },
    });
  }

  /** The session from the cache, else from `load` (concurrent misses share one load; a rejected load is not kept). */
  async get(keyHash: string, load: Load): Promise<SessionWithUser> {
    return (await this.cache.fetch(keyHash, { context: load })) as SessionWithUser;
  }

  /** After the session's row changed in this process. */
  delete(keyHash: string): void {
    this.cache.delete(keyHash);
  }
}
