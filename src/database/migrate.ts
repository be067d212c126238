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
    await dialectOf(ds).tuneConnection(ds);
  } catch (e) {
    await ds.destroy();
    throw e;
  }
  return ds;
}
