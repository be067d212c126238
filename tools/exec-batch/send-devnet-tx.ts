// The chain side of `devnet:exec-batch --dry-run=false`: a real native-token transfer on the configured devnet, sent by
// the execution's own wallet after DEVNET_PRIVATE_KEY funded it. Returns the transaction hash as the node accepted it;
// never invents one.
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
  /** The execution's own signed-in wallet: the server confirms an execution only on a transaction of its wallet. */
  from: Wallet;
  /** Recipient (the batch's per-run address). */
  to: string;
  /** Native amount in wei (the prepared execution's amount). */
  amountWei: bigint;
}

/** Gas of a plain native transfer. */
const TRANSFER_GAS = 21_000n;

/**
 * The funded account gives `from` the amount plus gas (awaited until mined), then `from` sends the transfer; returns
 * its hash once the node accepted it (the server's receipt watcher confirms it).
 */
export async function sendDevnetTransfer(opts: DevnetTransferOptions): Promise<string> {
  const fee = await opts.sender.provider.getFeeData();
  // Twice the current price: the fee may rise between the funding and the transfer.
  const gasBudget = TRANSFER_GAS * (fee.maxFeePerGas ?? fee.gasPrice ?? 0n) * 2n;
  await fund(opts.sender, opts.from.address, opts.amountWei + gasBudget);
  const tx = await opts.from.connect(opts.sender.provider).sendTransaction({ to: opts.to, value: opts.amountWei, gasLimit: TRANSFER_GAS });
  return tx.hash;
}

async function fund(sender: DevnetSender, to: string, value: bigint): Promise<void> {
  let tx;
  try {
    tx = await sender.signer.sendTransaction({ to, value });
  } catch (err) {
    // The nonce this send took was never used: without a reset every later transfer would queue behind the gap
    // and never be mined. The next send reads the account's pending count again.
    sender.signer.reset();
    throw err;
  }
  await tx.wait();
}

/** A recipient address derived from the run id: every transfer of a batch lands in one traceable place. */
export function runRecipient(runId: string): string {
  return getAddress(`0x${keccak256(toUtf8Bytes(`bloom-exec-batch:${runId}`)).slice(-40)}`);
}
