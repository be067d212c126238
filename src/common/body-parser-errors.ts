// Turns body-parser failures into HTTP exceptions with stable codes before Nest's generic mapping loses them.
import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { apiError, defaultCodeForStatus, ErrorCode } from './error-codes';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

export function translateBodyParserError(err: unknown): unknown {
  const e = err as BodyParserError;
  if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || typeof e.status !== 'number') return err;
  if (e.type === 'entity.parse.failed') return new BadRequestException(apiError(ErrorCode.INVALID_JSON, 'Request body is not valid JSON'));
  if (e.type === 'entity.too.large') return new PayloadTooLargeException(apiError(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body exceeds 64 KiB'));
  if (e.status >= 400 && e.status < 500) return new HttpException(apiError(defaultCodeForStatus(e.status), 'Request body could not be read'), e.status);
  return err;
}

/** Express error middleware placed right after the body parsers. */
export function bodyParserErrorMiddleware(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  next(translateBodyParserError(err));
}
