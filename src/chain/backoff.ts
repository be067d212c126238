// Wait before the next attempt after `failures` consecutive failures: base, 2×base, 4×base, … never above cap.

export function backoffDelayMs(failures: number, baseMs: number, capMs: number): number {
  if (failures < 1) return 0;
  // Exponent clamped so 2 ** n stays finite and exact whatever the failure count.
  return Math.min(baseMs * 2 ** Math.min(failures - 1, 40), capMs);
}
