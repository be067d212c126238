// Typed, validated configuration, read once per application instance (so each test boot sees its own env).
import { registerAs } from '@nestjs/config';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnvironmentVariables, validateEnv } from './env.validation';

export interface AppConfig {
  port: number;
  db: { path: string; url?: string };
  salt?: string;
  consoleEvents: boolean;
  adminToken?: string;
  feeBps: number;
  showExecutionMetrics: boolean;
  sessionTtlS: number;
  /** host[:port] values a SIWE message may name (lower case); never the request's Host header. */
  sessionDomains: string[];
  chain: {
    rpcUrl?: string;
    chainId: number;
    aavePoolAddress?: string;
    receiptWatchIntervalMs: number;
    receiptWatchBatch: number;
    txNotFoundAfterS: number;
    aaveCacheMs: number;
  };
  requestLog: { enabled: boolean; retentionHours: number };
  rateLimitPerMin: number;
  /** Behind a reverse proxy on loopback: take the client IP from X-Forwarded-For (Express `trust proxy` = loopback). */
  trustProxy: boolean;
  siweNonceTtlS: number;
  executionAdapters: string[];
  version: string;
}

/** The version in the project's package.json, found from here whether running from src/ or dist/src/. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  return {
    port: env.PORT,
    db: { path: env.TELEMETRY_DB_PATH, url: env.TELEMETRY_DB_URL },
    salt: env.TELEMETRY_SALT,
    consoleEvents: env.TELEMETRY_CONSOLE,
    adminToken: env.TELEMETRY_ADMIN_TOKEN,
    feeBps: env.BLOSSOM_FEE_BPS,
    showExecutionMetrics: env.SHOW_EXECUTION_METRICS || env.VITE_SHOW_EXECUTION_METRICS === true,
    sessionTtlS: env.SESSION_TTL_S,
    sessionDomains: env.SESSION_DOMAIN ?? [`localhost:${env.PORT}`, `127.0.0.1:${env.PORT}`],
    chain: {
      rpcUrl: env.ETH_RPC_URL,
      chainId: env.CHAIN_ID,
      aavePoolAddress: env.AAVE_POOL_ADDRESS,
      receiptWatchIntervalMs: env.RECEIPT_WATCH_INTERVAL_MS,
      receiptWatchBatch: env.RECEIPT_WATCH_BATCH,
      txNotFoundAfterS: env.TX_NOT_FOUND_AFTER_S,
      aaveCacheMs: env.AAVE_CACHE_MS,
    },
    requestLog: { enabled: env.REQUEST_LOG_ENABLED, retentionHours: env.REQUEST_LOG_RETENTION_HOURS },
    rateLimitPerMin: env.RATE_LIMIT_PER_MIN,
    trustProxy: env.TRUST_PROXY,
    siweNonceTtlS: env.SIWE_NONCE_TTL_S,
    executionAdapters: env.EXECUTION_ADAPTERS,
    version: packageVersion(),
  };
}

/** Inject with `@Inject(appConfig.KEY) config: AppConfig`. */
export const appConfig = registerAs('app', (): AppConfig => toAppConfig(validateEnv(process.env)));
