import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source-options';
import { openDatabase } from './migrate';

/** Connects with the shared options and runs pending migrations at start (under a lock on PostgreSQL). */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config.db),
      dataSourceFactory: (options) => openDatabase(options!),
    }),
  ],
})
export class DatabaseModule {}
