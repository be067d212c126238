// One fresh database per server under test: a temp SQLite file, or a new database on a PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database, OPEN_READONLY } from 'sqlite3';
import { Driver } from './figures';

export interface BenchDatabase {
  driver: Driver;
  /** The `db` part of AppConfig. */
  db: { path: string; url?: string };
  /** Environment for a server process on this database. */
  env: Record<string, string>;
  countRows(table: string): Promise<number>;
  drop(): Promise<void>;
}

export async function newDatabase(driver: Driver, dir: string, name: string, pgServerUrl?: string): Promise<BenchDatabase> {
  const path = join(dir, `${name}.db`);
  if (driver === 'sqlite') {
    return {
      driver,
      db: { path },
      env: { TELEMETRY_DB_PATH: path },
      countRows: (table) => sqliteCount(path, table),
      drop: async () => undefined,
    };
  }
  if (!pgServerUrl) throw new Error('PostgreSQL variant without a server URL');
  const dbName = `bloom_bench_${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
  await pgAdmin(pgServerUrl, `CREATE DATABASE "${dbName}"`);
  const url = new URL(pgServerUrl);
  url.pathname = `/${dbName}`;
  return {
    driver,
    db: { path, url: url.toString() },
    env: { TELEMETRY_DB_URL: url.toString() },
    countRows: async (table) => {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const r = await client.query(`SELECT COUNT(*) AS n FROM "${table}"`);
        return Number(r.rows[0].n);
      } finally {
        await client.end();
      }
    },
    drop: () => pgAdmin(pgServerUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
  };
}

async function pgAdmin(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function sqliteCount(path: string, table: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const db = new Database(path, OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.get(`SELECT COUNT(*) AS n FROM "${table}"`, (e, row: { n: number } | undefined) => {
        db.close();
        if (e) reject(e);
        else resolve(row!.n);
      });
    });
  });
}
