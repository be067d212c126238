// A real EVM node (Foundry's anvil, in a child process) on 127.0.0.1 with a funded account, plus a JSON-RPC proxy in
// front of it that counts calls per method and can be taken down (closed port) or made to hang (timeouts) on demand.
import { spawn } from 'node:child_process';
import { JsonRpcProvider, Network, Provider, TransactionReceipt, Wallet, parseEther, toQuantity } from 'ethers';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const DEVNET_CHAIN_ID = 1337;

export interface Devnet {
  url: string;
  chainId: number;
  /** Key of the funded account: random per run, lives only in this process. */
  fundedKey: string;
  /** The funded account, connected to the node (ethers resolves its nonces one by one). */
  wallet: Wallet;
  provider: JsonRpcProvider;
  /** Mines `blocks` empty blocks at once (whatever the automine setting). */
  mine(blocks?: number): Promise<void>;
  /** Automine on (the default: each transaction gets its own block as it arrives) or off (transactions wait in the pool). */
  setAutomine(on: boolean): Promise<void>;
  /** Saves the chain state; the id is good for one `revert`. */
  snapshot(): Promise<string>;
  /** Rolls the chain back to a snapshot (blocks and balances); false if the id is unknown or used. */
  revert(id: string): Promise<boolean>;
  /**
   * Replaces the newest `depth` blocks with as many new empty blocks: the height stays, the hashes change, and the
   * transactions of the dropped blocks are gone (no receipt).
   */
  reorg(depth: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The receipt of `hash`, polled every 10 ms for up to `timeoutMs`. anvil's automine mines in a background task, so
 * for a moment after `eth_sendRawTransaction` returns the receipt can still be null; reading it once right after the
 * send is a race (seen in CI). Unlike ethers' `tx.wait()`, this neither waits for the 4 s block poll nor throws on a
 * reverted (status 0) receipt. Rejects if no receipt appears in time.
 */
export async function waitForReceipt(provider: Provider, hash: string, timeoutMs = 10_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface DevnetOptions {
  chainId?: number;
  /** Balance of the funded account in ether. */
  balanceEth?: string;
}

/**
 * Starts anvil (test/support/devnet-node.js) in a child process on 127.0.0.1:0 with automine: a sent transaction is
 * mined into its own block as soon as it arrives.
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const chainId = options.chainId ?? DEVNET_CHAIN_ID;
  const funded = Wallet.createRandom();
  const child = spawn(process.execPath, [join(__dirname, 'devnet-node.js')], {
    env: { ...process.env, DEVNET_CHAIN_ID: String(chainId) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`devnet node exited with code ${code} before listening`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  const stop = async () => {
    provider.destroy();
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await provider.send('anvil_setBalance', [funded.address, toQuantity(parseEther(options.balanceEth ?? '1000'))]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    chainId,
    fundedKey: funded.privateKey,
    wallet: new Wallet(funded.privateKey, provider),
    provider,
    async mine(blocks = 1) {
      await provider.send('anvil_mine', [toQuantity(blocks)]);
    },
    async setAutomine(on) {
      await provider.send('evm_setAutomine', [on]);
    },
    snapshot: () => provider.send('evm_snapshot', []) as Promise<string>,
    revert: (id) => provider.send('evm_revert', [id]) as Promise<boolean>,
    async reorg(depth) {
      await provider.send('anvil_reorg', [depth, []]);
    },
    stop,
  };
}

export interface RpcProxy {
  url: string;
  /** JSON-RPC calls seen per method (batches counted per call). */
  count(method: string): number;
  resetCounts(): void;
  /** Close the port (connections refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** While set, requests are accepted and never answered. */
  setHang(hang: boolean): void;
  /** Delay before each request is forwarded (a slow node). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startRpcProxy(target: string): Promise<RpcProxy> {
  const counts = new Map<string, number>();
  let hang = false;
  let delayMs = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    try {
      const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
        const method = String(call.method);
        counts.set(method, (counts.get(method) ?? 0) + 1);
      }
    } catch {
      // forwarded as is: the node answers the parse error
    }
    if (hang) return;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    } catch {
      res.writeHead(502).end();
    }
  };
  let server: Server = createServer((req, res) => void handler(req, res));
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    count: (method) => counts.get(method) ?? 0,
    resetCounts: () => counts.clear(),
    down: stop,
    async up() {
      if (server.listening) return;
      server = createServer((req, res) => void handler(req, res));
      await listen(port);
    },
    setHang(value) {
      hang = value;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close: stop,
  };
}
