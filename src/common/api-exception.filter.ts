// The one error shape: { ok: false, error: { code, message } }. Nothing a client sends becomes a 500.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestContext } from './request-context';
import { defaultCodeForStatus, ErrorCode } from './error-codes';

export interface ApiErrorBody {
  status: number;
  code: string;
  message: string;
}

// PostgreSQL: 57P01-57P03 server shutting down/starting, 53300 too many connections, class 08 connection exceptions.
const DB_DOWN_CODES = new Set(['SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_MISUSE', 'SQLITE_IOERR', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300']);

/** A database that is closed, locked past its busy timeout, or unreachable: the client may retry (503). */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown; driverError?: { code?: unknown } }).code ?? (e as { driverError?: { code?: unknown } }).driverError?.code;
  if (typeof code === 'string' && (DB_DOWN_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  // pg pool: "timeout exceeded when trying to connect", "Client has encountered a connection error and is not queryable".
  return e.name === 'ConnectionIsNotSetError' || e.name === 'CannotExecuteNotConnectedError' ||
    /SQLITE_MISUSE|Database is closed|not connected|Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable/i.test(e.message);
}

/** Maps anything thrown to a status, a stable code and a message safe to show. */
export function toApiError(exception: unknown): ApiErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null) {
      const b = body as { code?: unknown; message?: unknown };
      const message = Array.isArray(b.message) ? b.message.join('; ') : String(b.message ?? exception.message);
      return { status, code: typeof b.code === 'string' ? b.code : defaultCodeForStatus(status), message };
    }
    return { status, code: defaultCodeForStatus(status), message: String(body) };
  }
  if (isDatabaseUnavailable(exception)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, code: ErrorCode.DATABASE_UNAVAILABLE, message: 'The database did not answer' };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const error = toApiError(exception);
    if (error.status >= 500 && !(exception instanceof HttpException)) {
      // Message and stack only: never the request body or headers.
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    }
    requestContext(http.getRequest<Request>()).errorCode = error.code;
    if (res.headersSent) return;
    res.status(error.status).json({ ok: false, error: { code: error.code, message: error.message } });
  }
}
