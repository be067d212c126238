// Hostile request bodies over real HTTP: deep nesting and broken or unsupported compression answer 4xx, never 500.
import { Wallet } from 'ethers';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { bootTestApp, TestApp } from './support/app';
import { domainOf, getChainId, getNonce, siweMessage } from './support/siwe';

const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArrays = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

const COMPRESS = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;
type Encoding = keyof typeof COMPRESS;
const ENCODINGS = Object.keys(COMPRESS) as Encoding[];

describe('request bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp({ env: { RATE_LIMIT_PER_MIN: '0' }, listen: true });
  });
  afterAll(() => t.close());

  // fetch sends the bytes as given (superagent re-encodes a Buffer body declared as JSON).
  async function post(path: string, body: string | Uint8Array, encoding?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(encoding ? { 'content-encoding': encoding } : {}) };
    const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { ok: boolean; error: { code: string; message: string } } };
  }

  async function signedBody(): Promise<string> {
    const wallet = Wallet.createRandom();
    const message = siweMessage({ domain: domainOf(t.baseUrl), address: wallet.address, chainId: await getChainId(t.baseUrl), nonce: await getNonce(t.baseUrl) });
    return JSON.stringify({ message, signature: await wallet.signMessage(message) });
  }

  describe('JSON nesting (at most 64 levels)', () => {
    it.each([
      ['objects 5,000 deep', nestedObjects(5000)],
      ['arrays 5,000 deep', nestedArrays(5000)],
      ['arrays 5,000 deep inside a field', `{"message":${nestedArrays(5000)},"signature":"0x"}`],
      ['objects 65 deep', nestedObjects(65)],
      ['arrays 65 deep', nestedArrays(65)],
    ])('refuses %s with 400 JSON_TOO_DEEP', async (_name, body) => {
      const res = await post('/api/session', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ ok: false, error: { code: 'JSON_TOO_DEEP', message: expect.stringContaining('64') } });
      expect(res.headers.get('x-correlation-id')).toBeTruthy();
    });

    it.each([
      ['objects 60 deep', nestedObjects(60)],
      ['objects 64 deep', nestedObjects(64)],
      ['arrays 64 deep', nestedArrays(64)],
    ])('parses %s and hands them to validation', async (_name, body) => {
      const res = await post('/api/session', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

  });

  describe('Content-Encoding', () => {
    it('accepts an identity body', async () => {
      expect((await post('/api/session', await signedBody(), 'identity')).status).toBe(201);
      expect((await post('/api/session', await signedBody())).status).toBe(201);
    });

    it.each(ENCODINGS)('accepts a valid %s body', async (encoding) => {
      expect((await post('/api/session', COMPRESS[encoding](await signedBody()), encoding)).status).toBe(201);
    });

    it.each(ENCODINGS)('refuses a body declared %s that is not, with 400 INVALID_CONTENT_ENCODING', async (encoding) => {
      const res = await post('/api/session', '{"a":1}', encoding);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'INVALID_CONTENT_ENCODING' } });
    });

    it.each(ENCODINGS)('refuses a truncated %s body with 400 INVALID_CONTENT_ENCODING', async (encoding) => {
      const whole = COMPRESS[encoding](JSON.stringify({ message: 'x'.repeat(2000), signature: '0x' }));
      const res = await post('/api/session', whole.subarray(0, whole.length - 20), encoding);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_CONTENT_ENCODING');
    });

    it.each(['compress', 'x-custom', 'gzip, br'])('refuses Content-Encoding %s with 415 UNSUPPORTED_CONTENT_ENCODING', async (encoding) => {
      const res = await post('/api/session', '{"a":1}', encoding);
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_CONTENT_ENCODING' } });
    });

    it('applies the 64 KiB limit to the decompressed body (413), so a small bomb cannot inflate', async () => {
      const bomb = gzipSync(`{"message":"${' '.repeat(1024 * 1024)}"}`);
      expect(bomb.length).toBeLessThan(64 * 1024);
      const res = await post('/api/session', bomb, 'gzip');
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('checks the nesting of a compressed body too', async () => {
      const res = await post('/api/session', gzipSync(nestedArrays(5000)), 'gzip');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('JSON_TOO_DEEP');
    });
  });
});
