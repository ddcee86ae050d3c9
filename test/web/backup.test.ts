// web/lib/backup.ts: the encrypted contacts backup file. Round trip, wrong passphrase, and every
// region of the file altered (magic, version, key block, nonce, ciphertext, tag, truncation).
import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { BACKUP_VERSION, BackupError, decodeBackup, encodeBackup } from '../../web/lib/backup.js';
import type { Contact } from '../../src/session/contacts.js';
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

describe('contacts backup', () => {
  let file: Uint8Array;
  let headLength: number;
  beforeAll(async () => {
    file = await encodeBackup(contacts, PASS);
    headLength = 7 + new DataView(file.buffer, file.byteOffset + 5, 2).getUint16(0);
  });

  it('round-trips contacts with how each was verified (absent reads as sas)', async () => {
    expect([...file.subarray(0, 5)]).toEqual([0x4b, 0x50, 0x43, 0x42, BACKUP_VERSION]);
    const back = await decodeBackup(file, PASS);
    expect(back).toEqual([contacts[0], contacts[1], { ...contacts[2], verifiedBy: 'sas' }]);
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
    expect(await code(decodeBackup(flip(file, 4, 0x03), PASS))).toBe('backup-invalid');
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
    await expect(encodeBackup(contacts, 'short')).rejects.toThrow(/passphrase/);
  });
});

const NONCE_AT = 12; // first ciphertext byte
