// The tools' own concurrency limiter: at most `max` tasks in flight, FIFO for the rest.
//
// Why not p-limit: its current line (v7) is ESM-only, which jest's CommonJS runtime (the proof gates import this
// file) cannot load, and it is not faster where the tools use a limiter (sign-in, and load-test's one pass). Measured
// once on the 2-core dev machine, 500,000 setImmediate tasks at bound 200, three rounds each, same process: this file
// 5.4–6.7 s, p-limit 7.3.3 6.0–16.4 s; p-limit 3.1.0 (the last CommonJS line) 12.0–16.4 s against 4.5–8.6 s here.
// The timed devnet:load mix does not go through a limiter at all: it runs `runWorkers` (closed-loop workers).

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** The most tasks that ever ran at once (the harness proof checks it never exceeds the bound). */
  readonly peak: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter bound must be a positive integer, got ${max}`);
  // A growing array with a moving head avoids Array.shift's O(n) copy under deep queues.
  let queue: (() => void)[] = [];
  let head = 0;
  let active = 0;
  let peak = 0;

  const release = (): void => {
    active--;
    if (head < queue.length) {
      const next = queue[head++];
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      next();
    }
  };

  const start = <T>(task: () => Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void): void => {
    active++;
    if (active > peak) peak = active;
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (err) {
      release();
      reject(err);
      return;
    }
    promise.then(
      (value) => {
        release();
        resolve(value);
      },
      (err: unknown) => {
        release();
        reject(err);
      },
    );
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (active < max) start(task, resolve, reject);
        else queue.push(() => start(task, resolve, reject));
      });
    },
    get active() {
      return active;
    },
    get peak() {
      return peak;
    },
    get waiting() {
      return queue.length - head;
    },
  };
}

/**
 * Time-bound loops: exactly `count` workers, each awaiting one request at a time, so the number in flight can never
 * exceed `count` (a closed loop, like autocannon's connections).
 */
export async function runWorkers(count: number, body: (worker: number) => Promise<void>): Promise<void> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`worker count must be a positive integer, got ${count}`);
  const all: Promise<void>[] = new Array(count);
  for (let w = 0; w < count; w++) all[w] = body(w);
  await Promise.all(all);
}
