// `npm run bench [-- --quick] [--json FILE] [--only PREFIX]`: every suite in bench/suites/, one run,
// printed as a table of µs/op with keyprint's ratio to each peer, and the issues' bars checked.

import { readdirSync, writeFileSync } from 'node:fs';
import { ready } from '../src/core/index.js';
import { measureAll, type BenchCase, type Bar, type Suite, type Timing } from './_harness.js';

interface Result { op: string; impl: string; us: number }

function parseArgs(argv: string[]) {
  const opts = { quick: false, json: undefined as string | undefined, markdown: undefined as string | undefined, only: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--markdown') opts.markdown = argv[++i];
    else if (a === '--only') opts.only = argv[++i];
    else throw new Error(`unknown argument ${a} (expected --quick, --json FILE, --markdown FILE, --only PREFIX)`);
  }
  for (const flag of ['--json', '--markdown'] as const) {
    if (argv.includes(flag) && !opts[flag === '--json' ? 'json' : 'markdown']) throw new Error(`${flag} expects a file name`);
  }
  return opts;
}

async function loadSuites(): Promise<Suite[]> {
  const dir = new URL('./suites/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  return Promise.all(files.map(async (f) => (await import(new URL(f, dir).href)).default as Suite));
}

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));

/** The same run as a Markdown table per op (µs/op and keyprint ÷ impl) plus the bars. */
function markdown(results: Result[], verdicts: Array<Bar & { ratio: number }>, quick: boolean): string {
  const ops = [...new Set(results.map((r) => r.op))];
  const lines = [`Node ${process.version}, ${quick ? 'quick' : 'full'} run, median µs/op; ratio = keyprint ÷ impl (below 1 = keyprint faster).`, ''];
  lines.push('| op | impl | µs/op | ratio |', '|---|---|---:|---:|');
  for (const op of ops) {
    const row = results.filter((r) => r.op === op);
    const mine = row.find((r) => r.impl === 'keyprint')?.us;
    for (const r of row) {
      const ratio = mine !== undefined && r.impl !== 'keyprint' ? `${(mine / r.us).toFixed(2)}×` : '';
      lines.push(`| ${op} | ${r.impl} | ${fmt(r.us)} | ${ratio} |`);
    }
  }
  lines.push('', '| bar | ratio | verdict |', '|---|---:|---|');
  for (const v of verdicts) {
    const [bar, value] = v.peer === 'µs' ? [`${v.op} ≤ ${v.max} µs`, `${fmt(v.ratio)} µs`] : [`${v.op} ÷ ${v.peer} ≤ ${v.max}×`, `${v.ratio.toFixed(2)}×`];
    lines.push(`| ${bar} | ${value} | ${v.ratio <= v.max ? 'meets' : '**misses**'} |`);
  }
  return lines.join('\n') + '\n';
}

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
  const verdicts: Array<Bar & { ratio: number }> = [];
  for (const b of bars.filter((x) => ops.includes(x.op))) {
    const mine = results.find((r) => r.op === b.op && r.impl === 'keyprint');
    const peer = b.peer === 'µs' ? { us: 1 } : results.find((r) => r.op === b.op && r.impl === b.peer);
    if (mine && peer) verdicts.push({ ...b, ratio: mine.us / peer.us });
  }
  if (verdicts.length) {
    console.log('\nbars (keyprint ÷ peer ≤ max, or keyprint µs ≤ max):');
    for (const v of verdicts) {
      const shown = v.peer === 'µs' ? `${fmt(v.ratio)} µs (bar ${v.max} µs)` : `${v.ratio.toFixed(2)}× (bar ${v.max}×)`;
      console.log(`  ${v.ratio <= v.max ? 'meets' : 'MISSES'}  ${v.op.padEnd(18)} vs ${v.peer.padEnd(10)} ${shown}`);
    }
  }
  if (opts.markdown) {
    writeFileSync(opts.markdown, markdown(results, verdicts, opts.quick));
    console.log(`wrote ${opts.markdown}`);
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
