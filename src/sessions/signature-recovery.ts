// Recovers the address that signed an EIP-191 personal message. libsecp256k1 through the `secp256k1` package's native
// binding does the public-key recovery (about 0.2 ms against 2–3 ms for ethers' pure-JS curve); when the binding cannot
// load (no prebuilt binary and no compiler at install time) ethers does it instead, with the same checks and answers.
import { SigningKey, hashMessage, hexlify, keccak256 } from 'ethers';

/** The part of the `secp256k1` binding this module uses. */
interface Secp256k1Binding {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed: boolean): Uint8Array;
}

function loadNative(): Secp256k1Binding | null {
  try {
    // The binding itself: the package's main entry silently falls back to the pure-JS `elliptic`, which is slower still.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('secp256k1/bindings') as Secp256k1Binding;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation recovers keys in this process. */
export const recoveryBackend: 'native' | 'ethers' = native ? 'native' : 'ethers';

/** Half the curve order: EIP-2 allows only s ≤ n/2, which every wallet produces. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export class SignatureError extends Error {}

export type RecoverFn = (digest: Uint8Array, rs: Uint8Array, recid: number) => Uint8Array;

/** 65 uncompressed public-key bytes (0x04 ‖ X ‖ Y) through libsecp256k1. */
function recoverNative(binding: Secp256k1Binding): RecoverFn {
  return (digest, rs, recid) => binding.ecdsaRecover(rs, recid, digest, false);
}

/** The same through ethers (@noble/curves). */
const recoverEthers: RecoverFn = (digest, rs, recid) => {
  const hex = SigningKey.recoverPublicKey(digest, { r: hexlify(rs.subarray(0, 32)), s: hexlify(rs.subarray(32, 64)), v: 27 + recid });
  return Buffer.from(hex.slice(2), 'hex');
};

export const RECOVERERS: Readonly<Record<'native' | 'ethers', RecoverFn | null>> = {
  native: native ? recoverNative(native) : null,
  ethers: recoverEthers,
};

/**
 * The lower-case 0x address whose key made `signature` (0x + 130 hex: r ‖ s ‖ v) over the EIP-191 personal message
 * `message`. Throws SignatureError for a v other than 0, 1, 27 or 28, an s above n/2, or r/s that recover no key.
 */
export function recoverMessageSigner(message: string, signature: string, recover: RecoverFn = RECOVERERS[recoveryBackend]!): string {
  const bytes = Buffer.from(signature.slice(2), 'hex');
  if (bytes.length !== 65) throw new SignatureError('A signature is 65 bytes');
  const v = bytes[64];
  if (v !== 0 && v !== 1 && v !== 27 && v !== 28) throw new SignatureError('The recovery byte must be 27, 28, 0 or 1');
  if (BigInt(`0x${bytes.subarray(32, 64).toString('hex')}`) > HALF_N) throw new SignatureError('The s value is above n/2 (EIP-2)');
  const digest = Buffer.from(hashMessage(message).slice(2), 'hex');
  let publicKey: Uint8Array;
  try {
    publicKey = recover(digest, bytes.subarray(0, 64), v >= 27 ? v - 27 : v);
  } catch {
    throw new SignatureError('The signature recovers no public key');
  }
  // The address is the last 20 bytes of keccak256 over X ‖ Y.
  return `0x${keccak256(publicKey.subarray(1)).slice(-40)}`;
}
