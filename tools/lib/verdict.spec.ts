import { NONCE_ENDPOINT, SIGN_IN_ENDPOINT } from './siwe-client';
import { RunStats } from './stats';
import { judgeRun, verdictLines } from './verdict';

const answer = (status: number, ms: number) => ({ status, ms });
const LIMITS = { minOk: 99, maxP95: 500, maxSignInP95: 2000 };

describe('load verdict', () => {
  it('judges the reads; a slow sign-in is held to its own limit only', () => {
    const stats = new RunStats();
    for (let i = 0; i < 20; i++) {
      stats.record(NONCE_ENDPOINT, answer(200, 2), { status: 200 });
      stats.record(SIGN_IN_ENDPOINT, answer(201, 950), { status: 201 });
      stats.record('GET /health', answer(200, 5), { status: 200 });
    }
    const v = judgeRun(stats, LIMITS);
    expect(v.reads).toMatchObject({ requests: 20, ok: 20, okPct: 100, passed: true });
    expect(v.reads.p95Ms).toBeLessThan(6);
    // The P95 of POST /api/session alone, not diluted by the fast nonce reads.
    expect(v.signIn).toMatchObject({ requests: 40, ok: 40, maxP95: 2000, passed: true });
    expect(v.signIn.p95Ms).toBeGreaterThan(900);
    expect(v.passed).toBe(true);
    expect(verdictLines(v)[2]).toBe('PASS');

    const strict = judgeRun(stats, { ...LIMITS, maxSignInP95: 900 });
    expect([strict.reads.passed, strict.signIn.passed, strict.passed]).toEqual([true, false, false]);
    expect(verdictLines(strict)[2]).toBe('FAIL: sign-in');
  });

  it('failed sign-ins and failed reads each fail the run; a group without requests does not pass', () => {
    const stats = new RunStats();
    stats.record(NONCE_ENDPOINT, answer(200, 2), { status: 200 });
    stats.record(SIGN_IN_ENDPOINT, answer(500, 5), { status: 201 });
    const v = judgeRun(stats, LIMITS);
    expect(v.reads).toMatchObject({ requests: 0, passed: false });
    expect(v.signIn).toMatchObject({ requests: 2, ok: 1, okPct: 50, okPassed: false });
    expect(verdictLines(v)[2]).toBe('FAIL: reads and sign-in');
  });
});
