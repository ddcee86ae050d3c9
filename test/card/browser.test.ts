// The browser entry (src/card/browser.ts): its import graph reaches no Node-only module, it exports
// the same functions as the Node entry, and the browser path (pixels → readQr → verifyCardPayload)
// gives the same result as verifyCard on the image.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as browser from '../../src/card/browser.js';
import * as node from '../../src/card/node.js';
import { ready } from '../../src/core/index.js';
import { chromiumIdentity, readPng } from './_fixtures.js';

const NODE_ONLY = /^(node:|fs$|path$|pngjs$|jpeg-js$|@resvg\/|pdf-lib$|node-hid$|node-datachannel$)/;

/** Every bare import reachable from a source file, following relative imports. */
function reachableImports(): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    // Static imports and re-exports only: dynamic import() is how Node-only code stays out of bundles.
    for (const m of src.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  };
  visit(resolve(import.meta.dirname, '../../src/card/browser.ts'));
  return { files, bare };
}

describe('keyprint/card browser entry', () => {
  it('reaches no Node-only module through static imports', () => {
    const { files, bare } = reachableImports();
    const offending = [...bare].filter((s) => NODE_ONLY.test(s));
    expect(offending, `Node-only imports reachable from browser.ts (${files.size} files)`).toEqual([]);
    for (const f of files) expect(f).not.toMatch(/render-png|render-pdf|[/]decode\.ts$|[/]verify\.ts$|key-store-node/);
  });

  it('exports the Node entry\'s functions, the same objects', () => {
    for (const [name, value] of Object.entries(browser)) expect((node as Record<string, unknown>)[name], name).toBe(value);
    for (const name of ['renderPng', 'decodeImage', 'readCardImage', 'verifyCard', 'readCardInput', 'renderPdf']) expect(name in browser, name).toBe(false);
  });

  it('pixels → readQr → verifyCardPayload agrees with verifyCard on the PNG', async () => {
    await ready();
    const { identity, bundle, registrationClientDataJSON } = chromiumIdentity();
    const card = await node.createCard(bundle, { identity, registrationClientDataJSON, now: bundle.createdAt });
    const png = node.renderPng(card, { dpi: 200 });
    const viaBrowser = await browser.verifyCardPayload(browser.readQr(readPng(png)), { digits: card.digits, now: bundle.createdAt });
    const viaNode = await node.verifyCard({ image: png }, { digits: card.digits, now: bundle.createdAt });
    expect(viaBrowser.verified).toBe(true);
    expect(viaBrowser.checks).toEqual(viaNode.checks);
    const typo = await browser.verifyCardPayload(browser.readQr(readPng(png)), { digits: card.digits.replace(/^./, (d) => String((Number(d) + 1) % 10)) });
    expect(typo.verified).toBe(false);
    expect(typo.checks.find((c) => c.name === 'printed-text')).toMatchObject({ ok: false, reason: expect.stringMatching(/group 1/) });
  });

  it('verifyCardPayload refuses a non-byte payload with a typed error', async () => {
    for (const bad of [undefined, null, 'kpcard1:AA', 42, [1, 2]]) {
      await expect(browser.verifyCardPayload(bad as unknown as Uint8Array)).rejects.toMatchObject({ code: 'input' });
    }
  });

  it('readQr refuses what is not RGBA pixels, and reports an image without a code', () => {
    const bad = [undefined, null, {}, { width: 2, height: 2, data: new Uint8Array(15) }, { width: 0, height: 0, data: new Uint8Array(0) },
      { width: 1.5, height: 2, data: new Uint8Array(12) }, { width: 2, height: 2, data: new Uint8ClampedArray(16) }];
    for (const b of bad) expect(() => browser.readQr(b as unknown as browser.RgbaImage), JSON.stringify(b)).toThrow(expect.objectContaining({ code: 'image-unreadable' }));
    const blank = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 4).fill(255) };
    expect(() => browser.readQr(blank)).toThrow(expect.objectContaining({ code: 'no-qr' }));
    expect(() => browser.readQr(blank, { rescale: false })).toThrow(expect.objectContaining({ code: 'no-qr' }));
  });
});
