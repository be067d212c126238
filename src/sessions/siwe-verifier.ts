// Parses and checks an EIP-4361 message and its signature; throws 400 for malformed input, 401 for a failed check.
import { HttpStatus } from '@nestjs/common';
import { apiException, ErrorCode } from '../common/error-codes';
import { recoverMessageSigner } from './signature-recovery';
import { SiweFields, SiweParseError, parseSiweMessage } from './siwe-message';

/** How far issuedAt may be from the server's clock (either way). */
export const ISSUED_AT_WINDOW_MS = 10 * 60_000;

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

export interface SiweExpectations {
  /** Lower case: host names compare case-insensitively. */
  domains: string[];
  chainId: number;
  now: number;
}

function parse(message: string): SiweFields {
  try {
    return parseSiweMessage(message);
  } catch (e) {
    if (e instanceof SiweParseError && e.field === 'address') {
      throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_ADDRESS, 'The message address is not a valid EIP-55 checksummed address');
    }
    throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_SIWE_MESSAGE, 'The message is not a valid EIP-4361 message');
  }
}

function time(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_SIWE_MESSAGE, 'A message time is not ISO-8601');
  return ms;
}

/** Every check except the nonce, which the caller consumes atomically in the database afterwards. */
export function verifySiwe(message: string, signature: string, expect: SiweExpectations): SiweFields {
  if (!SIGNATURE.test(signature)) {
    throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_SIGNATURE, 'The signature must be 0x + 130 hex characters');
  }
  const siwe = parse(message);
  if (!expect.domains.includes(siwe.domain.toLowerCase())) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.DOMAIN_MISMATCH, 'The message is for another domain');
  }
  if (siwe.chainId !== expect.chainId) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.CHAIN_ID_MISMATCH, `The message must name chain id ${expect.chainId}`);
  }
  // The parser accepted it as an RFC 3339 date-time, so it parses.
  const issuedAt = Date.parse(siwe.issuedAt);
  if (issuedAt > expect.now + ISSUED_AT_WINDOW_MS) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.MESSAGE_NOT_YET_VALID, 'The message is issued more than 10 minutes in the future');
  }
  if (issuedAt < expect.now - ISSUED_AT_WINDOW_MS) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.MESSAGE_EXPIRED, 'The message was issued more than 10 minutes ago');
  }
  const expiresAt = time(siwe.expirationTime);
  if (expiresAt !== undefined && expiresAt <= expect.now) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.MESSAGE_EXPIRED, 'The message has expired');
  }
  const notBefore = time(siwe.notBefore);
  if (notBefore !== undefined && notBefore > expect.now) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.MESSAGE_NOT_YET_VALID, 'The message is not valid yet');
  }
  let recovered: string;
  try {
    // The exact text the wallet signed, not a re-rendering of the parsed fields.
    recovered = recoverMessageSigner(message, signature);
  } catch {
    throw apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_SIGNATURE, 'The signature is malformed');
  }
  if (recovered !== siwe.address.toLowerCase()) {
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.INVALID_SIGNATURE, 'The signature was not made by the message address');
  }
  return siwe;
}
