// Turns body-parser failures into HTTP exceptions with stable codes before Nest's generic mapping loses them.
import { HttpStatus } from '@nestjs/common';
import { apiException, defaultCodeForStatus, ErrorCode } from './error-codes';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  errno?: unknown;
  code?: unknown;
}

export function translateBodyParserError(err: unknown): unknown {
  const e = err as BodyParserError;
  if (typeof e !== 'object' || e === null || typeof e.status !== 'number') return err;
  // A zlib/brotli stream error (Z_DATA_ERROR, Z_BUF_ERROR, ERR__ERROR_FORMAT_…) passed on by the parser without a type.
  if (e.type === undefined && typeof e.errno === 'number' && typeof e.code === 'string') {
    return apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_CONTENT_ENCODING, 'Request body does not decompress as its Content-Encoding says');
  }
  if (typeof e.type !== 'string') return err;
  if (e.type === 'encoding.unsupported') {
    return apiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNSUPPORTED_CONTENT_ENCODING, 'Content-Encoding must be identity, gzip, deflate or br');
  }
  if (e.type === 'entity.parse.failed') return apiException(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_JSON, 'Request body is not valid JSON');
  if (e.type === 'entity.too.large') return apiException(HttpStatus.PAYLOAD_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE, 'Request body exceeds 64 KiB');
  if (e.status >= 400 && e.status < 500) return apiException(e.status, defaultCodeForStatus(e.status), 'Request body could not be read');
  return err;
}
