// Plain-text tables in Markdown pipe syntax: readable in a terminal and pasteable into a report.
import type { ErrorRow, StatsSnapshot } from './stats';

export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  // Text columns left-aligned, figures right-aligned.
  const numeric = headers.map((_, i) => cells.length > 0 && cells.every((r) => /^-?[\d.]+%?$/.test(r[i])));
  const line = (r: string[]): string =>
    `| ${r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

const ms = (v: number): string => v.toFixed(1);

export const ENDPOINT_HEADERS = ['Endpoint', 'Total', 'OK', 'Fail', 'OK%', 'Avg ms', 'P50', 'P95', 'P99', 'Max'];

export function endpointTable(s: StatsSnapshot): string {
  const rows = s.endpoints.map((e) => [
    e.endpoint, e.total, e.ok, e.fail, e.okPct.toFixed(2), ms(e.latency.avg), ms(e.latency.p50), ms(e.latency.p95), ms(e.latency.p99), ms(e.latency.max),
  ]);
  rows.push(['All', s.requests, s.ok, s.fail, s.okPct.toFixed(2), ms(s.latency.avg), ms(s.latency.p50), ms(s.latency.p95), ms(s.latency.p99), ms(s.latency.max)]);
  return renderTable(ENDPOINT_HEADERS, rows);
}

export function correctedTable(s: StatsSnapshot): string {
  const rows = s.endpoints.map((e) => [
    e.endpoint, ms(e.latency.expectedIntervalMs), ms(e.latency.p50), ms(e.latency.corrected.p50), ms(e.latency.p95), ms(e.latency.corrected.p95),
    ms(e.latency.p99), ms(e.latency.corrected.p99), ms(e.latency.corrected.max),
  ]);
  return renderTable(['Endpoint', 'Interval ms', 'P50', 'P50 cor', 'P95', 'P95 cor', 'P99', 'P99 cor', 'Max cor'], rows);
}

export function errorTable(errors: ErrorRow[]): string {
  if (errors.length === 0) return 'No errors.';
  return renderTable(
    ['Error', 'Count', 'Statuses', 'Endpoints'],
    errors.map((e) => [e.code, e.count, e.statuses.join(' '), e.endpoints.join(', ')]),
  );
}
