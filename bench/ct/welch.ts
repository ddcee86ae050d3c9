// Welch's t-test, online (Welford's update), as dudect uses it to compare two timing classes
// (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant time?", DATE 2017, §2; reference
// code github.com/oreparaz/dudect, ttest.c). Numerically stable for millions of samples.

/** Running mean and sum of squared deviations of two classes (Welford 1962; Knuth TAOCP 2 §4.2.2). */
export class WelchTest {
  readonly n: [number, number] = [0, 0];
  private readonly mean: [number, number] = [0, 0];
  private readonly m2: [number, number] = [0, 0];

  /** Adds sample `x` to class 0 or 1. */
  push(x: number, cls: 0 | 1): void {
    const n = ++this.n[cls];
    const delta = x - this.mean[cls];
    this.mean[cls] += delta / n;
    this.m2[cls] += delta * (x - this.mean[cls]);
  }

  /** Running mean of class `cls`. */
  meanOf(cls: 0 | 1): number {
    return this.mean[cls];
  }

  /** Sample count of the smaller class. */
  get count(): number {
    return Math.min(this.n[0], this.n[1]);
  }

  /**
   * Welch's t = (m0 − m1) / sqrt(s0²/n0 + s1²/n1), with the unbiased sample variances.
   * @returns t; 0 while a class has fewer than 2 samples or both variances are zero
   */
  t(): number {
    const [n0, n1] = this.n;
    if (n0 < 2 || n1 < 2) return 0;
    const v0 = this.m2[0] / (n0 - 1);
    const v1 = this.m2[1] / (n1 - 1);
    const se = Math.sqrt(v0 / n0 + v1 / n1);
    return se === 0 ? 0 : (this.mean[0] - this.mean[1]) / se;
  }
}

/** Welch's t of two complete samples (two-pass; used by the unit test as an independent check). */
export function welchT(a: readonly number[], b: readonly number[]): number {
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const variance = (x: readonly number[], m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
  const ma = mean(a), mb = mean(b);
  return (ma - mb) / Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
}

/**
 * dudect's cropping thresholds: the p-th percentiles of the first measurements, for
 * p = 1 − 0.5^(10·(i+1)/count) (dudect.h, prepare_percentiles). A test restricted to measurements
 * below a threshold drops the long tail that interrupts and GC add on a loaded machine.
 */
export function cropThresholds(sample: readonly number[], count: number): number[] {
  const sorted = [...sample].sort((x, y) => x - y);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = 1 - 0.5 ** ((10 * (i + 1)) / count);
    out.push(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
  }
  return out;
}

/**
 * The battery dudect runs on each measurement: the uncropped test, one test per cropping
 * threshold, and a second-order test on the centred square of the uncropped samples (it catches a
 * difference in variance that the means do not show).
 */
export class Battery {
  readonly tests: WelchTest[];
  private readonly second = new WelchTest();
  private readonly firstOrder = new WelchTest();

  constructor(private readonly thresholds: readonly number[]) {
    this.tests = [this.firstOrder, ...thresholds.map(() => new WelchTest())];
  }

  push(x: number, cls: 0 | 1): void {
    this.firstOrder.push(x, cls);
    for (let i = 0; i < this.thresholds.length; i++) if (x < this.thresholds[i]) this.tests[i + 1].push(x, cls);
    // dudect: centred product x' = (x − mean)² against the running mean of the class so far.
    if (this.firstOrder.n[cls] > 10000) {
      const d = x - this.firstOrder.meanOf(cls);
      this.second.push(d * d, cls);
    }
  }

  /** The test with the largest |t| among those with enough samples (≥ 1000 samples per class, so one outlier cannot decide). */
  worst(): { t: number; n: number; test: string } {
    let best = { t: 0, n: this.firstOrder.count, test: 'all' };
    const all: Array<[string, WelchTest]> = [
      ['all', this.firstOrder],
      ...this.tests.slice(1).map((w, i): [string, WelchTest] => [`crop${i}`, w]),
      ['2nd-order', this.second],
    ];
    for (const [name, w] of all) {
      if (w.count < 1000) continue;
      const t = w.t();
      if (Math.abs(t) > Math.abs(best.t)) best = { t, n: w.count, test: name };
    }
    return best;
  }
}
