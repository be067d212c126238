import { executionDisplay, MIN_CONFIRMED_FOR_DISPLAY } from './execution-display';

describe('executionDisplay', () => {
  it.each([
    ['flag off hides whatever the data', false, 100, [5n], false, /not published/],
    ['too few confirmed', true, MIN_CONFIRMED_FOR_DISPLAY - 1, [5n], false, /fewer than 10/],
    ['no volume', true, MIN_CONFIRMED_FOR_DISPLAY, [0n, 0n], false, /no confirmed volume/],
    ['no tokens at all', true, MIN_CONFIRMED_FOR_DISPLAY, [], false, /no confirmed volume/],
    ['all three conditions met', true, MIN_CONFIRMED_FOR_DISPLAY, [0n, 1n], true, /published: /],
    ['volume beyond 2^64 counts', true, 50, [2n ** 70n], true, /published: /],
  ])('%s', (_name, showExecutionMetrics, confirmedCount, volumes, visible, reason) => {
    const out = executionDisplay({ showExecutionMetrics, confirmedCount, volumes });
    expect(out.executionMetricsVisible).toBe(visible);
    expect(out.reason).toMatch(reason);
    // The reason is shown on public pages: no configuration variable name.
    expect(out.reason).not.toMatch(/[A-Z]+_[A-Z_]+/);
  });
});
