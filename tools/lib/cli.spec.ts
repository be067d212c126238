import { parseBaseUrl, resolveRunId } from './cli';

describe('cli helpers', () => {
  it('base URLs are bare origins: a path, query or hash is refused, not dropped', () => {
    expect(parseBaseUrl('http://127.0.0.1:3001')).toBe('http://127.0.0.1:3001');
    expect(parseBaseUrl('https://example.org/')).toBe('https://example.org');
    for (const raw of ['http://127.0.0.1:3001/docs', 'http://h:1/?x=1', 'http://h:1/#top']) {
      expect(() => parseBaseUrl(raw)).toThrow(/origin only .*no path, query or hash/);
    }
    expect(() => parseBaseUrl('ws://x')).toThrow(/http\(s\) URL/);
    expect(() => parseBaseUrl('localhost:3001', 'BASE_URL')).toThrow(/^BASE_URL must be an http\(s\) URL/);
  });

  it('run ids resolve "auto"', () => {
    expect(resolveRunId('auto', 'devnet-load', 1705766400000)).toBe('devnet-load-1705766400000');
    expect(resolveRunId(undefined, 'load-test', 5)).toBe('load-test-5');
    expect(resolveRunId('rc-1', 'load-test')).toBe('rc-1');
  });
});
