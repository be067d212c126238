// Fast seeding of the scale data set: one connection, big transactions, multi-row inserts at the driver's parameter
// limit, request rows in time order (the ts index grows at its end).
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../src/database/dialect';
import { TOKENS } from '../../src/executions/tokens';

const ROWS_PER_TRANSACTION = 50_000;
const FEE_BPS = 25n;

const REQUEST_COLUMNS = ['ts', 'method', 'route', 'status', 'duration_ms', 'user_hash', 'run_id', 'correlation_id', 'error_code'] as const;
const EXECUTION_COLUMNS = [
  'id', 'user_id', 'action', 'token', 'amount_units', 'fee_bps', 'fee_units', 'status', 'tx_hash', 'block_number',
  'error_code', 'latency_ms', 'created_at', 'updated_at',
] as const;

/** Route mix of a devnet day: [method, route, weight, status of a failure, error code]. */
const ROUTES: [string, string, number][] = [
  ['GET', '/health', 20],
  ['GET', '/api/session/status', 25],
  ['GET', '/api/session/nonce', 8],
  ['POST', '/api/session', 8],
  ['GET', '/api/execute/preflight', 10],
  ['POST', '/api/execute/prepare', 12],
  ['POST', '/api/execute/:id/submit', 6],
  ['GET', '/api/telemetry/devnet-stats', 8],
  ['GET', '(unmatched)', 3],
];
const ROUTE_CUMULATIVE = cumulative(ROUTES.map((r) => r[2]));

export interface SeedPlan {
  requests: number;
  users: number;
  executions: number;
  /** Data spans [from, to). */
  from: number;
  to: number;
}

/** A deterministic-enough PRNG so every run seeds a comparable data set. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let run = 0;
  return weights.map((w) => (run += w / total));
}

async function insertChunked(ds: DataSource, table: string, columns: readonly string[], count: number, row: (i: number) => unknown[]): Promise<void> {
  const dialect = dialectOf(ds);
  for (let start = 0; start < count; start += ROWS_PER_TRANSACTION) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(count, start + ROWS_PER_TRANSACTION); i++) rows.push(row(i));
    await ds.transaction((m) => dialect.insertMany(m, table, columns, rows));
  }
}

/** Users, executions (with token_totals consistent with the confirmed ones) and request rows. */
/** Returns the users' address hashes, for request rows seeded later. */
export async function seedDataset(ds: DataSource, plan: SeedPlan): Promise<string[]> {
  if (ds.options.type === 'sqlite') await ds.query('PRAGMA synchronous = OFF');
  const userHashes = await seedUsers(ds, plan);
  await seedExecutions(ds, plan);
  await seedRequests(ds, plan.requests, plan.from, plan.to, userHashes, 1);
  if (ds.options.type === 'sqlite') await ds.query('PRAGMA synchronous = NORMAL');
  // The seed stands for a month of history, which PostgreSQL's autovacuum would have visited (on inserts too, since
  // PostgreSQL 13) many times: its visibility map lets index-only scans skip the heap, and its statistics drive the
  // plans. Without this, every scale figure measured a table minutes old (bitmap heap scans of every page).
  if (ds.options.type === 'postgres') await ds.query('VACUUM (ANALYZE) "request_log", "users", "executions"');
  return userHashes;
}

async function seedUsers(ds: DataSource, plan: SeedPlan): Promise<string[]> {
  const random = rng(7);
  const span = plan.to - plan.from;
  const hashes = Array.from({ length: plan.users }, () => randomBytes(32).toString('hex'));
  await insertChunked(ds, 'users', ['address_hash', 'first_seen_at', 'last_seen_at', 'source'], plan.users, (i) => {
    const first = plan.from + Math.floor(random() * span);
    return [hashes[i], first, first + Math.floor(random() * (plan.to - first)), 'siwe'];
  });
  return hashes;
}

async function seedExecutions(ds: DataSource, plan: SeedPlan): Promise<void> {
  const random = rng(11);
  const ids = ((await ds.query(`SELECT "id" FROM "users"`)) as { id: number | string }[]).map((r) => Number(r.id));
  const span = plan.to - plan.from;
  const totals = new Map<string, { count: number; amount: bigint; fee: bigint }>();
  await insertChunked(ds, 'executions', EXECUTION_COLUMNS, plan.executions, () => {
    const token = TOKENS[Math.floor(random() * TOKENS.length)];
    const amount = BigInt(Math.floor(1 + random() * 1e6)) * 10n ** BigInt(token.decimals - 3);
    const action = token.symbol === 'ETH' ? 'native-transfer' : random() < 0.5 ? 'uniswap-v3-swap' : 'aave-v3-supply';
    const created = plan.from + Math.floor(random() * span);
    const latency = 2_000 + Math.floor(random() * 30_000);
    const p = random();
    const status = p < 0.7 ? 'confirmed' : p < 0.85 ? 'failed' : p < 0.95 ? 'submitted' : 'prepared';
    const txHash = status === 'prepared' ? null : `0x${randomBytes(32).toString('hex')}`;
    let fee: string | null = null;
    if (status === 'confirmed') {
      const f = (amount * FEE_BPS) / 10_000n;
      fee = f.toString();
      const t = totals.get(token.symbol) ?? { count: 0, amount: 0n, fee: 0n };
      totals.set(token.symbol, { count: t.count + 1, amount: t.amount + amount, fee: t.fee + f });
    }
    const final = status === 'confirmed' || status === 'failed';
    return [
      randomUUID(), ids[Math.floor(random() * ids.length)], action, token.symbol, amount.toString(), Number(FEE_BPS), fee, status,
      txHash, status === 'confirmed' ? 1_000_000 + Math.floor(random() * 100_000) : null, status === 'failed' ? 'REVERTED' : null,
      final ? latency : null, created, final ? Math.min(plan.to - 1, created + latency) : created,
    ];
  });
  const rows = [...totals].map(([token, t]) => [token, t.count, t.amount.toString(), t.fee.toString()]);
  await ds.transaction((m) => dialectOf(ds).insertMany(m, 'token_totals', ['token', 'confirmed_count', 'amount_units', 'fee_units'], rows));
}

/** `count` request rows spread evenly over [from, to), in time order. */
export async function seedRequests(ds: DataSource, count: number, from: number, to: number, userHashes: string[], seed: number): Promise<void> {
  const random = rng(seed);
  const step = (to - from) / count;
  await insertChunked(ds, 'request_log', REQUEST_COLUMNS, count, (i) => {
    const r = random();
    let k = 0;
    while (ROUTE_CUMULATIVE[k] < r) k++;
    const [method, route] = ROUTES[k];
    const f = random();
    const status = route === '(unmatched)' ? 404 : f < 0.93 ? (method === 'POST' && route === '/api/session' ? 201 : 200) : f < 0.98 ? 400 : f < 0.995 ? 429 : 500;
    const errorCode = status === 404 ? 'NOT_FOUND' : status === 400 ? 'VALIDATION_ERROR' : status === 429 ? 'RATE_LIMITED' : status === 500 ? 'INTERNAL_ERROR' : null;
    const user = userHashes.length > 0 && random() < 0.6 ? userHashes[Math.floor(random() * userHashes.length)] : null;
    const duration = Math.round((0.3 + -Math.log(1 - random()) * 4) * 1000) / 1000;
    const runId = random() < 0.3 ? `bench-run-${Math.floor(random() * 20)}` : null;
    return [Math.floor(from + (i + random()) * step), method, route, status, duration, user, runId, randomUUID(), errorCode];
  });
}
