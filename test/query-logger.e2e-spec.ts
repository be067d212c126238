// A failed query is logged with its SQL and the error, never with its bound parameters.
import { User } from '../src/users/user.entity';
import { bootTestApp, TestApp } from './support/app';

const SECRET = 'nonce-b7f3c1d9e2a84f60';

describe('database query logging', () => {
  let t: TestApp;
  let written: string[];
  let spies: jest.SpyInstance[];
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(() => t.close());

  beforeEach(() => {
    written = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  });
  afterEach(() => spies.forEach((s) => s.mockRestore()));

  it('logs a failed query with its SQL and message but not the parameter value', async () => {
    const failing = t.dataSource.createQueryBuilder().select('t.secret').from('no_such_table', 't').where('t.secret = :secret', { secret: SECRET });
    await expect(failing.getRawMany()).rejects.toThrow(/no_such_table/);
    const log = written.join('');
    expect(log).toMatch(/Query failed: .*no_such_table/);
    expect(log).toMatch(/SQL: SELECT .*no_such_table/);
    expect(log).not.toContain(SECRET);
  });

  it('redacts a parameter value that the driver quotes in its error message', async () => {
    // PostgreSQL quotes the offending value of a bad cast; SQLite has no such error, so the message is handed in directly.
    const logger = t.dataSource.logger;
    logger.logQueryError(new Error(`invalid input syntax for type integer: "${SECRET}"`), 'SELECT $1::int', [SECRET]);
    const log = written.join('');
    expect(log).toContain('invalid input syntax for type integer: "<redacted>"');
    expect(log).not.toContain(SECRET);
  });

  it('logs the head of a very long statement, not all of it', async () => {
    const sql = `INSERT INTO "request_log" ("ts") VALUES ${Array.from({ length: 2_000 }, () => '(?)').join(', ')}`;
    t.dataSource.logger.logQueryError(new Error('SQLITE_BUSY: database is locked'), sql, []);
    const line = written.join('');
    expect(line).toContain('SQL: INSERT INTO "request_log"');
    expect(line).toContain(`… (${sql.length} characters)`);
    expect(line.length).toBeLessThan(1_000);
  });

  it('does not log a unique violation as an error: the caller answers it (409)', async () => {
    const users = t.dataSource.getRepository(User);
    const user = { addressHash: 'd'.repeat(64), firstSeenAt: 1, lastSeenAt: 1, source: 'siwe' as const, notes: null };
    await users.insert({ ...user });
    await expect(users.insert({ ...user })).rejects.toThrow(/UNIQUE|duplicate key/);
    expect(written.join('')).not.toContain('Query failed');
  });

  it('never logs successful queries', async () => {
    await t.dataSource.createQueryBuilder().select('u.id').from('users', 'u').where('u.address_hash = :h', { h: SECRET }).getRawMany();
    expect(written.join('')).toBe('');
  });
});
