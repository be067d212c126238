// Sign-In with Ethereum: nonces, session creation, status, revocation, and the lookup behind ActiveSessionGuard.
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import { apiException, ErrorCode } from '../common/error-codes';
import { dialectOf } from '../database/dialect';
import { AppConfig, appConfig } from '../config/app.config';
import { TelemetryEventsService } from '../telemetry-events/telemetry-events.service';
import { User, UserSource } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { isSessionKey, newSessionKey, sessionKeyHash } from './session-key';
import { SESSION_CACHE_TTL_MS, SESSION_CACHE_TTL_SINGLE_PROCESS_MS, SessionCache, SessionWithUser } from './session-cache';
import { Session, SessionStatus } from './session.entity';
import { sessionStatus } from './session-status';
import { SessionsRepository } from './sessions.repository';
import { SiweNonce } from './siwe-nonce.entity';
import { verifySiwe } from './siwe-verifier';

const NONCE_SWEEP_INTERVAL_MS = 60_000;

export interface SessionView {
  status: SessionStatus;
  createdAt: string;
  expiresAt: string;
}

export interface ActiveSession {
  session: Session;
  user: User;
}

@Injectable()
export class SessionsService {
  private lastNonceSweep = 0;
  private readonly cache: SessionCache;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(SiweNonce) private readonly nonces: Repository<SiweNonce>,
    private readonly users: UsersService,
    private readonly events: TelemetryEventsService,
    private readonly repo: SessionsRepository,
  ) {
    this.cache = new SessionCache(dialectOf(sessions.manager).isPostgres ? SESSION_CACHE_TTL_MS : SESSION_CACHE_TTL_SINGLE_PROCESS_MS);
  }

  countByStatus(now: number): Promise<Record<SessionStatus, number>> {
    return this.repo.countByStatus(now);
  }

  latestStatusByUser(userIds: readonly number[], now: number): Promise<Map<number, SessionStatus>> {
    return this.repo.latestStatusByUser(userIds, now);
  }

  async issueNonce(now = Date.now()): Promise<{ nonce: string; expiresAt: string }> {
    // Hex is alphanumeric, as EIP-4361 requires; 128 bits cannot be guessed.
    const nonce = randomBytes(16).toString('hex');
    const expiresAt = now + this.config.siweNonceTtlS * 1000;
    await this.repo.insertNonce(nonce, expiresAt);
    if (now - this.lastNonceSweep >= NONCE_SWEEP_INTERVAL_MS) {
      this.lastNonceSweep = now;
      await this.nonces.delete({ expiresAt: LessThan(now) });
    }
    return { nonce, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Verifies the signed message, consumes its nonce, upserts the user and opens a session. `source` applies only to a
   * wallet seen for the first time: a known user keeps the source it has.
   */
  async signIn(
    message: string,
    signature: string,
    source: UserSource = 'siwe',
    now = Date.now(),
  ): Promise<{ sessionId: string; expiresAt: string; status: 'active'; userHash: string }> {
    const siwe = verifySiwe(message, signature, { domains: this.config.sessionDomains, chainId: this.config.chain.chainId, now });
    await this.consumeNonce(siwe.nonce, now);

    const userHash = this.users.hashAddress(siwe.address);
    const userId = await this.users.upsertSeen(userHash, now, source);
    const key = newSessionKey();
    const expiresAt = now + this.config.sessionTtlS * 1000;
    const sessionRowId = await this.repo.insertActive(userId, sessionKeyHash(key), now, expiresAt);
    this.events.emit('session.created', { sessionRowId, userHash, expiresAt: new Date(expiresAt).toISOString() });
    return { sessionId: key, expiresAt: new Date(expiresAt).toISOString(), status: 'active', userHash };
  }

  /** Single use across processes: only one conditional UPDATE can move used_at from NULL. */
  private async consumeNonce(nonce: string, now: number): Promise<void> {
    if (await this.repo.consumeNonce(nonce, now)) return;
    const row = await this.nonces.findOneBy({ nonce });
    if (!row) throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.NONCE_INVALID, 'The nonce was not issued by this server');
    if (row.usedAt !== null) throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.NONCE_USED, 'The nonce has already been used');
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.NONCE_EXPIRED, 'The nonce has expired; request a new one');
  }

  /** For GET /status and POST /revoke: 400 when missing or malformed, 404 when unknown. */
  async findByKey(key: string | undefined): Promise<Session & { user: User }> {
    if (!key) throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.SESSION_REQUIRED, 'Send the session id in header x-session-id');
    if (!isSessionKey(key)) throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_SESSION_ID, 'A session id is 0x + 64 hex characters');
    const session = await this.lookup(key);
    if (!session) throw apiException(HttpStatus.NOT_FOUND, ErrorCode.SESSION_NOT_FOUND, 'No such session');
    return session;
  }

  /** The session a key names, with its user, or null; from the session cache when it is there. */
  private async lookup(key: string): Promise<SessionWithUser | null> {
    const keyHash = sessionKeyHash(key);
    try {
      return await this.cache.get(keyHash, async () => {
        const session = await this.sessions.findOne({ where: { keyHash }, relations: { user: true } });
        if (!session?.user) throw new SessionNotFound();
        return session as SessionWithUser;
      });
    } catch (e) {
      if (e instanceof SessionNotFound) return null;
      throw e;
    }
  }

  view(session: Session, now = Date.now()): SessionView {
    return { status: sessionStatus(session, now), createdAt: new Date(session.createdAt).toISOString(), expiresAt: new Date(session.expiresAt).toISOString() };
  }

  /** Idempotent: revoking a revoked (or expired) session answers the same `revoked`. */
  async revoke(session: Session, now = Date.now()): Promise<{ status: 'revoked' }> {
    await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ status: 'revoked', revokedAt: now })
      .where('id = :id AND status <> :revoked', { id: session.id, revoked: 'revoked' })
      .execute();
    // After the UPDATE, so no load that read the row before it can be kept.
    this.cache.delete(session.keyHash);
    return { status: 'revoked' };
  }

  /** For ActiveSessionGuard: anything but an active session is 401 with a code that says why. */
  async requireActive(key: string | undefined, now = Date.now()): Promise<ActiveSession> {
    if (!key) throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.SESSION_REQUIRED, 'This endpoint needs an active session in header x-session-id');
    if (!isSessionKey(key)) throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_SESSION_ID, 'A session id is 0x + 64 hex characters');
    const session = await this.lookup(key);
    if (!session) throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.SESSION_NOT_FOUND, 'No such session');
    const status = sessionStatus(session, now);
    if (status === 'revoked') throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.SESSION_REVOKED, 'The session has been revoked');
    if (status === 'expired') throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.SESSION_EXPIRED, 'The session has expired; sign in again');
    return { session, user: session.user };
  }
}

/** An unknown key. Not cached: a flood of made-up keys would otherwise evict real sessions. */
class SessionNotFound extends Error {}
