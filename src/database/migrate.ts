// Opens the database and applies pending migrations, one process at a time (replicas may start together on PostgreSQL).
import { DataSource, DataSourceOptions } from 'typeorm';
import { dialectOf } from './dialect';

const MIGRATION_LOCK_KEY = 'bloom-telemetry:migrations';

export async function runPendingMigrations(ds: DataSource): Promise<void> {
  // TypeORM itself takes no lock: without this, a second replica would fail on CREATE TABLE of the first.
  await dialectOf(ds).withExclusiveLock(ds, MIGRATION_LOCK_KEY, () => ds.runMigrations());
}

/** What the app uses as its DataSource: connected, schema up to date. */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const ds = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    await runPendingMigrations(ds);
    // WAL with synchronous=NORMAL (SQLite's advice for WAL): commits no longer fsync, checkpoints do. The file cannot
    // be corrupted; only a power loss can undo the last commits, which a restart re-derives (request-log rows are
    // buffered in memory anyway, confirmations come back from the receipt watcher). It halves the rollup catch-up
    // (two commits per hour rolled, 1,440 for a 30-day catch-up; README performance) and speeds every request-log flush.
    if (ds.options.type === 'sqlite') await ds.query('PRAGMA synchronous = NORMAL');
  } catch (e) {
    await ds.destroy();
    throw e;
  }
  return ds;
}
