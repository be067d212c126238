// PostgreSQL for the e2e suites: with TELEMETRY_DB_URL set, each test app gets a fresh database on that server,
// dropped when it closes, so suites stay as isolated as with SQLite temp files (`tools/pg-local.sh start` gives a URL).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** The server the suites run against, or undefined for SQLite. Read here, in test code only. */
export function postgresServerUrl(): string | undefined {
  const url = process.env.TELEMETRY_DB_URL;
  return url && url.length > 0 ? url : undefined;
}

export interface TestDatabase {
  /** TELEMETRY_DB_URL of the new database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `bloom_test_<random>` on the server of serverUrl (whose role needs CREATEDB). */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `bloom_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(serverUrl, name);
    },
  };
}

/**
 * FORCE: a connection a test left open must not keep the database alive. FORCE also has to signal an autovacuum
 * worker that may be in the database, which needs pg_signal_backend (tools/pg-local.sh grants it); without it, plain
 * DROP DATABASE (which stops autovacuum itself) is retried briefly. A database that still cannot be dropped is
 * reported, not thrown: cleanup must not abort a suite's afterAll (left-over servers would keep jest alive).
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  try {
    await admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== '42501') return warnLeftOver(name, e);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await admin(serverUrl, `DROP DATABASE IF EXISTS "${name}"`);
      return;
    } catch (e) {
      if (attempt >= 10) return warnLeftOver(name, e);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function warnLeftOver(name: string, e: unknown): void {
  console.warn(`test database ${name} was not dropped: ${e instanceof Error ? e.message : String(e)}`);
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface FreshDatabase {
  /** The `db` part of AppConfig for buildDataSourceOptions. */
  db: { path: string; url?: string };
  kind: 'sqlite' | 'postgres';
  /** Names of the tables the schema has (the migrations bookkeeping table excluded). */
  tables(ds: DataSource): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** An empty database of the driver the suites run on: a temp SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(): Promise<FreshDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'bloom-test-'));
  const dbPath = join(dir, 'telemetry.db');
  const server = postgresServerUrl();
  const pg = server ? await createTestDatabase(server) : undefined;
  return {
    db: { path: dbPath, url: pg?.url },
    kind: pg ? 'postgres' : 'sqlite',
    async tables(ds) {
      const rows = (await ds.query(
        pg
          ? `SELECT table_name AS "name" FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`
          : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')`,
      )) as { name: string }[];
      return rows.map((r) => r.name);
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      await pg?.drop();
    },
  };
}
