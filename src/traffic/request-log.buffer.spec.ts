import { PrometheusService } from '../metrics/prometheus.service';
import { REQUEST_LOG_HIGH_WATER, RequestLogBuffer } from './request-log.buffer';
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

  it('takes the oldest rows first and puts the unwritten ones back in front, in order', () => {
    for (let i = 0; i < 5; i++) sut.push(row(i));
    const batch = sut.take(3);
    expect(batch.rows.map((r) => r.ts)).toEqual([0, 1, 2]);
    sut.push(row(5));
    sut.recordWritten(batch, 1);
    expect(sut.release(batch)).toBe(2);
    expect(sut.take(100).rows.map((r) => r.ts)).toEqual([1, 2, 3, 4, 5]);
    expect(sut.stats()).toMatchObject({ written: 1, dropped: 0 });
  });

  it('counts rows held by the writer in the depth until they are written or released', () => {
    for (let i = 0; i < 10; i++) sut.push(row(i));
    const batch = sut.take(6);
    expect(sut.stats()).toMatchObject({ depth: 10, queued: 4, inWriter: 6 });
    sut.recordWritten(batch, 4);
    expect(sut.stats()).toMatchObject({ depth: 6, queued: 4, inWriter: 2 });
    sut.setSpillPending(7);
    expect(sut.stats()).toMatchObject({ depth: 13, spillPending: 7 });
    sut.release(batch);
    expect(sut.stats()).toMatchObject({ depth: 13, queued: 6, inWriter: 0 });
  });

  it('takeAll hands over the queue and the unwritten rows of held batches; their late release changes nothing', () => {
    for (let i = 0; i < 5; i++) sut.push(row(i));
    const batch = sut.take(3);
    sut.recordWritten(batch, 1);
    sut.push(row(5));
    expect(sut.takeAll().map((r) => r.ts)).toEqual([1, 2, 3, 4, 5]);
    sut.recordWritten(batch, 2);
    expect(sut.release(batch)).toBe(0);
    expect(sut.stats()).toMatchObject({ depth: 0, written: 1 });
  });

  it('counts what no longer fits after a release', () => {
    for (let i = 0; i < 2; i++) sut.push(row(-2 + i));
    const batch = sut.take(2);
    for (let i = 0; i < sut.capacity - 1; i++) sut.push(row(i));
    sut.release(batch);
    expect(sut.stats()).toMatchObject({ depth: sut.capacity, dropped: 1 });
  });

  it('wakes the writer once when the high-water mark is reached', () => {
    let wakes = 0;
    sut.onHighWater(() => wakes++);
    for (let i = 0; i < REQUEST_LOG_HIGH_WATER + 100; i++) sut.push(row(i));
    expect(wakes).toBe(1);
  });

  it('exposes depth, dropped and written in the Prometheus registry', async () => {
    const prometheus = new PrometheusService();
    const buffer = new RequestLogBuffer(prometheus);
    for (let i = 0; i < 9; i++) buffer.push(row(i));
    const batch = buffer.take(8);
    buffer.recordWritten(batch, 7);
    buffer.recordSpilled(3);
    buffer.recordReplayed(4, 1);
    const text = await prometheus.exposition();
    expect(text).toContain('bloom_request_log_buffer_depth 2');
    expect(text).toContain('bloom_request_log_in_writer 1');
    expect(text).toContain('bloom_request_log_written_total 7');
    expect(text).toContain('bloom_request_log_dropped_total 0');
    expect(text).toContain('bloom_request_log_spilled_total 3');
    expect(text).toContain('bloom_request_log_replayed_total 4');
  });
});
