// Aave v3 account data read through the shared JSON-RPC provider, cached per address with reads coalesced,
// so a crowd asking about the same address costs one eth_call per cache period.
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Contract, getAddress } from 'ethers';
import { LRUCache } from 'lru-cache';
import { apiException, ErrorCode } from '../common/error-codes';
import { AppConfig, appConfig } from '../config/app.config';
import { ChainService, RPC_TIMEOUT_MS, withTimeout } from '../chain/chain.service';
import { AAVE_ACCOUNT_FIELDS, AAVE_POOL_ABI } from './aave-pool.abi';

/** Bigints as decimal strings (base currency units with 8 decimals; ltv and threshold in bps; health factor 1e18). */
export type AavePosition = Record<(typeof AAVE_ACCOUNT_FIELDS)[number], string> & { address: string; readAt: string };

/** Bounds the cache's memory whatever addresses clients ask about; the least recently used entries go first. */
export const AAVE_CACHE_MAX_ENTRIES = 10_000;

@Injectable()
export class DefiService {
  private readonly pool?: Contract;
  /** fetch() joins concurrent callers to the read already running for an address; a failed read is not kept. */
  private readonly positions: LRUCache<string, AavePosition, Contract>;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    chain: ChainService,
  ) {
    const poolAddress = config.chain.aavePoolAddress;
    if (chain.provider && poolAddress) this.pool = new Contract(poolAddress, AAVE_POOL_ABI, chain.provider);
    this.positions = new LRUCache<string, AavePosition, Contract>({
      max: AAVE_CACHE_MAX_ENTRIES,
      ttl: config.chain.aaveCacheMs,
      // A read whose entry is evicted by a crowd of other addresses still answers the callers waiting on it.
      ignoreFetchAbort: true,
      fetchMethod: (key, _stale, { context: pool }) => this.read(pool, key),
    });
  }

  async aavePositions(address: string): Promise<AavePosition> {
    if (!this.pool) {
      throw apiException(HttpStatus.SERVICE_UNAVAILABLE, ErrorCode.RPC_NOT_CONFIGURED, 'Aave positions need ETH_RPC_URL and AAVE_POOL_ADDRESS to be configured');
    }
    // AAVE_CACHE_MS=0 turns the cache off (lru-cache would read a ttl of 0 as "forever"); reads still coalesce.
    const position = await this.positions.fetch(address.toLowerCase(), {
      context: this.pool,
      forceRefresh: this.config.chain.aaveCacheMs === 0,
    });
    // read() always resolves to a position or throws.
    return position as AavePosition;
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
      throw apiException(HttpStatus.BAD_GATEWAY, ErrorCode.RPC_ERROR, `Aave pool read failed: ${reason.slice(0, 200)}`);
    }
    const position = { address: getAddress(key), readAt: new Date().toISOString() } as AavePosition;
    AAVE_ACCOUNT_FIELDS.forEach((field, i) => (position[field] = values[i].toString()));
    return position;
  }
}
