// src/cli/_contacts-store.ts: the session's ContactStore over HOME/contacts.json, next to the card
// contacts `keyprint contacts add` writes (version 1 files as they were, SAS records alongside).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileContactStore } from '../../src/cli/_contacts-store.js';
import { IdentityKeyPair } from '../../src/identity/index.js';
import { KeyprintError } from '../../src/errors.js';

const dirs: string[] = [];
const home = () => { const d = mkdtempSync(join(tmpdir(), 'kp-contacts-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** A card record exactly as `keyprint contacts add` wrote it before SAS contacts existed. */
function cardRecord(id: IdentityKeyPair, displayName: string) {
  return {
    did: id.did, displayName, identityPublicKey: b64u(id.publicKey), bundle: b64u(new Uint8Array(40).fill(7)), verifiedBy: 'card',
    verifiedAt: '2026-01-02T03:04:05.000Z', trust: 'attested-unknown-vendor', authenticator: 'Soft', printedTextCompared: true,
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { expect(e).toBeInstanceOf(KeyprintError); return (e as KeyprintError).code; }
  throw new Error('expected a KeyprintError');
}

describe('FileContactStore', () => {
  it('reads a version 1 file of card contacts; adds a SAS contact beside it; 0600; updates and deletes by did', async () => {
    const h = home();
    const ada = IdentityKeyPair.generate(), bob = IdentityKeyPair.generate();
    writeFileSync(join(h, 'contacts.json'), JSON.stringify({ version: 1, contacts: [cardRecord(ada, 'Ada')] }));
    const store = new FileContactStore(h);
    expect(await store.check()).toBe(1);
    const got = await store.get(ada.did);
    expect(got).toMatchObject({ contactId: ada.did, displayName: 'Ada', verifiedBy: 'card', verifiedAt: Date.parse('2026-01-02T03:04:05Z') });
    expect(got!.identityPublicKey).toEqual(ada.publicKey);
    expect(await store.get(bob.did)).toBeUndefined();

    await store.put({ contactId: bob.did, identityPublicKey: bob.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 26), verifiedBy: 'sas' });
    const file = JSON.parse(readFileSync(join(h, 'contacts.json'), 'utf8'));
    expect(file.version).toBe(1);
    expect(file.contacts[1]).toEqual({ did: bob.did, displayName: 'Bob', identityPublicKey: b64u(bob.publicKey), verifiedBy: 'sas', verifiedAt: '2026-11-26T00:00:00.000Z' });
    expect(statSync(join(h, 'contacts.json')).mode & 0o777).toBe(0o600);
    expect((await new FileContactStore(h).get(bob.did))!.verifiedBy).toBe('sas');
    expect((await store.all()).map((c) => c.contactId)).toEqual([ada.did, bob.did]);

    // A SAS comparison with a card contact keeps the card's fields (same key).
    await store.put({ contactId: ada.did, identityPublicKey: ada.publicKey, displayName: 'Ada', verifiedAt: Date.UTC(2026, 10, 27), verifiedBy: 'sas' });
    const again = JSON.parse(readFileSync(join(h, 'contacts.json'), 'utf8')).contacts;
    expect(again).toHaveLength(2);
    expect(again[0]).toMatchObject({ did: ada.did, verifiedBy: 'sas', bundle: cardRecord(ada, 'Ada').bundle, trust: 'attested-unknown-vendor' });

    // Concurrent puts are serialised: none lost.
    const more = Array.from({ length: 5 }, () => IdentityKeyPair.generate());
    await Promise.all(more.map((m, i) => store.put({ contactId: m.did, identityPublicKey: m.publicKey, displayName: `M${i}`, verifiedAt: 1, verifiedBy: 'sas' })));
    expect(await store.check()).toBe(7);
    await store.delete(bob.did);
    expect(await store.get(bob.did)).toBeUndefined();
    expect(await store.check()).toBe(6);
  });

  it('no file: empty, nothing written; a damaged file: contacts-corrupt with a one-line message naming what is wrong', async () => {
    const h = home();
    const store = new FileContactStore(h);
    expect(await store.get('did:key:z6MkX')).toBeUndefined();
    expect(() => statSync(join(h, 'contacts.json'))).toThrow();
    const ada = IdentityKeyPair.generate();
    for (const [text, message] of [
      ['{"version":1,"contacts":[', /is not JSON/],
      ['{"version":7,"contacts":[]}', /expected \{ "version": 1/],
      [JSON.stringify({ version: 1, contacts: [{ ...cardRecord(ada, 'Ada'), identityPublicKey: 'AAAA' }] }), /contact 0 expected "identityPublicKey" 32 bytes in base64url, got "AAAA"/],
      [JSON.stringify({ version: 1, contacts: [{ ...cardRecord(ada, 'Ada'), verifiedBy: 'vibes' }] }), /contact 0 expected "verifiedBy" sas, card or receipt, got "vibes"/],
      [JSON.stringify({ version: 1, contacts: [null] }), /contact 0 expected an object/],
    ] as const) {
      writeFileSync(join(h, 'contacts.json'), text);
      expect(await code(store.check())).toBe('contacts-corrupt');
      await expect(store.get(ada.did)).rejects.toThrow(message);
      await expect(store.get(ada.did)).rejects.not.toThrow(/\n/);
      // A damaged file is never overwritten by a put.
      expect(await code(store.put({ contactId: ada.did, identityPublicKey: ada.publicKey, displayName: 'Ada', verifiedAt: 1 }))).toBe('contacts-corrupt');
      expect(readFileSync(join(h, 'contacts.json'), 'utf8')).toBe(text);
    }
  });
});

describe('FileContactStore: verified contacts only', () => {
  it('an unverified contact is refused, never written as verified by SAS (issue 18)', async () => {
    const h = home();
    const eve = IdentityKeyPair.generate();
    const store = new FileContactStore(h);
    expect(await code(store.put({ contactId: eve.did, identityPublicKey: eve.publicKey, displayName: 'Eve', verifiedAt: 1, verifiedBy: 'card', verification: 'unverified' })))
      .toBe('contacts-unverified');
    expect(await store.all()).toEqual([]);
  });
});
