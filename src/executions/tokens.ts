// The tokens an execution may name, with their decimals: one list, used by preflight, prepare and devnet-stats.

export interface TokenInfo {
  symbol: string;
  decimals: number;
}

export const TOKENS: readonly TokenInfo[] = Object.freeze([
  { symbol: 'ETH', decimals: 18 },
  { symbol: 'WETH', decimals: 18 },
  { symbol: 'USDC', decimals: 6 },
  { symbol: 'USDT', decimals: 6 },
  { symbol: 'DAI', decimals: 18 },
]);

const BY_SYMBOL = new Map(TOKENS.map((t) => [t.symbol, t]));

/** Case-insensitive lookup; the canonical (upper-case) symbol is what gets stored. */
export function findToken(symbol: string): TokenInfo | undefined {
  return BY_SYMBOL.get(symbol.toUpperCase());
}
