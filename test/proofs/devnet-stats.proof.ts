// Proof gate `prove:devnet:stats`: the executions/token_totals schema, non-negative statistics, and the
// fee bps range 10–50 with start-up refusing anything else. Without BASE_URL it boots the real AppModule on a temporary
// database and port; with BASE_URL the HTTP checks target that server (the database checks use the local app).
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { validateEnv } from '../../src/config/env.validation';
import { Execution } from '../../src/executions/execution.entity';
import { ExecutionsService } from '../../src/executions/executions.service';
import { TokenTotal } from '../../src/executions/token-total.entity';
import { findToken } from '../../src/executions/tokens';
import { computeFeeUnits, FEE_BPS_MAX, FEE_BPS_MIN } from '../../src/fees/fee';
import { bootTestApp, TestApp, withEnv } from '../support/app';
import { proofGate } from '../support/proof';
import { signIn } from '../support/siwe';

const gate = proofGate('devnet stats');
let local: TestApp;
let target: string;

const UNITS = /^(0|[1-9][0-9]*)$/;

beforeAll(async () => {
  local = await bootTestApp({ listen: true, env: { RATE_LIMIT_PER_MIN: '0' } });
  target = process.env.BASE_URL?.replace(/\/$/, '') || local.baseUrl;
});
afterAll(() => local?.close());

/** Sign in, then prepare/submit/confirm and prepare/fail a few executions on the local app. */
async function runLedgerFlows(): Promise<void> {
  const { sessionId } = await signIn(local.baseUrl);
  const sut = local.app.get(ExecutionsService);
  const flows = [
    { token: 'USDC', amount: '2500000', outcome: 'confirm' },
    { token: 'ETH', amount: (2n ** 70n + 3n).toString(), outcome: 'confirm' },
    { token: 'DAI', amount: '999', outcome: 'fail' },
    { token: 'WETH', amount: '123456', outcome: 'submit' },
  ];
  for (const [i, flow] of flows.entries()) {
    const prepared = await request(local.baseUrl).post('/api/execute/prepare').set('x-session-id', sessionId).send({ action: 'uniswap-v3-swap', token: flow.token, amount: flow.amount }).expect(201);
    const id = prepared.body.data.executionId as string;
    if (flow.outcome === 'fail') {
      await request(local.baseUrl).post(`/api/execute/${id}/fail`).set('x-session-id', sessionId).send({ errorCode: 'USER_REJECTED' }).expect(200);
      continue;
    }
    const txHash = `0x${(i + 1).toString(16).padStart(64, '0')}`;
    await request(local.baseUrl).post(`/api/execute/${id}/submit`).set('x-session-id', sessionId).send({ txHash }).expect(200);
    if (flow.outcome === 'confirm') await sut.confirmFromReceipt(id, { txHash, blockNumber: 100 + i });
  }
}

gate.check('executions and token_totals have the ledger schema (exact unit columns, unique tx hash)', async () => {
  const runner = local.dataSource.createQueryRunner();
  try {
    const executions = await runner.getTable('executions');
    const totals = await runner.getTable('token_totals');
    expect(executions).toBeDefined();
    expect(totals).toBeDefined();
    const columns = (t: typeof executions) => new Map(t!.columns.map((c) => [c.name, c]));
    const ex = columns(executions);
    for (const name of ['id', 'user_id', 'session_id', 'correlation_id', 'action', 'token', 'amount_units', 'fee_bps', 'fee_units', 'status', 'tx_hash', 'block_number', 'error_code', 'error_message', 'latency_ms', 'created_at', 'updated_at']) {
      expect({ name, present: ex.has(name) }).toEqual({ name, present: true });
    }
    // Amounts as decimal text: exact on every driver, never a float.
    for (const name of ['amount_units', 'fee_units']) expect(ex.get(name)!.type).toMatch(/char/);
    const tt = columns(totals);
    for (const name of ['token', 'confirmed_count', 'amount_units', 'fee_units']) expect(tt.has(name)).toBe(true);
    for (const name of ['amount_units', 'fee_units']) expect(tt.get(name)!.type).toMatch(/char/);
    const unique = [...executions!.indices, ...executions!.uniques].some((i) => ('isUnique' in i ? i.isUnique : true) && i.columnNames.length === 1 && i.columnNames[0] === 'tx_hash');
    expect(unique).toBe(true);
  } finally {
    await runner.release();
  }
});

