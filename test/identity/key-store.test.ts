// Node file key store: file and directory modes, atomic replacement (no partial or temporary
// files), refusal of unwrapped secrets, typed errors for corrupt or over-permissive files.
// (The IndexedDB store, key-store-browser.ts, needs a browser and is exercised by the browser suite.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, readdirSync, writeFileSync, readFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/index.js';
import { NodeKeyStore, keyprintHome } from '../../src/identity/key-store-node.js';
import { checkKeyName, checkWrapped } from '../../src/identity/key-store.js';
import { IdentityError } from '../../src/identity/identity.js';
import { wrapSecret, unwrapSecret } from '../../src/identity/wrap.js';
import { hex, unhex, utf8 } from '../_util.js';

const PRF = new Uint8Array(32).fill(7);
const CRED = utf8('cred');
const SECRET = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const posix = process.platform !== 'win32';

let home: string;
let store: NodeKeyStore;
beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'keyprint-store-')), 'home');
  store = new NodeKeyStore({ home });
});
afterEach(() => rmSync(join(home, '..'), { recursive: true, force: true }));

const envelope = () => wrapSecret(SECRET, { prfOutput: PRF, credentialId: CRED, prfInput: new Uint8Array(32).fill(5), userVerified: false });
const mode = (p: string) => statSync(p).mode & 0o777;

describe('NodeKeyStore', () => {
  it('construction does no I/O; the first put creates home and keys/ with mode 0700 and the file with 0600', async () => {
    expect(() => statSync(home)).toThrow();
    const env = await envelope();
    await store.put('default', env);
    if (posix) {
      expect(mode(home)).toBe(0o700);
      expect(mode(join(home, 'keys'))).toBe(0o700);
      expect(mode(join(home, 'keys', 'default.kpw'))).toBe(0o600);
    }
    expect(hex(readFileSync(join(home, 'keys', 'default.kpw')))).toBe(hex(env));
    expect(hex(await unwrapSecret((await store.get('default'))!, { prfOutput: PRF, credentialId: CRED }))).toBe(hex(SECRET));
  });

  it('tightens an existing, too-open home directory', async () => {
    mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o755 });
    chmodSync(home, 0o755);
    await store.put('a', await envelope());
    if (posix) expect(mode(home)).toBe(0o700);
  });

  it('get of a missing key is undefined; delete reports whether it existed; list is sorted', async () => {
    expect(await store.get('nope')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await store.put('b', await envelope());
    await store.put('a', await envelope());
    expect(await store.list()).toEqual(['a', 'b']);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.list()).toEqual(['b']);
  });

  it('replaces an existing file whole, leaves no temporary files, and concurrent writers never mix', async () => {
    const first = await envelope();
    await store.put('k', first);
    const others = await Promise.all(Array.from({ length: 12 }, () => envelope()));
    await Promise.all(others.map((e) => store.put('k', e)));
    const final = hex(readFileSync(join(home, 'keys', 'k.kpw')));
    expect(others.map(hex)).toContain(final);
    expect(readdirSync(join(home, 'keys'))).toEqual(['k.kpw']);
    if (posix) expect(mode(join(home, 'keys', 'k.kpw'))).toBe(0o600);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!posix || root)('a failed write leaves the old file and no temporary file (skipped as root or on Windows: needs directory permissions to bite)', async () => {
    const env = await envelope();
    await store.put('k', env);
    chmodSync(join(home, 'keys'), 0o500); // no new files can be created
    await expect(store.put('k', await envelope())).rejects.toThrow(expect.objectContaining({ code: 'key-store-io' }));
    chmodSync(join(home, 'keys'), 0o700);
    expect(hex(readFileSync(join(home, 'keys', 'k.kpw')))).toBe(hex(env));
    expect(readdirSync(join(home, 'keys'))).toEqual(['k.kpw']);
  });

  it('a failed rename (target is a non-empty directory) leaves no temporary file', async () => {
    mkdirSync(join(home, 'keys', 'k.kpw', 'inner'), { recursive: true });
    await expect(store.put('k', await envelope())).rejects.toThrow(expect.objectContaining({ code: 'key-store-io' }));
    expect(readdirSync(join(home, 'keys'))).toEqual(['k.kpw']);
  });

  it('refuses to store an unwrapped secret (key-store-not-wrapped) and writes nothing', async () => {
    for (const raw of [SECRET, new Uint8Array(64), utf8('-----BEGIN PRIVATE KEY-----')]) {
      await expect(store.put('k', raw)).rejects.toThrow(expect.objectContaining({ code: 'key-store-not-wrapped' }));
    }
    expect(() => statSync(home)).toThrow();
  });

  it('reading a corrupt file → key-store-corrupt', async () => {
    await store.put('k', await envelope());
    const path = join(home, 'keys', 'k.kpw');
    for (const junk of [new Uint8Array(0), SECRET, utf8('kpw garbage'), readFileSync(path).subarray(0, 20)]) {
      writeFileSync(path, junk, { mode: 0o600 });
      await expect(store.get('k')).rejects.toThrow(expect.objectContaining({ code: 'key-store-corrupt' }));
    }
    rmSync(path);
    mkdirSync(path);
    await expect(store.get('k')).rejects.toThrow(expect.objectContaining({ code: 'key-store-corrupt' }));
  });

  it('refuses a key file readable by others (key-store-permissions)', async () => {
    if (!posix) return;
    await store.put('k', await envelope());
    chmodSync(join(home, 'keys', 'k.kpw'), 0o644);
    await expect(store.get('k')).rejects.toThrow(expect.objectContaining({ code: 'key-store-permissions' }));
  });

  it('list ignores temporary files and foreign names', async () => {
    await store.put('k', await envelope());
    writeFileSync(join(home, 'keys', '.k.0011.tmp'), 'x');
    writeFileSync(join(home, 'keys', 'README'), 'x');
    writeFileSync(join(home, 'keys', 'UPPER.kpw'), 'x');
    expect(await store.list()).toEqual(['k']);
  });

  it('keyprintHome: $KEYPRINT_HOME, else ~/.config/keyprint', () => {
    const saved = process.env.KEYPRINT_HOME;
    try {
      process.env.KEYPRINT_HOME = '/x/y';
      expect(keyprintHome()).toBe('/x/y');
      expect(new NodeKeyStore().home).toBe('/x/y');
      delete process.env.KEYPRINT_HOME;
      expect(keyprintHome()).toBe(join(homedir(), '.config', 'keyprint'));
    } finally {
      if (saved === undefined) delete process.env.KEYPRINT_HOME;
      else process.env.KEYPRINT_HOME = saved;
    }
  });

  it('does not reveal its contents through toString', () => {
    expect(String(store)).toBe(`NodeKeyStore(${home})`);
  });
});

