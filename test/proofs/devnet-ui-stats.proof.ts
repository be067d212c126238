// Proof gate `prove:devnet:ui:stats` (SPEC §8): GET /api/telemetry/devnet-stats returns every key of SPEC §4.5 with
// the right type, and answers 503 (not a zero-filled 200) when the database is down. Without BASE_URL it boots the real
// app on a temporary database and port (and seeds a little of everything so no array is checked empty); with BASE_URL
// it targets that server, and the database-down check cannot run (we may not stop someone else's database).
import { stdout } from 'node:process';
import { DataSource } from 'typeorm';
import { TokenTotal } from '../../src/executions/token-total.entity';
import { TrafficRun } from '../../src/traffic/traffic-run.entity';
import { User } from '../../src/users/user.entity';
import { bootTestApp, TestApp } from '../support/app';
import { proofGate } from '../support/proof';

const gate = proofGate('devnet UI stats');
const external = process.env.BASE_URL?.replace(/\/$/, '');
let local: TestApp | undefined;
let base: string;

const UNITS = /^\d+$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Check = (v: unknown, path: string) => void;
const fail = (path: string, want: string, v: unknown): never => {
  throw new Error(`${path}: expected ${want}, got ${JSON.stringify(v)}`);
};
const count: Check = (v, p) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : fail(p, 'a non-negative integer', v));
const units: Check = (v, p) => (typeof v === 'string' && UNITS.test(v) ? undefined : fail(p, 'a base-unit string ^\\d+$', v));
const str: Check = (v, p) => (typeof v === 'string' && v.length > 0 ? undefined : fail(p, 'a non-empty string', v));
const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : fail(p, 'a boolean', v));
const iso: Check = (v, p) => (typeof v === 'string' && ISO.test(v) ? undefined : fail(p, 'an ISO-8601 UTC time', v));
const finite: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : fail(p, 'a non-negative number', v));
const rateOrNull: Check = (v, p) => (v === null || (typeof v === 'number' && v >= 0 && v <= 1) ? undefined : fail(p, 'a ratio in [0, 1] or null', v));
const decimals: Check = (v, p) => (v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255) ? undefined : fail(p, 'token decimals', v));
const feeBps: Check = (v, p) => (Number.isInteger(v) && (v as number) >= 10 && (v as number) <= 50 ? undefined : fail(p, 'fee bps 10–50', v));

interface Shape {
  [key: string]: Check | Shape | [Shape];
}

/** SPEC §4.5, key by key. */
const DEVNET_STATS: Shape = {
  traffic: {
    requestsAllTime: count,
    requestsLast24h: count,
    successRate24h: rateOrNull,
    http5xx24h: count,
    visitorsAllTime: count,
    visitorsLast24h: count,
    recentRuns: [{ runId: str, kind: str, params: (v, p) => (typeof v === 'object' && v !== null ? undefined : fail(p, 'an object', v)), startedAt: iso, endedAt: iso, requests: count, okPct: finite, p50Ms: finite, p95Ms: finite, p99Ms: finite, http5xx: count, topError: (v, p) => (v === null || typeof v === 'string' ? undefined : fail(p, 'a string or null', v)) }],
  },
  users: { allTime: count, last24h: count },
  transactions: { allTime: count, last24h: count, successCount: count, failCount: count, pendingCount: count },
  amountExecuted: { byToken: [{ token: str, decimals, totalUnits: units }], unpricedCount: count },
  feesCollected: { byToken: [{ token: str, decimals, totalFeeUnits: units, last24hFeeUnits: units }], feeBps, unpricedCount: count },
  display: { executionMetricsVisible: bool, reason: str },
  generatedAt: iso,
};

/** Exact keys at every level, each value of its type; returns how many array elements were checked. */
function checkShape(value: unknown, shape: Shape, path: string): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const want = Object.keys(shape).sort();
  if (JSON.stringify(keys) !== JSON.stringify(want)) throw new Error(`${path}: keys ${JSON.stringify(keys)}, expected exactly ${JSON.stringify(want)}`);
  let elements = 0;
  for (const [key, spec] of Object.entries(shape)) {
    const p = `${path}.${key}`;
    if (typeof spec === 'function') spec(obj[key], p);
    else if (Array.isArray(spec)) {
      if (!Array.isArray(obj[key])) fail(p, 'an array', obj[key]);
      (obj[key] as unknown[]).forEach((el, i) => {
        elements += 1 + checkShape(el, spec[0], `${p}[${i}]`);
      });
    } else elements += checkShape(obj[key], spec, p);
  }
  return elements;
}

async function getStats(): Promise<{ status: number; body: { ok: boolean; data?: unknown; error?: { code: string } } }> {
  const res = await fetch(`${base}/api/telemetry/devnet-stats`);
  return { status: res.status, body: (await res.json()) as never };
}

/** A little of everything the endpoint reads, so arrays and unit strings are really checked. */
async function seed(ds: DataSource): Promise<void> {
  const now = Date.now();
  await ds.getRepository(User).insert({ addressHash: 'e'.repeat(64), firstSeenAt: now, lastSeenAt: now, source: 'siwe', notes: null });
  await ds.getRepository(TokenTotal).insert([
    { token: 'ETH', confirmedCount: 1, amountUnits: 2n ** 80n, feeUnits: 2n ** 70n },
    { token: 'USDC', confirmedCount: 2, amountUnits: 12_000_000n, feeUnits: 30_000n },
  ]);
  await ds.getRepository(TrafficRun).insert({
    runId: 'proof-run', kind: 'devnet-load', params: { users: 1 }, startedAt: now - 60_000, endedAt: now, requests: 10, okPct: 100,
    p50Ms: 1, p95Ms: 2, p99Ms: 3, http5xx: 0, topError: null, summary: {},
  } as never);
}

beforeAll(async () => {
  if (external) {
    base = external;
    return;
  }
  local = await bootTestApp({ listen: true });
  base = local.baseUrl;
  await seed(local.dataSource);
});
afterAll(async () => {
  await local?.close().catch(() => undefined);
  if (external) stdout.write(`\nℹ️  BASE_URL=${external}: the database-down check was NOT run (it needs a server this gate started).\n`);
});

gate.check('GET /api/telemetry/devnet-stats answers 200 { ok: true, data }', async () => {
  const { status, body } = await getStats();
  expect(status).toBe(200);
  expect(body.ok).toBe(true);
});

gate.check('every SPEC §4.5 key is present, nothing else, each with its type (unit amounts ^\\d+$)', async () => {
  const { body } = await getStats();
  const elements = checkShape(body.data, DEVNET_STATS, 'data');
  // Against the seeded local app the arrays are not empty, so their element types were checked too.
  if (!external) expect(elements).toBeGreaterThanOrEqual(5);
});

gate.check('successRate24h is null only when there were no requests in the last 24 h', async () => {
  const { body } = await getStats();
  const traffic = (body.data as { traffic: { successRate24h: number | null; requestsLast24h: number } }).traffic;
  expect(traffic.successRate24h === null).toBe(traffic.requestsLast24h === 0);
});

if (!external) {
  gate.check('answers 503 DATABASE_UNAVAILABLE (not a zero-filled 200) when the database is down', async () => {
    await getStats(); // warm the cache: a cached answer must not hide the outage
    await local!.dataSource.destroy();
    const { status, body } = await getStats();
    expect(status).toBe(503);
    expect(body).toEqual({ ok: false, error: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } });
  });
}
