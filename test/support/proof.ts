// Proof gates: named checks that print "✅ All <name> proofs passed" only when every one of them ran and passed.
import { stdout } from 'node:process';

export interface ProofGate {
  /** Registers one check; it counts as passed only when its body finishes without throwing. */
  check(title: string, fn: () => unknown | Promise<unknown>, timeoutMs?: number): void;
}

export function proofGate(name: string): ProofGate {
  const registered: string[] = [];
  const passed = new Set<string>();
  afterAll(() => {
    const missing = registered.filter((t) => !passed.has(t));
    if (registered.length > 0 && missing.length === 0) {
      stdout.write(`\n✅ All ${name} proofs passed (${passed.size}/${registered.length})\n`);
    } else {
      stdout.write(`\n❌ ${name} proofs: ${passed.size}/${registered.length} passed; not passed: ${missing.join(', ')}\n`);
    }
  });
  return {
    check(title, fn, timeoutMs) {
      registered.push(title);
      it(title, async () => {
        await fn();
        passed.add(title);
      }, timeoutMs);
    },
  };
}
