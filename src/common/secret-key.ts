// Secret keys handed to a client once (session ids, traffic-run keys): 32 random bytes as 0x + 64 hex; the database
// keeps only their SHA-256.
import { hash, randomBytes } from 'node:crypto';

const SECRET_KEY = /^0x[0-9a-fA-F]{64}$/;

export function newSecretKey(): string {
  return `0x${randomBytes(32).toString('hex')}`;
}

export function isSecretKey(value: string): boolean {
  return SECRET_KEY.test(value);
}

/**
 * Hex SHA-256 of the lower-cased key, so a client that upper-cases the hex still finds what its key names. One-shot
 * `hash()` (every request with a session runs this): no Hash object per call.
 */
export function secretKeyHash(key: string): string {
  return hash('sha256', key.toLowerCase(), 'hex');
}
