// Response documentation in the API's own shapes: successes inside { ok: true, data }, errors as { ok: false, error }.
import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiResponseOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Shape, toSchema } from './shape';

export const ERROR_ENVELOPE: SchemaObject = {
  type: 'object',
  required: ['ok', 'error'],
  properties: {
    ok: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', example: 'VALIDATION_ERROR' }, message: { type: 'string' } },
    },
  },
};

/** The rate limiter answers before routing, so every operation can answer it (added to all by the document builder). */
export const RATE_LIMITED_RESPONSE: ApiResponseOptions = {
  status: 429,
  description: 'RATE_LIMITED: over the per-IP limit; Retry-After says when to try again',
  schema: ERROR_ENVELOPE,
};

export function envelope(data: Shape): SchemaObject {
  return { type: 'object', required: ['ok', 'data'], properties: { ok: { type: 'boolean', enum: [true] }, data: toSchema(data) } };
}

/** A success answered as `{ ok: true, data }`. */
export function ApiData(status: number, description: string, data: Shape): MethodDecorator {
  return ApiResponse({ status, description, schema: envelope(data) });
}

/** A success with its own body shape (health). */
export function ApiRawData(status: number, description: string, body: Shape): MethodDecorator {
  return ApiResponse({ status, description, schema: toSchema(body) });
}

/** Each error status the operation can answer, described by the codes it carries. */
export function ApiErrors(errors: Record<number, string>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, schema: ERROR_ENVELOPE })),
  );
}
