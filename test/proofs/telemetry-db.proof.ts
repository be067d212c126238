// Proof gate `prove:telemetry:db`: migrations on a fresh database (SQLite file, or PostgreSQL when TELEMETRY_DB_URL is
// set), CRUD of each table through its entity, aggregation.
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { toNumber } from '../../src/database/dialect';
import { Execution } from '../../src/executions/execution.entity';
import { TokenTotal } from '../../src/executions/token-total.entity';
import { MetricsRollup } from '../../src/traffic/metrics-rollup.entity';
import { RolledHour } from '../../src/traffic/rolled-hour.entity';
import { RequestLog } from '../../src/traffic/request-log.entity';
import { Session } from '../../src/sessions/session.entity';
import { SiweNonce } from '../../src/sessions/siwe-nonce.entity';
import { Setting } from '../../src/users/setting.entity';
import { TrafficRun } from '../../src/traffic/traffic-run.entity';
import { User } from '../../src/users/user.entity';
import { FreshDatabase, freshDatabase } from '../support/postgres';
import { proofGate } from '../support/proof';

const gate = proofGate('telemetry DB');
let fresh: FreshDatabase;
let ds: DataSource;
const now = Date.now();

beforeAll(async () => {
  fresh = await freshDatabase();
  ds = await new DataSource({ ...buildDataSourceOptions(fresh.db), migrationsRun: false, logging: false }).initialize();
});
afterAll(async () => {
  await ds?.destroy();
  await fresh?.cleanup();
});

/** The duplicate-key error names the table.column on SQLite and the unique index on PostgreSQL. */
/** SQLite names the columns (`t.a, t.b`), PostgreSQL the constraint (`"UQ_t_a_b"`). */
const duplicate = (table: string, ...columns: string[]) =>
  new RegExp(`${columns.map((c) => `${table}\\.${c}`).join(', ')}|"UQ_${table}_${columns.join('_')}"`);

/** Insert, read back, update, delete: the generic life of one row. */
async function crud<T extends object>(entity: new () => T, row: Partial<T>, change: Partial<T>, key: Partial<T>): Promise<void> {
  const repo = ds.getRepository(entity);
  // A copy: on PostgreSQL TypeORM merges RETURNING values of defaulted columns into the object raw (no transformer).
  await repo.insert({ ...row } as never);
  expect(await repo.findOneByOrFail(key as never)).toMatchObject(row);
  await repo.update(key as never, change as never);
  expect(await repo.findOneByOrFail(key as never)).toMatchObject(change);
  await repo.delete(key as never);
  expect(await repo.countBy(key as never)).toBe(0);
}

gate.check('migrations apply on a fresh database and create every table', async () => {
  const applied = await ds.runMigrations();
  expect(applied.length).toBeGreaterThan(0);
  const names = await fresh.tables(ds);
  for (const meta of ds.entityMetadatas) expect(names).toContain(meta.tableName);
});

gate.check('users: CRUD', () =>
  crud(User, { addressHash: 'a'.repeat(64), firstSeenAt: now, lastSeenAt: now, source: 'siwe', notes: { via: 'proof' } }, { lastSeenAt: now + 1 }, { addressHash: 'a'.repeat(64) }));

gate.check('sessions: CRUD', async () => {
  const user = await ds.getRepository(User).save({ addressHash: 'b'.repeat(64), firstSeenAt: now, lastSeenAt: now });
  await crud(Session, { userId: user.id, keyHash: 'c'.repeat(64), status: 'active', createdAt: now, expiresAt: now + 1000, revokedAt: null }, { status: 'revoked', revokedAt: now + 5 }, { keyHash: 'c'.repeat(64) });
});

gate.check('siwe_nonces: CRUD', () => crud(SiweNonce, { nonce: 'n1', expiresAt: now + 1000, usedAt: null }, { usedAt: now }, { nonce: 'n1' }));

gate.check('executions: CRUD with an amount beyond 2^64 kept exact', async () => {
  const user = await ds.getRepository(User).findOneByOrFail({ addressHash: 'b'.repeat(64) });
  const amount = 2n ** 200n + 12345n;
  await crud(Execution,
    { id: '00000000-0000-4000-8000-000000000001', userId: user.id, sessionId: null, correlationId: null, action: 'native-transfer', token: 'ETH', amountUnits: amount, feeBps: 25, feeUnits: null, status: 'prepared', txHash: null, blockNumber: null, errorCode: null, errorMessage: null, latencyMs: null, createdAt: now, updatedAt: now },
    { status: 'confirmed', feeUnits: (amount * 25n) / 10000n, txHash: '0x' + 'd'.repeat(64), blockNumber: 7 },
    { id: '00000000-0000-4000-8000-000000000001' });
});

gate.check('token_totals: CRUD', () => crud(TokenTotal, { token: 'USDC', confirmedCount: 1, amountUnits: 10n ** 30n, feeUnits: 7n }, { confirmedCount: 2, amountUnits: 10n ** 30n + 1n }, { token: 'USDC' }));

