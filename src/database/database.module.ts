import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, appConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source-options';

/** Connects with the shared options and runs pending migrations at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => buildDataSourceOptions(config.db),
    }),
  ],
})
export class DatabaseModule {}
