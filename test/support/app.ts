// Boots the real AppModule (same factory as production) on a fresh temporary SQLite file, or, when TELEMETRY_DB_URL
// is set, on a fresh PostgreSQL database of that server (test/support/postgres.ts).
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { freePort } from '../../bench/lib/processes';
import { createApp } from '../../src/app.factory';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { createTestDatabase, postgresServerUrl, TestDatabase } from './postgres';

export interface TestApp {
  app: NestExpressApplication;
  /** The HTTP server, for supertest. */
  http: ReturnType<NestExpressApplication['getHttpServer']>;
  /** Set when booted with `listen: true`. */
  baseUrl: string;
  dbPath: string;
  /** The PostgreSQL database URL when the suites run on PostgreSQL, else undefined. */
  dbUrl?: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface BootOptions {
  env?: Record<string, string | undefined>;
  /** Listen on 127.0.0.1 with a free port (for real HTTP clients other than supertest). */
  listen?: boolean;
  /** Reuse a database file (e.g. to restart on the same data); default: a new temp file. */
  dbPath?: string;
}

/** Runs fn with process.env temporarily extended; config is read while the app is created. */
export async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * A connection of its own to a test app's database, SQLite file or PostgreSQL database alike (e.g. to read what an
 * app wrote after it closed). Destroy it when done.
 */
export function openTestDataSource(target: { dbPath: string; dbUrl?: string }): Promise<DataSource> {
  return new DataSource({ ...buildDataSourceOptions({ path: target.dbPath, url: target.dbUrl }), logging: false }).initialize();
}

export function tempDbPath(): { dir: string; dbPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bloom-test-'));
  return { dir, dbPath: join(dir, 'telemetry', 'telemetry.db') };
}

/**
 * On PostgreSQL, a caller-given dbPath (restart on the same data) names one database: created at the first boot with
 * that path, kept across closes, dropped after the suite (afterAll below). A path of our own gets a database of its own.
 */
const databasesByPath = new Map<string, TestDatabase>();
if (typeof afterAll === 'function') {
  afterAll(async () => {
    const all = [...databasesByPath.values()];
    databasesByPath.clear();
    // Every database is dropped even if one drop fails; the first failure is reported after.
    const failed = (await Promise.allSettled(all.map((db) => db.drop()))).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
}

/** Well under jest's testTimeout, so a stuck shutdown is named in the failure instead of a bare hook timeout. */
const CLOSE_DEADLINE_MS = 20_000;

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function testDatabaseFor(dbPath: string, owned: boolean): Promise<TestDatabase | undefined> {
  const server = postgresServerUrl();
  if (!server) return undefined;
  if (owned) return createTestDatabase(server);
  let db = databasesByPath.get(dbPath);
  if (!db) {
    db = await createTestDatabase(server);
    databasesByPath.set(dbPath, db);
  }
  return db;
}

export async function bootTestApp(options: BootOptions = {}): Promise<TestApp> {
  const temp = options.dbPath ? undefined : tempDbPath();
  const dbPath = options.dbPath ?? temp!.dbPath;
  const pg = options.env && 'TELEMETRY_DB_URL' in options.env ? undefined : await testDatabaseFor(dbPath, temp !== undefined);
  const removeTemp = async () => {
    if (!temp) return;
    rmSync(temp.dir, { recursive: true, force: true });
    await pg?.drop();
  };
  // A listening app runs on its PORT, as in production, so the default SESSION_DOMAIN names the URL clients use.
  const port = options.listen ? await freePort() : undefined;
  const app = await withEnv({ TELEMETRY_DB_PATH: dbPath, ...(pg ? { TELEMETRY_DB_URL: pg.url } : {}), ...(port ? { PORT: String(port) } : {}), ...options.env }, () =>
    createApp({ logger: ['error', 'warn'] }),
  ).catch(async (e: unknown) => {
    await removeTemp();
    throw e;
  });
  let baseUrl = '';
  if (port) {
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
  } else {
    await app.init();
  }
  let closed = false;
  return {
    app,
    http: app.getHttpServer(),
    baseUrl,
    dbPath,
    dbUrl: pg?.url,
    dataSource: app.get(DataSource),
    async close() {
      if (closed) return;
      closed = true;
      // The temp files and database go even when the app fails to close, and a close that hangs fails the hook.
      try {
        await withDeadline(app.close(), CLOSE_DEADLINE_MS, 'app.close()');
      } finally {
        await removeTemp();
      }
    },
  };
}
