import type { Request } from 'express';

/**
 * True for 127.0.0.0/8 and ::1 (also IPv4-mapped). Uses `req.ip`: the socket address, unless TRUST_PROXY makes
 * Express read X-Forwarded-For from a loopback proxy — then a proxied remote client is not mistaken for loopback.
 */
export function isLoopback(req: Pick<Request, 'ip' | 'socket'>): boolean {
  return isLoopbackIp(req.ip ?? req.socket?.remoteAddress ?? '');
}

export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
