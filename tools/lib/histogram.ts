// Per-endpoint latency recording with HdrHistogram (µs resolution, 3 significant digits), plus the
// coordinated-omission-corrected view: a closed-loop client that waits on a stalled request does not send the
// requests it would have sent meanwhile, so raw percentiles hide stalls; hdr's correction back-fills them.
import * as hdr from 'hdr-histogram-js';
import { EMPTY_SUMMARY, LatencySummary, round2 } from './percentiles';

type Histogram = ReturnType<typeof hdr.build>;

const US_PER_MS = 1000;
const MAX_TRACKABLE_US = 3_600_000_000; // one hour

export interface LatencyFigures extends LatencySummary {
  /** Percentiles after hdr's coordinated-omission correction (expected interval = `expectedIntervalMs`). */
  corrected: { p50: number; p95: number; p99: number; max: number };
  expectedIntervalMs: number;
}

export class LatencyRecorder {
  private readonly histogram: Histogram = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
  private sumUs = 0;
  /** Exact, unlike hdr's bucket-rounded values: percentiles are clamped to it so that P99 ≤ Max always holds. */
  private maxUs = 0;

  /** Records one latency in milliseconds (fractional allowed). */
  record(ms: number): void {
    const us = Math.max(1, Math.round(ms * US_PER_MS));
    this.histogram.recordValue(us);
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Adds every sample of another recorder (for the all-endpoints row). */
  addFrom(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
    this.sumUs += other.sumUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  /**
   * Figures in ms. The correction needs the interval at which a worker would have issued requests had nothing
   * stalled; for a closed loop that is its typical service time, so the raw median is used unless one is given.
   */
  figures(expectedIntervalMs?: number): LatencyFigures {
    const n = this.histogram.totalCount;
    if (n === 0) {
      return { ...EMPTY_SUMMARY, corrected: { p50: 0, p95: 0, p99: 0, max: 0 }, expectedIntervalMs: 0 };
    }
    const at = (h: Histogram, p: number, maxUs: number): number => round2(Math.min(h.getValueAtPercentile(p), maxUs) / US_PER_MS);
    const intervalUs = Math.max(1, Math.round((expectedIntervalMs ?? this.histogram.getValueAtPercentile(50) / US_PER_MS) * US_PER_MS));
    // hdr back-fills from each bucket's highest equivalent value, so corrected figures can sit up to one bucket
    // width of the largest sample (≤ 0.1 % of it) above an exact back-fill.
    const corrected = this.histogram.copyCorrectedForCoordinatedOmission(intervalUs);
    // Back-filled samples all lie below the largest real one, so the exact max bounds the corrected figures too.
    const correctedMaxUs = this.maxUs;
    const figures: LatencyFigures = {
      count: n,
      avg: round2(this.sumUs / n / US_PER_MS),
      p50: at(this.histogram, 50, this.maxUs),
      p95: at(this.histogram, 95, this.maxUs),
      p99: at(this.histogram, 99, this.maxUs),
      max: round2(this.maxUs / US_PER_MS),
      corrected: {
        p50: at(corrected, 50, correctedMaxUs),
        p95: at(corrected, 95, correctedMaxUs),
        p99: at(corrected, 99, correctedMaxUs),
        max: round2(correctedMaxUs / US_PER_MS),
      },
      expectedIntervalMs: round2(intervalUs / US_PER_MS),
    };
    corrected.destroy();
    return figures;
  }
}
