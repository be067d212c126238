// Aave v3 account data read through the shared JSON-RPC provider, cached per address with reads coalesced,
// so a crowd asking about the same address costs one eth_call per cache period.
import { BadGatewayException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Contract, getAddress } from 'ethers';
import { apiError, ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { ChainService, RPC_TIMEOUT_MS, withTimeout } from '../chain/chain.service';
import { AAVE_ACCOUNT_FIELDS, AAVE_POOL_ABI } from './aave-pool.abi';

/** Bigints as decimal strings (base currency units with 8 decimals; ltv and threshold in bps; health factor 1e18). */
export type AavePosition = Record<(typeof AAVE_ACCOUNT_FIELDS)[number], string> & { address: string; readAt: string };

/** Bounds the cache's memory whatever addresses clients ask about; the oldest entries go first. */
export const AAVE_CACHE_MAX_ENTRIES = 10_000;

@Injectable()
export class DefiService {
  private readonly pool?: Contract;
  private readonly cache = new Map<string, { position: AavePosition; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<AavePosition>>();

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    chain: ChainService,
  ) {
    const poolAddress = config.chain.aavePoolAddress;
    if (chain.provider && poolAddress) this.pool = new Contract(poolAddress, AAVE_POOL_ABI, chain.provider);
  }

  async aavePositions(address: string): Promise<AavePosition> {
    if (!this.pool) {
      throw new ServiceUnavailableException(
        apiError(ErrorCode.RPC_NOT_CONFIGURED, 'Aave positions need ETH_RPC_URL and AAVE_POOL_ADDRESS to be configured'),
      );
    }
    const key = address.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.position;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const read = this.read(this.pool, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, read);
    return read;
  }

  private async read(pool: Contract, key: string): Promise<AavePosition> {
    let values: bigint[];
    try {
      values = (await withTimeout(
        pool.getFunction('getUserAccountData').staticCall(key) as Promise<bigint[]>,
        RPC_TIMEOUT_MS,
        'getUserAccountData',
      )) as bigint[];
    } catch (error) {
      const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
      throw new BadGatewayException(apiError(ErrorCode.RPC_ERROR, `Aave pool read failed: ${reason.slice(0, 200)}`));
    }
    const position = { address: getAddress(key), readAt: new Date().toISOString() } as AavePosition;
    AAVE_ACCOUNT_FIELDS.forEach((field, i) => (position[field] = values[i].toString()));
    this.remember(key, position);
    return position;
  }

  private remember(key: string, position: AavePosition): void {
    if (this.config.chain.aaveCacheMs === 0) return;
    this.cache.delete(key);
    this.cache.set(key, { position, expiresAt: Date.now() + this.config.chain.aaveCacheMs });
    if (this.cache.size > AAVE_CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }
}
