// dudect's measurement loop (Reparaz, Balasch, Verbauwhede, DATE 2017, §2; github.com/oreparaz/dudect):
// per measurement, draw the class at random, lay out the inputs (untimed), time k calls with
// process.hrtime.bigint(), and feed the time to a battery of Welch t-tests. The first measurements
// only warm the JIT and set the cropping thresholds; they are not tested.

import { randomFillSync } from 'node:crypto';
import { Battery, cropThresholds } from './welch.js';
import type { Prepared, Target } from './targets.js';

export interface Options {
  /** Time budget for this target, seconds (after warm-up). */
  seconds: number;
  /** Aim for a measurement of about this many µs (the batch size k adapts; k ≥ 1). */
  measurementUs: number;
}

export interface Checkpoint { measurements: number; t: number; test: string }

export interface Result {
  op: string;
  kind: Target['kind'];
  fixed: string;
  batch: number;
  /** Measurements per class (the smaller class) in the uncropped test. */
  measurements: number;
  nsPerCall: number;
  /** Largest |t| over the battery, with its sign, and which test gave it. */
  t: number;
  test: string;
  /** The worst t as measurements grew (at 1000 · 2^j per class, then the end). */
  growth: Checkpoint[];
}

const WARMUP = 500;
const PERCENTILE_SAMPLE = 2000;
const CROPS = 10;
const CHUNK = 256;

const hr = () => process.hrtime.bigint();

async function timeOnce(p: Prepared, k: number, secrets: Uint8Array): Promise<number> {
  const len = p.secretLength;
  for (let s = 0; s < k; s++) p.load(s, secrets.subarray(s * len, (s + 1) * len));
  const t0 = hr();
  const r = p.run(k);
  if (r instanceof Promise) await r;
  return Number(hr() - t0);
}

/** Picks k so that one measurement takes about `us` µs. */
async function calibrate(p: Prepared, us: number, maxBatch: number): Promise<number> {
  let k = 1;
  for (;;) {
    const samples: number[] = [];
    const secrets = new Uint8Array(k * p.secretLength);
    for (let s = 0; s < k; s++) p.secret(1, secrets.subarray(s * p.secretLength, (s + 1) * p.secretLength));
    for (let i = 0; i < 15; i++) samples.push(await timeOnce(p, k, secrets));
    const median = samples.sort((a, b) => a - b)[7] / 1000;
    if (median >= us || k >= maxBatch) return k;
    k = Math.min(maxBatch, Math.max(k + 1, Math.round((k * us) / Math.max(median, 0.01))));
  }
}

/** Runs the fixed-vs-random test on one target for `options.seconds`. */
export async function measure(target: Target, options: Options, maxBatch = 64): Promise<Result> {
  const p = await target.prepare(maxBatch);
  const k = await calibrate(p, options.measurementUs, maxBatch);
  const bits = new Uint8Array(CHUNK);
  const per = k * p.secretLength;
  const secrets = new Uint8Array(CHUNK * per);
  const draw = async (n: number, each: (x: number, cls: 0 | 1) => void) => {
    for (let done = 0; done < n; done += CHUNK) {
      // dudect prepare_inputs: classes and secrets of the whole chunk first, then the timings.
      randomFillSync(bits);
      for (let i = 0; i < CHUNK * k; i++) {
        p.secret((bits[Math.floor(i / k)] & 1) as 0 | 1, secrets.subarray(i * p.secretLength, (i + 1) * p.secretLength));
      }
      for (let i = 0; i < CHUNK && done + i < n; i++) {
        each(await timeOnce(p, k, secrets.subarray(i * per, (i + 1) * per)), (bits[i] & 1) as 0 | 1);
      }
    }
  };
  await draw(WARMUP, () => {});
  const first: number[] = [];
  await draw(PERCENTILE_SAMPLE, (x) => first.push(x));
  const battery = new Battery(cropThresholds(first, CROPS));

  const growth: Checkpoint[] = [];
  let next = 1000;
  const deadline = performance.now() + options.seconds * 1000;
  let total = 0;
  let calls = 0;
  while (performance.now() < deadline) {
    await draw(CHUNK, (x, cls) => { battery.push(x, cls); total += x; calls += k; });
    const n = battery.tests[0].count;
    if (n >= next) {
      const w = battery.worst();
      growth.push({ measurements: n, t: w.t, test: w.test });
      next *= 2;
    }
  }
  const w = battery.worst();
  const n = battery.tests[0].count;
  if (growth.at(-1)?.measurements !== n) growth.push({ measurements: n, t: w.t, test: w.test });
  return {
    op: target.op, kind: target.kind, fixed: target.fixed, batch: k, measurements: n,
    nsPerCall: total / Math.max(calls, 1), t: w.t, test: w.test, growth,
  };
}

/** |t| < 4.5: no leak detected (TVLA, Goodwill et al. 2011); ≥ 10: dudect's "definitely not constant time". */
export function verdict(t: number): 'ok' | 'suspect' | 'LEAK' {
  const a = Math.abs(t);
  return a < 4.5 ? 'ok' : a < 10 ? 'suspect' : 'LEAK';
}
