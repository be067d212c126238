// The dashboard's display formatting (public/assets/format.js, plain browser JS also loadable as CommonJS).
interface BloomFormat {
  count(n: unknown): string;
  percent(p: unknown): string;
  ratio(r: unknown): string;
  units(units: unknown, decimals: unknown): string;
  ms(n: unknown): string;
  age(ms: number): string;
  refreshInterval(search: string, fallback: number): number;
  axisStep(peak: number, ticks: number): number;
}

const sut = require('../../public/assets/format.js') as BloomFormat;

describe('dashboard format: units (exact BigInt, decimals applied, nothing rounded)', () => {
  it.each([
    ['0', 6, '0'],
    ['1', 6, '0.000001'],
    ['1000000', 6, '1'],
    ['1234500000', 6, '1,234.5'],
    ['123', 0, '123'],
    ['-2500000', 6, '-2.5'],
    // 2^64 + 1 wei: beyond both 2^53 (float) and 2^63 (int64).
    ['18446744073709551617', 18, '18.446744073709551617'],
    ['115792089237316195423570985008687907853269984665640564039457584007913129639935', 18,
      '115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935'],
  ])('units(%s, %d) → %s', (units, decimals, expected) => {
    expect(sut.units(units, decimals)).toBe(expected);
  });

  it('keeps every digit: removing the separators and the point gives back the input', () => {
    let seed = 12345n;
    for (let i = 0; i < 200; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      const digits = String(seed * 10n ** BigInt(i % 40) + BigInt(i));
      const decimals = i % 25;
      const shown = sut.units(digits, decimals).replace(/,/g, '');
      const [whole, fraction = ''] = shown.split('.');
      expect(BigInt(whole + fraction.padEnd(decimals, '0'))).toBe(BigInt(digits));
    }
  });

  it.each([[null, 6], ['1.5', 6], ['12e3', 6], ['', 6], ['100', -1], ['100', 1.5], [100, 6]])(
    'shows a dash for a value that is not exact base units: units(%p, %p)',
    (units, decimals) => {
      expect(sut.units(units, decimals)).toBe('—');
    },
  );
});

describe('dashboard format: counts, percentages, ages', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('count(%p) → %s', (n, expected) => {
    expect(sut.count(n)).toBe(expected);
  });

  it.each([
    [100, '100.00%'],
    [99.875, '99.88%'],
    [0, '0.00%'],
    [null, '—'],
  ])('percent(%p) → %s', (p, expected) => {
    expect(sut.percent(p)).toBe(expected);
  });

  it.each([
    [1, '100.00%'],
    [0.99875, '99.88%'],
    [2 / 3, '66.67%'],
    [0, '0.00%'],
    [null, '—'],
  ])('ratio(%p) → %s', (r, expected) => {
    expect(sut.ratio(r)).toBe(expected);
  });

  it.each([
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [7_200_000, '2 h'],
  ])('age(%d) → %s', (ms, expected) => {
    expect(sut.age(ms)).toBe(expected);
  });

  it('reads the test-only refresh interval, never below 200 ms', () => {
    expect(sut.refreshInterval('', 10_000)).toBe(10_000);
    expect(sut.refreshInterval('?refreshMs=500', 10_000)).toBe(500);
    expect(sut.refreshInterval('?a=1&refreshMs=50', 10_000)).toBe(200);
    expect(sut.refreshInterval('?refreshMs=abc', 10_000)).toBe(10_000);
  });

  it.each([
    [0, 1],
    [2, 1],
    [4, 1],
    [5, 2],
    [40, 10],
    [89, 25],
    [210, 60],
    [1000, 250],
    [1001, 300],
  ])('axisStep(%d, 4) → %d', (peak, step) => {
    expect(sut.axisStep(peak, 4)).toBe(step);
  });

  it('axis steps are whole counts whose top gridline covers the peak without wasting more than 2× the room', () => {
    for (let peak = 0; peak <= 100_000; peak += peak < 200 ? 1 : 97) {
      const step = sut.axisStep(peak, 4);
      expect(Number.isInteger(step)).toBe(true);
      expect(step * 4).toBeGreaterThanOrEqual(peak);
      expect(step * 4).toBeLessThanOrEqual(Math.max(4, peak * 2));
    }
  });
});
