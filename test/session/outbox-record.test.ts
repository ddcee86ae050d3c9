// src/session/outbox-record.ts and storage-key.ts: the record layout and at-rest key shared by the
// web app's IndexedDB outbox and the CLI's file outbox (the web re-exports them: test/web/storage-key.test.ts).
import { describe, expect, it } from 'vitest';
import { IdentityKeyPair } from '../../src/identity/identity.js';
import { StorageError, decodeOutboxContent, encodeOutboxContent, encodeRecord, fields } from '../../src/session/outbox-record.js';
import { CLI_STORAGE_LABELS, StorageKey, WEB_STORAGE_LABELS } from '../../src/session/storage-key.js';
import * as web from '../../web/lib/storage-key.js';

describe('outbox record', () => {
  it('round-trips texts, files (description and reference, no content) and receipts (bytes binary after the JSON header)', () => {
    expect(decodeOutboxContent(encodeOutboxContent({ kind: 'text', text: 'héllo' }))).toEqual({ kind: 'text', text: 'héllo' });
    const file = { kind: 'file', name: 'a.iso', mime: 'application/octet-stream', size: 2 ** 33, ref: '/home/ada/a.iso' } as const;
    const plain = encodeOutboxContent(file);
    expect(plain.length).toBe(4 + JSON.stringify(file).length);
    expect(decodeOutboxContent(plain)).toEqual(file);
    const bytes = new Uint8Array(300).map((_, i) => i & 0xff);
    expect(decodeOutboxContent(encodeOutboxContent({ kind: 'receipt', bytes }))).toEqual({ kind: 'receipt', bytes });
  });

  it('a version-1 file record (the whole file after the header) still opens, its bytes inline', () => {
    const bytes = new Uint8Array(300).map((_, i) => i & 0xff);
    const v1 = encodeRecord({ kind: 'file', name: 'a.bin', mime: 'application/octet-stream' }, bytes);
    expect(decodeOutboxContent(v1)).toEqual({ kind: 'file', name: 'a.bin', mime: 'application/octet-stream', size: 300, ref: '', bytes });
  });

  it('a header of another shape, or malformed bytes: StorageError storage-damaged (the web class is the same)', () => {
    expect(web.StorageError).toBe(StorageError);
    for (const bad of [encodeRecord({ kind: 'text', text: 7 }), encodeRecord({ kind: 'sticker' }), encodeRecord(null as never), new Uint8Array([0, 0, 0, 9, 1]), new Uint8Array(2)]) {
      expect(() => decodeOutboxContent(bad)).toThrow(StorageError);
    }
  });

  it('the CLI and the web app derive different keys from one identity (own HKDF labels)', async () => {
    expect(CLI_STORAGE_LABELS).not.toEqual(WEB_STORAGE_LABELS);
    const id = IdentityKeyPair.generate();
    const aad = fields('keyprint-cli outbox v1', 'did:key:z6MkPeer');
    const sealed = await (await StorageKey.derive(id, CLI_STORAGE_LABELS)).seal(aad, new Uint8Array([1, 2, 3]));
    expect(await (await StorageKey.derive(id, CLI_STORAGE_LABELS)).open(aad, sealed)).toEqual(new Uint8Array([1, 2, 3]));
    await expect((await StorageKey.derive(id)).open(aad, sealed)).rejects.toMatchObject({ code: 'storage-damaged' });
  });
});
