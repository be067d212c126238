// The dialect seam against the real database of this run (SQLite file, or PostgreSQL when TELEMETRY_DB_URL is set).
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { dialectOf, toNumber } from '../src/database/dialect';
import { runPendingMigrations } from '../src/database/migrate';
import { RequestLogRow } from '../src/traffic/request-log-row';
import { TrafficRepository } from '../src/traffic/traffic.repository';
import { FreshDatabase, freshDatabase } from './support/postgres';

const COLUMNS = ['ts', 'method', 'route', 'status', 'duration_ms', 'user_hash', 'run_id', 'correlation_id', 'error_code'];

let fresh: FreshDatabase;
let ds: DataSource;

beforeAll(async () => {
  fresh = await freshDatabase();
  ds = await new DataSource({ ...buildDataSourceOptions(fresh.db), logging: false }).initialize();
  await runPendingMigrations(ds);
});
afterAll(async () => {
  await ds?.destroy();
  await fresh?.cleanup();
});

describe(`dialect seam on ${process.env.TELEMETRY_DB_URL ? 'postgres' : 'sqlite'}`, () => {
  it('knows its driver', () => {
    expect(dialectOf(ds).kind).toBe(fresh.kind);
    expect(dialectOf(ds.manager)).toBe(dialectOf(ds));
  });

  it('insertMany splits a batch over the parameter limit into several statements and writes every row once', async () => {
    const dialect = dialectOf(ds);
    const rows = dialect.maxRowsPerInsert(COLUMNS.length) + 17;
    const batch = Array.from({ length: rows }, (_, i) => [1_000 + i, 'GET', '/dialect', 200, i / 4, null, 'dialect-batch', `c-${i}`, null]);
    const affected = await ds.transaction((m) => dialect.insertMany(m, 'request_log', COLUMNS, batch));
    expect(affected).toBe(rows);
    const [row] = (await ds.query(`SELECT COUNT(*) AS "n", COUNT(DISTINCT "correlation_id") AS "d", MAX("duration_ms") AS "max" FROM "request_log" WHERE "run_id" = ${dialect.param(1)}`, ['dialect-batch'])) as Record<string, unknown>[];
    expect({ n: toNumber(row.n), d: toNumber(row.d), max: toNumber(row.max) }).toEqual({ n: rows, d: rows, max: (rows - 1) / 4 });
  });

  it('insertRequests writes a batch through its one JSON parameter: every value exact, in order, replays skipped', async () => {
    const repo = new TrafficRepository(ds);
    const base = 2_000_000_000_000;
    const rows: RequestLogRow[] = [
      { ts: base, method: 'GET', route: '/a "quoted" \\ route', status: 200, durationMs: 0.1 + 0.2, userHash: 'ab'.repeat(32), runId: 'json-batch', correlationId: 'c-ü-1', errorCode: null },
      { ts: base + 1, method: 'POST', route: '/ünïcode/✓', status: 499, durationMs: 12345.678, userHash: null, runId: 'json-batch', correlationId: null, errorCode: 'RATE_LIMITED', spillId: '00000000-0000-4000-8000-000000000001' },
      { ts: base + 2, method: 'DELETE', route: "/it's", status: 500, durationMs: 0, userHash: null, runId: 'json-batch', correlationId: 'c-3', errorCode: 'INTERNAL' },
    ];
    expect(await repo.insertRequests(rows)).toBe(3);
    // A replay of the spilled row is skipped; the others have no spill id and are new rows.
    expect(await repo.insertRequests([rows[1]])).toBe(0);
    const read = (await ds.query(
      `SELECT "ts", "method", "route", "status", "duration_ms", "user_hash", "run_id", "correlation_id", "error_code", "spill_id" FROM "request_log" WHERE "run_id" = ${dialectOf(ds).param(1)} ORDER BY "id"`,
      ['json-batch'],
    )) as Record<string, unknown>[];
    expect(read.map((r) => ({ ...r, ts: toNumber(r.ts), duration_ms: toNumber(r.duration_ms) }))).toEqual(
      rows.map((r) => ({
        ts: r.ts, method: r.method, route: r.route, status: r.status, duration_ms: r.durationMs, user_hash: r.userHash,
        run_id: r.runId, correlation_id: r.correlationId, error_code: r.errorCode, spill_id: r.spillId ?? null,
      })),
    );
  });

  it('insertMany with ON CONFLICT DO NOTHING counts only the new rows', async () => {
    const dialect = dialectOf(ds);
    const rows = (hours: number[]) => hours.map((h) => [h, 1, 5]);
    const onConflict = 'ON CONFLICT ("hour_start") DO NOTHING';
    expect(await dialect.insertMany(ds.manager, 'rolled_hours', ['hour_start', 'requests', 'rolled_at'], rows([1, 2, 3]), { onConflict })).toBe(3);
    expect(await dialect.insertMany(ds.manager, 'rolled_hours', ['hour_start', 'requests', 'rolled_at'], rows([2, 3, 4]), { onConflict })).toBe(1);
  });

  it('execute reports the rows a conditional UPDATE changed, and RETURNING rows', async () => {
    const dialect = dialectOf(ds);
    const first = await dialect.execute(ds.manager, `UPDATE "rolled_hours" SET "requests" = ${dialect.param(1)} WHERE "hour_start" <= ${dialect.param(2)} AND "requests" = 1`, [9, 2]);
    expect(first.affected).toBe(2);
    const again = await dialect.execute(ds.manager, `UPDATE "rolled_hours" SET "requests" = ${dialect.param(1)} WHERE "hour_start" <= ${dialect.param(2)} AND "requests" = 1`, [9, 2]);
    expect(again.affected).toBe(0);
    const returned = await dialect.execute<{ hour_start: unknown }>(ds.manager, `DELETE FROM "rolled_hours" WHERE "requests" = ${dialect.param(1)} RETURNING "hour_start"`, [9]);
    expect(returned.rows.map((r) => toNumber(r.hour_start)).sort()).toEqual([1, 2]);
  });

  it('recognises a real duplicate-key error', async () => {
    const dialect = dialectOf(ds);
    const insert = () => ds.query(`INSERT INTO "settings" ("key", "value") VALUES (${dialect.placeholders(2)})`, ['dup', 'x']);
    await insert();
    const error = await insert().then(() => null, (e: unknown) => e);
    expect(dialect.isUniqueViolation(error)).toBe(true);
  });

  it('a transaction-scoped advisory lock is exclusive until commit on PostgreSQL (always granted on SQLite)', async () => {
    const dialect = dialectOf(ds);
    const seen: boolean[] = [];
    await ds.transaction(async (first) => {
      seen.push(await dialect.tryAdvisoryXactLock(first, 'dialect-test'));
      // A second transaction needs a second connection, which only PostgreSQL has.
      if (dialect.isPostgres) await ds.transaction(async (second) => seen.push(await dialect.tryAdvisoryXactLock(second, 'dialect-test')));
    });
    await ds.transaction(async (later) => seen.push(await dialect.tryAdvisoryXactLock(later, 'dialect-test')));
    expect(seen).toEqual(dialect.isPostgres ? [true, false, true] : [true, true]);
    if (dialect.isPostgres) await expect(dialect.tryAdvisoryXactLock(ds.manager, 'dialect-test')).rejects.toThrow(/transaction/);
  });

  it('withTryLock skips while another session holds the key and runs once it is free', async () => {
    const dialect = dialectOf(ds);
    const inner = await dialect.withTryLock(ds, 'dialect-try', () => dialect.withTryLock(ds, 'dialect-try', async () => 'inner'));
    expect(inner).toBe(dialect.isPostgres ? undefined : 'inner');
    expect(await dialect.withTryLock(ds, 'dialect-try', async () => 'free')).toBe('free');
  });
});
