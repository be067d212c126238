// What the benchmark reports: every figure with its unit and goal, samples per driver, median with min–max.

export type Driver = 'sqlite' | 'postgres';

export interface Goal {
  op: '<' | '<=' | '>=' | '=';
  value: number;
}

/** The parts of `npm run bench`, each selectable with --only. */
export const PHASES = ['path', 'devnet-load', 'scale'] as const;
export type Phase = (typeof PHASES)[number];

export interface FigureDef {
  key: string;
  phase: Phase;
  label: string;
  unit: string;
  goal?: Goal;
  /** 'max': a "never more than" goal, judged on the worst run instead of the median. */
  judge?: 'max';
}

const VS_BARE: Goal = { op: '>=', value: 0.85 };
const LOGGED_VS_UNLOGGED: Goal = { op: '>=', value: 0.9 };
const CLOSED_P99: Goal = { op: '<', value: 150 };
const DEVNET_AVG: Goal = { op: '<', value: 60 };
const DEVNET_P95: Goal = { op: '<', value: 250 };

const path = (key: string, label: string, unit: string, goal?: Goal, judge?: 'max'): FigureDef => ({ key, phase: 'path', label, unit, goal, judge });
const devnet = (key: string, label: string, unit: string, goal?: Goal): FigureDef => ({ key, phase: 'devnet-load', label, unit, goal });
const scale = (key: string, label: string, unit: string, goal?: Goal, judge?: 'max'): FigureDef => ({ key, phase: 'scale', label, unit, goal, judge });

/** The table's rows, in order. The smoke test checks that each one has a value. */
export const FIGURES: readonly FigureDef[] = [
  path('anchor.bare.rps', 'anchor: bare NestJS /health req/s (closed loop)', 'req/s'),
  path('anchor.plain.rps', 'anchor: plain node:http /health req/s', 'req/s'),
  path('anchor.bareVsPlain', 'anchor: bare NestJS ÷ plain node:http', '×'),
  path('path.health.rps', '/health req/s', 'req/s'),
  path('path.health.vsBare', '/health ÷ bare NestJS /health', '×', VS_BARE),
  path('path.preflight.rps', 'preflight req/s', 'req/s'),
  path('path.preflight.vsBare', 'preflight ÷ bare NestJS /health', '×', VS_BARE),
  path('path.statusNone.rps', 'session status, no session (400) req/s', 'req/s'),
  path('path.statusNone.vsBare', 'session status, no session ÷ bare NestJS /health', '×', VS_BARE),
  path('path.status.rps', 'session status, with session (200) req/s', 'req/s'),
  path('path.status.vsBare', 'session status, with session ÷ bare NestJS /health', '×', VS_BARE),
  path('path.health.p50', '/health p50 (closed loop)', 'ms'),
  path('path.health.p99', '/health p99 (closed loop)', 'ms', CLOSED_P99),
  path('path.status.p99', 'session status p99 (closed loop)', 'ms', CLOSED_P99),
  path('log.health.ratio', '/health logging on ÷ off', '×', LOGGED_VS_UNLOGGED),
  path('log.statusNone.ratio', 'session status, no session: logging on ÷ off', '×', LOGGED_VS_UNLOGGED),
  path('log.status.ratio', 'session status, with session: logging on ÷ off', '×', LOGGED_VS_UNLOGGED),
  path('open.health.p99.service', '/health p99 at the open-loop rate', 'ms'),
  path('open.health.p99.bare', 'bare NestJS /health p99 at the open-loop rate', 'ms'),
  path('open.health.ratio', 'open loop p99: /health ÷ bare NestJS', '×', { op: '<=', value: 1.5 }),
  path('open.health.rps', '/health rate achieved in the open loop', 'req/s'),
  path('signin.cpuMsCold', 'server CPU per SIWE sign-in, the warm-up sign-ins (compiling)', 'ms'),
  path('signin.cpuMs', 'server CPU per SIWE sign-in (nonce + verify), after the warm-up', 'ms', { op: '<=', value: 2 }),
  path('mem.peakRss', 'server peak RSS (VmHWM) through the closed-loop runs', 'MB', { op: '<', value: 256 }),
  path('engine.rps', 'load engine (tools/lib) /health req/s', 'req/s'),
  path('engine.autocannonRps', 'autocannon /health req/s', 'req/s'),
  path('engine.ratio', 'load engine ÷ autocannon', '×', { op: '>=', value: 0.8 }),
  // One flush interval: FLUSH_INTERVAL_MS of src/traffic/request-log.writer.ts.
  path('log.buffer.maxLagMs', 'write buffer max lag, depth ÷ rate (flush interval 50 ms), worst run', 'ms', { op: '<=', value: 50 }, 'max'),
  path('log.buffer.maxDepth', 'write buffer max depth seen by /health', 'rows'),
  path('log.rows.written', 'request_log rows after SIGTERM (= requests the server counted)', 'rows'),
  path('log.rows.lost', 'request_log rows lost after SIGTERM', 'rows', { op: '=', value: 0 }),
  devnet('devnet.okPct', 'devnet:load OK %', '%', { op: '>=', value: 100 }),
  devnet('devnet.rps', 'devnet:load requests/s (sign-in and mix)', 'req/s'),
  devnet('devnet.signInP95', 'devnet:load sign-in P95 (POST /api/session)', 'ms'),
  devnet('devnet.health.avg', 'devnet:load /health avg', 'ms', DEVNET_AVG),
  devnet('devnet.health.p95', 'devnet:load /health P95', 'ms', DEVNET_P95),
  devnet('devnet.preflight.avg', 'devnet:load preflight avg', 'ms', DEVNET_AVG),
  devnet('devnet.preflight.p95', 'devnet:load preflight P95', 'ms', DEVNET_P95),
  devnet('devnet.status.avg', 'devnet:load session status avg', 'ms', DEVNET_AVG),
  devnet('devnet.status.p95', 'devnet:load session status P95', 'ms', DEVNET_P95),
  devnet('devnet.statusNone.avg', 'devnet:load session status, no session avg', 'ms', DEVNET_AVG),
  devnet('devnet.statusNone.p95', 'devnet:load session status, no session P95', 'ms', DEVNET_P95),
  scale('seed.seconds', 'seeding the scale data set', 's'),
  scale('stats.uncached.unrolled', 'devnet-stats first answer, nothing rolled up (worst case)', 'ms'),
  scale('stats.uncached', 'devnet-stats first (uncached) answer, rolled steady state', 'ms', { op: '<', value: 50 }),
  scale('stats.cachedP99', 'devnet-stats cached p99 (10 conn)', 'ms'),
  scale('rollup.hour', 'rollup of one hour of requests', 'ms', { op: '<', value: 500 }),
  scale('rollup.catchUp', 'rollup catch-up of the whole data set', 'ms', { op: '<', value: 3000 }),
  scale('rollup.catchUpLoopDelayMax', 'event-loop delay max during catch-up, worst run', 'ms', { op: '<=', value: 50 }, 'max'),
  scale('rollup.catchUpHealthMax', '/health max latency during catch-up (in-process poller)', 'ms'),
  scale('rollup.idempotent', 'second rollup run (nothing to do)', 'ms'),
];