describe('names and garbage input', () => {
  const badNames: unknown[] = ['', '.hidden', '../escape', 'a/b', 'a\\b', 'UPPER', 'with space', 'a'.repeat(65), 'nul\0', '-dash', undefined, null, 1, {}];
  it.each(badNames.map((n) => [JSON.stringify(n) ?? String(n), n]))('name %s → InputError on every method', async (_s, n) => {
    expect(() => checkKeyName(n)).toThrow(InputError);
    const env = await envelope();
    await expect(store.put(n as string, env)).rejects.toThrow(InputError);
    await expect(store.get(n as string)).rejects.toThrow(InputError);
    await expect(store.delete(n as string)).rejects.toThrow(InputError);
  });

  it.each(['a', 'default', 'work-laptop_2', '0', 'a'.repeat(64)])('name %s is accepted', (n) => {
    expect(checkKeyName(n)).toBe(n);
  });

  it.each([undefined, null, 'envelope', [1, 2], new Uint16Array(4)])('envelope %s → InputError', async (e) => {
    expect(() => checkWrapped(e)).toThrow(InputError);
    await expect(store.put('k', e as unknown as Uint8Array)).rejects.toThrow(InputError);
  });

  it('key-store-not-wrapped is an IdentityError', () => {
    expect(() => checkWrapped(SECRET)).toThrow(IdentityError);
  });
});

describe('browser safety', () => {
  // Everything the browser loads must stay free of Node built-ins; only key-store-node.ts may use them.
  const browserFiles = ['identity.ts', 'did-key.ts', 'bundle.ts', 'binding.ts', 'wrap.ts', 'key-store.ts', 'key-store-browser.ts', 'identity-certificate.ts'];
  it.each(browserFiles)('src/identity/%s imports no node: module and touches no process/Buffer', (file) => {
    const source = readFileSync(new URL(`../../src/identity/${file}`, import.meta.url), 'utf8');
    expect(source).not.toMatch(/from ['"]node:|require\(|\bprocess\.|\bBuffer\b|from ['"]\.\/key-store-node/);
  });
  it('the package entry point does not re-export the Node store', () => {
    const index = readFileSync(new URL('../../src/identity/index.ts', import.meta.url), 'utf8');
    expect(index).not.toMatch(/from '\.\/key-store-node\.js'/);
  });
});
