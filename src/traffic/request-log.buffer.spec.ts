import { PrometheusService } from '../metrics/prometheus.service';
import { RequestLogBuffer } from './request-log.buffer';
import { RequestLogRow } from './request-log-row';

const row = (ts: number): RequestLogRow => ({ ts, method: 'GET', route: '/x', status: 200, durationMs: 1, userHash: null, runId: null, correlationId: null, errorCode: null });

describe('RequestLogBuffer', () => {
  let sut: RequestLogBuffer;
  beforeEach(() => {
    sut = new RequestLogBuffer(new PrometheusService());
  });

  it('counts overflow as dropped instead of growing without bound', () => {
    for (let i = 0; i < sut.capacity + 3; i++) sut.push(row(i));
    expect(sut.stats()).toMatchObject({ depth: sut.capacity, dropped: 3 });
  });

  it('takes the oldest rows first and puts failed rows back in front, in order', () => {
    for (let i = 0; i < 5; i++) sut.push(row(i));
    const batch = sut.take(3);
    expect(batch.map((r) => r.ts)).toEqual([0, 1, 2]);
    sut.push(row(5));
    sut.requeue(batch);
    expect(sut.take(100).map((r) => r.ts)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sut.stats()).toMatchObject({ depth: 0, dropped: 0 });
  });

  it('counts what no longer fits after a requeue', () => {
    const batch = [row(-2), row(-1)];
    for (let i = 0; i < sut.capacity - 1; i++) sut.push(row(i));
    sut.requeue(batch);
    expect(sut.stats()).toMatchObject({ depth: sut.capacity, dropped: 1 });
  });

  it('wakes the writer once when the high-water mark is reached', () => {
    let wakes = 0;
    sut.onHighWater(() => wakes++);
    for (let i = 0; i < 6_000; i++) sut.push(row(i));
    expect(wakes).toBe(1);
  });

  it('exposes depth, dropped and written in the Prometheus registry', async () => {
    const prometheus = new PrometheusService();
    const buffer = new RequestLogBuffer(prometheus);
    buffer.push(row(1));
    buffer.recordWritten(7);
    const text = await prometheus.exposition();
    expect(text).toContain('bloom_request_log_buffer_depth 1');
    expect(text).toContain('bloom_request_log_written_total 7');
    expect(text).toContain('bloom_request_log_dropped_total 0');
  });
});
