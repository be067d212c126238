// The tools use the product's own percentile math (one definition for tools and report).
export { EMPTY_SUMMARY, percentileOfSorted, round2, summarize } from '../../src/reports/percentiles';
export type { LatencySummary } from '../../src/reports/percentiles';
