// The global ValidationPipe: unknown fields rejected, values transformed, one error code.
import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { apiError, ErrorCode } from './error-codes';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {});
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
      new BadRequestException(apiError(ErrorCode.VALIDATION_ERROR, flatten(errors).join('; ') || 'Invalid request')),
  });
}
