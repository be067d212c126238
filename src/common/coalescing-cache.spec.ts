import { CoalescingCache, KeyedCoalescingCache } from './coalescing-cache';

describe('CoalescingCache', () => {
  let now = 0;
  const clock = () => now;

  it('shares one computation between concurrent misses and serves it until the TTL passes', async () => {
    now = 0;
    const sut = new CoalescingCache<number>(2000, clock);
    let calls = 0;
    let release!: (v: number) => void;
    const compute = () => {
      calls++;
      return new Promise<number>((ok) => (release = ok));
    };
    const a = sut.get(compute);
    const b = sut.get(compute);
    release(42);
    await expect(Promise.all([a, b])).resolves.toEqual([42, 42]);
    expect(calls).toBe(1);
    now = 1999;
    await expect(sut.get(() => Promise.resolve(7))).resolves.toBe(42);
    now = 2000;
    await expect(sut.get(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('does not cache a failure', async () => {
    now = 0;
    const sut = new CoalescingCache<number>(2000, clock);
    await expect(sut.get(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(sut.get(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('keeps keys apart', async () => {
    now = 0;
    const sut = new KeyedCoalescingCache<number, string>(2000, clock);
    await expect(sut.get(1, () => Promise.resolve('one'))).resolves.toBe('one');
    await expect(sut.get(2, () => Promise.resolve('two'))).resolves.toBe('two');
    await expect(sut.get(1, () => Promise.resolve('other'))).resolves.toBe('one');
  });
});
