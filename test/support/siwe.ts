// Signs an ethers wallet in against a test app: nonce → EIP-4361 message → signature → session id.
import { HDNodeWallet, Wallet } from 'ethers';
import type { Server } from 'node:http';
import { SiweMessage } from 'siwe';
import request from 'supertest';

/** supertest target: the app's HTTP server, or a base URL of a listening server. */
export type HttpTarget = Server | string;

export type AnyWallet = Wallet | HDNodeWallet;

/**
 * The default SESSION_DOMAIN's first entry (localhost:PORT) for in-process servers, whose supertest Host is an
 * ephemeral port; a listening test app runs on its PORT (bootTestApp), so its URL's host is a default entry too.
 */
export const TEST_DOMAIN = `localhost:${process.env.PORT || 3001}`;

export function domainOf(target: HttpTarget): string {
  return typeof target === 'string' ? new URL(target).host : TEST_DOMAIN;
}

export async function getNonce(target: HttpTarget): Promise<string> {
  const res = await request(target).get('/api/session/nonce').expect(200);
  return (res.body as { data: { nonce: string } }).data.nonce;
}

export async function getChainId(target: HttpTarget): Promise<number> {
  const res = await request(target).get('/api/execute/preflight').expect(200);
  return (res.body as { data: { chainId: number } }).data.chainId;
}

export interface MessageFields {
  domain: string;
  address: string;
  chainId: number;
  nonce: string;
  issuedAt?: string;
  expirationTime?: string;
  uri?: string;
}

export function siweMessage(fields: MessageFields): string {
  return new SiweMessage({
    domain: fields.domain,
    address: fields.address,
    statement: 'Sign in to Bloom',
    uri: fields.uri ?? `http://${fields.domain}`,
    version: '1',
    chainId: fields.chainId,
    nonce: fields.nonce,
    issuedAt: fields.issuedAt ?? new Date().toISOString(),
    expirationTime: fields.expirationTime,
  }).prepareMessage();
}

export function postSession(target: HttpTarget, body: unknown) {
  return request(target).post('/api/session').send(body as object);
}

export interface SignedIn {
  sessionId: string;
  wallet: AnyWallet;
  address: string;
}

export async function signIn(target: HttpTarget, wallet: AnyWallet = Wallet.createRandom()): Promise<SignedIn> {
  const [nonce, chainId] = await Promise.all([getNonce(target), getChainId(target)]);
  const message = siweMessage({ domain: domainOf(target), address: wallet.address, chainId, nonce });
  const signature = await wallet.signMessage(message);
  const res = await postSession(target, { message, signature });
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { sessionId: (res.body as { data: { sessionId: string } }).data.sessionId, wallet, address: wallet.address };
}
