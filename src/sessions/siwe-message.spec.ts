import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { SiweParseError, parseSiweMessage } from './siwe-message';

const ADDRESS = Wallet.createRandom().address;
const ISSUED = '2026-01-02T03:04:05.678Z';

type Params = ConstructorParameters<typeof SiweMessage>[0] & object;

function render(overrides: Partial<Params> = {}): string {
  return new SiweMessage({
    domain: 'localhost:3001',
    address: ADDRESS,
    statement: 'Sign in to Bloom (devnet telemetry load run).',
    uri: 'http://localhost:3001',
    version: '1',
    chainId: 31337,
    nonce: 'a1b2c3d4e5f6a7b8',
    issuedAt: ISSUED,
    ...overrides,
  } as Params).prepareMessage();
}

/** What the `siwe` package's ABNF parser makes of `text`, in this parser's shape, or 'rejected'. */
function reference(text: string): object | 'rejected' {
  let m: SiweMessage;
  try {
    m = new SiweMessage(text);
  } catch {
    return 'rejected';
  }
  const fields: Record<string, unknown> = {
    scheme: m.scheme,
    domain: m.domain,
    address: m.address,
    statement: m.statement,
    uri: m.uri,
    version: m.version,
    chainId: m.chainId,
    nonce: m.nonce,
    issuedAt: m.issuedAt,
    expirationTime: m.expirationTime,
    notBefore: m.notBefore,
    requestId: m.requestId,
    resources: m.resources,
  };
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
  return fields;
}

function ours(text: string): object | 'rejected' {
  try {
    return { ...parseSiweMessage(text) };
  } catch (e) {
    if (e instanceof SiweParseError) return 'rejected';
    throw e;
  }
}

