// Caps how deeply a parsed JSON body nests: class-transformer and class-validator recurse once per level, so a body
// like {"a":{"a":…}} 5,000 deep overflowed the stack (500) before validation could answer.
import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { apiException, ErrorCode } from './error-codes';

export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a parsed JSON value (a scalar is 0, `{}` is 1), walked with an explicit stack and cut off past max. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) {
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Express middleware right after the body parsers, before any pipe sees the body. */
export function jsonDepthMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
    next(apiException(HttpStatus.BAD_REQUEST, ErrorCode.JSON_TOO_DEEP, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
}
