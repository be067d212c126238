import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it.each([
    [0, 1000, 60_000, 0],
    [1, 1000, 60_000, 1000],
    [2, 1000, 60_000, 2000],
    [3, 1000, 60_000, 4000],
    [6, 1000, 60_000, 32_000],
    [7, 1000, 60_000, 60_000],
    [10_000, 1000, 60_000, 60_000],
    [1, 3_600_000, 60_000, 60_000],
  ])('after %i failure(s), base %i ms, cap %i ms → %i ms', (failures, base, cap, expected) => {
    expect(backoffDelayMs(failures, base, cap)).toBe(expected);
  });

  it('never decreases as failures accumulate, and never exceeds the cap', () => {
    for (const base of [100, 250, 5000]) {
      let previous = 0;
      for (let failures = 1; failures < 100; failures++) {
        const delay = backoffDelayMs(failures, base, 60_000);
        expect(delay).toBeGreaterThanOrEqual(previous);
        expect(delay).toBeLessThanOrEqual(60_000);
        previous = delay;
      }
    }
  });
});