gate.check('request_log: CRUD', async () => {
  const repo = ds.getRepository(RequestLog);
  const row = await repo.save({ ts: now, method: 'GET', route: '/health', status: 200, durationMs: 1.25, userHash: null, runId: 'run-1', correlationId: 'c-1', errorCode: null });
  await crud(RequestLog, { ts: now, method: 'POST', route: '/x', status: 404, durationMs: 2, userHash: null, runId: null, correlationId: null, errorCode: 'NOT_FOUND' }, { status: 400 }, { route: '/x' });
  await repo.delete({ id: row.id });
});

gate.check('metrics_rollup: CRUD', () =>
  crud(MetricsRollup, { hourStart: 3_600_000, route: '*', method: '*', requests: 3, ok: 2, clientErrors: 1, serverErrors: 1, rateLimited: 0, avgMs: 1, p50Ms: 1, p95Ms: 2, p99Ms: 2, maxMs: 2, uniqueUsers: 1 }, { requests: 4 }, { hourStart: 3_600_000, route: '*', method: '*' }));

gate.check('rolled_hours: CRUD', () => crud(RolledHour, { hourStart: 7_200_000, requests: 0, rolledAt: now }, { requests: 1 }, { hourStart: 7_200_000 }));

gate.check('traffic_runs: CRUD', () =>
  crud(TrafficRun, { runId: 'run-1', kind: 'load-test', params: { users: 1 }, startedAt: now, endedAt: now + 1, requests: 10, okPct: 100, p50Ms: 1, p95Ms: 2, p99Ms: 3, http5xx: 0, topError: null, summary: {} }, { okPct: 99.5 }, { runId: 'run-1' }));

gate.check('settings: CRUD', () => crud(Setting, { key: 'k', value: 'v' }, { value: 'w' }, { key: 'k' }));

gate.check('unique constraints reject duplicates (users.address_hash, sessions.key_hash, executions (user_id, tx_hash), traffic_runs.run_id)', async () => {
  const users = ds.getRepository(User);
  await users.insert({ addressHash: 'e'.repeat(64), firstSeenAt: now, lastSeenAt: now });
  await expect(users.insert({ addressHash: 'e'.repeat(64), firstSeenAt: now, lastSeenAt: now })).rejects.toThrow(duplicate('users', 'address_hash'));
  const user = await users.findOneByOrFail({ addressHash: 'e'.repeat(64) });
  const session = { userId: user.id, keyHash: 'f'.repeat(64), status: 'active' as const, createdAt: now, expiresAt: now };
  await ds.getRepository(Session).insert({ ...session });
  await expect(ds.getRepository(Session).insert({ ...session })).rejects.toThrow(duplicate('sessions', 'key_hash'));
  const exec = (id: string) => ({ id, userId: user.id, action: 'a', feeBps: 25, status: 'submitted' as const, txHash: '0x' + '1'.repeat(64), createdAt: now, updatedAt: now });
  await ds.getRepository(Execution).insert(exec('00000000-0000-4000-8000-0000000000a1'));
  await expect(ds.getRepository(Execution).insert(exec('00000000-0000-4000-8000-0000000000a2'))).rejects.toThrow(duplicate('executions', 'user_id', 'tx_hash'));
  const run = { runId: 'dup', kind: 'load-test' as const, params: {}, startedAt: now, endedAt: now, requests: 0, okPct: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, http5xx: 0, summary: {} };
  await ds.getRepository(TrafficRun).insert({ ...run });
  await expect(ds.getRepository(TrafficRun).insert({ ...run })).rejects.toThrow(duplicate('traffic_runs', 'run_id'));
});

gate.check('aggregation: counts per status and class match the rows inserted', async () => {
  const repo = ds.getRepository(RequestLog);
  await repo.clear();
  const statuses = [200, 200, 201, 404, 400, 429, 500, 503, 200];
  await repo.insert(statuses.map((status, i) => ({ ts: now + i, method: 'GET', route: '/r', status, durationMs: i })));
  const [agg] = (await repo
    .createQueryBuilder('r')
    .select('COUNT(*)', 'requests')
    .addSelect('SUM(CASE WHEN r.status < 500 THEN 1 ELSE 0 END)', 'ok')
    .addSelect('SUM(CASE WHEN r.status >= 400 AND r.status < 500 THEN 1 ELSE 0 END)', 'client')
    .addSelect('SUM(CASE WHEN r.status >= 500 THEN 1 ELSE 0 END)', 'server')
    .addSelect('MAX(r.duration_ms)', 'max')
    .getRawMany()) as Record<string, unknown>[];
  // pg returns COUNT and SUM as bigint strings: read through the dialect seam, as features do.
  const numbers = Object.fromEntries(Object.entries(agg).map(([k, v]) => [k, toNumber(v)]));
  expect(numbers).toEqual({
    requests: statuses.length,
    ok: statuses.filter((s) => s < 500).length,
    client: statuses.filter((s) => s >= 400 && s < 500).length,
    server: statuses.filter((s) => s >= 500).length,
    max: statuses.length - 1,
  });
});
