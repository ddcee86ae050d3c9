// web/lib/backup.ts: the encrypted, signed contacts backup file. Round trip, wrong passphrase, and
// every region of the file altered (magic, version, key block, nonce, ciphertext, tag, truncation);
// whose file it is (own, foreign, unsigned, bad signature); the forged backup of issue 18, imported
// through the layer's rule and then met over the conversation layer: it never skips a SAS.
import { createHash } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { BACKUP_VERSION, BackupError, backupSigningInput, decodeBackup, encodeBackup, sealBackup } from '../../web/lib/backup.js';
import { IdentityKeyPair } from '../../src/identity/index.js';
import { MemoryContactStore, MemoryOutbox, planContactsImport, verificationOf, type Contact } from '../../src/session/index.js';
import { alice, bob, mallory } from '../session/_pair.js';
import { link, memoryStores, Side, verifyBoth } from '../session/_conversations.js';
import { fcSeed } from '../_util.js';

const PASS = 'correct horse battery staple';
const contacts: Contact[] = [
  { contactId: 'did:key:z6MkBob', displayName: 'Bob', identityPublicKey: new Uint8Array(32).fill(7), verifiedAt: 1_700_000_000_000, verifiedBy: 'card' },
  { contactId: 'did:key:z6MkCarol', displayName: 'Carol ✓', identityPublicKey: new Uint8Array(32).fill(9), verifiedAt: 1_700_000_000_001, verifiedBy: 'receipt' },
  { contactId: 'did:key:z6MkDan', displayName: 'Dan', identityPublicKey: new Uint8Array(32).fill(1), verifiedAt: 1_700_000_000_002 }, // written before verifiedBy existed
];

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    expect((e as Error).message).toMatch(/expected|wrong passphrase|altered/);
    return (e as BackupError).code;
  }
  throw new Error('expected a BackupError');
}

