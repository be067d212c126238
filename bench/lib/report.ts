// The benchmark's outputs: one Markdown table (median and min–max per figure, goal, met) and the JSON report.
import { CAUSES, Driver, FIGURES, FigureDef, meets, Phase, Recorder, Summary } from './figures';

export interface DriverStatus {
  sqlite: 'measured' | 'failed';
  postgres: 'measured' | 'failed' | 'skipped';
}

export interface FigureReport extends FigureDef {
  sqlite: Summary | null;
  postgres: Summary | null;
  met: { sqlite: boolean | null; postgres: boolean | null };
}

export function figureReports(rec: Recorder): FigureReport[] {
  return FIGURES.map((f) => {
    const sqlite = rec.summary('sqlite', f.key);
    const postgres = rec.summary('postgres', f.key);
    const met = (s: Summary | null) => (f.goal && s ? meets(f.goal, f.judge === 'max' ? s.max : s.median) : null);
    return { ...f, sqlite, postgres, met: { sqlite: met(sqlite), postgres: met(postgres) } };
  });
}

function fmt(unit: string, v: number): string {
  if (unit === '×') return v.toFixed(2);
  if (unit === 'ms') return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
  if (unit === 'MB' || unit === 's') return v.toFixed(1);
  if (unit === '%') return v.toFixed(2);
  return Math.round(v).toLocaleString('en-US');
}

function cell(f: FigureDef, s: Summary | null, status: string): string {
  if (!s) return status === 'skipped' ? 'skipped' : '—';
  const value = fmt(f.unit, s.median);
  return s.samples.length > 1 && s.min !== s.max ? `${value} (${fmt(f.unit, s.min)}–${fmt(f.unit, s.max)})` : value;
}

function goalText(f: FigureDef): string {
  if (!f.goal) return '';
  const op = { '<': '<', '<=': '≤', '>=': '≥', '=': '=' }[f.goal.op];
  return `${op} ${f.goal.value} ${f.unit === '×' ? '' : f.unit}`.trim();
}

function metText(r: FigureReport, drivers: DriverStatus): string {
  const mark = (m: boolean | null) => (m === null ? '—' : m ? '✅' : '❌');
  if (!r.goal) return '';
  return drivers.postgres === 'measured' ? `${mark(r.met.sqlite)} / ${mark(r.met.postgres)}` : mark(r.met.sqlite);
}

export function markdownTable(reports: FigureReport[], drivers: DriverStatus, runs: number): string {
  const pgHeader = drivers.postgres === 'skipped' ? 'PostgreSQL (skipped: --pg or TELEMETRY_DB_URL)' : 'PostgreSQL';
  const lines = [
    `| figure (median of ${runs}, min–max) | unit | SQLite | ${pgHeader} | goal | met |`,
    '|---|---|---|---|---|---|',
  ];
  for (const r of reports) {
    lines.push(`| ${r.label} | ${r.unit} | ${cell(r, r.sqlite, drivers.sqlite)} | ${cell(r, r.postgres, drivers.postgres)} | ${goalText(r)} | ${metText(r, drivers)} |`);
  }
  return lines.join('\n');
}

/** Figures of the phases that ran that have no value (a phase failed part-way). */
export function missingFigures(reports: FigureReport[], drivers: DriverStatus, phases: Phase[]): string[] {
  const wanted: Driver[] = drivers.postgres === 'skipped' ? ['sqlite'] : ['sqlite', 'postgres'];
  return reports.filter((r) => phases.includes(r.phase)).flatMap((r) => wanted.filter((d) => r[d] === null).map((d) => `${d} ${r.key}`));
}

export interface Miss {
  driver: Driver;
  key: string;
  label: string;
  /** The judged value: the median, or the worst run for a "never more than" goal. */
  value: number;
  goal: string;
  /** The bullet of docs/performance.md that names the measured cause; null when none is on record. */
  cause: string | null;
}

/** Every goal the run missed, per driver, with where its measured cause is written down. */
export function missedGoals(reports: FigureReport[]): Miss[] {
  const misses: Miss[] = [];
  for (const r of reports) {
    for (const driver of ['sqlite', 'postgres'] as const) {
      const s = r[driver];
      if (r.met[driver] !== false || !s) continue;
      const value = r.judge === 'max' ? s.max : s.median;
      misses.push({ driver, key: r.key, label: r.label, value, goal: goalText(r), cause: CAUSES[r.key]?.[driver] ?? null });
    }
  }
  return misses;
}

export function missesText(misses: Miss[]): string {
  if (misses.length === 0) return 'Every goal met.';
  const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
  return [
    'Missed goals, each with the bullet of docs/performance.md ("Measured causes of the misses") that gives its measured cause and profile:',
    ...misses.map((m) => {
      const where = m.cause ? `measured cause: "${m.cause}"` : 'no measured cause on record: profile it and write it down there';
      const f = FIGURES.find((x) => x.key === m.key)!;
      return `- ${name[m.driver]}, ${m.label}: ${fmt(f.unit, m.value)}${f.unit === '×' ? '' : ` ${f.unit}`}, goal ${m.goal} — ${where}`;
    }),
  ].join('\n');
}
