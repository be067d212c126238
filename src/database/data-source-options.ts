// The one source of database options, shared by AppModule and ormconfig.ts (TypeORM CLI).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { ENTITIES } from './entities';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export type DatabaseKind = 'sqlite' | 'postgres';

export function databaseKind(db: AppConfig['db']): DatabaseKind {
  return db.url ? 'postgres' : 'sqlite';
}

export function buildDataSourceOptions(db: AppConfig['db']): DataSourceOptions {
  const common = { entities: ENTITIES, synchronize: false, migrationsRun: true, logging: ['error'] as ('error')[] };
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
  };
}
