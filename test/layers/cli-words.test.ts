// Issue 19 item 1: library errors carry codes; only the CLI turns them into flags and commands
// (src/cli/_hints.ts). This scan keeps it so: no string in src/ outside src/cli/ names a CLI flag.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** String literals (quoted or template) on code lines that name a `--flag`. */
export function cliFlagsIn(source: string): string[] {
  const found: string[] = [];
  for (const line of source.split('\n')) {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue; // comments may explain the CLI
    for (const m of line.matchAll(/(['"`])((?:(?!\1).)*?)\1/g)) {
      if (/(^|[\s(])--[a-z][a-z-]+/.test(m[2])) found.push(m[2]);
    }
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

describe('no CLI flag in a library string (src/ outside src/cli/)', () => {
  it('the scan finds a flag hint in a library error (probe)', () => {
    expect(cliFlagsIn(`throw new EnrollError('pin-required', 'this security key has a PIN: pass --pin PIN');`)).toEqual(['this security key has a PIN: pass --pin PIN']);
    expect(cliFlagsIn(`  // the CLI's --pin flag\n  const x = a--b;`)).toEqual([]);
  });

  it('src/ outside src/cli/ has none', () => {
    const offenders = tsFiles(join(root, 'src'))
      .filter((f) => !relative(root, f).startsWith(join('src', 'cli')))
      .flatMap((f) => cliFlagsIn(readFileSync(f, 'utf8')).map((s) => `${relative(root, f)}: ${s}`));
    expect(offenders).toEqual([]);
  });
});
