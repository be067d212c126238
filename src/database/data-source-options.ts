// The one source of database options, shared by AppModule and ormconfig.ts (TypeORM CLI).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app.config';
import type { DialectKind } from './dialect';
import { entitiesFor } from './entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { SafeQueryLogger } from './safe-query-logger';

/** PostgreSQL when TELEMETRY_DB_URL is set, else the SQLite file. */
export function databaseKind(db: AppConfig['db']): DialectKind {
  return db.url ? 'postgres' : 'sqlite';
}

export function buildDataSourceOptions(db: AppConfig['db']): DataSourceOptions {
  // The app applies pending migrations itself at start (openDatabase in migrate.ts), under a lock on PostgreSQL.
  const kind = databaseKind(db);
  const common = { entities: entitiesFor(kind), synchronize: false, migrationsRun: false, logger: new SafeQueryLogger() };
  if (kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: db.url,
      migrations: POSTGRES_MIGRATIONS,
      // Each migration in its own transaction, so a failed one leaves the earlier ones applied and recorded.
      migrationsTransactionMode: 'each',
      applicationName: 'bloom-telemetry',
      connectTimeoutMS: 5000,
      // pg pool: requests, the request-log writer and the rollup share it. A connection stays taken until the event
      // loop has read its answer, so a saturated loop gets about one statement per connection per turn: with pg's
      // default of 10, devnet:load's session reads queued behind ~100 waiting statements (status P95 ~650 ms); 20
      // halved that (351 ms), 30 gained little more (329 ms).
      extra: { max: 20 },
    };
  }
  const file = resolve(db.path);
  // The folder is created here so SQLITE_CANTOPEN on a fresh machine cannot happen.
  mkdirSync(dirname(file), { recursive: true });
  return {
    ...common,
    type: 'sqlite',
    database: file,
    enableWAL: true,
    busyTimeout: 5000,
    migrations: SQLITE_MIGRATIONS,
    // TypeORM calls driver.verbose(), which wraps every sqlite3 call in a long-stack-trace recorder: a new Error and a
    // util.inspect of the SQL and every bound parameter per statement (a sixth of a sign-in's server CPU, and parameter
    // values in error stacks). This driver's verbose() is the plain module.
    driver: Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 }),
  };
}
