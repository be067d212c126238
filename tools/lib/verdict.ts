// The pass/fail verdict of a load run. It judges the read endpoints the runbook measures (session status, preflight,
// health, Aave positions, validateOnly prepare); sign-in is CPU-bound signature recovery on the server, far slower than
// any read by design, so it is judged apart against its own latency limit instead of deciding the reads' P95.
import { NONCE_ENDPOINT, SIGN_IN_ENDPOINT } from './siwe-client';
import { GroupFigures, RunStats } from './stats';

export interface VerdictLimits {
  /** Least OK% of the reads, and of the sign-in exchanges. */
  minOk: number;
  /** Highest P95 (ms) of all read requests together. */
  maxP95: number;
  /** Highest P95 (ms) of POST /api/session. */
  maxSignInP95: number;
}

export interface GroupVerdict extends GroupFigures {
  minOk: number;
  maxP95: number;
  okPassed: boolean;
  p95Passed: boolean;
  passed: boolean;
}

/** Stored with the run (summary.verdict) so that a pass/fail mark can be shown, and re-derived, later. */
export interface Verdict {
  /** Every request except the two sign-in exchanges. */
  reads: GroupVerdict;
  /** OK% over nonce + POST /api/session (a sign-in needs both); P95 of POST /api/session alone. */
  signIn: GroupVerdict;
  passed: boolean;
}

const isSignIn = (endpoint: string): boolean => endpoint === NONCE_ENDPOINT || endpoint === SIGN_IN_ENDPOINT;

function judge(figures: GroupFigures, minOk: number, maxP95: number): GroupVerdict {
  // No request at all in a group is no evidence: it does not pass.
  const okPassed = figures.requests > 0 && figures.okPct >= minOk;
  const p95Passed = figures.requests > 0 && figures.p95Ms <= maxP95;
  return { ...figures, minOk, maxP95, okPassed, p95Passed, passed: okPassed && p95Passed };
}

export function judgeRun(stats: RunStats, limits: VerdictLimits): Verdict {
  const reads = judge(stats.group((e) => !isSignIn(e)), limits.minOk, limits.maxP95);
  const signInCounts = stats.group(isSignIn);
  const signInLatency = stats.group((e) => e === SIGN_IN_ENDPOINT);
  const signIn = judge({ ...signInCounts, p95Ms: signInLatency.p95Ms }, limits.minOk, limits.maxSignInP95);
  return { reads, signIn, passed: reads.passed && signIn.passed };
}

function line(name: string, g: GroupVerdict): string {
  const ok = `OK% ${g.okPct.toFixed(2)} ${g.okPassed ? '≥' : '<'} ${g.minOk}`;
  const p95 = `P95 ${g.p95Ms.toFixed(1)} ms ${g.p95Passed ? '≤' : '>'} ${g.maxP95}`;
  return `${name}: ${ok}, ${p95} (${g.requests} requests) → ${g.passed ? 'pass' : 'fail'}`;
}

/** Three lines: the reads (the verdict), sign-in (its own limit), and PASS/FAIL. */
export function verdictLines(v: Verdict): string[] {
  return [
    line('Reads (--min-ok, --max-p95)', v.reads),
    line('Sign-in (--min-ok, --max-signin-p95; P95 of POST /api/session)', v.signIn),
    v.passed ? 'PASS' : `FAIL: ${[v.reads.passed ? '' : 'reads', v.signIn.passed ? '' : 'sign-in'].filter(Boolean).join(' and ')}`,
  ];
}