const flip = (b: Uint8Array, i: number, x = 0x01) => { const c = b.slice(); c[i] ^= x; return c; };
const me = alice.identity;
const utf8 = (s: string) => new TextEncoder().encode(s);
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('contacts backup', () => {
  let file: Uint8Array;
  let headLength: number;
  beforeAll(async () => {
    file = await encodeBackup(contacts, PASS, me);
    headLength = 7 + new DataView(file.buffer, file.byteOffset + 5, 2).getUint16(0);
  });

  it('round-trips contacts with how each was verified (absent reads as sas); opened by its signer it is "own"', async () => {
    expect([...file.subarray(0, 5)]).toEqual([0x4b, 0x50, 0x43, 0x42, BACKUP_VERSION]);
    const back = await decodeBackup(file, PASS, me.publicKey);
    expect(back.contacts).toEqual([contacts[0], contacts[1], { ...contacts[2], verifiedBy: 'sas' }]);
    expect(back.origin).toBe('own');
    expect(back.signer).toBe(me.did);
  });

  it('an unverified contact stays unverified through a backup', async () => {
    const eve: Contact = { contactId: 'did:key:z6MkEve', displayName: 'Eve', identityPublicKey: new Uint8Array(32).fill(3), verifiedAt: 5, verification: 'unverified' };
    const back = await decodeBackup(await encodeBackup([eve], PASS, me), PASS, me.publicKey);
    expect(back.contacts).toEqual([eve]);
  });

  it('opened by another identity, or by none, it is "foreign"', async () => {
    expect((await decodeBackup(file, PASS, bob.identity.publicKey)).origin).toBe('foreign');
    expect((await decodeBackup(file, PASS)).origin).toBe('foreign');
  });

  it('a version 1 file (no signature) still opens, as "unsigned"', async () => {
    const body = utf8(JSON.stringify({ version: 1, exportedAt: 1, contacts: [{ contactId: 'did:key:z6MkBob', displayName: 'Bob', identityPublicKey: '07'.repeat(32), verifiedAt: 1, verifiedBy: 'card' }] }));
    const v1 = await sealBackup(body, PASS, 1);
    expect(v1[4]).toBe(1);
    expect(await decodeBackup(v1, PASS, me.publicKey)).toMatchObject({ origin: 'unsigned', contacts: [{ displayName: 'Bob', verifiedBy: 'card' }] });
    expect((await decodeBackup(v1, PASS, me.publicKey)).signer).toBeUndefined();
  });

  it('a payload re-sealed by someone who knows the passphrase, with the body changed: "bad-signature"', async () => {
    const plain = await signedPayload(contacts, me);
    plain[plain.length - 3] ^= 0x01; // inside the JSON body, after the signature
    const forged = await sealBackup(plain, PASS);
    const back = await decodeBackup(forged, PASS, me.publicKey).catch((e) => e as Error);
    // Either the JSON no longer parses (damaged) or it does and the signature fails; never "own".
    if (back instanceof Error) expect((back as BackupError).code).toBe('backup-damaged');
    else expect(back.origin).toBe('bad-signature');
    const swapped = await signedPayload(contacts, me);
    swapped.set(bob.identity.publicKey, 0); // claims another signer
    expect((await decodeBackup(await sealBackup(swapped, PASS), PASS, bob.identity.publicKey)).origin).toBe('bad-signature');
  });

  it('holds no name or key in the clear', () => {
    const text = new TextDecoder('latin1').decode(file);
    expect(text).not.toContain('Bob');
    expect(text).not.toContain('did:key');
  });

  it('a wrong passphrase is backup-wrong-passphrase', async () => {
    expect(await code(decodeBackup(file, 'not the passphrase at all'))).toBe('backup-wrong-passphrase');
  });

  it('not a backup, another version, truncated: backup-invalid', async () => {
    expect(await code(decodeBackup(new TextEncoder().encode('{"contacts":[]}'), PASS))).toBe('backup-invalid');
    expect(await code(decodeBackup(new Uint8Array(0), PASS))).toBe('backup-invalid');
    expect(await code(decodeBackup(flip(file, 0), PASS))).toBe('backup-invalid');
    expect(await code(decodeBackup(flip(file, 4, 0x04), PASS))).toBe('backup-invalid'); // version 6
    expect(await code(decodeBackup(file.subarray(0, headLength + 20), PASS))).toBe('backup-invalid');
    expect(await code(decodeBackup('KPCB' as unknown as Uint8Array, PASS))).toBe('backup-invalid');
  });

  it('an altered key block reads as a wrong passphrase (indistinguishable by design)', async () => {
    expect(await code(decodeBackup(flip(file, headLength - 20), PASS))).toBe('backup-wrong-passphrase');
  });

  it('altered nonce, ciphertext or tag, or a cut-off tail: backup-damaged', async () => {
    for (const i of [headLength, headLength + NONCE_AT, file.length - 1]) {
      expect(await code(decodeBackup(flip(file, i), PASS))).toBe('backup-damaged');
    }
    expect(await code(decodeBackup(file.subarray(0, file.length - 1), PASS))).toBe('backup-damaged');
  });

  it('property: any single-byte change after the key block is caught', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, x) => {
      const i = headLength + (pos % (file.length - headLength));
      expect(await code(decodeBackup(flip(file, i, x), PASS))).toBe('backup-damaged');
    }), { seed: fcSeed, numRuns: 4 });
  });

  it('a short passphrase is refused when writing', async () => {
    await expect(encodeBackup(contacts, 'short', me)).rejects.toThrow(/passphrase/);
  });
});

/** The plaintext a version 2 file seals: signer ‖ signature ‖ body, as encodeBackup makes it. */
async function signedPayload(list: Contact[], identity: IdentityKeyPair, bodyText?: string): Promise<Uint8Array> {
  const body = utf8(bodyText ?? JSON.stringify({ version: 2, exportedAt: 1, contacts: list.map((c) => ({ ...c, identityPublicKey: hexOf(c.identityPublicKey), verifiedBy: c.verifiedBy ?? 'sas' })) }));
  const out = new Uint8Array(96 + body.length);
  out.set(identity.publicKey, 0);
  out.set(identity.sign(backupSigningInput(body)), 32);
  out.set(body, 96);
  return out;
}

describe('contacts backup: the signature (docs/PROTOCOL.md "Contacts backup")', () => {
  it('PROTOCOL.md vector: the signing input and the signature of a fixed body', () => {
    const signer = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(1));
    const body = utf8('{"version":2,"exportedAt":0,"contacts":[]}');
    const input = backupSigningInput(body);
    expect(hexOf(input)).toBe(VECTOR.signingInput);
    expect(signer.did).toBe(VECTOR.signer);
    expect(hexOf(signer.sign(input))).toBe(VECTOR.signature);
    // Checked by a second implementation (noble), over the label and SHA-256 computed by node:crypto.
    const expected = Buffer.concat([Buffer.from([0, 27]), Buffer.from('keyprint-contacts-backup-v2'), createHash('sha256').update(body).digest()]);
    expect(hexOf(expected)).toBe(VECTOR.signingInput);
    expect(ed25519.verify(Buffer.from(VECTOR.signature, 'hex'), expected, signer.publicKey)).toBe(true);
  });
});