gate.check('token_totals are non-negative and equal the confirmed executions, exactly', async () => {
  await runLedgerFlows();
  const totals = await local.dataSource.getRepository(TokenTotal).find();
  const confirmed = await local.dataSource.getRepository(Execution).findBy({ status: 'confirmed' });
  expect(confirmed.length).toBeGreaterThan(0);
  for (const total of totals) {
    expect(total.confirmedCount).toBeGreaterThanOrEqual(0);
    expect(total.amountUnits >= 0n).toBe(true);
    expect(total.feeUnits >= 0n).toBe(true);
    expect(total.feeUnits <= total.amountUnits).toBe(true);
    const mine = confirmed.filter((e) => e.token === total.token);
    expect(total.confirmedCount).toBe(mine.length);
    expect(total.amountUnits).toBe(mine.reduce((s, e) => s + (e.amountUnits ?? 0n), 0n));
    expect(total.feeUnits).toBe(mine.reduce((s, e) => s + computeFeeUnits(e.amountUnits ?? 0n, e.feeBps), 0n));
  }
  expect(totals.map((t) => t.token).sort()).toEqual([...new Set(confirmed.map((e) => e.token))].sort());
  for (const e of await local.dataSource.getRepository(Execution).find()) {
    expect(e.feeBps).toBeGreaterThanOrEqual(FEE_BPS_MIN);
    expect(e.feeBps).toBeLessThanOrEqual(FEE_BPS_MAX);
    if (e.latencyMs !== null) expect(e.latencyMs).toBeGreaterThanOrEqual(0);
    if (e.status !== 'confirmed') expect(e.feeUnits).toBeNull();
  }
});

gate.check('GET /api/telemetry/devnet-stats: every count non-negative, every unit string an exact integer', async () => {
  const res = await request(target).get('/api/telemetry/devnet-stats').expect(200);
  const s = res.body.data;
  const counts = [
    s.traffic.requestsAllTime, s.traffic.requestsLast24h, s.traffic.http5xx24h, s.traffic.visitorsAllTime, s.traffic.visitorsLast24h,
    s.users.allTime, s.users.last24h,
    s.transactions.allTime, s.transactions.last24h, s.transactions.successCount, s.transactions.failCount, s.transactions.pendingCount,
    s.amountExecuted.unpricedCount, s.feesCollected.unpricedCount,
  ];
  for (const n of counts) {
    expect(Number.isInteger(n)).toBe(true);
    expect(n).toBeGreaterThanOrEqual(0);
  }
  if (s.traffic.successRate24h !== null) {
    expect(s.traffic.successRate24h).toBeGreaterThanOrEqual(0);
    expect(s.traffic.successRate24h).toBeLessThanOrEqual(1);
  }
  expect(s.transactions.successCount + s.transactions.failCount + s.transactions.pendingCount).toBeLessThanOrEqual(s.transactions.allTime);
  expect(s.feesCollected.feeBps).toBeGreaterThanOrEqual(FEE_BPS_MIN);
  expect(s.feesCollected.feeBps).toBeLessThanOrEqual(FEE_BPS_MAX);
  for (const row of s.amountExecuted.byToken) expect(row.totalUnits).toMatch(UNITS);
  for (const row of s.feesCollected.byToken) {
    expect(row.totalFeeUnits).toMatch(UNITS);
    expect(row.last24hFeeUnits).toMatch(UNITS);
    expect(BigInt(row.last24hFeeUnits) <= BigInt(row.totalFeeUnits)).toBe(true);
  }
  if (target === local.baseUrl) {
    // The local app ran the flows above: its statistics are the ledger's running totals.
    const totals = await local.dataSource.getRepository(TokenTotal).find();
    for (const total of totals) {
      expect(s.amountExecuted.byToken).toContainEqual(expect.objectContaining({ token: total.token, totalUnits: total.amountUnits.toString(), decimals: findToken(total.token)?.decimals ?? null }));
      expect(s.feesCollected.byToken).toContainEqual(expect.objectContaining({ token: total.token, totalFeeUnits: total.feeUnits.toString() }));
    }
    expect(s.transactions.successCount).toBe(await local.dataSource.getRepository(Execution).countBy({ status: 'confirmed' }));
  }
});

gate.check('fee bps 10..50 are accepted, and preflight reports the configured one', async () => {
  for (let bps = FEE_BPS_MIN; bps <= FEE_BPS_MAX; bps++) expect(validateEnv({ BLOSSOM_FEE_BPS: String(bps) }).BLOSSOM_FEE_BPS).toBe(bps);
  const preflight = await request(target).get('/api/execute/preflight').expect(200);
  expect(preflight.body.data.feeBps).toBeGreaterThanOrEqual(FEE_BPS_MIN);
  expect(preflight.body.data.feeBps).toBeLessThanOrEqual(FEE_BPS_MAX);
  for (const bps of [FEE_BPS_MIN, FEE_BPS_MAX]) {
    const app = await bootTestApp({ env: { BLOSSOM_FEE_BPS: String(bps) } });
    try {
      const res = await request(app.http).get('/api/execute/preflight').expect(200);
      expect(res.body.data.feeBps).toBe(bps);
    } finally {
      await app.close();
    }
  }
});

gate.check('start-up refuses BLOSSOM_FEE_BPS outside 10..50, naming the variable and the range', async () => {
  for (const bad of ['9', '51', 'abc', '0', '-25', '25.5', '1e1']) {
    const attempt = withEnv({ BLOSSOM_FEE_BPS: bad, TELEMETRY_DB_PATH: local.dbPath }, () => createApp({ logger: false }));
    await expect(attempt).rejects.toThrow(/BLOSSOM_FEE_BPS/);
    await expect(attempt).rejects.toThrow(/10 to 50/);
    await expect(attempt).rejects.toThrow(JSON.stringify(bad));
  }
});
