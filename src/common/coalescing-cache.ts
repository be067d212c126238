// A tiny TTL cache whose concurrent misses share one computation (no thundering herd on a cold key).

export class CoalescingCache<T> {
  private value: { at: number; data: T } | null = null;
  private inFlight: Promise<T> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(compute: () => Promise<T>): Promise<T> {
    if (this.value && this.clock() - this.value.at < this.ttlMs) return Promise.resolve(this.value.data);
    this.inFlight ??= compute()
      .then((data) => {
        this.value = { at: this.clock(), data };
        return data;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  clear(): void {
    this.value = null;
  }
}

/** One CoalescingCache per key (e.g. per `hours` value), for a small, validated key space. */
export class KeyedCoalescingCache<K, T> {
  private readonly caches = new Map<K, CoalescingCache<T>>();

  constructor(private readonly ttlMs: number, private readonly clock: () => number = Date.now) {}

  get(key: K, compute: () => Promise<T>): Promise<T> {
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new CoalescingCache<T>(this.ttlMs, this.clock);
      this.caches.set(key, cache);
    }
    return cache.get(compute);
  }
}
