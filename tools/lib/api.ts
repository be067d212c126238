// The API answers the tools rely on (preflight, prepare), the admin headers, and the unreachable-server error.
import { EXIT, ToolError } from './cli';
import { Headers, envelopeData } from './http';

export interface Preflight {
  chainId: number;
  adapters: string[];
  tokens: { symbol: string; decimals: number }[];
  feeBps: number;
  rpc: boolean;
  executionMode?: string;
}

export function parsePreflight(body: unknown): Preflight | undefined {
  const data = envelopeData<Record<string, unknown>>(body);
  if (!data || typeof data.chainId !== 'number') return undefined;
  const adapters = Array.isArray(data.adapters)
    ? data.adapters.map((a) => (typeof a === 'string' ? a : String((a as { id?: unknown; name?: unknown }).id ?? (a as { name?: unknown }).name)))
    : [];
  const tokens = Array.isArray(data.tokens)
    ? (data.tokens as { symbol?: unknown; decimals?: unknown }[])
        .filter((t) => typeof t?.symbol === 'string')
        .map((t) => ({ symbol: String(t.symbol), decimals: Number(t.decimals ?? 18) }))
    : [];
  return {
    chainId: data.chainId,
    adapters,
    tokens,
    feeBps: Number(data.feeBps),
    rpc: data.rpc === true,
    executionMode: typeof data.executionMode === 'string' ? data.executionMode : undefined,
  };
}

export interface PrepareBody {
  action: string;
  token: string;
  amount: string;
  validateOnly?: boolean;
  correlationId?: string;
}

/** A prepare request the preflight says is valid: a native transfer when allowed, of 1/100 of one token unit. */
export function defaultPrepareBody(preflight: Preflight, token?: string, amount?: string): PrepareBody | undefined {
  const action = preflight.adapters.includes('native-transfer') ? 'native-transfer' : preflight.adapters[0];
  const chosen = token
    ? preflight.tokens.find((t) => t.symbol.toLowerCase() === token.toLowerCase())
    : (preflight.tokens.find((t) => t.symbol === 'ETH') ?? preflight.tokens[0]);
  if (!action || !chosen) return undefined;
  const units = amount ?? (10n ** BigInt(Math.max(0, Math.min(chosen.decimals, 77))) / 100n || 1n).toString();
  return { action, token: chosen.symbol, amount: units };
}

export function adminHeaders(adminToken: string | undefined): Headers {
  const headers: Headers = { 'content-type': 'application/json' };
  if (adminToken) headers.authorization = `Bearer ${adminToken}`;
  return headers;
}

/** An unreachable server is a clear ToolError (one line, exit 3), not a stack trace. */
export function unreachable(baseUrl: string, networkError: string | undefined): ToolError {
  return new ToolError(`cannot reach ${baseUrl} (${networkError ?? 'no answer'}); is the server running? (--base-url or BASE_URL)`, EXIT.RUNTIME);
}
