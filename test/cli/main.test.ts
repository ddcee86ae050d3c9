// The built CLI and the package's self-reference (`import('keyprint/core')` from the checkout).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', input, timeout: 30_000 });

describe('keyprint CLI (dist/cli/main.js)', () => {
  it('selftest passes and exits 0', () => {
    const r = run(['dist/cli/main.js', 'selftest']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/all known-answer tests passed/);
    expect(r.status).toBe(0);
  });
  it('an unknown command exits 2 with one clear line and no stack trace', () => {
    const r = run(['dist/cli/main.js', 'frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyprint: unknown command "frobnicate"/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
  it('prints its version and help', () => {
    expect(run(['dist/cli/main.js', 'version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run(['dist/cli/main.js', 'help']).stdout).toMatch(/Usage: keyprint <command>/);
  });
});

describe('package exports', () => {
  it('keyprint/core imports by name from the checkout after the build', () => {
    const code = "import('keyprint/core').then(async (m) => { await m.ready(); console.log(Buffer.from(m.sha256(new TextEncoder().encode('abc'))).toString('hex')); })";
    const r = run(['--input-type=module', '-e', code]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
