// Shutdown with the database locked by another connection: the process still exits within 10 s, the rows it could
// not write are spilled to a file (beside the SQLite database, or in the spill folder on PostgreSQL) and written exactly
// once at the next start, even when a replay was interrupted before it removed the file.
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database } from 'sqlite3';
import { openTestDataSource } from './support/app';
import { ServerFixture, ServerProcess } from './support/server-process';

const REQUESTS = 2_000;
const CONCURRENCY = 50;
const WALLET = '0x52908400098527886E0F7030069857D2E4169EE7';

interface Lock {
  release(): Promise<void>;
}

/** A second connection holding SQLite's write lock (`BEGIN EXCLUSIVE`) until released. */
async function lockSqlite(path: string): Promise<Lock> {
  const db = await new Promise<Database>((resolve, reject) => {
    const opened: Database = new Database(path, (e) => (e ? reject(e) : resolve(opened)));
  });
  const run = (sql: string) => new Promise<void>((resolve, reject) => db.run(sql, (e: Error | null) => (e ? reject(e) : resolve())));
  await run('BEGIN EXCLUSIVE');
  return {
    async release() {
      await run('ROLLBACK');
      await new Promise<void>((resolve, reject) => db.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

/** A second connection holding a lock on request_log that blocks every INSERT (reads go on) until released. */
async function lockPostgres(url: string): Promise<Lock> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE "request_log" IN EXCLUSIVE MODE');
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/**
 * Sends REQUESTS requests (CONCURRENCY at a time), each with its own correlation id; returns the statuses. None reads
 * the database: on SQLite's one shared connection a read waits behind the writer's locked INSERT.
 */
async function sendAll(baseUrl: string): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const paths = ['/api/execute/preflight', '/no/such/path', `/no/such/path?address=${WALLET}&secret=abc`];
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const res = await fetch(`${baseUrl}${paths[i % paths.length]}`, { headers: { 'x-correlation-id': `lock-${i}` } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

async function health(server: ServerProcess): Promise<Record<string, number>> {
  const res = await fetch(`${server.baseUrl}/health`);
  return ((await res.json()) as { requestLog: Record<string, number> }).requestLog;
}

/** How many rows each of our correlation ids has. */
async function rowsPerCorrelationId(target: { dbPath: string; dbUrl?: string }): Promise<Map<string, number>> {
  const ds = await openTestDataSource(target);
  try {
    const rows = (await ds.query(`SELECT "correlation_id" AS "id", COUNT(*) AS "n" FROM "request_log" WHERE "correlation_id" LIKE 'lock-%' GROUP BY "correlation_id"`)) as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  } finally {
    await ds.destroy();
  }
}

function expectEachOnce(counts: Map<string, number>): void {
  expect(counts.size).toBe(REQUESTS);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
}

describe('request log: shutdown with the database locked', () => {
  const fixture = new ServerFixture();
  const { dir, dbPath } = fixture.temp;
  let lock: Lock | undefined;
  /** SQLite: beside the database file; PostgreSQL: the one spill file in the spill folder. */
  const spillFile = () => {
    if (!fixture.pg) return `${dbPath}.request-log-spill.jsonl`;
    const [name] = readdirSync(dir).filter((f) => f.startsWith('request-log-spill.') && f.endsWith('.jsonl'));
    return join(dir, name ?? 'missing.jsonl');
  };
  beforeAll(() => fixture.setUp());
  afterAll(async () => {
    await lock?.release();
    await fixture.cleanUp();
  });

  let spillPath = '';
  it('exits within 10 s, spills what the database could not take, and the next start writes every row once', async () => {
    const first = await fixture.start();
    lock = fixture.pg ? await lockPostgres(fixture.pg.url) : await lockSqlite(dbPath);
    const statuses = await sendAll(first.baseUrl);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // Every answered request is waiting somewhere (queue or writer), and /health says so.
    expect((await health(first)).depth).toBeGreaterThanOrEqual(REQUESTS);

    expect(await first.stop('SIGTERM')).toBeLessThan(10_000);
    expect(first.output()).toContain('spilled to');
    spillPath = spillFile();
    const spilled = readFileSync(spillPath, 'utf8');
    // Rows in their stored shape only: no query string, no raw wallet address.
    expect(spilled).not.toContain('secret');
    expect(spilled.toLowerCase()).not.toContain(WALLET.toLowerCase());
    copyFileSync(spillPath, join(dir, 'spill-copy'));
    const held = lock;
    lock = undefined;
    await held.release();

    const second = await fixture.start();
    const afterReplay = await health(second);
    expect(afterReplay).toMatchObject({ spillPending: 0, replaySkipped: 0 });
    expect(afterReplay.replayed).toBe(spilled.trim().split('\n').length);
    expect(existsSync(spillPath) || existsSync(`${spillPath}.replaying`)).toBe(false);
    await second.stop('SIGTERM');
    expectEachOnce(await rowsPerCorrelationId(fixture.target));
  }, 240_000);

  it('a replay interrupted before it removed the file is replayed again without duplicating a row', async () => {
    // The state a crash between the inserts and the removal leaves: the claimed file, its rows already written.
    copyFileSync(join(dir, 'spill-copy'), `${spillPath}.replaying`);
    const third = await fixture.start();
    const afterReplay = await health(third);
    expect(afterReplay).toMatchObject({ replayed: 0, spillPending: 0 });
    expect(afterReplay.replaySkipped).toBeGreaterThanOrEqual(REQUESTS);
    expect(existsSync(`${spillPath}.replaying`)).toBe(false);
    await third.stop('SIGTERM');
    expectEachOnce(await rowsPerCorrelationId(fixture.target));
  }, 240_000);
});
