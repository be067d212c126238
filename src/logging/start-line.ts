// What the operator needs to know from the one start line: where it listens and which database it opened.
import { resolve } from 'node:path';
import type { AppConfig } from '../config/app.config';
import { databaseKind } from '../database/data-source-options';

export interface StartFacts {
  port: number;
  version: string;
  driver: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL host:port/database: never the user or password. */
  database: string;
  migrationsApplied: string[];
}

export function databaseLocation(db: AppConfig['db']): string {
  if (databaseKind(db) === 'sqlite') return resolve(db.path);
  const url = new URL(db.url!);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

export function startFacts(config: AppConfig, migrationsApplied: string[]): StartFacts {
  return { port: config.port, version: config.version, driver: databaseKind(config.db), database: databaseLocation(config.db), migrationsApplied };
}

export function startMessage(f: StartFacts): string {
  const migrations = f.migrationsApplied.length === 0 ? 'schema up to date' : `${f.migrationsApplied.length} migration(s) applied`;
  return `Bloom Telemetry ${f.version} listening on http://localhost:${f.port} (${f.driver} ${f.database}, ${migrations})`;
}
