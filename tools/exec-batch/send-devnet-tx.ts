// The chain side of `devnet:exec-batch --dry-run=false`: a real native-token transfer on the configured devnet,
// signed by DEVNET_PRIVATE_KEY. Returns the transaction hash as the node accepted it; never invents one.
import { JsonRpcProvider, NonceManager, Wallet, getAddress, keccak256, toUtf8Bytes } from 'ethers';

export interface DevnetSender {
  /** The funded account's address (not its key). */
  readonly address: string;
  readonly signer: NonceManager;
  readonly provider: JsonRpcProvider;
  close(): void;
}

/**
 * One signer per batch: NonceManager hands out consecutive nonces, so concurrent transfers from the one funded
 * account do not collide on the same nonce.
 */
export function connectDevnet(rpcUrl: string, privateKey: string): DevnetSender {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: false });
  const wallet = new Wallet(privateKey, provider);
  return { address: wallet.address, signer: new NonceManager(wallet), provider, close: () => provider.destroy() };
}

export interface DevnetTransferOptions {
  sender: DevnetSender;
  /** Recipient (the batch's per-run address). */
  to: string;
  /** Native amount in wei (the prepared execution's amount). */
  amountWei: bigint;
}

/** Sends the transfer and returns its hash once the node accepted it (the server's receipt watcher confirms it). */
export async function sendDevnetTransfer(opts: DevnetTransferOptions): Promise<string> {
  try {
    const tx = await opts.sender.signer.sendTransaction({ to: opts.to, value: opts.amountWei });
    return tx.hash;
  } catch (err) {
    // The nonce this send took was never used: without a reset every later transfer would queue behind the gap
    // and never be mined. The next send reads the account's pending count again.
    opts.sender.signer.reset();
    throw err;
  }
}

/** A recipient address derived from the run id: every transfer of a batch lands in one traceable place. */
export function runRecipient(runId: string): string {
  return getAddress(`0x${keccak256(toUtf8Bytes(`bloom-exec-batch:${runId}`)).slice(-40)}`);
}
