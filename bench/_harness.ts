// Timing harness: warm up, then time batches and report the median µs per operation.
// Benchmarks never live in tests; this runs only from `npm run bench`.

export interface BenchCase {
  /** Operation name, e.g. `sha256-1k` (stable: JSON consumers key on it). */
  op: string;
  /** Implementation name: `keyprint`, `node`, `webcrypto`, `noble`, `hash-wasm`, `libsodium`. */
  impl: string;
  /** Returns the function to time (setup cost excluded). Async functions are awaited per call. */
  setup: () => Promise<() => unknown> | (() => unknown);
}

/** A performance bar from an issue: keyprint's time ÷ the peer's time must be ≤ max. */
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

/** Median µs/op of `batches` batches, after an adaptive warm-up that also sizes the batch. */
export async function measure(fn: () => unknown, timing: Timing): Promise<number> {
  const isAsync = fn() instanceof Promise;
  const run = isAsync
    ? async (n: number) => { for (let i = 0; i < n; i++) await fn(); }
    : (n: number) => { for (let i = 0; i < n; i++) fn(); };
  let n = 1;
  for (;;) {
    const t0 = now();
    await run(n);
    const dt = now() - t0;
    if (dt >= timing.batchMs) break;
    n = Math.max(n * 2, Math.ceil((n * timing.batchMs) / Math.max(dt, 0.01)));
  }
  const samples: number[] = [];
  for (let b = 0; b < timing.batches; b++) {
    const t0 = now();
    await run(n);
    samples.push(((now() - t0) * 1000) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}
