// What the benchmark reports: every figure with its unit and goal, samples per driver, median with min–max.

export type Driver = 'sqlite' | 'postgres';

export interface Goal {
  op: '<' | '<=' | '>=' | '=';
  value: number;
}

export interface FigureDef {
  key: string;
  label: string;
  unit: string;
  goal?: Goal;
  /** 'max': a "never more than" goal, judged on the worst run instead of the median. */
  judge?: 'max';
}

/** The table's rows, in order. The smoke test checks that each one has a value. */
export const FIGURES: readonly FigureDef[] = [
  { key: 'log.health.rps.logged', label: '/health req/s, logging on (200 conn)', unit: 'req/s' },
  { key: 'log.health.rps.unlogged', label: '/health req/s, logging off', unit: 'req/s' },
  { key: 'log.health.rps.plain', label: '/health req/s, plain node:http', unit: 'req/s' },
  { key: 'log.health.ratio', label: '/health logged ÷ unlogged', unit: '×', goal: { op: '>=', value: 0.85 } },
  { key: 'log.health.ratioPlain', label: '/health logged ÷ plain node:http', unit: '×' },
  { key: 'log.health.p50.logged', label: '/health p50, logging on (200 conn)', unit: 'ms' },
  { key: 'log.health.p99.logged', label: '/health p99, logging on (200 conn)', unit: 'ms', goal: { op: '<', value: 150 } },
  { key: 'log.health.p99.unlogged', label: '/health p99, logging off (200 conn)', unit: 'ms' },
  { key: 'log.statusNone.rps.logged', label: 'session status, no session (400) req/s, logging on', unit: 'req/s' },
  { key: 'log.statusNone.rps.unlogged', label: 'session status, no session (400) req/s, logging off', unit: 'req/s' },
  { key: 'log.statusNone.ratio', label: 'session status, no session: logged ÷ unlogged', unit: '×', goal: { op: '>=', value: 0.85 } },
  { key: 'log.statusNone.p99.logged', label: 'session status, no session p99, logging on', unit: 'ms', goal: { op: '<', value: 150 } },
  { key: 'log.status.rps.logged', label: 'session status (200) req/s, logging on', unit: 'req/s' },
  { key: 'log.status.rps.unlogged', label: 'session status (200) req/s, logging off', unit: 'req/s' },
  { key: 'log.status.rps.plain', label: 'session status (200) req/s, plain node:http', unit: 'req/s' },
  { key: 'log.status.ratio', label: 'session status logged ÷ unlogged', unit: '×', goal: { op: '>=', value: 0.85 } },
  { key: 'log.status.ratioPlain', label: 'session status logged ÷ plain node:http', unit: '×' },
  { key: 'log.status.p50.logged', label: 'session status p50, logging on', unit: 'ms' },
  { key: 'log.status.p99.logged', label: 'session status p99, logging on', unit: 'ms', goal: { op: '<', value: 150 } },
  { key: 'open.health.p99.logged', label: '/health p99 at 1,000 req/s open loop, logging on', unit: 'ms', goal: { op: '<', value: 10 } },
  { key: 'open.health.p99.unlogged', label: '/health p99 at 1,000 req/s open loop, logging off', unit: 'ms' },
  { key: 'open.status.p99.logged', label: 'session status p99 at 1,000 req/s open loop, logging on', unit: 'ms', goal: { op: '<', value: 10 } },
  { key: 'log.rows.lost', label: 'request_log rows lost after SIGTERM', unit: 'rows', goal: { op: '=', value: 0 } },
  { key: 'log.rows.written', label: 'request_log rows after SIGTERM (= requests the server counted)', unit: 'rows' },
  { key: 'log.buffer.maxLagMs', label: 'write buffer max lag, depth ÷ rate (flush interval 250 ms), goal on the worst run', unit: 'ms', goal: { op: '<=', value: 250 }, judge: 'max' },
  { key: 'log.buffer.maxDepth', label: 'write buffer max depth seen by /health', unit: 'rows' },
  { key: 'mem.peakRss.logged', label: 'server peak RSS (VmHWM), logging on', unit: 'MB', goal: { op: '<', value: 256 } },
  { key: 'mem.peakRss.unlogged', label: 'server peak RSS (VmHWM), logging off', unit: 'MB' },
  { key: 'engine.rps', label: 'load engine (tools/lib) /health req/s, 200 conn', unit: 'req/s' },
  { key: 'engine.autocannonRps', label: 'autocannon /health req/s, 200 conn', unit: 'req/s' },
  { key: 'engine.ratio', label: 'load engine ÷ autocannon', unit: '×', goal: { op: '>=', value: 0.8 } },
  { key: 'seed.seconds', label: 'seeding the scale data set', unit: 's' },
  { key: 'stats.uncached.unrolled', label: 'devnet-stats first answer, nothing rolled up (worst case)', unit: 'ms' },
  { key: 'stats.uncached', label: 'devnet-stats first (uncached) answer, rolled steady state', unit: 'ms', goal: { op: '<', value: 50 } },
  { key: 'stats.cachedP99', label: 'devnet-stats cached p99 (10 conn)', unit: 'ms' },
  { key: 'rollup.hour', label: 'rollup of one hour of requests', unit: 'ms', goal: { op: '<', value: 1000 } },
  { key: 'rollup.catchUp', label: 'rollup catch-up of the whole data set', unit: 'ms', goal: { op: '<', value: 5000 } },
  { key: 'rollup.catchUpLoopDelayMax', label: 'event-loop delay max during catch-up, goal on the worst run', unit: 'ms', goal: { op: '<=', value: 50 }, judge: 'max' },
  { key: 'rollup.catchUpHealthMax', label: '/health max latency during catch-up (in-process poller)', unit: 'ms' },
  { key: 'rollup.idempotent', label: 'second rollup run (nothing to do)', unit: 'ms' },
];

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
