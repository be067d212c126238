// The rate limiter (mounted by configureApp before the body parsers), and Express `trust proxy` when TRUST_PROXY is set.
import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig, appConfig } from '../config/app.config';
import { RateLimiter } from './rate-limiter';

@Module({
  providers: [RateLimiter],
  exports: [RateLimiter],
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
