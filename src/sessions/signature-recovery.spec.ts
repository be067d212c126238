import { Signature, Wallet, verifyMessage } from 'ethers';
import { RECOVERERS, RecoverFn, SignatureError, recoverMessageSigner, recoveryBackend } from './signature-recovery';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MESSAGE = 'localhost:3001 wants you to sign in with your Ethereum account:\nBloom test message';

/** r ‖ s ‖ v as 0x + 130 hex. */
function raw(r: string, s: bigint | string, v: number): string {
  const sHex = typeof s === 'bigint' ? s.toString(16).padStart(64, '0') : s.slice(2);
  return `0x${r.slice(2)}${sHex}${v.toString(16).padStart(2, '0')}`;
}

describe('recoverMessageSigner', () => {
  it('loads the native libsecp256k1 binding after npm ci', () => {
    expect(recoveryBackend).toBe('native');
    expect(RECOVERERS.native).not.toBeNull();
  });

  it('falls back to ethers when the binding cannot load, with the same answer', async () => {
    const wallet = Wallet.createRandom();
    const signature = await wallet.signMessage(MESSAGE);
    let fallback: typeof import('./signature-recovery') | undefined;
    jest.isolateModules(() => {
      jest.doMock('secp256k1/bindings', () => {
        throw new Error('No native build was found');
      });
      fallback = jest.requireActual<typeof import('./signature-recovery')>('./signature-recovery');
    });
    jest.dontMock('secp256k1/bindings');
    expect(fallback!.recoveryBackend).toBe('ethers');
    expect(fallback!.RECOVERERS.native).toBeNull();
    expect(fallback!.recoverMessageSigner(MESSAGE, signature)).toBe(recoverMessageSigner(MESSAGE, signature));
  });

  const backends = Object.entries(RECOVERERS).filter((e): e is [string, RecoverFn] => e[1] !== null);

  describe.each(backends)('through %s', (_name, recover) => {
    it('recovers the signer as ethers verifyMessage does, for v 27/28 and 0/1', async () => {
      for (let i = 0; i < 8; i++) {
        const wallet = Wallet.createRandom();
        const message = `${MESSAGE} ${i}`;
        const signature = await wallet.signMessage(message);
        expect(recoverMessageSigner(message, signature, recover)).toBe(verifyMessage(message, signature).toLowerCase());
        expect(recoverMessageSigner(message, signature, recover)).toBe(wallet.address.toLowerCase());
        const sig = Signature.from(signature);
        expect(recoverMessageSigner(message, raw(sig.r, sig.s, sig.yParity), recover)).toBe(wallet.address.toLowerCase());
      }
    });

    it('recovers another address for another text', async () => {
      const wallet = Wallet.createRandom();
      const signature = await wallet.signMessage(MESSAGE);
      expect(recoverMessageSigner(`${MESSAGE}!`, signature, recover)).not.toBe(wallet.address.toLowerCase());
    });

    it.each([2, 26, 29, 35, 0xff])('refuses recovery byte %d', async (v) => {
      const sig = Signature.from(await Wallet.createRandom().signMessage(MESSAGE));
      expect(() => recoverMessageSigner(MESSAGE, raw(sig.r, sig.s, v), recover)).toThrow(SignatureError);
    });

    it('refuses the high-s twin of a valid signature (EIP-2), which recovers the same key', async () => {
      const sig = Signature.from(await Wallet.createRandom().signMessage(MESSAGE));
      const highS = N - BigInt(sig.s);
      expect(() => recoverMessageSigner(MESSAGE, raw(sig.r, highS, sig.v === 27 ? 28 : 27), recover)).toThrow(/n\/2/);
    });

    it.each([
      ['r = 0', `0x${'00'.repeat(32)}`],
      ['r = n', `0x${N.toString(16)}`],
      ['r beyond the field', `0x${'ff'.repeat(32)}`],
    ])('refuses %s', async (_name, r) => {
      const sig = Signature.from(await Wallet.createRandom().signMessage(MESSAGE));
      expect(() => recoverMessageSigner(MESSAGE, raw(r, sig.s, sig.v), recover)).toThrow(SignatureError);
    });

    it('refuses s = 0', () => {
      expect(() => recoverMessageSigner(MESSAGE, raw(`0x${'11'.repeat(32)}`, 0n, 27), recover)).toThrow(SignatureError);
    });
  });
});
