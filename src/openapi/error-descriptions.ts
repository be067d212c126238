// The error answers most operations share, described by the codes they carry (src/common/error-codes.ts).

export const BAD_QUERY = 'VALIDATION_ERROR: a query parameter is missing, of the wrong type or out of range (one message per field)';
export const BAD_BODY = 'VALIDATION_ERROR (one message per field), INVALID_JSON, JSON_TOO_DEEP or INVALID_CONTENT_ENCODING';
export const TOO_LARGE = 'PAYLOAD_TOO_LARGE: the body is over 64 KiB';
export const DB_DOWN = 'DATABASE_UNAVAILABLE: the database did not answer; retry later';

/** AdminGuard: a bearer token when TELEMETRY_ADMIN_TOKEN is set, else loopback clients only. */
export const ADMIN_ERRORS: Record<number, string> = {
  401: 'UNAUTHORIZED: missing or wrong admin bearer token',
  403: 'FORBIDDEN: no admin token is configured and the client is not on loopback',
};

/** ActiveSessionGuard: the x-session-id of an active session. */
export const SESSION_ERRORS: Record<number, string> = {
  401: 'SESSION_REQUIRED, INVALID_SESSION_ID, SESSION_NOT_FOUND, SESSION_REVOKED or SESSION_EXPIRED: no usable session',
};
