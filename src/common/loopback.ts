import type { Request } from 'express';

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped). Uses the socket address: proxy headers are not trusted. */
export function isLoopback(req: Request): boolean {
  const ip = req.socket?.remoteAddress ?? '';
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}
