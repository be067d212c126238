import { DataSource } from 'typeorm';
import { countStatus, emptyStatusCounts, STATUS_COUNTS_SQL, StatusCounts } from './status-counts';

const STATUSES = [200, 204, 301, 304, 400, 404, 413, 429, 499, 500, 502, 503];

describe('countStatus', () => {
  it.each([
    [200, { requests: 1, ok: 1, clientErrors: 0, serverErrors: 0, rateLimited: 0 }],
    [304, { requests: 1, ok: 1, clientErrors: 0, serverErrors: 0, rateLimited: 0 }],
    [404, { requests: 1, ok: 1, clientErrors: 1, serverErrors: 0, rateLimited: 0 }],
    [429, { requests: 1, ok: 1, clientErrors: 1, serverErrors: 0, rateLimited: 1 }],
    [499, { requests: 1, ok: 1, clientErrors: 1, serverErrors: 0, rateLimited: 0 }],
    [500, { requests: 1, ok: 0, clientErrors: 0, serverErrors: 1, rateLimited: 0 }],
    [503, { requests: 1, ok: 0, clientErrors: 0, serverErrors: 1, rateLimited: 0 }],
  ])('%i counts as %o', (status, expected) => {
    const counts = emptyStatusCounts();
    countStatus(counts, status);
    expect(counts).toEqual(expected);
  });

  it('ok + server errors = requests, whatever the mix', () => {
    const counts = emptyStatusCounts();
    for (const s of STATUSES) countStatus(counts, s);
    expect(counts.ok + counts.serverErrors).toBe(counts.requests);
  });
});

describe('STATUS_COUNTS_SQL', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await new DataSource({ type: 'sqlite', database: ':memory:' }).initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
  });

  it('counts exactly as countStatus does', async () => {
    const values = STATUSES.map(() => '(?)').join(', ');
    const [row] = (await ds.query(`WITH "r"("status") AS (VALUES ${values}) SELECT ${STATUS_COUNTS_SQL} FROM "r"`, STATUSES)) as Record<keyof StatusCounts, number>[];
    expect(row).toEqual({ requests: 12, ok: 9, clientErrors: 5, serverErrors: 3, rateLimited: 1 });
  });
});
