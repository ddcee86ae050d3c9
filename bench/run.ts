// `npm run bench [-- --quick] [--json FILE] [--only PREFIX]`: every suite in bench/suites/, one run,
// printed as a table of µs/op with keyprint's ratio to each peer, and the issues' bars checked.

import { readdirSync, writeFileSync } from 'node:fs';
import { ready } from '../src/core/index.js';
import { measureAll, type BenchCase, type Bar, type Suite, type Timing } from './_harness.js';

interface Result { op: string; impl: string; us: number }

function parseArgs(argv: string[]) {
  const opts = { quick: false, json: undefined as string | undefined, only: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--only') opts.only = argv[++i];
    else throw new Error(`unknown argument ${a} (expected --quick, --json FILE, --only PREFIX)`);
  }
  if (opts.json === undefined && argv.includes('--json')) throw new Error('--json expects a file name');
  return opts;
}

async function loadSuites(): Promise<Suite[]> {
  const dir = new URL('./suites/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  return Promise.all(files.map(async (f) => (await import(new URL(f, dir).href)).default as Suite));
}

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const timing: Timing = opts.quick ? { batches: 5, batchMs: 40 } : { batches: 11, batchMs: 150 };
  await ready();
  const suites = await loadSuites();
  const cases: BenchCase[] = suites.flatMap((s) => s.cases).filter((c) => !opts.only || c.op.startsWith(opts.only));
  const bars: Bar[] = suites.flatMap((s) => s.bars);
  const results: Result[] = [];
  const ops = [...new Set(cases.map((c) => c.op))];
  console.log(`keyprint bench (${opts.quick ? 'quick' : 'full'}; median of ${timing.batches} round-robin batches ≥ ${timing.batchMs} ms; Node ${process.version})\n`);
  console.log(`${'op'.padEnd(18)} ${'impl'.padEnd(10)} ${'µs/op'.padStart(10)}   keyprint ÷ impl`);
  for (const op of ops) {
    const opCases = cases.filter((x) => x.op === op);
    const fns = [];
    for (const c of opCases) fns.push(await c.setup());
    const times = await measureAll(fns, timing);
    const row: Result[] = opCases.map((c, i) => ({ op, impl: c.impl, us: times[i] }));
    const mine = row.find((r) => r.impl === 'keyprint')?.us;
    for (const r of row) {
      const ratio = mine !== undefined && r.impl !== 'keyprint' ? `${(mine / r.us).toFixed(2)}×` : '';
      console.log(`${op.padEnd(18)} ${r.impl.padEnd(10)} ${fmt(r.us).padStart(10)}   ${ratio}`);
    }
    results.push(...row);
  }
  const checked = bars.filter((b) => ops.includes(b.op));
  if (checked.length) {
    console.log('\nbars (keyprint ÷ peer ≤ max):');
    for (const b of checked) {
      const mine = results.find((r) => r.op === b.op && r.impl === 'keyprint');
      const peer = results.find((r) => r.op === b.op && r.impl === b.peer);
      if (!mine || !peer) continue;
      const ratio = mine.us / peer.us;
      console.log(`  ${ratio <= b.max ? 'meets' : 'MISSES'}  ${b.op.padEnd(18)} vs ${b.peer.padEnd(10)} ${ratio.toFixed(2)}× (bar ${b.max}×)`);
    }
  }
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ node: process.version, quick: opts.quick, results }, null, 2) + '\n');
    console.log(`\nwrote ${opts.json}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
