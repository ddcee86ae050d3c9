// The layer lint (.dependency-cruiser.cjs, `npm run lint:layers`): the tree passes, and a probe
// tree with one offending import per rule fails it, naming the import.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');
const run = promisify(execFile);

async function lint(cwd: string, dirs: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(depcruise, [...dirs, '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

const tmps: string[] = [];
afterAll(() => { for (const t of tmps) rmSync(t, { recursive: true, force: true }); });

/** A throwaway tree: the given files, plus what the config needs (tsconfig.json). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyprint-lint-'));
  tmps.push(dir);
  const all = { 'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }', 'src/errors.ts': 'export {};\n', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('layer lint', () => {
  it('the tree has no violations', async () => {
    const { code, out } = await lint(root, ['src', 'web']);
    expect(out).toMatch(/no dependency violations found/);
    expect(code).toBe(0);
  });

  const probes: Array<[string, Record<string, string>, RegExp]> = [
    ['an upward import (core → session)', {
      'src/session/index.ts': 'export const s = 1;\n',
      'src/core/index.ts': "import { s } from '../session/index.js';\nexport const c = s;\n",
    }, /error layer-core: src\/core\/index\.ts → src\/session\/index\.ts/],
    ["import 'node:fs' in a browser entry", {
      'src/sas/index.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    }, /error no-node-in-browser: src\/sas\/index\.ts → (node:)?fs/],
    ["import 'node:fs' in the hardware browser entry (keyprint/hardware)", {
      'src/hardware/index.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    }, /error no-node-in-browser: src\/hardware\/index\.ts → (node:)?fs/],
    ['a Node-only module reached from the hardware browser entry (a DirectoryStore re-export)', {
      'src/hardware/authenticator/state-node.ts': "import { writeFileSync } from 'node:fs';\nexport const w = writeFileSync;\n",
      'src/hardware/index.ts': "export { w } from './authenticator/state-node.js';\n",
    }, /error no-node-in-browser: src\/hardware\/index\.ts → (node:)?fs/],
    ['a private module from another folder', {
      'src/core/_secret.ts': 'export const x = 1;\n',
      'src/sas/index.ts': "import { x } from '../core/_secret.js';\nexport const y = x;\n",
    }, /error no-cross-folder-private: src\/sas\/index\.ts → src\/core\/_secret\.ts/],
    ['a command file importing another', {
      'src/cli/verify.ts': 'export const v = 1;\n',
      'src/cli/contacts.ts': "import { v } from './verify.js';\nexport const c = v;\n",
    }, /error no-command-to-command: src\/cli\/contacts\.ts → src\/cli\/verify\.ts/],
  ];
  for (const [what, files, offence] of probes) {
    it(`fails on ${what}, naming the import`, async () => {
      const { code, out } = await lint(tree(files), ['src']);
      expect(out).toMatch(offence);
      expect(code).not.toBe(0);
    });
  }
});
