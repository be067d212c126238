// A small TTL cache whose concurrent misses share one computation (no thundering herd on a cold key), on lru-cache:
// its fetch() joins callers to the load already running for a key, and a rejected load is not kept.
import { LRUCache } from 'lru-cache';

type Compute<T> = () => Promise<T>;

/** One TTL cache per key (e.g. per `hours` value); at most `max` keys, the least recently used go first. */
export class KeyedCoalescingCache<K extends {}, T extends {}> {
  private readonly cache: LRUCache<K, T, Compute<T>>;

  /** A value is served while it is at most `ttlMs` old. */
  constructor(ttlMs: number, clock: () => number = Date.now, max = 1000) {
    this.cache = new LRUCache<K, T, Compute<T>>({
      max,
      ttl: ttlMs,
      // Read the clock at every check: the default caches it for 1 ms, which an injected clock would not see move.
      ttlResolution: 0,
      perf: { now: clock },
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  async get(key: K, compute: Compute<T>): Promise<T> {
    // fetchMethod never resolves to undefined (T excludes it), so neither does fetch.
    return (await this.cache.fetch(key, { context: compute })) as T;
  }
}

/** A single cached value with the same rules as KeyedCoalescingCache. */
export class CoalescingCache<T extends {}> {
  private readonly cache: KeyedCoalescingCache<'value', T>;

  constructor(ttlMs: number, clock: () => number = Date.now) {
    this.cache = new KeyedCoalescingCache<'value', T>(ttlMs, clock, 1);
  }

  get(compute: Compute<T>): Promise<T> {
    return this.cache.get('value', compute);
  }
}
