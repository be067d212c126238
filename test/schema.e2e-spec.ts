import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { freshDatabase, postgresServerUrl } from './support/postgres';

const driver = postgresServerUrl() ? 'postgres' : 'sqlite';

describe(`migrations reproduce the entity schema exactly (${driver})`, () => {
  it('an empty database migrated from scratch needs no further schema change, and every migration reverts', async () => {
    const fresh = await freshDatabase();
    const ds = new DataSource({ ...buildDataSourceOptions(fresh.db), migrationsRun: false });
    try {
      await ds.initialize();
      expect(ds.options.type).toBe(fresh.kind);
      const applied = await ds.runMigrations();
      expect(applied.length).toBeGreaterThan(0);
      expect((await fresh.tables(ds)).sort()).toEqual(ds.entityMetadatas.map((m) => m.tableName).sort());
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
      expect(await fresh.tables(ds)).toEqual([]);
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await fresh.cleanup();
    }
  });
});
