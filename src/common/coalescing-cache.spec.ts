import { CoalescingCache, KeyedCoalescingCache } from './coalescing-cache';

describe('CoalescingCache', () => {
  // lru-cache takes a start time of 0 for "no TTL", so the test clock starts later, as a real one does.
  const T0 = 1_000_000;
  let now = T0;
  const clock = () => now;

  it('shares one computation between concurrent misses and serves it while it is at most the TTL old', async () => {
    now = T0;
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
    now = T0 + 2000;
    await expect(sut.get(() => Promise.resolve(7))).resolves.toBe(42);
    now = T0 + 2001;
    await expect(sut.get(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('gives a failure to every caller that shared it, and does not cache it', async () => {
    now = T0;
    const sut = new CoalescingCache<number>(2000, clock);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    const a = sut.get(failing);
    const b = sut.get(failing);
    await expect(a).rejects.toThrow('down');
    await expect(b).rejects.toThrow('down');
    expect(calls).toBe(1);
    await expect(sut.get(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('keeps keys apart', async () => {
    now = T0;
    const sut = new KeyedCoalescingCache<number, string>(2000, clock);
    await expect(sut.get(1, () => Promise.resolve('one'))).resolves.toBe('one');
    await expect(sut.get(2, () => Promise.resolve('two'))).resolves.toBe('two');
    await expect(sut.get(1, () => Promise.resolve('other'))).resolves.toBe('one');
  });

  it('holds at most `max` keys, dropping the least recently used', async () => {
    now = T0;
    const sut = new KeyedCoalescingCache<number, string>(2000, clock, 2);
    await sut.get(1, () => Promise.resolve('one'));
    await sut.get(2, () => Promise.resolve('two'));
    await sut.get(1, () => Promise.resolve('unused'));
    await sut.get(3, () => Promise.resolve('three'));
    await expect(sut.get(1, () => Promise.resolve('one again'))).resolves.toBe('one');
    await expect(sut.get(2, () => Promise.resolve('two again'))).resolves.toBe('two again');
  });
});
