// `npm run bench:ct`: dudect-style fixed-vs-random timing test of every secret-dependent operation
// of the WASM core (and key unwrap), with a positive and a negative control. A benchmark, not a
// test: figures depend on the machine and its load. Method and thresholds: docs/SECURITY.md.
//
//   npm run bench:ct                 ~45 s per op (~8 min)
//   npm run bench:ct -- --quick      ~5 s per op (~1 min)
//   npm run bench:ct -- --only x25519,p256-sign --seconds 120 --json
//
// Runs under `tsx --no-liftoff`: the core is compiled by V8's optimising tier before the first
// call, so no measurement straddles a tier-up (bench/_harness.ts). Exit status 1 when a control
// misbehaves (the harness cannot be trusted on this machine), else 0 whatever the verdicts.

import os from 'node:os';
import { ready } from '../../src/core/index.js';
import { measure, verdict, type Result } from './measure.js';
import { TARGETS } from './targets.js';

function args(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  return {
    json: argv.includes('--json'),
    seconds: Number(get('--seconds') ?? (quick ? 5 : 45)),
    measurementUs: Number(get('--measurement-us') ?? 20),
    only: get('--only')?.split(','),
  };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

async function main(): Promise<void> {
  const opts = args(process.argv.slice(2));
  await ready(new URL('../../dist/core.wasm', import.meta.url));
  const targets = TARGETS.filter((t) => !opts.only || opts.only.includes(t.op));
  if (targets.length === 0) throw new Error(`no target named ${opts.only?.join(',')}; known: ${TARGETS.map((t) => t.op).join(', ')}`);
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg(), node: process.version };
  const log = (s: string) => { if (!opts.json) console.log(s); };
  log(`keyprint bench:ct — ${machine.cpus}× ${machine.model}, load ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}, node ${machine.node}`);
  log(`fixed-vs-random, Welch t over uncropped, 10 cropped and a 2nd-order test; |t| < 4.5 ok, ≥ 10 LEAK\n`);
  log('| op | batch k | measurements/class | ns/call | max abs t | test | t as measurements grow | verdict |');
  log('|---|---|---|---|---|---|---|---|');
  const results: Result[] = [];
  let harnessOk = true;
  for (const target of targets) {
    const r = await measure(target, { seconds: opts.seconds, measurementUs: opts.measurementUs });
    results.push(r);
    let v: string = verdict(r.t);
    if (target.expectLeak !== undefined) {
      const flagged = v === 'LEAK';
      const good = target.expectLeak ? flagged : v === 'ok';
      if (!good) harnessOk = false;
      v = `${v} (control: ${good ? 'as expected' : 'UNEXPECTED'})`;
    }
    const growth = r.growth.map((g) => `${g.measurements}:${fmt(Math.abs(g.t))}`).join(' ');
    log(`| ${r.op} | ${r.batch} | ${r.measurements} | ${fmt(r.nsPerCall)} | ${fmt(Math.abs(r.t))} | ${r.test} | ${growth} | ${v} |`);
  }
  if (opts.json) {
    const expect = new Map(targets.map((t) => [t.op, t.expectLeak]));
    console.log(JSON.stringify({ machine, seconds: opts.seconds, results: results.map((r) => ({ ...r, verdict: verdict(r.t), expectLeak: expect.get(r.op) })) }, null, 2));
  }
  if (!harnessOk) {
    console.error('a control did not behave: this machine is too noisy (or the harness is broken); figures are not evidence');
    process.exitCode = 1;
  }
}

await main();
