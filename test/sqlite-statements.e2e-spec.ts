// Kept prepared statements on SQLite (src/database/sqlite-statements.ts), through Dialect.execute on a real SQLite file.
// The code is SQLite's only, so this suite opens its own SQLite database in both CI runs (also when TELEMETRY_DB_URL
// points the rest of the suite at PostgreSQL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, Logger, QueryFailedError } from 'typeorm';
import { dialectOf } from '../src/database/dialect';
import { MAX_SQL_LENGTH, MAX_STATEMENTS } from '../src/database/sqlite-statements';

class CapturingLogger implements Logger {
  readonly errors: string[] = [];
  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    this.errors.push(`${error instanceof Error ? error.message : error} | ${query}`);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

let dir: string;
let logger: CapturingLogger;
let ds: DataSource;

async function open(): Promise<DataSource> {
  const source = await new DataSource({ type: 'sqlite', database: join(dir, 'db.sqlite'), enableWAL: true, logger }).initialize();
  await source.query('CREATE TABLE IF NOT EXISTS "t" ("id" INTEGER PRIMARY KEY, "k" TEXT UNIQUE, "v" INTEGER)');
  return source;
}

function execute<T = Record<string, unknown>>(sql: string, params: unknown[] = []) {
  return dialectOf(ds).execute<T>(ds.manager, sql, params);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bloom-statements-'));
  logger = new CapturingLogger();
  ds = await open();
});
afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('kept SQLite statements', () => {
  it('answer each run with its own parameters, concurrently and across evictions', async () => {
    // More distinct statements than are kept, each run several times at once: runs queue on a kept statement, and
    // an evicted statement is finalized only after the runs already queued on it.
    const distinct = MAX_STATEMENTS + 16;
    const runs = Array.from({ length: distinct * 4 }, async (_, i) => {
      const n = i % distinct;
      const { rows, affected } = await execute<{ id: number; v: number }>(
        `INSERT INTO "t" ("k", "v") VALUES (?, ?) RETURNING "id", "v" /* statement ${n} */`,
        [`key-${i}`, i * 10 + n],
      );
      expect(affected).toBe(1);
      expect(rows).toHaveLength(1);
      return rows[0].v;
    });
    const values = await Promise.all(runs);
    expect(values).toEqual(Array.from({ length: distinct * 4 }, (_, i) => i * 10 + (i % distinct)));
    const [{ n }] = (await ds.query('SELECT COUNT(*) AS "n" FROM "t" WHERE "k" LIKE \'key-%\'')) as { n: number }[];
    expect(n).toBe(distinct * 4);
  });

  it('report changed rows of a write without RETURNING, and rows of a read', async () => {
    await execute('INSERT INTO "t" ("k", "v") VALUES (?, ?)', ['count-a', 1]);
    await execute('INSERT INTO "t" ("k", "v") VALUES (?, ?)', ['count-b', 1]);
    const update = await execute('UPDATE "t" SET "v" = ? WHERE "k" LIKE ?', [2, 'count-%']);
    expect(update).toEqual({ rows: [], affected: 2 });
    const again = await execute('UPDATE "t" SET "v" = ? WHERE "k" LIKE ?', [3, 'nothing-%']);
    expect(again.affected).toBe(0);
    const read = await execute<{ k: string; v: number }>('SELECT "k", "v" FROM "t" WHERE "k" LIKE ? ORDER BY "k"', ['count-%']);
    expect(read.rows).toEqual([{ k: 'count-a', v: 2 }, { k: 'count-b', v: 2 }]);
  });

  it('reject a unique violation as TypeORM does (QueryFailedError, logged) and keep working afterwards', async () => {
    const sql = 'INSERT INTO "t" ("k", "v") VALUES (?, ?)';
    await execute(sql, ['dup', 1]);
    const failure = await execute(sql, ['dup', 2]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(dialectOf(ds).isUniqueViolation(failure)).toBe(true);
    expect(logger.errors.some((line) => line.includes('UNIQUE constraint failed') && line.includes(sql))).toBe(true);
    expect((await execute(sql, ['dup-after', 3])).affected).toBe(1);
  });

  it('reject SQL that cannot be prepared, every time, without leaving the caller waiting', async () => {
    for (let i = 0; i < 2; i++) {
      const failure = await execute('SELECT missing_column FROM "t" WHERE "k" = ?', ['x']).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect(String((failure as Error).message)).toMatch(/no such column/);
    }
  });

  it('send SQL longer than the kept limit through TypeORM\'s runner, with the same result', async () => {
    const rows = 400;
    const sql = `INSERT INTO "t" ("k", "v") VALUES ${Array.from({ length: rows }, () => '(?, ?)').join(', ')}`;
    expect(sql.length).toBeGreaterThan(MAX_SQL_LENGTH);
    const { affected } = await execute(sql, Array.from({ length: rows }, (_, i) => [`long-${i}`, i]).flat());
    expect(affected).toBe(rows);
  });

  it('close with the DataSource, also with runs in flight, and the file opens again', async () => {
    // Without finalizing the kept statements first, sqlite3 refuses to close (SQLITE_BUSY: unfinalized statements).
    const inFlight = Array.from({ length: 40 }, (_, i) => execute('INSERT INTO "t" ("k", "v") VALUES (?, ?)', [`close-${i}`, i]));
    await ds.destroy();
    const settled = await Promise.allSettled(inFlight);
    // Runs queued before the close complete; none is left pending.
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(40);
    ds = await open();
    const [{ n }] = (await ds.query('SELECT COUNT(*) AS "n" FROM "t" WHERE "k" LIKE \'close-%\'')) as { n: number }[];
    expect(n).toBe(40);
    expect((await execute('INSERT INTO "t" ("k", "v") VALUES (?, ?)', ['reopened', 1])).affected).toBe(1);
  });
});
