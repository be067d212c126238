// Client side of Sign-In with Ethereum against the API: nonce → EIP-4361 message → signature → session.
import { Wallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { NONCE_ENDPOINT, SIGN_IN_ENDPOINT } from '../../src/reports/sign-in-endpoints';
import { Headers, HttpClient, HttpResponse, apiErrorCode, envelopeData } from './http';

export interface SiweTarget {
  /** host[:port] as the client reaches the server (`new URL(baseUrl).host`). */
  domain: string;
  /** The origin the message names as its URI. */
  uri: string;
  chainId: number;
}

export const SIWE_STATEMENT = 'Sign in to Bloom (devnet telemetry load run).';

export function buildSiweMessage(target: SiweTarget, address: string, nonce: string, now = new Date()): string {
  return new SiweMessage({
    domain: target.domain,
    address,
    statement: SIWE_STATEMENT,
    uri: target.uri,
    version: '1',
    chainId: target.chainId,
    nonce,
    issuedAt: now.toISOString(),
    expirationTime: new Date(now.getTime() + 10 * 60_000).toISOString(),
  }).prepareMessage();
}

/** Each HTTP exchange of a sign-in, so the engine can count them like every other request. */
export type ExchangeObserver = (endpoint: string, res: HttpResponse, expectedStatus: number) => void;

export class SignInError extends Error {
  constructor(readonly step: string, readonly res: HttpResponse) {
    super(`${step} failed: ${res.status === 0 ? res.networkError : `HTTP ${res.status} ${apiErrorCode(res.body) ?? ''}`.trim()}`);
  }
}

export { NONCE_ENDPOINT, SIGN_IN_ENDPOINT } from '../../src/reports/sign-in-endpoints';

/** Signs in one wallet; returns its session id. */
export async function signIn(
  http: HttpClient,
  wallet: Wallet,
  target: SiweTarget,
  baseHeaders: Headers,
  observe: ExchangeObserver,
): Promise<string> {
  const nonceRes = await http.send({ method: 'GET', path: '/api/session/nonce', headers: baseHeaders, wantBody: true });
  observe(NONCE_ENDPOINT, nonceRes, 200);
  const nonce = envelopeData<{ nonce: string }>(nonceRes.body)?.nonce;
  if (nonceRes.status !== 200 || !nonce) throw new SignInError('nonce', nonceRes);

  const message = buildSiweMessage(target, wallet.address, nonce);
  const signature = await wallet.signMessage(message);
  const sessionRes = await http.send({
    method: 'POST',
    path: '/api/session',
    headers: { ...baseHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature }),
    wantBody: true,
  });
  observe(SIGN_IN_ENDPOINT, sessionRes, 201);
  const sessionId = envelopeData<{ sessionId: string }>(sessionRes.body)?.sessionId;
  if (sessionRes.status !== 201 || !sessionId) throw new SignInError('sign-in', sessionRes);
  return sessionId;
}
