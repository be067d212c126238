// Proof gate: the load tools' own building blocks — wallets, SIWE signatures, the concurrency limiter, percentiles,
// error classification, CLI validation — checked without a server.
import { CommanderError } from 'commander';
import { Wallet, getAddress, verifyMessage } from 'ethers';
import { SiweMessage } from 'siwe';
import { ToolIo } from '../../tools/lib/cli';
import { interleave } from '../../tools/lib/engine';
import { LatencyRecorder } from '../../tools/lib/histogram';
import { HttpClient } from '../../tools/lib/http';
import { createLimiter, runWorkers } from '../../tools/lib/limiter';
import { percentileOfSorted, summarize } from '../../tools/lib/percentiles';
import { buildSiweMessage } from '../../tools/lib/siwe-client';
import { NETWORK_ERROR, RunStats, classify } from '../../tools/lib/stats';
import { ENDPOINT_HEADERS, endpointTable } from '../../tools/lib/table';
import { createEphemeralWallets } from '../../tools/lib/wallets';
import { EXEC_CONCURRENCY_CAP, parseLoadArgs } from '../../tools/load/presets';
import { proofGate } from '../support/proof';

const gate = proofGate('telemetry harness');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const target = { domain: 'localhost:3001', uri: 'http://localhost:3001', chainId: 11155111 };

/** Relative closeness for HdrHistogram figures (3 significant digits → ≤ 0.1 % error). */
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(0.011, expected * 0.002));
}

