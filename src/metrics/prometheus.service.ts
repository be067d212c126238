// The service's own counters and latency histograms, exposed at GET /metrics (Prometheus text format).
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

@Injectable()
export class PrometheusService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'bloom_http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'bloom_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'bloom_' });
  }

  observeRequest(method: string, route: string, status: number, durationMs: number): void {
    this.httpRequests.inc({ method, route, status_class: `${Math.floor(status / 100)}xx` });
    this.httpDuration.observe({ method, route }, durationMs / 1000);
  }

  async exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
