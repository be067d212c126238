import { isLoopbackIp } from './loopback';

describe('isLoopbackIp', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::FFFF:7F00:0001', true],
    ['::ffff:7fff:ffff', true],
    ['127.evil.com', false],
    ['127.0.0.1.evil.com', false],
    ['::ffff:127.evil', false],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['::ffff:8000:1', false],
    ['::ffff:10.0.0.1', false],
    ['::2', false],
    ['::127.0.0.1', false],
    ['fe80::1', false],
    ['', false],
    ['localhost', false],
  ])('%s → %s', (ip, expected) => {
    expect(isLoopbackIp(ip)).toBe(expected);
  });
});
