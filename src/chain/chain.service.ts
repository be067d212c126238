// The one JSON-RPC provider of the app (ethers v6), built from ETH_RPC_URL; absent when it is unset.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { AppConfig, appConfig } from '../config/app.config';

/** Upper bound of any single JSON-RPC request; the Aave read uses it as its 2 s timeout. */
export const RPC_TIMEOUT_MS = 2000;

export class ChainIdMismatchError extends Error {}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class ChainService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChainService.name);
  readonly provider?: JsonRpcProvider;
  private chainIdVerified = false;

  constructor(
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const url = config.chain.rpcUrl;
    if (!url) return;
    const request = new FetchRequest(url);
    request.timeout = RPC_TIMEOUT_MS;
    // staticNetwork: ethers never probes (nor retries forever) on its own; the id is checked below.
    // batchMaxCount 1: no 10 ms batching stall on the request path. cacheTimeout -1: no hidden 250 ms result
    // cache; what is cached and coalesced is decided by the services (see DefiService).
    this.provider = new JsonRpcProvider(request, Network.from(config.chain.chainId), {
      staticNetwork: true,
      batchMaxCount: 1,
      cacheTimeout: -1,
    });
  }

  get configured(): boolean {
    return this.provider !== undefined;
  }

  /**
   * A node on another chain would make every receipt meaningless: the server refuses to start. A node that does not
   * answer yet is only logged; the receipt watcher verifies the id again before it reads anything. CLI tools that
   * boot AppModule without HTTP (rollup, report) read no receipts and skip the check.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.adapterHost.httpAdapter) return;
    if (!this.provider) {
      this.logger.log('ETH_RPC_URL is not set: chain features answer 503 RPC_NOT_CONFIGURED, nothing is confirmed');
      return;
    }
    try {
      await this.ensureChainId();
      this.logger.log(`JSON-RPC node answers chain id ${this.config.chain.chainId}`);
    } catch (error) {
      if (error instanceof ChainIdMismatchError) throw error;
      this.logger.warn(`JSON-RPC node not reachable at start (${(error as Error).message}); will retry before reading receipts`);
    }
  }

  /** Resolves once the node has answered the configured CHAIN_ID; throws ChainIdMismatchError otherwise. */
  async ensureChainId(): Promise<void> {
    if (this.chainIdVerified) return;
    if (!this.provider) throw new Error('ETH_RPC_URL is not set');
    const answered = Number(await withTimeout(this.provider.send('eth_chainId', []) as Promise<string>, RPC_TIMEOUT_MS, 'eth_chainId'));
    if (answered !== this.config.chain.chainId) {
      throw new ChainIdMismatchError(
        `ETH_RPC_URL answers chain id ${answered} but CHAIN_ID is ${this.config.chain.chainId}: fix one of them`,
      );
    }
    this.chainIdVerified = true;
  }

  onApplicationShutdown(): void {
    this.provider?.destroy();
  }
}
