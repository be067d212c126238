import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { tempDbPath } from './support/app';
import { rmSync } from 'node:fs';

describe('migrations reproduce the entity schema exactly', () => {
  it('an empty file migrated from scratch needs no further schema change, and every migration reverts', async () => {
    const { dir, dbPath } = tempDbPath();
    const ds = new DataSource({ ...buildDataSourceOptions({ path: dbPath }), migrationsRun: false });
    try {
      await ds.initialize();
      const applied = await ds.runMigrations();
      expect(applied.length).toBeGreaterThan(0);
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
      const tables = await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')`);
      expect(tables).toEqual([]);
    } finally {
      await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
