import { defaultPrepareBody, parsePreflight, Preflight } from './api';

const envelope = (data: unknown) => ({ ok: true, data });
const preflight: Preflight = {
  chainId: 1337,
  adapters: ['uniswap-v3-swap', 'native-transfer'],
  tokens: [{ symbol: 'USDC', decimals: 6 }, { symbol: 'ETH', decimals: 18 }],
  feeBps: 25,
  rpc: false,
};

describe('preflight and prepare bodies', () => {
  it('reads the documented preflight and rejects anything else', () => {
    expect(parsePreflight(envelope({ ...preflight, executionMode: 'devnet' }))).toEqual({ ...preflight, executionMode: 'devnet' });
    expect(parsePreflight(envelope({ ...preflight, rpc: 'yes' }))?.rpc).toBe(false);
    expect(parsePreflight({ ok: false, error: { code: 'X' } })).toBeUndefined();
    expect(parsePreflight(envelope({ adapters: [] }))).toBeUndefined();
    expect(parsePreflight(undefined)).toBeUndefined();
  });

  it('prefers a native transfer of ETH, 1/100 of one unit, unless told otherwise', () => {
    expect(defaultPrepareBody(preflight)).toEqual({ action: 'native-transfer', token: 'ETH', amount: (10n ** 16n).toString() });
    expect(defaultPrepareBody(preflight, 'usdc')).toEqual({ action: 'native-transfer', token: 'USDC', amount: '10000' });
    expect(defaultPrepareBody(preflight, 'USDC', '7')).toMatchObject({ token: 'USDC', amount: '7' });
    expect(defaultPrepareBody(preflight, 'DOGE')).toBeUndefined();
    expect(defaultPrepareBody({ ...preflight, adapters: [] })).toBeUndefined();
    expect(defaultPrepareBody({ ...preflight, tokens: [{ symbol: 'X', decimals: 0 }] })).toMatchObject({ amount: '1' });
  });
});
