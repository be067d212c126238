// Smoke of `npm run bench`: the quick mode runs every phase (request path with its anchors, the devnet:load scenario,
// devnet-stats and rollups at scale) end to end and emits a complete, valid JSON report.
// Asserts nothing about time (the figures depend on the machine); only that each figure was measured.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FIGURES, PHASES } from '../bench/lib/figures';

const ROOT = resolve(__dirname, '..');

interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

describe('npm run bench (quick smoke)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'bloom-bench-smoke-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('measures every figure, prints the table and writes reports/bench-<date>.json', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.TELEMETRY_DB_URL;
      execFile(
        join(ROOT, 'node_modules', '.bin', 'ts-node'),
        ['--transpile-only', join(ROOT, 'bench', 'run.ts'), '--quick', `--out-dir=${outDir}`],
        { cwd: ROOT, env, timeout: 420_000, maxBuffer: 10 * 1024 * 1024 },
        (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });

    const files = readdirSync(outDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^bench-\d{4}-\d{2}-\d{2}T[\d-]+Z\.json$/);
    const report = JSON.parse(readFileSync(join(outDir, files[0]), 'utf8')) as {
      mode: string;
      phases: string[];
      drivers: { sqlite: string; postgres: string };
      missing: string[];
      misses: { driver: string; key: string; cause: string | null }[];
      figures: { key: string; sqlite: Summary | null; postgres: Summary | null }[];
      table: string;
    };
    expect(report.mode).toBe('quick');
    expect(report.phases).toEqual([...PHASES]);
    expect(report.drivers).toEqual({ sqlite: 'measured', postgres: 'skipped' });
    expect(report.missing).toEqual([]);
    expect(report.figures.map((f) => f.key)).toEqual(FIGURES.map((f) => f.key));
    for (const f of report.figures) {
      const s = f.sqlite!;
      expect({ key: f.key, finite: [s.median, s.min, s.max].every(Number.isFinite) }).toEqual({ key: f.key, finite: true });
      expect(s.min).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.max);
      expect(f.postgres).toBeNull();
    }
    // Every missed goal is in the report and on stdout below the table (a quick run on any machine misses some or none).
    expect(Array.isArray(report.misses)).toBe(true);
    expect(run.stdout).toContain(report.misses.length === 0 ? 'Every goal met.' : 'Missed goals, each with the bullet of docs/performance.md');
    for (const m of report.misses) expect(FIGURES.find((f) => f.key === m.key)?.goal).toBeDefined();
    // The one table on stdout is the one in the report, a row per figure.
    expect(run.stdout).toContain(report.table);
    expect(report.table.split('\n')).toHaveLength(FIGURES.length + 2);
  }, 450_000);
});
