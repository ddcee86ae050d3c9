// Timing harness: warm up, then time batches and report the median µs per operation.
// Benchmarks never live in tests; this runs only from `npm run bench`, which starts Node with
// --no-liftoff: every WebAssembly module (keyprint's and the peers') is compiled by the optimising
// tier up front, so no op is timed while V8 is still tiering up in the background.

export interface BenchCase {
  /** Operation name, e.g. `sha256-1k` (stable: JSON consumers key on it). */
  op: string;
  /** Implementation name: `keyprint`, `node`, `webcrypto`, `noble`, `hash-wasm`, `libsodium`. */
  impl: string;
  /** Returns the function to time (setup cost excluded). Async functions are awaited per call. */
  setup: () => Promise<() => unknown> | (() => unknown);
}

/**
 * A performance bar from an issue: keyprint's time ÷ the peer's time must be ≤ max; or, with
 * `peer: 'µs'`, keyprint's own time must be ≤ max microseconds (a budget with no peer to compare).
 */
export interface Bar {
  op: string;
  peer: string;
  max: number;
}

export interface Suite {
  cases: BenchCase[];
  bars: Bar[];
}

export interface Timing {
  batches: number;
  /** Minimum time per batch in milliseconds; the batch size adapts to reach it. */
  batchMs: number;
}

const now = () => performance.now();

type Runner = (n: number) => unknown;

async function runner(fn: () => unknown): Promise<Runner> {
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  return isAsync
    ? async (n: number) => { for (let i = 0; i < n; i++) await fn(); }
    : (n: number) => { for (let i = 0; i < n; i++) fn(); };
}

/** Warms `run` up and returns the batch size that takes at least `batchMs`. */
async function calibrate(run: Runner, batchMs: number): Promise<number> {
  let n = 1;
  for (;;) {
    const t0 = now();
    await run(n);
    const dt = now() - t0;
    if (dt >= batchMs) return n;
    n = Math.max(n * 2, Math.ceil((n * batchMs) / Math.max(dt, 0.01)));
  }
}

/**
 * Median µs/op of each function. Batches are taken round-robin across the functions, so a burst of
 * load on a shared machine hits every implementation of an op alike instead of one of them.
 */
export async function measureAll(fns: Array<() => unknown>, timing: Timing): Promise<number[]> {
  const runs = await Promise.all(fns.map(runner));
  const sizes: number[] = [];
  for (const run of runs) sizes.push(await calibrate(run, timing.batchMs));
  const samples: number[][] = fns.map(() => []);
  for (let b = 0; b < timing.batches; b++) {
    for (let i = 0; i < runs.length; i++) {
      const t0 = now();
      await runs[i](sizes[i]);
      samples[i].push(((now() - t0) * 1000) / sizes[i]);
    }
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
}
