// The data shapes of the API's answers, as the OpenAPI document shows them (inside the { ok: true, data } envelope).
import { EXECUTION_STATUSES } from '../executions/execution.entity';
import { TRAFFIC_RUN_KINDS } from '../traffic/traffic-run.entity';
import { anyObject, oneOf, Schema, Shape, toSchema } from './shape';

const SESSION_STATUS = oneOf('active', 'revoked', 'expired');
const EXECUTION_STATUS = oneOf(...EXECUTION_STATUSES);
const UNITS = new Schema({ type: 'string', pattern: '^\\d+$', description: 'exact integer of base units' });
const UNITS_OR_NULL = new Schema({ type: 'string', pattern: '^\\d+$', nullable: true, description: 'exact integer of base units' });
const STATUS_COUNTS = { requests: 'integer', ok: 'integer', clientErrors: 'integer', serverErrors: 'integer', rateLimited: 'integer' };

export const REQUEST_LOG_STATS: Shape = {
  depth: 'integer', capacity: 'integer', dropped: 'integer', written: 'integer', writeFailures: 'integer',
  lastFlushAt: 'date-time|null', runIdsRejected: 'integer',
};

export const HEALTH: Shape = {
  ok: 'boolean',
  status: oneOf('ok', 'error'),
  version: 'string',
  uptimeS: 'integer',
  database: { status: oneOf('up', 'down'), driver: oneOf('sqlite', 'postgres'), 'message?': 'string' },
  requestLog: { enabled: 'boolean', ...(REQUEST_LOG_STATS as Record<string, Shape>) },
};

export const NONCE: Shape = { nonce: 'string', expiresAt: 'date-time' };
export const SESSION_CREATED: Shape = {
  sessionId: new Schema({ type: 'string', pattern: '^0x[0-9a-f]{64}$' }),
  expiresAt: 'date-time',
  status: oneOf('active'),
};
export const SESSION_VIEW: Shape = { status: SESSION_STATUS, createdAt: 'date-time', expiresAt: 'date-time' };
export const SESSION_REVOKED: Shape = { status: oneOf('revoked') };

export const PREFLIGHT: Shape = {
  chainId: 'integer',
  adapters: ['string'],
  tokens: [{ symbol: 'string', decimals: 'integer' }],
  feeBps: 'integer',
  rpc: 'boolean',
  executionMode: oneOf('chain', 'devnet'),
};
export const PREPARED: Shape = {
  'executionId?': 'string',
  status: oneOf('prepared', 'valid'),
  action: 'string',
  token: 'string|null',
  amount: UNITS_OR_NULL,
  feeBps: 'integer',
  feeUnitsQuote: UNITS_OR_NULL,
};
export const EXECUTION: Shape = {
  executionId: 'string', status: EXECUTION_STATUS, action: 'string', token: 'string|null', amount: UNITS_OR_NULL,
  feeBps: 'integer', feeUnits: UNITS_OR_NULL, txHash: 'string|null', blockNumber: 'integer|null', errorCode: 'string|null',
  latencyMs: 'number|null',
};

export const AAVE_POSITION: Shape = {
  address: 'string', readAt: 'date-time', totalCollateralBase: UNITS, totalDebtBase: UNITS, availableBorrowsBase: UNITS,
  currentLiquidationThreshold: UNITS, ltv: UNITS, healthFactor: UNITS,
};

const page = (item: Shape): Shape => ({ items: [item], total: 'integer', limit: 'integer', offset: 'integer' });

