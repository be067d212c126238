// Session keys: 32 random bytes shown once to the client; the database keeps only their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

const SESSION_KEY = /^0x[0-9a-fA-F]{64}$/;

export function newSessionKey(): string {
  return `0x${randomBytes(32).toString('hex')}`;
}

export function isSessionKey(value: string): boolean {
  return SESSION_KEY.test(value);
}

/** Hex SHA-256 of the lower-cased key, so a client that upper-cases the hex still finds its session. */
export function sessionKeyHash(key: string): string {
  return createHash('sha256').update(key.toLowerCase()).digest('hex');
}