describe('acceptance (issue 18): a forged backup imports only as unverified after the preview, and never skips a SAS', () => {
  it('foreign signature, an id that is not the key\'s, a bidi name and a forged verifiedBy: nothing verified, the SAS is shown', async () => {
    // Mallory hands Alice "my contacts" and the passphrase: his own key as "Bob" verified by card,
    // a second entry claiming Bob's id for his key, and a name with a right-to-left override.
    const forgedList: Contact[] = [
      { contactId: mallory.identity.did, displayName: 'Bob', identityPublicKey: mallory.identity.publicKey, verifiedAt: 1, verifiedBy: 'card' },
      { contactId: bob.identity.did, displayName: 'Bobby', identityPublicKey: mallory.identity.publicKey, verifiedAt: 1, verifiedBy: 'receipt' },
      { contactId: mallory.identity.did, displayName: 'Alice\u202Eecila', identityPublicKey: mallory.identity.publicKey, verifiedAt: 1, verifiedBy: 'sas' },
    ];
    const file = await encodeBackup(forgedList, PASS, mallory.identity);
    const opened = await decodeBackup(file, PASS, alice.identity.publicKey);
    expect(opened.origin).toBe('foreign');

    // The preview Alice sees: one added (not verified), two refused with their reasons.
    const contactsHere = new MemoryContactStore();
    const plan = planContactsImport(await contactsHere.all(), opened.contacts, { keepVerification: opened.origin === 'own', now: Date.UTC(2026, 11, 1) });
    expect(plan.items.map((i) => i.outcome)).toEqual(['added', 'refused', 'refused']);
    expect(plan.items[1].reason).toBe(`its id "${bob.identity.did}" is not its key's did:key`);
    expect(plan.items[2].reason).toBe('its name expected no control or bidi characters, got U+202E');
    expect(plan.items[2].name).toBe('Alice\\u{202E}ecila');
    for (const i of plan.items) if (i.outcome === 'added') await contactsHere.put(i.contact);
    expect((await contactsHere.all()).map(verificationOf)).toEqual(['unverified']);

    // Mallory connects: Alice is shown the SAS (no "recognized", no verified until she compares).
    const a = new Side(alice, { contacts: contactsHere, outbox: new MemoryOutbox() });
    const m = new Side(mallory, memoryStores());
    await link(a, m);
    const sas = await a.waitFor('sas');
    expect(a.of('recognized')).toHaveLength(0);
    expect(sas.peer.contact?.verifiedBy).toBe('unverified');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.of('verified')).toHaveLength(0);
    await a.conversation.reject();
    await a.waitFor('ended', (e) => e.code === 'sas-mismatch');
  });

  it('the user\'s own backup restores "verified": recognised without a SAS after the import', async () => {
    const verified: Contact = { contactId: bob.identity.did, displayName: 'Bob', identityPublicKey: bob.identity.publicKey, verifiedAt: 1, verifiedBy: 'sas' };
    const opened = await decodeBackup(await encodeBackup([verified], PASS, alice.identity), PASS, alice.identity.publicKey);
    expect(opened.origin).toBe('own');
    const contactsHere = new MemoryContactStore();
    for (const i of planContactsImport([], opened.contacts, { keepVerification: true, now: 2 }).items) await contactsHere.put(i.contact);
    const a = new Side(alice, { contacts: contactsHere, outbox: new MemoryOutbox() });
    const b = new Side(bob, memoryStores());
    await link(a, b);
    await a.waitFor('recognized');
    await verifyBoth(a, b);
  });
});

/** docs/PROTOCOL.md "Contacts backup", test vector (signer seed 32 × 0x01). */
const VECTOR = {
  signer: 'did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX',
  signingInput: '001b6b65797072696e742d636f6e74616374732d6261636b75702d76327afa6592273efd3b0d031053c8942b45a33c0950593ed710775ff4d93265af0c',
  signature: '6d0956c028e465a9764577aaf5198675e429b4ec63ede2b64d0f97eefcba6b0567f5d518d724dccbc8d3a51c9317c0604a14f8831bcf6e60461e2dbb20432b06',
};

const NONCE_AT = 12; // first ciphertext byte
