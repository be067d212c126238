// Small HTTP helpers for the benchmark's own requests (sign-in, probes, pollers), each one counted: every request
// the server answers must end up as exactly one request_log row.
import { Wallet } from 'ethers';
import { HttpClient } from '../../tools/lib/http';
import { signIn } from '../../tools/lib/siwe-client';

export class CountingClient {
  /** Responses received (any status). */
  answered = 0;

  constructor(readonly baseUrl: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; ms: number }> {
    const started = performance.now();
    const res = await fetch(this.baseUrl + path, { headers });
    const text = await res.text();
    this.answered++;
    return { status: res.status, text, ms: performance.now() - started };
  }

  async json<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.get(path, headers);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text.slice(0, 200)}`);
    return JSON.parse(res.text) as T;
  }

  private chainId?: number;

  /** Signs a fresh wallet in through the tools' SIWE client (nonce, then the signed message); returns the session id. */
  async signIn(): Promise<string> {
    this.chainId ??= (await this.json<{ data: { chainId: number } }>('/api/execute/preflight')).data.chainId;
    const url = new URL(this.baseUrl);
    const http = new HttpClient(this.baseUrl, { connections: 1 });
    try {
      return await signIn(http, new Wallet(Wallet.createRandom().privateKey), { domain: url.host, uri: url.origin, chainId: this.chainId }, {}, (_endpoint, res) => {
        if (res.status > 0) this.answered++;
      });
    } finally {
      await http.close();
    }
  }
}

/** Polls `probe` every `intervalMs` until stopped; resolves with what each successful probe returned. */
export function poll<T>(intervalMs: number, probe: () => Promise<T>): { stop(): Promise<T[]> } {
  const results: T[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        results.push(await probe());
      } catch {
        // A probe that fails under load (e.g. a connection reset) is simply not counted.
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return results;
    },
  };
}
