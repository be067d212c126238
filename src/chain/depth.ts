// How deep a receipt is buried, and how far back confirmed executions are re-checked for reorgs.

/** Blocks that contain or follow the receipt's block up to the head: the receipt's own block counts as 1. */
export function receiptDepth(headBlock: number, receiptBlock: number): number {
  return Math.max(0, headBlock - receiptBlock + 1);
}

export function isDeepEnough(headBlock: number, receiptBlock: number, confirmations: number): boolean {
  return receiptDepth(headBlock, receiptBlock) >= confirmations;
}

/** Confirmed executions are re-checked while their block is among the newest this many blocks. */
export const MIN_REORG_WINDOW_BLOCKS = 128;

/**
 * Past Ethereum's finality (2 epochs = 64 blocks) with margin, and never shorter than twice the required depth, so a
 * reorg deeper than CONFIRMATIONS is still caught.
 */
export function reorgWindowBlocks(confirmations: number): number {
  return Math.max(MIN_REORG_WINDOW_BLOCKS, 2 * confirmations);
}

/** Lowest block number still inside the re-check window at this head (never below 0). */
export function reorgWindowStart(headBlock: number, confirmations: number): number {
  return Math.max(0, headBlock - reorgWindowBlocks(confirmations) + 1);
}