function refusal(text: string): SiweParseError {
  try {
    parseSiweMessage(text);
  } catch (e) {
    if (e instanceof SiweParseError) return e;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(text)}`);
}

describe('parseSiweMessage', () => {
  it.each<[string, Partial<Params>]>([
    ['the sign-in client message', {}],
    ['expiration time', { expirationTime: '2026-01-02T03:14:05.678Z' }],
    ['no statement', { statement: undefined }],
    ['the empty statement', { statement: '' }],
    ['every optional field', {
      scheme: 'https',
      expirationTime: '2026-01-02t03:14:05z',
      notBefore: '2026-01-02T03:00:00+01:00',
      requestId: 'req-1:a@b',
      resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'https://example.com/my-web2-claim.json'],
    }],
    ['an empty resource list', { resources: [] }],
    ['an IPv6 host with port', { domain: '[::1]:3001', uri: 'http://[::1]:3001/login?x=1#top' }],
    ['userinfo, a plain host, a rootless URI', { domain: 'user:pw@example.com', uri: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' }],
    ['a long chain id and nonce', { chainId: 11155111, nonce: 'ABCDEFGHijklmnop0123456789' }],
  ])('reads %s exactly as the siwe package does', (_name, overrides) => {
    const text = render(overrides);
    const expected = reference(text);
    expect(expected).not.toBe('rejected');
    expect(ours(text)).toEqual(expected);
  });

  const valid = render({ expirationTime: '2026-01-02T03:14:05.678Z' });
  const lower = ADDRESS.toLowerCase();
  const flipped = (() => {
    const i = ADDRESS.slice(2).search(/[a-fA-F]/) + 2;
    const c = ADDRESS[i];
    return ADDRESS.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + ADDRESS.slice(i + 1);
  })();

  it.each<[string, string, 'address' | 'message']>([
    ['an empty text', '', 'message'],
    ['plain text', 'hello', 'message'],
    ['another header sentence', valid.replace('wants you to sign in', 'asks you to sign in'), 'message'],
    ['an empty domain', valid.replace('localhost:3001 wants', ' wants'), 'message'],
    ['a domain with a space', valid.replace('localhost:3001 wants', 'local host wants'), 'message'],
    ['a bracketed host that is no IP address', valid.replace('localhost:3001 wants', '[zz::1] wants'), 'message'],
    ['a wrong EIP-55 checksum', valid.replace(ADDRESS, flipped), 'address'],
    ['an all lower-case address', valid.replace(ADDRESS, lower), 'address'],
    ['a short address', valid.replace(ADDRESS, ADDRESS.slice(0, 41)), 'address'],
    ['an address without 0x', valid.replace(ADDRESS, ADDRESS.slice(2)), 'address'],
    ['no blank line after the address', valid.replace(`${ADDRESS}\n\n`, `${ADDRESS}\n`), 'message'],
    ['a statement over two lines', valid.replace('Sign in to Bloom', 'Sign in\nto Bloom'), 'message'],
    ['a statement with a quote', valid.replace('Sign in to Bloom', 'Sign in to "Bloom"'), 'message'],
    ['a statement with a percent sign', valid.replace('Sign in to Bloom', 'Sign in to 100% Bloom'), 'message'],
    ['no blank line after the statement', valid.replace('run).\n\n', 'run).\n'), 'message'],
    ['no URI line', valid.replace(/URI: .*\n/, ''), 'message'],
    ['a URI with a space', valid.replace('URI: http://localhost:3001', 'URI: http://localhost:3001/a b'), 'message'],
    ['a URI without a scheme', valid.replace('URI: http://localhost:3001', 'URI: //localhost:3001'), 'message'],
    ['version 2', valid.replace('Version: 1', 'Version: 2'), 'message'],
    ['a chain id that is not a number', valid.replace('Chain ID: 31337', 'Chain ID: 0x7a69'), 'message'],
    ['an empty chain id', valid.replace('Chain ID: 31337', 'Chain ID: '), 'message'],
    ['a 7-character nonce', valid.replace('Nonce: a1b2c3d4e5f6a7b8', 'Nonce: a1b2c3d'), 'message'],
    ['a nonce with a dash', valid.replace('Nonce: a1b2c3d4e5f6a7b8', 'Nonce: a1b2-3d4e5f6'), 'message'],
    ['fields out of order', valid.replace('Version: 1\nChain ID: 31337', 'Chain ID: 31337\nVersion: 1'), 'message'],
    ['no Issued At', valid.replace(`Issued At: ${ISSUED}\n`, ''), 'message'],
    ['an Issued At without offset', valid.replace(ISSUED, '2026-01-02T03:04:05'), 'message'],
    ['an Issued At on 30 February', valid.replace(ISSUED, '2026-02-30T03:04:05Z'), 'message'],
    ['an Issued At at hour 24', valid.replace(ISSUED, '2026-01-02T24:04:05Z'), 'message'],
    ['a date-only Expiration Time', valid.replace('Expiration Time: 2026-01-02T03:14:05.678Z', 'Expiration Time: 2026-01-02'), 'message'],
    ['Not Before ahead of Expiration Time', render().replace(`Issued At: ${ISSUED}`, `Issued At: ${ISSUED}\nNot Before: ${ISSUED}\nExpiration Time: ${ISSUED}`), 'message'],
    ['a Request ID with a slash', `${valid}\nRequest ID: a/b`, 'message'],
    ['a repeated Expiration Time', `${valid}\nExpiration Time: 2026-01-02T03:14:05.678Z`, 'message'],
    ['a trailing line feed', `${valid}\n`, 'message'],
    ['CRLF line ends', valid.replace(/\n/g, '\r\n'), 'message'],
    ['an unknown trailing field', `${valid}\nChain: 1`, 'message'],
    ['a resource without "- "', `${valid}\nResources:\nhttps://example.com`, 'message'],
  ])('refuses %s, as the siwe package does', (_name, text, field) => {
    expect(reference(text)).toBe('rejected');
    expect(refusal(text).field).toBe(field);
  });
});
