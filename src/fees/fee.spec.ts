import { computeFeeUnits, FEE_BPS_MAX, FEE_BPS_MIN, isValidFeeBps } from './fee';

const TWO_64 = 2n ** 64n;

describe('computeFeeUnits', () => {
  it.each([
    // amount, bps, expected: hand-checked floor(amount * bps / 10000)
    [0n, 25, 0n],
    [1n, 50, 0n],
    [199n, 50, 0n],
    [200n, 50, 1n],
    [399n, 25, 0n],
    [400n, 25, 1n],
    [10_000n, 10, 10n],
    [10_000n, 50, 50n],
    [12_345_678n, 25, 30_864n],
    [10n ** 18n, 25, 25n * 10n ** 14n],
    [TWO_64, 25, 46_116_860_184_273_879n], // 18446744073709551616 * 25 / 10000 = 46116860184273879.04
    [TWO_64 + 1n, 10, 18_446_744_073_709_551n],
    [10n ** 40n - 1n, 50, 5n * 10n ** 37n - 1n],
  ])('fee(%s, %i bps) = %s', (amount, bps, expected) => {
    expect(computeFeeUnits(amount, bps)).toBe(expected);
  });

  const amounts = [0n, 1n, 9n, 199n, 200n, 201n, 9_999n, 10_000n, 123_456_789n, 2n ** 53n + 1n, TWO_64 - 1n, TWO_64, TWO_64 * 3n + 7n, 10n ** 40n];

  it('never exceeds the amount and is monotonic in the amount, for every allowed bps', () => {
    for (let bps = FEE_BPS_MIN; bps <= FEE_BPS_MAX; bps++) {
      let previous = -1n;
      for (const amount of amounts) {
        const fee = computeFeeUnits(amount, bps);
        expect(fee).toBeGreaterThanOrEqual(0n);
        expect(fee).toBeLessThanOrEqual(amount);
        expect(fee).toBeGreaterThanOrEqual(previous);
        previous = fee;
      }
    }
  });

  it('is the floor: fee × 10000 ≤ amount × bps < (fee + 1) × 10000', () => {
    for (const bps of [FEE_BPS_MIN, 25, 33, FEE_BPS_MAX]) {
      for (const amount of amounts) {
        const fee = computeFeeUnits(amount, bps);
        const scaled = amount * BigInt(bps);
        expect(fee * 10_000n <= scaled).toBe(true);
        expect(scaled < (fee + 1n) * 10_000n).toBe(true);
      }
    }
  });

  it('is exact beyond 2^64 (no float rounding)', () => {
    const amount = TWO_64 * 10_000n + 9_999n;
    expect(computeFeeUnits(amount, 25)).toBe(TWO_64 * 25n + (9_999n * 25n) / 10_000n);
    // The float path would lose the low digits here.
    expect(computeFeeUnits(amount, 25).toString()).not.toBe(BigInt(Math.floor((Number(amount) * 25) / 10_000)).toString());
  });

  it.each([9, 51, 0, -25, 25.5, NaN])('rejects bps %p', (bps) => {
    expect(isValidFeeBps(bps)).toBe(false);
    expect(() => computeFeeUnits(1000n, bps)).toThrow(RangeError);
  });

  it('accepts exactly 10..50 bps', () => {
    for (let bps = 0; bps <= 60; bps++) expect(isValidFeeBps(bps)).toBe(bps >= 10 && bps <= 50);
  });

  it('rejects negative amounts', () => {
    expect(() => computeFeeUnits(-1n, 25)).toThrow(RangeError);
  });
});
