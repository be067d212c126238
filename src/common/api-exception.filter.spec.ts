import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable, toApiError } from './api-exception.filter';
import { apiException, ErrorCode } from './error-codes';

function dbError(message: string, code?: string, viaDriverError = false): Error {
  const e = new Error(message) as Error & { code?: string; driverError?: { code?: string } };
  if (code !== undefined) {
    if (viaDriverError) e.driverError = { code };
    else e.code = code;
  }
  return e;
}

describe('isDatabaseUnavailable (503 DATABASE_UNAVAILABLE instead of 500)', () => {
  it.each([
    ['SQLite busy past its timeout', dbError('SQLITE_BUSY: database is locked', 'SQLITE_BUSY')],
    ['SQLite closed', dbError('SQLITE_MISUSE: Database is closed', 'SQLITE_MISUSE')],
    ['PostgreSQL server down', dbError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['PostgreSQL admin shutdown (TypeORM QueryFailedError)', dbError('terminating connection due to administrator command', '57P01', true)],
    ['PostgreSQL starting up', dbError('the database system is starting up', '57P03')],
    ['PostgreSQL too many connections', dbError('sorry, too many clients already', '53300')],
    ['PostgreSQL connection failure (class 08)', dbError('connection failure', '08006')],
    ['pg pool exhausted', dbError('timeout exceeded when trying to connect')],
    ['pg connection lost mid-query', dbError('Connection terminated unexpectedly')],
  ])('%s', (_, e) => expect(isDatabaseUnavailable(e)).toBe(true));

  it.each([
    ['unique violation', dbError('duplicate key value violates unique constraint', '23505', true)],
    ['SQLite constraint', dbError('SQLITE_CONSTRAINT: UNIQUE constraint failed: users.address_hash', 'SQLITE_CONSTRAINT')],
    ['syntax error (a bug, not an outage)', dbError('syntax error at end of input', '42601', true)],
    ['not an Error', { code: 'ECONNREFUSED' }],
  ])('%s is not an outage', (_, e) => expect(isDatabaseUnavailable(e)).toBe(false));
});

describe('apiException', () => {
  it('is an HttpException answering its status, code and message, built without a stack trace', () => {
    const limit = Error.stackTraceLimit;
    const e = apiException(404, ErrorCode.SESSION_NOT_FOUND, 'No such session');
    expect(e).toBeInstanceOf(HttpException);
    expect(toApiError(e)).toEqual({ status: 404, code: 'SESSION_NOT_FOUND', message: 'No such session' });
    // No frames: the stack is the first line alone ("<name>: <message>").
    expect(e.stack?.split('\n')).toHaveLength(1);
    // Other errors keep their stacks.
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack?.split('\n').length).toBeGreaterThan(1);
  });
});
