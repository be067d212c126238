// Fee arithmetic: integer base units in bigint, floor division, never a float.

export const FEE_BPS_MIN = 10;
export const FEE_BPS_MAX = 50;
export const BPS_DENOMINATOR = 10_000n;

export function isValidFeeBps(bps: unknown): bps is number {
  return typeof bps === 'number' && Number.isInteger(bps) && bps >= FEE_BPS_MIN && bps <= FEE_BPS_MAX;
}

/** floor(amount × bps / 10 000), exact for any size of amount. */
export function computeFeeUnits(amountUnits: bigint, feeBps: number): bigint {
  if (!isValidFeeBps(feeBps)) throw new RangeError(`fee bps must be an integer from ${FEE_BPS_MIN} to ${FEE_BPS_MAX}, got ${feeBps}`);
  if (amountUnits < 0n) throw new RangeError('amount must not be negative');
  // bigint division truncates toward zero, which is floor for non-negative operands.
  return (amountUnits * BigInt(feeBps)) / BPS_DENOMINATOR;
}
