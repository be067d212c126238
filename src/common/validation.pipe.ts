// The global ValidationPipe: unknown fields rejected, values transformed, one error code.
import { HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { apiException, ErrorCode } from './error-codes';

/**
 * One message per failed field. class-validator reports a field's constraints last-written first, and every DTO writes
 * the type check first (`@IsInt() @Min(1) @Max(500)`): for `limit=2e1` only "must be an integer" applies, since a value
 * of the wrong type fails each range check trivially.
 */
function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).slice(-1);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) =>
      apiException(HttpStatus.BAD_REQUEST, ErrorCode.VALIDATION_ERROR, flatten(errors).join('; ') || 'Invalid request'),
  });
}
