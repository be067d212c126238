// The bench's verdict lines: which goals a run missed, and where the measured cause of each is written down.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSES, FIGURES, Recorder } from './figures';
import { figureReports, missedGoals, missesText } from './report';

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'performance.md'), 'utf8');
const CAUSES_SECTION = DOC.slice(DOC.indexOf('## Measured causes of the misses'));

describe('bench misses', () => {
  it('names only goal-bearing figures, and every named cause is a bullet of the causes section', () => {
    expect(DOC).toContain('## Measured causes of the misses');
    for (const [key, byDriver] of Object.entries(CAUSES)) {
      const figure = FIGURES.find((f) => f.key === key);
      expect({ key, goal: Boolean(figure?.goal) }).toEqual({ key, goal: true });
      for (const bullet of Object.values(byDriver)) expect({ key, found: CAUSES_SECTION.includes(`\n- **${bullet}**`) }).toEqual({ key, found: true });
    }
  });

  it('lists each missed goal per driver with its cause, judges "never more than" goals on the worst run, skips met ones', () => {
    const rec = new Recorder();
    for (const v of [0.8, 0.82, 0.9]) rec.add('sqlite', 'path.health.vsBare', v); // median 0.82: missed
    for (const v of [0.9, 0.86, 0.95]) rec.add('postgres', 'path.health.vsBare', v); // median 0.9: met
    for (const v of [20, 30, 70]) rec.add('sqlite', 'log.buffer.maxLagMs', v); // median met, worst run missed
    for (const v of [160, 170, 180]) rec.add('sqlite', 'path.health.p99', v); // missed, no cause on record
    rec.add('sqlite', 'log.rows.lost', 0); // met
    const misses = missedGoals(figureReports(rec));
    expect(misses.map((m) => [m.driver, m.key, m.value, m.cause])).toEqual([
      ['sqlite', 'path.health.vsBare', 0.82, 'Throughput ÷ bare NestJS'],
      ['sqlite', 'path.health.p99', 170, null],
      ['sqlite', 'log.buffer.maxLagMs', 70, 'Buffer lag'],
    ]);
    const text = missesText(misses).split('\n');
    expect(text).toHaveLength(4);
    expect(text[1]).toBe('- SQLite, /health ÷ bare NestJS /health: 0.82, goal ≥ 0.85 — measured cause: "Throughput ÷ bare NestJS"');
    expect(text[2]).toMatch(/^- SQLite, \/health p99 \(closed loop\): 170 ms, goal < 150 ms — no measured cause on record/);
    expect(missesText([])).toBe('Every goal met.');
  });
});
