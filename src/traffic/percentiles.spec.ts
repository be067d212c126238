import { nearestRank } from './percentiles';

const asc = (xs: number[]) => Float64Array.from(xs).sort();

describe('nearestRank', () => {
  it.each([
    ['empty', [], 50, null],
    ['single sample, p50', [7], 50, 7],
    ['single sample, p99', [7], 99, 7],
    ['single sample, p100', [7], 100, 7],
    ['two samples, p50 is the lower', [1, 2], 50, 1],
    ['two samples, p51 is the upper', [1, 2], 51, 2],
    ['1..100, p50', Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
    ['1..100, p95', Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
    ['1..100, p99', Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    ['1..10, p95 rounds the rank up', Array.from({ length: 10 }, (_, i) => i + 1), 95, 10],
    ['wikipedia example, p30', [15, 20, 35, 40, 50], 30, 20],
    ['wikipedia example, p40', [15, 20, 35, 40, 50], 40, 20],
    ['wikipedia example, p50', [15, 20, 35, 40, 50], 50, 35],
    ['wikipedia example, p100', [15, 20, 35, 40, 50], 100, 50],
  ])('%s', (_name, samples, p, expected) => {
    expect(nearestRank(asc(samples as number[]), p as number)).toBe(expected);
  });

  it('is monotonic in p and always an observed sample', () => {
    const samples = asc(Array.from({ length: 997 }, (_, i) => ((i * 7919) % 1000) / 3));
    const p50 = nearestRank(samples, 50)!;
    const p95 = nearestRank(samples, 95)!;
    const p99 = nearestRank(samples, 99)!;
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(samples[samples.length - 1]);
    for (const v of [p50, p95, p99]) expect(Array.from(samples)).toContain(v);
  });

  it.each([0, -1, 101, NaN])('rejects p = %p', (p) => {
    expect(() => nearestRank(asc([1]), p)).toThrow(RangeError);
  });
});
