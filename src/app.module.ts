import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ChainModule } from './chain/chain.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { appConfig } from './config/app.config';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DefiModule } from './defi/defi.module';
import { DevnetStatsModule } from './devnet-stats/devnet-stats.module';
import { ExecutionsModule } from './executions/executions.module';
import { FeesModule } from './fees/fees.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ReportsModule } from './reports/reports.module';
import { SessionsModule } from './sessions/sessions.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { TrafficModule } from './traffic/traffic.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    // Env comes from the process environment only (no .env file), validated when the app is created.
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig] }),
    LoggingModule,
    ScheduleModule.forRoot(),
    DatabaseModule,
    MetricsModule,
    TrafficModule,
    HealthModule,
    RateLimitModule,
    UsersModule,
    SessionsModule,
    FeesModule,
    ExecutionsModule,
    ChainModule,
    TelemetryModule,
    DevnetStatsModule,
    DefiModule,
    DashboardModule,
    ReportsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule {}
