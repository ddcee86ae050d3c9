// scripts/audit-wat.mjs on a hand-written module: the audit must flag an early-exit compare, a
// secret table index, a select on a secret and a secret passed to a callee that branches on it, and
// must not flag a constant-time compare (masks) or a branch on a value read from a read-only table at a public
// index. Shows the audit can fail; its verdict on dist/core.wat is in docs/SECURITY.md.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/audit-wat.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/audit.wat', import.meta.url));

interface Row { name: string; status: string; secretBranches: number; secretAddresses: number; secretSelects: number }

function audit(): Row[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [script, fixture, '--all', '--json'], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout; // exit status 1: something to review
  }
  return (JSON.parse(out) as { functions: Row[] }).functions;
}

describe('audit-wat', () => {
  const rows = Object.fromEntries(audit().map((r) => [r.name, r]));

  it('flags an early-exit comparison of secret bytes', () => {
    expect(rows['$leaky/earlyExit']).toMatchObject({ status: 'REVIEW', secretBranches: 1, secretAddresses: 0 });
  });

  it('flags a load whose address depends on a secret byte', () => {
    expect(rows['$leaky/tableIndex']).toMatchObject({ status: 'REVIEW', secretBranches: 0, secretAddresses: 1 });
  });

  it('follows a secret into a callee that branches on it', () => {
    expect(rows['$leaky/branchOnArg']).toMatchObject({ status: 'REVIEW', secretBranches: 1 });
    expect(rows['$leaky/viaParam']).toMatchObject({ status: 'clean' });
  });

  it('flags a select on a secret (no engine promises a conditional move)', () => {
    expect(rows['$leaky/selectOnSecret']).toMatchObject({ status: 'REVIEW', secretSelects: 1 });
  });

  it('passes a constant-time comparison and a read-only table at a public index', () => {
    expect(rows['$ct/equal']).toMatchObject({ status: 'clean', secretBranches: 0, secretAddresses: 0, secretSelects: 0 });
    expect(rows['$ct/constantTable']).toMatchObject({ status: 'clean', secretBranches: 0, secretAddresses: 0 });
  });
});
