// `npm run build:web` is reproducible (issue 18 item 8): two builds of the same source — the second
// from a copy in another directory, as someone checking a deployment would make it — give the same
// bytes, hence the same build hash; sw.js carries that hash, and coreutils' sha256sum computes it
// too (README "Check the build you run"). Runs Vite twice (~10 s).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHash, filesOf } from '../../web/build-hash.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'kp-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function viteBuild(cwd: string, outDir: string): Map<string, Uint8Array> {
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd, stdio: 'pipe' });
  return filesOf(outDir);
}

describe('build:web', () => {
  it('two builds, the second from a copy elsewhere, give identical files and build hash; sw.js carries it', () => {
    const first = viteBuild(root, join(work, 'one'));
    // The copy: the source the build reads, node_modules linked (the locked dependencies).
    const copy = join(work, 'checkout');
    for (const p of ['web', 'src', 'vite.config.ts', 'package.json', 'tsconfig.json']) cpSync(join(root, p), join(copy, p), { recursive: true });
    cpSync(join(root, 'dist', 'core.wasm'), join(copy, 'dist', 'core.wasm'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const second = viteBuild(copy, join(work, 'two'));

    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [name, bytes] of first) expect(Buffer.compare(Buffer.from(second.get(name)!), Buffer.from(bytes)), name).toBe(0);
    const { hash, names } = buildHash(first);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(buildHash(second).hash).toBe(hash);
    const sw = new TextDecoder().decode(first.get('sw.js'));
    expect(sw).toBe(`const VERSION = ${JSON.stringify(hash)};\nconst PRECACHE = ${JSON.stringify(names)};\nimportScripts('./sw-main.js');\n`);
    expect(names).toContain('sw-main.js');
    expect(new TextDecoder().decode(first.get('sw-main.js'))).toBe(readFileSync(join(root, 'web', 'sw.js'), 'utf8'));
  }, 120_000);

  it('README\'s coreutils pipeline computes the same hash', () => {
    const dir = join(work, 'one');
    let viaShell: string;
    try {
      viaShell = execFileSync('sh', ['-c', "find . -type f ! -name sw.js ! -name \'*.br\' ! -name \'*.gz\' | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum"], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      throw new Error(`sha256sum pipeline failed (coreutils needed): ${(e as Error).message}`);
    }
    expect(viaShell.split(' ')[0]).toBe(buildHash(filesOf(dir)).hash);
  });
});
