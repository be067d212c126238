import { isDeepEnough, receiptDepth, reorgWindowBlocks, reorgWindowStart } from './depth';

describe('receiptDepth / isDeepEnough', () => {
  it.each([
    // head, receipt block, depth, deep enough for 1, for 3
    [100, 100, 1, true, false],
    [101, 100, 2, true, false],
    [102, 100, 3, true, true],
    [150, 100, 51, true, true],
    // A head behind the receipt (a lagging node behind a load balancer) is depth 0: not even 1 confirmation.
    [99, 100, 0, false, false],
  ])('head %i, receipt in block %i → depth %i (≥1: %s, ≥3: %s)', (head, block, depth, one, three) => {
    expect(receiptDepth(head, block)).toBe(depth);
    expect(isDeepEnough(head, block, 1)).toBe(one);
    expect(isDeepEnough(head, block, 3)).toBe(three);
  });

  it('one more block never makes a deep-enough receipt shallow', () => {
    for (let confirmations = 1; confirmations <= 20; confirmations++) {
      for (let head = 90; head < 130; head++) {
        if (isDeepEnough(head, 100, confirmations)) expect(isDeepEnough(head + 1, 100, confirmations)).toBe(true);
      }
    }
  });
});

describe('reorg window', () => {
  it.each([
    [1, 128],
    [12, 128],
    [64, 128],
    [65, 130],
    [1000, 2000],
  ])('CONFIRMATIONS=%i → re-check the newest %i blocks', (confirmations, window) => {
    expect(reorgWindowBlocks(confirmations)).toBe(window);
  });

  it('always covers every block a confirmation at the required depth can be in, and starts at 0 at most', () => {
    for (const confirmations of [1, 3, 64, 500]) {
      for (const head of [0, 5, 127, 128, 10_000]) {
        const start = reorgWindowStart(head, confirmations);
        expect(start).toBeGreaterThanOrEqual(0);
        // The block that just reached the required depth is inside the window.
        expect(Math.max(0, head - confirmations + 1)).toBeGreaterThanOrEqual(start);
        expect(head - start + 1).toBeLessThanOrEqual(reorgWindowBlocks(confirmations));
      }
    }
  });
});
