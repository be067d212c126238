import { parseBaseUrl, resolveRunId } from './cli';

describe('cli helpers', () => {
  it('base URLs keep the origin only; run ids resolve "auto"', () => {
    expect(parseBaseUrl('http://127.0.0.1:3001/some/path')).toBe('http://127.0.0.1:3001');
    expect(() => parseBaseUrl('ws://x')).toThrow(/http\(s\) URL/);
    expect(resolveRunId('auto', 'devnet-load', 1705766400000)).toBe('devnet-load-1705766400000');
    expect(resolveRunId(undefined, 'load-test', 5)).toBe('load-test-5');
    expect(resolveRunId('rc-1', 'load-test')).toBe('rc-1');
  });
});
