import { LRUCache } from 'lru-cache';
import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';

// Parsed addresses, not string prefixes: "127.evil.com" (a forwarded header can say anything) is not an IP at all.
// BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) against the IPv4 subnet.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for 127.0.0.0/8 and ::1 (also IPv4-mapped). Uses `req.ip`: the socket address, unless TRUST_PROXY makes
 * Express read X-Forwarded-For from a loopback proxy — then a proxied remote client is not mistaken for loopback.
 */
export function isLoopback(req: Pick<Request, 'ip' | 'socket'>): boolean {
  return isLoopbackIp(req.ip ?? req.socket?.remoteAddress ?? '');
}

// BlockList.check builds a SocketAddress per call (~8 µs); the rate limiter asks for every request, mostly about the
// same few clients, so answers are remembered per address string (bounded: a scan from many addresses evicts itself).
const answers = new LRUCache<string, boolean>({ max: 10_000 });

export function isLoopbackIp(ip: string): boolean {
  let answer = answers.get(ip);
  if (answer === undefined) {
    const family = isIP(ip);
    answer = family !== 0 && LOOPBACK.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    answers.set(ip, answer);
  }
  return answer;
}
