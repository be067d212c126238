// Rate limiting (@nestjs/throttler) as a global guard, and Express `trust proxy` when TRUST_PROXY is set.
import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, appConfig } from '../config/app.config';
import { RateLimitGuard } from './rate-limit.guard';

export const RATE_LIMIT_WINDOW_MS = 60_000;

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: RATE_LIMIT_WINDOW_MS, limit: Math.max(1, config.rateLimitPerMin) }],
        // RATE_LIMIT_PER_MIN=0 turns limiting off.
        skipIf: () => config.rateLimitPerMin === 0,
        // One budget per client IP across all routes (the throttler's default key is per route).
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule implements OnModuleInit {
  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // Only a proxy on loopback is believed: X-Forwarded-For from anyone else is ignored, so it cannot be spoofed.
    if (this.config.trustProxy) this.adapterHost.httpAdapter?.getInstance()?.set?.('trust proxy', 'loopback');
  }
}
