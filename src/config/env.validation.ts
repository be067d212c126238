// The environment contract (SPEC §2): every variable parsed and range-checked once, at start-up.
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { isAddress } from 'ethers';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidateBy,
  ValidationError,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so IsBoolean reports it
};

// Integers only: "25" → 25, but "25.5", "abc", "1e3" stay strings so IsInt names them.
const toInt = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return /^-?\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : value;
};

/** An integer env var within [min, max]; the message names the range. */
function IntRange(min: number, max: number): PropertyDecorator {
  const message = `must be an integer from ${min} to ${max}`;
  return applyDecorators(Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

function BoolFlag(): PropertyDecorator {
  return applyDecorators(Transform(toBool), IsBoolean({ message: 'must be true or false' }));
}

const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

const commaList = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

/** An RFC 3986 authority without user info: DNS name, IPv4 or [IPv6], optional port. */
const HOST_PORT = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

export const DEFAULT_EXECUTION_ADAPTERS = ['uniswap-v3-swap', 'aave-v3-supply', 'aave-v3-withdraw', 'native-transfer'];

export class EnvironmentVariables {
  @IntRange(1, 65535)
  PORT = 3001;

  @Transform(emptyToUndefined) @IsString() @MinLength(1)
  TELEMETRY_DB_PATH = 'telemetry/telemetry.db';

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  TELEMETRY_DB_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  TELEMETRY_SALT?: string;

  @BoolFlag()
  TELEMETRY_CONSOLE = false;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  TELEMETRY_ADMIN_TOKEN?: string;

  @IntRange(10, 50)
  BLOSSOM_FEE_BPS = 25;

  @BoolFlag()
  SHOW_EXECUTION_METRICS = false;

  @IsOptional() @BoolFlag()
  VITE_SHOW_EXECUTION_METRICS?: boolean;

  @IntRange(60, 30 * 86400)
  SESSION_TTL_S = 86400;

  // Lower-cased: a host name is case-insensitive, and the verifier compares lower-cased domains.
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : commaList(String(value).toLowerCase())))
  @IsOptional()
  @IsString({ each: true })
  @Matches(HOST_PORT, { each: true, message: 'must be a comma list of host[:port] (e.g. app.example.com,localhost:3001)' })
  SESSION_DOMAIN?: string[];

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'must be an http(s):// URL (JSON-RPC over HTTP)' })
  ETH_RPC_URL?: string;

  @IntRange(1, 2 ** 32 - 1)
  CHAIN_ID = 11155111;

  // Mixed case is an EIP-55 checksum: a typo there stops the start instead of failing every read later.
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte address' })
  @ValidateBy({ name: 'isEvmAddress', validator: { validate: (v: unknown) => typeof v === 'string' && isAddress(v), defaultMessage: () => 'must have a valid EIP-55 checksum when mixed case' } })
  AAVE_POOL_ADDRESS?: string;

  @IntRange(100, 3_600_000)
  RECEIPT_WATCH_INTERVAL_MS = 5000;

  @IntRange(1, 1000)
  RECEIPT_WATCH_BATCH = 50;

  @IntRange(1, 7 * 86400)
  TX_NOT_FOUND_AFTER_S = 900;

  @IntRange(0, 60_000)
  AAVE_CACHE_MS = 5000;

  @BoolFlag()
  REQUEST_LOG_ENABLED = true;

  @IntRange(1, 24 * 365)
  REQUEST_LOG_RETENTION_HOURS = 168;

  @IntRange(0, 1_000_000)
  RATE_LIMIT_PER_MIN = 1200;

  @BoolFlag()
  TRUST_PROXY = false;

  @IntRange(10, 3600)
  SIWE_NONCE_TTL_S = 300;

  @Transform(({ value }) => (value === undefined || value === '' ? undefined : commaList(String(value))))
  @IsOptional()
  @IsString({ each: true })
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { each: true, message: 'each adapter must match [a-z0-9-]{1,64}' })
  EXECUTION_ADAPTERS: string[] = DEFAULT_EXECUTION_ADAPTERS;
}

/** Every variable the service reads; anything else in the environment is ignored. */
export const ENV_KEYS = [
  'PORT', 'TELEMETRY_DB_PATH', 'TELEMETRY_DB_URL', 'TELEMETRY_SALT', 'TELEMETRY_CONSOLE', 'TELEMETRY_ADMIN_TOKEN',
  'BLOSSOM_FEE_BPS', 'SHOW_EXECUTION_METRICS', 'VITE_SHOW_EXECUTION_METRICS', 'SESSION_TTL_S', 'SESSION_DOMAIN',
  'ETH_RPC_URL', 'CHAIN_ID', 'AAVE_POOL_ADDRESS', 'RECEIPT_WATCH_INTERVAL_MS', 'RECEIPT_WATCH_BATCH',
  'TX_NOT_FOUND_AFTER_S', 'AAVE_CACHE_MS', 'REQUEST_LOG_ENABLED', 'REQUEST_LOG_RETENTION_HOURS',
  'RATE_LIMIT_PER_MIN', 'EXECUTION_ADAPTERS', 'TRUST_PROXY', 'SIWE_NONCE_TTL_S',
] as const;

function describeConstraint(error: ValidationError): string {
  return [...new Set(Object.values(error.constraints ?? {}))].join('; ');
}

export class ConfigValidationError extends Error {}

export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const input: Record<string, unknown> = {};
  for (const key of ENV_KEYS) if (raw[key] !== undefined) input[key] = raw[key];
  const env = plainToInstance(EnvironmentVariables, input, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const shown = /SALT|TOKEN|URL/.test(e.property) ? '<redacted>' : JSON.stringify(raw[e.property]);
      return `  ${e.property}=${shown}: ${describeConstraint(e)}`;
    });
    throw new ConfigValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
