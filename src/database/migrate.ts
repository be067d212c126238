// Opens the database and applies pending migrations, one process at a time (replicas may start together on PostgreSQL).
import { DataSource, DataSourceOptions } from 'typeorm';
import { dialectOf } from './dialect';

const MIGRATION_LOCK_KEY = 'bloom-telemetry:migrations';

/** Names of the migrations each open DataSource applied when it was opened (for the start line). */
const appliedAtOpen = new WeakMap<DataSource, string[]>();

export function migrationsAppliedAtOpen(ds: DataSource): string[] {
  return appliedAtOpen.get(ds) ?? [];
}

export async function runPendingMigrations(ds: DataSource): Promise<string[]> {
  // TypeORM itself takes no lock: without this, a second replica would fail on CREATE TABLE of the first.
  const applied = await dialectOf(ds).withExclusiveLock(ds, MIGRATION_LOCK_KEY, () => ds.runMigrations());
  return applied.map((m) => m.name);
}

/** What the app uses as its DataSource: connected, schema up to date. */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const ds = await new DataSource({ ...options, migrationsRun: false }).initialize();
  try {
    appliedAtOpen.set(ds, await runPendingMigrations(ds));
    await dialectOf(ds).tuneConnection(ds);
  } catch (e) {
    await ds.destroy();
    throw e;
  }
  return ds;
}
