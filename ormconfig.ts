// The DataSource for the TypeORM CLI (`npm run migration:run|revert|generate`): same options as the app.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { toAppConfig } from './src/config/app.config';
import { validateEnv } from './src/config/env.validation';
import { buildDataSourceOptions } from './src/database/data-source-options';

export default new DataSource({ ...buildDataSourceOptions(toAppConfig(validateEnv(process.env)).db), migrationsRun: false });
