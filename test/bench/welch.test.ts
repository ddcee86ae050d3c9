// Welch's t of the constant-time harness (bench/ct/welch.ts) against known values: the two worked
// examples of the Wikipedia article "Welch's t-test" (t = −2.46 and −1.57), to full precision from
// scipy.stats.ttest_ind(a, b, equal_var=False) (scipy 1.17.1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Battery, cropThresholds, WelchTest, welchT } from '../../bench/ct/welch.js';
import { fcSeed } from '../_util.js';

const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
const B1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const B2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];

function online(a: number[], b: number[]): number {
  const w = new WelchTest();
  // interleaved, as the harness feeds it
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) w.push(a[i], 0);
    if (i < b.length) w.push(b[i], 1);
  }
  return w.t();
}

describe('Welch t', () => {
  it('scipy / Wikipedia example 1 (equal sizes)', () => {
    expect(welchT(A1, A2)).toBeCloseTo(-2.455356398286006, 12);
    expect(online(A1, A2)).toBeCloseTo(-2.455356398286006, 12);
  });

  it('scipy / Wikipedia example 2 (unequal sizes and variances)', () => {
    expect(welchT(B1, B2)).toBeCloseTo(-1.5654335235985037, 12);
    expect(online(B1, B2)).toBeCloseTo(-1.5654335235985037, 12);
    expect(online(B2, B1)).toBeCloseTo(1.5654335235985037, 12);
  });

  it('online (Welford) equals two-pass on random integer samples (nanosecond timings), with large offsets', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 3, maxLength: 200 });
    fc.assert(fc.property(sample, sample, fc.integer({ min: 0, max: 1e9 }), (a, b, offset) => {
      fc.pre(new Set(a).size > 1 && new Set(b).size > 1); // both variances non-zero
      const ref = welchT(a, b); // exact enough without the offset
      const t = online(a.map((x) => x + offset), b.map((x) => x + offset));
      expect(Math.abs(t - ref)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref)));
    }), { seed: fcSeed, numRuns: 300 });
  });

  it('is 0 until each class has two samples', () => {
    const w = new WelchTest();
    w.push(1, 0); w.push(2, 0); w.push(3, 1);
    expect(w.t()).toBe(0);
  });

  it('cropThresholds are dudect percentiles: 1 − 0.5^(10(i+1)/n)', () => {
    const sample = Array.from({ length: 1000 }, (_, i) => 999 - i);
    expect(cropThresholds(sample, 2)).toEqual([968, 999]); // p = 0.96875, 0.9990234375
    expect(cropThresholds(sample, 10)[0]).toBe(500); // p = 0.5
  });

  it('Battery flags a shifted class and not two draws of one distribution', () => {
    let s = 1;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const same = new Battery(cropThresholds(Array.from({ length: 1000 }, rand), 5));
    const shifted = new Battery(cropThresholds(Array.from({ length: 1000 }, rand), 5));
    for (let i = 0; i < 20000; i++) {
      const cls = (i & 1) as 0 | 1;
      same.push(rand(), cls);
      shifted.push(rand() + (cls ? 0.05 : 0), cls);
    }
    expect(Math.abs(same.worst().t)).toBeLessThan(4.5);
    expect(Math.abs(shifted.worst().t)).toBeGreaterThan(10);
  });
});
