import type { User } from '../users/user.entity';
import { SessionCache, SessionWithUser } from './session-cache';

const TTL = 5_000;

function session(expiresAt: number, status: 'active' | 'revoked' = 'active'): SessionWithUser {
  const user = { id: 1, addressHash: 'a'.repeat(64) } as User;
  return { id: 7, userId: 1, user, keyHash: 'k'.repeat(64), status, createdAt: 0, expiresAt, revokedAt: null };
}

describe('SessionCache', () => {
  // lru-cache reads a start time of 0 as "no TTL", so the clock starts later, as a real one does.
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('loads once, then answers from memory while the entry is at most the TTL old', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    const load = jest.fn(async () => session(now + 3_600_000));
    await cache.get('h', load);
    now += TTL;
    await cache.get('h', load);
    expect(load).toHaveBeenCalledTimes(1);
    now += 1;
    await cache.get('h', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load among concurrent misses', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    const load = jest.fn(async () => session(now + 3_600_000));
    await Promise.all([cache.get('h', load), cache.get('h', load), cache.get('h', load)]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('drops an active session when it expires, before the TTL', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    const load = jest.fn(async () => session(now + 1_000));
    await cache.get('h', load);
    now += 1_001;
    await cache.get('h', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reloads after delete (a revocation in this process)', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    let stored = session(now + 3_600_000);
    const load = jest.fn(async () => stored);
    expect((await cache.get('h', load)).status).toBe('active');
    stored = session(stored.expiresAt, 'revoked');
    cache.delete('h');
    expect((await cache.get('h', load)).status).toBe('revoked');
  });

  it('does not keep a load that was running when the entry was deleted, yet answers its waiters', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    let release!: (s: SessionWithUser) => void;
    const slow = new Promise<SessionWithUser>((resolve) => (release = resolve));
    const waiting = cache.get('h', () => slow);
    cache.delete('h');
    release(session(now + 3_600_000));
    expect((await waiting).status).toBe('active');
    const revoked = session(now + 3_600_000, 'revoked');
    expect((await cache.get('h', async () => revoked)).status).toBe('revoked');
  });

  it('keeps no rejected load (an unknown key is asked again)', async () => {
    const cache = new SessionCache(TTL, 10, clock);
    const load = jest.fn(async (): Promise<SessionWithUser> => {
      throw new Error('not found');
    });
    await expect(cache.get('h', load)).rejects.toThrow('not found');
    await expect(cache.get('h', load)).rejects.toThrow('not found');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('holds at most max sessions, evicting the least recently used', async () => {
    const cache = new SessionCache(TTL, 2, clock);
    const load = jest.fn(async () => session(now + 3_600_000));
    for (const k of ['a', 'b', 'a', 'c']) await cache.get(k, load);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
