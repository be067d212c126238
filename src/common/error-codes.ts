import { HttpException } from '@nestjs/common';

// Every machine-readable error code the API answers with, in one place (documented in the README).
export const ErrorCode = {
  // 400
  BAD_REQUEST: 'BAD_REQUEST',
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  INVALID_JSON: 'INVALID_JSON',
  /** JSON nested deeper than 64 arrays/objects (validation would otherwise recurse without bound). */
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
  /** A gzip, deflate or br body that does not decompress. */
  INVALID_CONTENT_ENCODING: 'INVALID_CONTENT_ENCODING',
  // 401 / 403
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  // 404
  NOT_FOUND: 'NOT_FOUND',
  // 409
  CONFLICT: 'CONFLICT',
  // 413
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // 415
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A Content-Encoding other than identity, gzip, deflate or br. */
  UNSUPPORTED_CONTENT_ENCODING: 'UNSUPPORTED_CONTENT_ENCODING',
  // 429
  RATE_LIMITED: 'RATE_LIMITED',
  // 5xx
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  // Traffic runs: 409 when POST /api/telemetry/runs names a runId that exists; 404 when finishing an unknown run,
  // 409 when finishing one that is already finished.
  RUN_ALREADY_EXISTS: 'RUN_ALREADY_EXISTS',
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  RUN_ALREADY_FINISHED: 'RUN_ALREADY_FINISHED',
  // Sessions (Sign-In with Ethereum): 400 malformed input, 401 failed verification or no usable session, 404 unknown.
  INVALID_SIWE_MESSAGE: 'INVALID_SIWE_MESSAGE',
  INVALID_ADDRESS: 'INVALID_ADDRESS',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  NONCE_INVALID: 'NONCE_INVALID',
  NONCE_EXPIRED: 'NONCE_EXPIRED',
  NONCE_USED: 'NONCE_USED',
  DOMAIN_MISMATCH: 'DOMAIN_MISMATCH',
  CHAIN_ID_MISMATCH: 'CHAIN_ID_MISMATCH',
  MESSAGE_EXPIRED: 'MESSAGE_EXPIRED',
  MESSAGE_NOT_YET_VALID: 'MESSAGE_NOT_YET_VALID',
  SESSION_REQUIRED: 'SESSION_REQUIRED',
  INVALID_SESSION_ID: 'INVALID_SESSION_ID',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_REVOKED: 'SESSION_REVOKED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  // Executions
  UNKNOWN_ACTION: 'UNKNOWN_ACTION',
  UNKNOWN_TOKEN: 'UNKNOWN_TOKEN',
  EXECUTION_NOT_FOUND: 'EXECUTION_NOT_FOUND',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  TX_HASH_IN_USE: 'TX_HASH_IN_USE',
  TX_HASH_MISMATCH: 'TX_HASH_MISMATCH',
  /**
   * 409 at submit when the node already knows the transaction and another wallet sent it; also stored by the receipt
   * watcher on an execution whose transaction was sent by another wallet than the execution's own.
   */
  TX_SENDER_MISMATCH: 'TX_SENDER_MISMATCH',
  /** 502: the JSON-RPC node failed or timed out. */
  RPC_ERROR: 'RPC_ERROR',
  /** 503: no ETH_RPC_URL (or, for Aave reads, no AAVE_POOL_ADDRESS) is configured. */
  RPC_NOT_CONFIGURED: 'RPC_NOT_CONFIGURED',
  // Execution failure codes set by the receipt watcher (stored on the execution, not HTTP answers).
  REVERTED: 'REVERTED',
  TX_NOT_FOUND: 'TX_NOT_FOUND',
} as const;

export type ErrorCodeValue = string;

/**
 * The exception behind every error answer the API gives on purpose: `throw apiException(HttpStatus.NOT_FOUND,
 * ErrorCode.SESSION_NOT_FOUND, 'No such session')`. Nest's own HttpException with `{ code, message }` as its body,
 * built without a stack trace: nothing reads the stack of an HttpException (the exception filter logs only errors it
 * did not expect), and capturing one was the most expensive step of a 400 answer (~12 of ~15 µs in the exception's
 * constructor, V8 CPU profile of GET /api/session/status without a session).
 */
export function apiException(status: number, code: ErrorCodeValue, message: string): HttpException {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new HttpException({ code, message }, status);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Default code of a status when the thrower named none. */
export function defaultCodeForStatus(status: number): string {
  switch (status) {
    case 400: return ErrorCode.BAD_REQUEST;
    case 401: return ErrorCode.UNAUTHORIZED;
    case 403: return ErrorCode.FORBIDDEN;
    case 404: return ErrorCode.NOT_FOUND;
    case 409: return ErrorCode.CONFLICT;
    case 413: return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415: return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 429: return ErrorCode.RATE_LIMITED;
    case 503: return ErrorCode.SERVICE_UNAVAILABLE;
    default: return status >= 500 ? ErrorCode.INTERNAL_ERROR : `HTTP_${status}`;
  }
}
