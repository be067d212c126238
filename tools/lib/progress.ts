// Live progress: a cli-progress bar on a terminal, one plain line every few seconds otherwise (CI logs, pipes).
import { SingleBar } from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'off';

export interface ProgressSource {
  /** Units done so far (users signed in, seconds elapsed…). */
  done(): number;
  /** Extra figures for the line, e.g. "12034 req, 99.98% ok, 2405 req/s". */
  detail(): string;
}

export interface Progress {
  stop(): void;
}

const PLAIN_EVERY_MS = 5000;
const BAR_EVERY_MS = 250;

export function startProgress(
  label: string,
  total: number,
  source: ProgressSource,
  mode: ProgressMode = 'auto',
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Progress {
  const resolved = mode === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'off') return { stop() {} };
  if (resolved === 'bar') {
    const bar = new SingleBar({
      format: `${label} [{bar}] {value}/{total} | {detail}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { detail: '' });
    const timer = setInterval(() => bar.update(Math.min(source.done(), total), { detail: source.detail() }), BAR_EVERY_MS);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        bar.update(Math.min(source.done(), total), { detail: source.detail() });
        bar.stop();
      },
    };
  }
  const started = Date.now();
  const timer = setInterval(() => {
    write(`[${label}] ${Math.round((Date.now() - started) / 1000)}s ${Math.min(source.done(), total)}/${total} ${source.detail()}`);
  }, PLAIN_EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