function captureIo(): ToolIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('telemetry harness proofs', () => {
  gate.check('ephemeral wallets are valid and unique', () => {
    const wallets = createEphemeralWallets(500);
    const addresses = new Set(wallets.map((w) => w.address));
    const keys = new Set(wallets.map((w) => w.privateKey));
    expect(addresses.size).toBe(500);
    expect(keys.size).toBe(500);
    for (const w of wallets) {
      expect(w.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
      expect(getAddress(w.address)).toBe(w.address);
      expect(new Wallet(w.privateKey).address).toBe(w.address);
    }
  });

  gate.check('SIWE messages signed by the wallets recover to their addresses', async () => {
    const wallets = createEphemeralWallets(20);
    for (const [i, w] of wallets.entries()) {
      const text = buildSiweMessage(target, w.address, `nonce${i}abcdefgh`);
      const parsed = new SiweMessage(text);
      expect(parsed.address).toBe(w.address);
      expect(parsed.domain).toBe(target.domain);
      expect(parsed.chainId).toBe(target.chainId);
      expect(parsed.nonce).toBe(`nonce${i}abcdefgh`);
      const signature = await w.signMessage(text);
      expect(verifyMessage(text, signature)).toBe(w.address);
      expect(verifyMessage(`${text}x`, signature)).not.toBe(w.address);
    }
  });

  gate.check('1,500 wallets are created and sign their messages in seconds', async () => {
    const started = performance.now();
    const wallets = createEphemeralWallets(1500);
    const signatures = await Promise.all(wallets.map((w, i) => w.signMessage(buildSiweMessage(target, w.address, `n${i}0000000`))));
    const seconds = (performance.now() - started) / 1000;
    expect(new Set(signatures).size).toBe(1500);
    // Generous bound for a shared 2-core machine; Wallet.createRandom() would take ~30 s here.
    expect(seconds).toBeLessThan(20);
  });

  gate.check('the limiter never exceeds its bound under random async work, and runs everything', async () => {
    for (const bound of [1, 2, 7, 32]) {
      const sut = createLimiter(bound);
      let inFlight = 0;
      let maxSeen = 0;
      const started: number[] = [];
      const tasks = Array.from({ length: 300 }, (_, i) =>
        sut.run(async () => {
          started.push(i);
          inFlight++;
          maxSeen = Math.max(maxSeen, inFlight);
          expect(sut.active).toBeLessThanOrEqual(bound);
          await sleep(Math.random() * 4);
          if (Math.random() < 0.3) await Promise.resolve();
          inFlight--;
          if (i % 37 === 0) throw new Error(`task ${i} fails`);
          return i * 2;
        }),
      );
      const settled = await Promise.allSettled(tasks);
      expect(maxSeen).toBe(bound); // reached, never exceeded
      expect(sut.peak).toBe(bound);
      expect(sut.active).toBe(0);
      expect(sut.waiting).toBe(0);
      expect(started).toEqual(Array.from({ length: 300 }, (_, i) => i)); // FIFO
      settled.forEach((s, i) => {
        if (i % 37 === 0) expect(s.status).toBe('rejected');
        else expect(s).toEqual({ status: 'fulfilled', value: i * 2 });
      });
    }
  });

  gate.check('a task that throws synchronously releases its slot', async () => {
    const sut = createLimiter(1);
    await expect(sut.run(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(sut.run(async () => 'next')).resolves.toBe('next');
    expect(sut.active).toBe(0);
    expect(() => createLimiter(0)).toThrow(RangeError);
  });

  gate.check('time-bound workers never exceed their count', async () => {
    let inFlight = 0;
    let maxSeen = 0;
    let done = 0;
    await runWorkers(9, async () => {
      for (let k = 0; k < 20; k++) {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        await sleep(Math.random() * 3);
        inFlight--;
        done++;
      }
    });
    expect(maxSeen).toBe(9);
    expect(done).toBe(180);
  });

  gate.check('exact percentiles match hand-computed values, incl. empty and single-sample', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(oneToHundred, 50)).toBe(50);
    expect(percentileOfSorted(oneToHundred, 95)).toBe(95);
    expect(percentileOfSorted(oneToHundred, 99)).toBe(99);
    expect(percentileOfSorted(oneToHundred, 100)).toBe(100);
    expect(percentileOfSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10); // rank ceil(9.5) = 10
    expect(percentileOfSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(summarize([])).toEqual({ count: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    expect(summarize([7])).toEqual({ count: 1, avg: 7, p50: 7, p95: 7, p99: 7, max: 7 });
    const shuffled = [...oneToHundred].sort(() => Math.random() - 0.5);
    const s = summarize(shuffled);
    expect(s).toEqual({ count: 100, avg: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(s.p50).toBeLessThanOrEqual(s.p95);
    expect(s.p95).toBeLessThanOrEqual(s.p99);
  });

  gate.check('hdr latency figures agree with the exact ones, incl. empty and single-sample', () => {
    const empty = new LatencyRecorder().figures();
    expect(empty).toMatchObject({ count: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });

    const single = new LatencyRecorder();
    single.record(42.5);
    const one = single.figures();
    expect(one.count).toBe(1);
    for (const v of [one.avg, one.p50, one.p95, one.p99, one.max]) expectClose(v, 42.5);
    expect(one.max).toBe(42.5); // exact, and every percentile ≤ it
    expect(one.p99).toBeLessThanOrEqual(one.max);

    const sut = new LatencyRecorder();
    const samples = Array.from({ length: 1000 }, () => Math.round(Math.random() * 300_000) / 1000);
    samples.forEach((v) => sut.record(v));
    const exact = summarize(samples);
    const hdr = sut.figures();
    expect(hdr.count).toBe(exact.count);
    expectClose(hdr.avg, exact.avg);
    expectClose(hdr.p50, exact.p50);
    expectClose(hdr.p95, exact.p95);
    expectClose(hdr.p99, exact.p99);
    expect(hdr.max).toBeCloseTo(exact.max, 2); // exact max, rounded to 0.01 ms for display
    expect(hdr.p50).toBeLessThanOrEqual(hdr.p95);
    expect(hdr.p95).toBeLessThanOrEqual(hdr.p99);
    expect(hdr.p99).toBeLessThanOrEqual(hdr.max);
  });

  gate.check('coordinated-omission correction back-fills a stall (hand-computed)', () => {
    // 99 requests of 1 ms and one 100 ms stall, expected interval 1 ms: the stall hides 99 requests that would
    // have waited 99, 98, …, 1 ms. Corrected samples: 100 × 1 ms, then 2…100 ms (199 samples).
    const sut = new LatencyRecorder();
    for (let i = 0; i < 99; i++) sut.record(1);
    sut.record(100);
    const f = sut.figures(1);
    const corrected = [...Array<number>(100).fill(1), ...Array.from({ length: 99 }, (_, i) => i + 2)];
    expect(f.p95).toBe(1);
    // hdr back-fills from the stall's bucket top: within one bucket of the largest sample (0.1 % of 100 ms).
    const near = (actual: number, expected: number): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(0.1);
    near(f.corrected.p50, percentileOfSorted(corrected, 50)); // 1
    near(f.corrected.p95, percentileOfSorted(corrected, 95)); // rank 190 → 91
    near(f.corrected.p99, percentileOfSorted(corrected, 99)); // rank 198 → 99
    near(f.corrected.max, 100);
    expect(f.corrected.p95).toBeGreaterThan(f.p95);
  });

  gate.check('error classification: NETWORK_ERROR, the API code, HTTP_<status>, expected error answers are OK', () => {
    const apiError = (code: string) => ({ ok: false, error: { code, message: 'm' } });
    expect(classify({ status: 0 }, { status: 200 })).toBe(NETWORK_ERROR);
    expect(classify({ status: 200 }, { status: 200 })).toBeNull();
    expect(classify({ status: 400, body: apiError('SESSION_REQUIRED') }, { status: 400, code: 'SESSION_REQUIRED' })).toBeNull();
    expect(classify({ status: 400, body: apiError('VALIDATION_ERROR') }, { status: 400, code: 'SESSION_REQUIRED' })).toBe('VALIDATION_ERROR');
    expect(classify({ status: 200 }, { status: 400, code: 'SESSION_REQUIRED' })).toBe('HTTP_200');
    expect(classify({ status: 503, body: apiError('RPC_NOT_CONFIGURED') }, { status: 200 })).toBe('RPC_NOT_CONFIGURED');
    expect(classify({ status: 502, body: undefined }, { status: 200 })).toBe('HTTP_502');
    expect(classify({ status: 429, body: apiError('RATE_LIMITED') }, { status: 200 })).toBe('RATE_LIMITED');

    const stats = new RunStats();
    stats.record('GET /health', { status: 200, ms: 2 }, { status: 200 });
    stats.record('GET /health', { status: 0, networkError: 'ECONNRESET', ms: 5 }, { status: 200 });
    stats.record('GET /x', { status: 503, body: apiError('DATABASE_UNAVAILABLE'), ms: 1 }, { status: 200 });
    stats.record('GET /x', { status: 502, ms: 1 }, { status: 200 });
    const snap = stats.snapshot();
    expect(snap).toMatchObject({ requests: 4, ok: 1, fail: 3, okPct: 25, http5xx: 2 });
    expect(snap.errors.map((e) => e.code).sort()).toEqual(['DATABASE_UNAVAILABLE', 'HTTP_502', NETWORK_ERROR]);
    expect(snap.endpoints.find((e) => e.endpoint === 'GET /health')).toMatchObject({ total: 2, ok: 1, fail: 1, okPct: 50 });
    expect(endpointTable(snap).split('\n')[0].split('|').map((c) => c.trim()).filter(Boolean)).toEqual(ENDPOINT_HEADERS);
  });

  gate.check('an unreachable server is a NETWORK_ERROR, not an exception', async () => {
    const http = new HttpClient('http://127.0.0.1:9', { connections: 1, timeoutMs: 2000 });
    const res = await http.send({ method: 'GET', path: '/health', headers: {} });
    await http.close();
    expect(res.status).toBe(0);
    expect(res.networkError).toBe('ECONNREFUSED');
    expect(classify(res, { status: 200 })).toBe(NETWORK_ERROR);
  });

  gate.check('the weighted mix keeps every probe in proportion', () => {
    const mix = interleave(['a', 'b', 'c'], (x) => ({ a: 3, b: 1, c: 2 })[x] ?? 0);
    expect(mix).toEqual(['a', 'b', 'c', 'a', 'c', 'a']);
  });

  gate.check('the CLI rejects unknown flags and bad values, caps exec concurrency, applies defaults', () => {
    const bad = [['--users=0'], ['--users=-1'], ['--users=abc'], ['--read-concurrency=0'], ['--bogus'], ['--mode=chaos'],
      ['--min-ok=101'], ['--max-p95=0'], ['--run-id=has space'], ['--base-url=not a url'], ['stray']];
    for (const argv of bad) {
      const io = captureIo();
      let thrown: unknown;
      try {
        parseLoadArgs('load-test', argv, {}, io);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(CommanderError);
      expect((thrown as CommanderError).exitCode).not.toBe(0);
      expect(io.lines.join('\n')).toMatch(/error:/);
    }
    const devnetBad = captureIo();
    expect(() => parseLoadArgs('devnet-load', ['--duration=0'], {}, devnetBad)).toThrow(CommanderError);
    expect(devnetBad.lines.join('\n')).toContain('--duration must be a positive integer');

    const io = captureIo();
    const capped = parseLoadArgs('load-test', ['--exec-concurrency=50', '--mode=full'], { BASE_URL: 'http://127.0.0.1:4000/' }, io);
    expect(capped.execConcurrency).toBe(EXEC_CONCURRENCY_CAP);
    expect(io.lines.join('\n')).toContain('capped at 10');
    expect(capped.baseUrl).toBe('http://127.0.0.1:4000');
    expect(capped).toMatchObject({ users: 100, readConcurrency: 50, mode: 'full', minOk: 99, maxP95: 500 });
    expect(capped.runId).toMatch(/^load-test-\d{13}$/);

    const devnet = parseLoadArgs('devnet-load', ['--run-id=rc-1'], {}, captureIo());
    expect(devnet).toMatchObject({ users: 1500, readConcurrency: 200, durationS: 60, runId: 'rc-1', baseUrl: 'http://localhost:3001' });
  });
});
