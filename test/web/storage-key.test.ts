// web/lib/storage-key.ts and record-codec.ts: the at-rest key and record layout behind the web
// app's encrypted outbox and history.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { IdentityKeyPair } from '../../src/identity/identity.js';
import { StorageError, StorageKey, fields } from '../../web/lib/storage-key.js';
import { decodeRecord, encodeRecord } from '../../web/lib/record-codec.js';
import { decodeBackup, encodeBackup } from '../../web/lib/backup.js';
import { fcSeed } from '../_util.js';

const aad = fields('keyprint-web outbox v1', 'did:key:z6MkPeer', new Uint8Array(16).fill(1));

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(StorageError); return (e as StorageError).code; }
  throw new Error('expected a StorageError');
}

describe('StorageKey', () => {
  it('seals and opens; the same identity derives the same key after a re-unlock', async () => {
    const id = IdentityKeyPair.generate();
    const again = IdentityKeyPair.fromSecretKey(id.exportSecretKey());
    const sealed = await (await StorageKey.derive(id)).seal(aad, new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode(await (await StorageKey.derive(again)).open(aad, sealed))).toBe('hello');
    expect(sealed.iv.length).toBe(12);
    expect(sealed.ct.length).toBe(5 + 16);
  });

  it('another identity, another peer or id in the associated data, or an altered byte: storage-damaged', async () => {
    const key = await StorageKey.derive(IdentityKeyPair.generate());
    const sealed = await key.seal(aad, new Uint8Array([1, 2, 3]));
    expect(await code((await StorageKey.derive(IdentityKeyPair.generate())).open(aad, sealed))).toBe('storage-damaged');
    expect(await code(key.open(fields('keyprint-web outbox v1', 'did:key:z6MkOther', new Uint8Array(16).fill(1)), sealed))).toBe('storage-damaged');
    expect(await code(key.open(fields('keyprint-web history v1', 'did:key:z6MkPeer', new Uint8Array(16).fill(1)), sealed))).toBe('storage-damaged');
    await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, x) => {
      const ct = sealed.ct.slice();
      ct[pos % ct.length] ^= x;
      expect(await code(key.open(aad, { iv: sealed.iv, ct }))).toBe('storage-damaged');
    }), { seed: fcSeed, numRuns: 20 });
  });

  it('is not the signing key: no secret in toString/JSON, and the seed is not the AES key', async () => {
    const id = IdentityKeyPair.generate();
    const key = await StorageKey.derive(id);
    expect(String(key)).toBe(`StorageKey(${id.did})`);
    expect(JSON.stringify(key)).toBe(JSON.stringify({ did: id.did }));
    // Encrypting with the raw seed as the AES key must not open the record.
    const raw = await crypto.subtle.importKey('raw', id.exportSecretKey().buffer as ArrayBuffer, 'AES-GCM', false, ['decrypt']);
    const sealed = await key.seal(new Uint8Array(0), new Uint8Array([9]));
    await expect(crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv.slice().buffer as ArrayBuffer }, raw, sealed.ct.slice().buffer as ArrayBuffer)).rejects.toThrow();
  });

  it('fields are length-prefixed: ("ab","c") and ("a","bc") differ', () => {
    expect(fields('ab', 'c')).not.toEqual(fields('a', 'bc'));
  });
});

describe('record codec', () => {
  it('round-trips a header and raw bytes', () => {
    const bytes = new Uint8Array(1000).map((_, i) => i);
    const r = decodeRecord<{ kind: string; name: string }>(encodeRecord({ kind: 'file', name: 'a.bin' }, bytes));
    expect(r.header).toEqual({ kind: 'file', name: 'a.bin' });
    expect(r.bytes).toEqual(bytes);
  });
  it('garbage is a typed error, never a crash', () => {
    for (const bad of [new Uint8Array(0), new Uint8Array([0, 0, 0, 9, 1]), new Uint8Array([0, 0, 0, 2, 0xff, 0xfe]), new Uint8Array([0, 0, 0, 1, 0x7b])]) {
      expect(() => decodeRecord(bad)).toThrow(StorageError);
    }
  });
});

describe('key bytes handed to WebCrypto are wiped (issue 18 item 7)', () => {
  /** Runs `f` and returns every raw key it handed to importKey, as the caller's bytes are after `f` returns. */
  async function importedKeys(f: () => Promise<unknown>): Promise<Uint8Array[]> {
    const seen: Uint8Array[] = [];
    const real = crypto.subtle.importKey.bind(crypto.subtle);
    const spy = vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((format: string, data: BufferSource, ...rest: unknown[]) => {
      if (format === 'raw') seen.push(ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));
      return (real as (...a: unknown[]) => Promise<CryptoKey>)(format, data, ...rest);
    }) as typeof crypto.subtle.importKey);
    try {
      await f();
    } finally {
      spy.mockRestore();
    }
    return seen;
  }

  it('StorageKey.derive: the derived key bytes are zero afterwards', async () => {
    const keys = await importedKeys(() => StorageKey.derive(IdentityKeyPair.generate()));
    expect(keys).toHaveLength(1);
    expect(keys[0].every((x) => x === 0)).toBe(true);
  });

  it('contacts backup: the file key is zero after writing and after opening', async () => {
    const id = IdentityKeyPair.generate();
    let file: Uint8Array = new Uint8Array();
    const written = await importedKeys(async () => { file = await encodeBackup([], 'correct horse battery staple', id); });
    const opened = await importedKeys(() => decodeBackup(file, 'correct horse battery staple', id.publicKey));
    for (const k of [...written, ...opened].filter((b) => b.length === 32)) expect(k.every((x) => x === 0)).toBe(true);
    expect(written.filter((b) => b.length === 32).length + opened.filter((b) => b.length === 32).length).toBeGreaterThanOrEqual(2);
  });
});