/**
 * Where the measured cause of a miss is written down: the bullet of that name under "Measured causes of the misses"
 * in docs/performance.md, per driver (`bench/lib/report.spec.ts` checks that each one exists). A goal-bearing figure
 * without an entry has no known cause: a miss of it is printed as one to profile.
 */
const both = (bullet: string): Partial<Record<Driver, string>> => ({ sqlite: bullet, postgres: bullet });
export const CAUSES: Readonly<Record<string, Partial<Record<Driver, string>>>> = {
  'path.health.vsBare': both('Throughput ÷ bare NestJS'),
  'path.preflight.vsBare': both('Throughput ÷ bare NestJS'),
  'path.statusNone.vsBare': both('Throughput ÷ bare NestJS'),
  'path.status.vsBare': both('Throughput ÷ bare NestJS'),
  'log.health.ratio': both('Logging on ÷ off'),
  'log.statusNone.ratio': both('Logging on ÷ off'),
  'log.status.ratio': both('Logging on ÷ off'),
  'open.health.ratio': both('Open-loop p99'),
  'signin.cpuMs': both('Sign-in CPU'),
  'log.buffer.maxLagMs': both('Buffer lag'),
  ...Object.fromEntries(
    ['health', 'preflight', 'status', 'statusNone'].flatMap((p) => [`devnet.${p}.avg`, `devnet.${p}.p95`]).map((key) => [key, both('`devnet:load` read averages')]),
  ),
  'stats.uncached': { postgres: 'PostgreSQL' },
  'rollup.hour': { postgres: 'PostgreSQL' },
  'rollup.catchUp': { sqlite: 'SQLite catch-up', postgres: 'PostgreSQL' },
  'rollup.catchUpLoopDelayMax': { sqlite: 'Event-loop delay in the SQLite catch-up' },
};

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

export function meets(goal: Goal, value: number): boolean {
  switch (goal.op) {
    case '<':
      return value < goal.value;
    case '<=':
      return value <= goal.value;
    case '>=':
      return value >= goal.value;
    case '=':
      return value === goal.value;
  }
}

/** Collects samples per figure and driver as the phases run. */
export class Recorder {
  private readonly samples = new Map<string, number[]>();
  readonly notes: string[] = [];

  add(driver: Driver, key: string, value: number): void {
    if (!FIGURES.some((f) => f.key === key)) throw new Error(`unknown figure ${key}`);
    if (!Number.isFinite(value)) throw new Error(`figure ${key} got a non-finite value ${value}`);
    const id = `${driver} ${key}`;
    const list = this.samples.get(id) ?? [];
    list.push(value);
    this.samples.set(id, list);
  }

  summary(driver: Driver, key: string): Summary | null {
    const list = this.samples.get(`${driver} ${key}`);
    return list && list.length > 0 ? summarize(list) : null;
  }
}
