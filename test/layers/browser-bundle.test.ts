// Every browser entry bundles for the browser with Vite and no Node built-in or Node-only package
// reaches the bundle (issue 19: keyprint/card once led to node:fs through render-png.ts). A probe
// entry that imports node:fs shows the check fails when it should.
import { builtinModules } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');
const BROWSER_ENTRIES = ['src/core/index.ts', 'src/sas/index.ts', 'src/identity/index.ts', 'src/session/index.ts', 'src/group/index.ts', 'src/card/index.ts', 'src/hardware/index.ts'];
const NODE_ONLY_PACKAGES = ['node-hid', 'node-datachannel', '@resvg/resvg-js', 'pngjs', 'jpeg-js'];
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Fails the build at the first import of a Node built-in or Node-only package, naming the importer.
 * One exception: a dependency's *dynamic* import of a built-in, its fallback for runtimes without
 * globalThis.crypto (@hpke/common: `await import("crypto")` only when WebCrypto is missing).
 */
function refuseNode(found: string[]): Plugin {
  const dynamic = new Set<string>();
  return {
    name: 'keyprint:refuse-node',
    enforce: 'pre',
    resolveDynamicImport(specifier, importer) {
      if (typeof specifier === 'string' && importer?.includes('/node_modules/')) dynamic.add(`${importer}|${specifier}`);
      return null;
    },
    resolveId(id, importer) {
      if (importer && dynamic.has(`${importer}|${id}`)) return null;
      if (NODE.has(id) || id.startsWith('node:') || NODE_ONLY_PACKAGES.some((p) => id === p || id.startsWith(`${p}/`))) {
        found.push(`${importer?.replace(`${root}/`, '')} → ${id}`);
        this.error(`a browser bundle imports ${id} (from ${importer})`);
      }
      return null;
    },
  };
}

async function bundle(entry: string): Promise<string[]> {
  const found: string[] = [];
  await build({
    configFile: false, root, logLevel: 'silent', plugins: [refuseNode(found)],
    json: { namedExports: false },
    build: { write: false, target: 'es2022', minify: false, lib: { entry, formats: ['es'], fileName: 'entry' }, rollupOptions: { external: [] } },
  }).catch((e: unknown) => { if (found.length === 0) throw e; });
  return found;
}

const tmp = mkdtempSync(join(tmpdir(), 'keyprint-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('browser entries bundle without Node built-ins', () => {
  for (const entry of BROWSER_ENTRIES) {
    it(entry, async () => {
      expect(await bundle(resolve(root, entry))).toEqual([]);
    });
  }

  it('probe: keyprint/hardware/node (node.ts) is a Node entry: bundling it fails, naming its Node imports', async () => {
    const found = await bundle(resolve(root, 'src/hardware/node.ts'));
    expect(found).toContainEqual(expect.stringMatching(/^src\/hardware\/(transports\/udp-node|authenticator\/state-node)\.ts → node:(dgram|fs)$/));
  });

  it('probe: an entry that imports node:fs fails the check, naming the import', async () => {
    const probe = join(tmp, 'probe.ts');
    writeFileSync(probe, `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n`);
    expect(await bundle(probe)).toEqual([expect.stringMatching(/probe\.ts → node:fs$/)]);
  });
});
