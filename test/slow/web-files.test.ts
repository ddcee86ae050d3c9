// Files of any size, slow suite (`npm run test:slow`; skipped unless KEYPRINT_SLOW=1): 512 MiB from
// one web page to another in real headless Chromium — the scenario "files (slow)" of
// test/e2e/scenarios/35-files.mjs, run by the e2e runner in its lo-only network namespace (root).
// (48 MiB browser ↔ browser is in the default e2e suite; 2 GiB terminal ↔ terminal:
// test/slow/chat-files-2gib.test.ts.)
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { root } from '../cli/_chat.js';

describe.skipIf(process.env.KEYPRINT_SLOW !== '1')('web app: 512 MiB browser ↔ browser (slow)', () => {
  it('512 MiB: same SHA-256, page memory flat, texts during it within a second', () => {
    const r = spawnSync('npm', ['run', 'test:e2e', '--', 'files (slow)'], { cwd: root, encoding: 'utf8', env: { ...process.env, KEYPRINT_SLOW: '1' } });
    console.log(r.stdout.split('\n').filter((l) => /files \(slow\)|e2e:/.test(l)).join('\n'));
    expect(r.stdout).toMatch(/✓ files \(slow\)/);
    expect(r.status).toBe(0);
  }, 1_800_000);
});