export const SUMMARY: Shape = {
  users: { total: 'integer', activeLast24h: 'integer' },
  sessions: { active: 'integer', revoked: 'integer', expired: 'integer' },
  executions: { byStatus: Object.fromEntries(EXECUTION_STATUSES.map((s) => [s, 'integer'])), total: 'integer', successRate: 'number|null' },
  requests: {
    allTime: 'integer', last24h: 'integer', errorRate24h: 'number|null', http4xx24h: 'integer', http5xx24h: 'integer',
    rateLimited24h: 'integer', lastRolledHour: new Schema({ type: 'object', nullable: true, additionalProperties: true }),
    rolledUntil: 'date-time|null',
  },
  topErrorCodes24h: [{ code: 'string', count: 'integer' }],
  requestLog: REQUEST_LOG_STATS,
  generatedAt: 'date-time',
};
export const USERS_PAGE = page({
  addressHash: 'string', firstSeenAt: 'date-time|null', lastSeenAt: 'date-time|null', source: 'string',
  sessionStatus: new Schema({ type: 'string', enum: ['active', 'revoked', 'expired'], nullable: true }), executionCount: 'integer',
});
export const EXECUTIONS_PAGE = page({
  id: 'string', userHash: 'string|null', correlationId: 'string|null', action: 'string', token: 'string|null',
  amountUnits: UNITS_OR_NULL, feeBps: 'integer', feeUnits: UNITS_OR_NULL, status: EXECUTION_STATUS, txHash: 'string|null',
  blockNumber: 'integer|null', errorCode: 'string|null', errorMessage: 'string|null', latencyMs: 'number|null',
  createdAt: 'date-time|null', updatedAt: 'date-time|null',
});

export const RUN: Shape = {
  runId: 'string', kind: oneOf(...TRAFFIC_RUN_KINDS), params: anyObject, open: 'boolean', startedAt: 'date-time',
  endedAt: 'date-time|null', requests: 'integer|null', okPct: 'number|null', p50Ms: 'number|null', p95Ms: 'number|null',
  p99Ms: 'number|null', http5xx: 'integer|null',
  topError: 'string|null', verdict: new Schema({ type: 'string', enum: ['pass', 'fail'], nullable: true }), dryRun: 'boolean',
};
export const RUN_RECORDED: Shape = { ...(RUN as Record<string, Shape>), summary: anyObject };
export const RUN_OPENED: Shape = { runId: 'string', runKey: new Schema({ type: 'string', pattern: '^0x[0-9a-f]{64}$' }) };

const HOUR: Shape = {
  hourStart: 'date-time', ...STATUS_COUNTS, avgMs: 'number|null', maxMs: 'number|null', p50Ms: 'number|null',
  p95Ms: 'number|null', p99Ms: 'number|null', uniqueUsers: 'integer|null', rolled: 'boolean',
};
const MINUTE: Shape = { minuteStart: 'date-time', ...STATUS_COUNTS, avgMs: 'number|null', maxMs: 'number|null', p95Ms: 'number|null' };
/** Hourly (`hours`) or per minute (`minutes`), the same answer shape with the unit it was asked for. */
export const TRAFFIC_SERIES = new Schema({
  oneOf: [
    toSchema({ hours: 'integer', from: 'date-time', series: [HOUR], generatedAt: 'date-time' }),
    toSchema({ minutes: 'integer', from: 'date-time', series: [MINUTE], generatedAt: 'date-time' }),
  ],
});

const BY_TOKEN_AMOUNT = { token: 'string', decimals: 'integer|null', totalUnits: UNITS };
const BY_TOKEN_FEES = { token: 'string', decimals: 'integer|null', totalFeeUnits: UNITS, last24hFeeUnits: UNITS };
export const DEVNET_STATS: Shape = {
  traffic: {
    requestsAllTime: 'integer', requestsLast24h: 'integer', requestsFromLoadRunsAllTime: 'integer', requestsFromLoadRuns24h: 'integer',
    successRate24h: 'number|null', http5xx24h: 'integer', visitorsAllTime: 'integer', visitorsLast24h: 'integer', recentRuns: [RUN],
  },
  users: { allTime: 'integer', last24h: 'integer', fromLoadRuns: { allTime: 'integer', last24h: 'integer' } },
  transactions: { allTime: 'integer', last24h: 'integer', successCount: 'integer', failCount: 'integer', pendingCount: 'integer' },
  amountExecuted: { byToken: [BY_TOKEN_AMOUNT], unpricedCount: 'integer' },
  feesCollected: { byToken: [BY_TOKEN_FEES], feeBps: 'integer', unpricedCount: 'integer' },
  display: { executionMetricsVisible: 'boolean', reason: 'string' },
  generatedAt: 'date-time',
};
