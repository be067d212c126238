// Which open traffic run a request belongs to: the run whose secret key it carries in x-run-key. The key is hashed
// once per request and answered from an in-process map of open runs, so the hot path rarely reaches the database.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { LRUCache } from 'lru-cache';
import { IsNull, Repository } from 'typeorm';
import { requestContext } from '../common/request-context';
import { isSecretKey, secretKeyHash } from '../common/secret-key';
import { TrafficRun } from './traffic-run.entity';

export const RUN_KEY_HEADER = 'x-run-key';
/** The old, unauthenticated tag: never trusted, only counted as rejected. */
export const BARE_RUN_ID_HEADER = 'x-run-id';

/**
 * How long an open run's key is trusted without asking the database again. A run finished in this process is
 * forgotten at once; one finished by another replica (PostgreSQL scale-out) tags for at most this long afterwards.
 */
export const OPEN_RUN_TTL_MS = 5_000;
/** How long an unknown key stays unknown: a run opened by another replica is seen after at most this long. */
export const UNKNOWN_KEY_TTL_MS = 1_000;
/** Bounds the map under a flood of random keys (each costs one indexed lookup, then sits here briefly). */
const MAX_KEYS = 10_000;

interface Entry {
  runId: string | null;
}

@Injectable()
export class RunKeys {
  private readonly byHash: LRUCache<string, Entry>;

  constructor(@InjectRepository(TrafficRun) private readonly runs: Repository<TrafficRun>) {
    this.byHash = new LRUCache<string, Entry>({
      max: MAX_KEYS,
      ttl: UNKNOWN_KEY_TTL_MS,
      fetchMethod: async (hash, _stale, { options }) => {
        const run = await this.runs.findOne({ select: { runId: true }, where: { keyHash: hash, endedAt: IsNull() } });
        options.ttl = run ? OPEN_RUN_TTL_MS : UNKNOWN_KEY_TTL_MS;
        return { runId: run?.runId ?? null };
      },
    });
  }

  /** True when the request names a run in any way (a key, valid or not, or a bare x-run-id). */
  static claimsRun(req: Request): boolean {
    return req.headers[RUN_KEY_HEADER] !== undefined || req.headers[BARE_RUN_ID_HEADER] !== undefined;
  }

  /** The open run whose key the request carries, else null; looked up once per request (memoized on its context). */
  runIdOf(req: Request): Promise<string | null> {
    const ctx = requestContext(req);
    return (ctx.runId ??= this.lookup(req.headers[RUN_KEY_HEADER]));
  }

  /** A run opened here is known at once, without a lookup. */
  rememberOpen(keyHash: string, runId: string): void {
    this.byHash.set(keyHash, { runId }, { ttl: OPEN_RUN_TTL_MS });
  }

  /** A run finished here stops tagging at once. */
  forget(keyHash: string): void {
    this.byHash.delete(keyHash);
  }

  private async lookup(header: string | string[] | undefined): Promise<string | null> {
    if (typeof header !== 'string' || !isSecretKey(header)) return null;
    const hash = secretKeyHash(header);
    const cached = this.byHash.get(hash);
    if (cached) return cached.runId;
    try {
      return (await this.byHash.fetch(hash))?.runId ?? null;
    } catch {
      // The database did not answer: the request is not tagged (and counted as rejected), never failed.
      return null;
    }
  }
}
