// src/session/contacts-import.ts: what a contacts file may add (issue 18: a backup cannot inject
// trust). The forged entries of the review — a foreign file claiming "verified by card", an id that
// is not the key's did:key, "Alice\u202Eecila" — and the rules that keep what the user has.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planContactsImport, verificationOf, type Contact } from '../../src/session/index.js';
import { alice, bob, mallory, party } from './_pair.js';
import { fcSeed } from '../_util.js';

const carol = party('Carol', 0x55);
const NOW = Date.UTC(2026, 11, 24);
const entry = (p: typeof bob, displayName: string, extra: Partial<Contact> = {}): Contact => ({
  contactId: p.identity.did, identityPublicKey: p.identity.publicKey, displayName, verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'card', ...extra,
});
const foreign = { keepVerification: false, now: NOW };
const own = { keepVerification: true, now: NOW };

describe('planContactsImport', () => {
  it('someone else\'s file: every contact is added unverified, its claimed verifiedBy and verifiedAt dropped', () => {
    const plan = planContactsImport([], [entry(bob, 'Bob'), entry(carol, 'Carol', { verifiedBy: 'receipt' })], foreign);
    expect(plan.counts).toEqual({ added: 2, changed: 0, unchanged: 0, refused: 0 });
    for (const i of plan.items) {
      expect(verificationOf(i.contact)).toBe('unverified');
      expect(i.contact.verifiedBy).toBeUndefined();
      expect(i.contact.verifiedAt).toBe(NOW);
    }
  });

  it('the user\'s own signed backup restores verified states; an entry unverified in it stays unverified', () => {
    const plan = planContactsImport([], [entry(bob, 'Bob'), entry(carol, 'Carol', { verification: 'unverified' })], own);
    expect(plan.items.map((i) => [i.outcome, verificationOf(i.contact), i.contact.verifiedAt])).toEqual([
      ['added', 'card', Date.UTC(2026, 10, 1)], ['added', 'unverified', NOW],
    ]);
  });

  it('refuses an id that is not its key\'s did:key, whatever the file says', () => {
    for (const options of [foreign, own]) {
      const plan = planContactsImport([], [entry(mallory, 'Alice', { contactId: alice.identity.did }), entry(mallory, 'M', { contactId: 'alice' })], options);
      expect(plan.items.map((i) => i.outcome)).toEqual(['refused', 'refused']);
      expect(plan.items[0].reason).toBe(`its id "${alice.identity.did}" is not its key's did:key`);
    }
  });

  it('refuses names the bundle refuses: bidi "Alice\\u202Eecila", controls, not NFC, empty, too long', () => {
    const names = ['Alice\u202Eecila', 'Al\u0000ice', 'Ale\u0301x', '', 'x'.repeat(129)];
    const plan = planContactsImport([], names.map((n, i) => entry(party(`p${i}`, 0x60 + i), n)), own);
    expect(plan.items.map((i) => i.outcome)).toEqual(names.map(() => 'refused'));
    expect(plan.items[0].reason).toBe('its name expected no control or bidi characters, got U+202E');
    expect(plan.items[0].name).toBe('Alice\\u{202E}ecila'); // the preview shows it with the character made visible
  });

  it('refuses a key that is not a valid Ed25519 identity key (small order), and a key twice in the file', () => {
    const identityPoint = new Uint8Array(32);
    identityPoint[0] = 1;
    const weak: Contact = { contactId: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', identityPublicKey: identityPoint, displayName: 'Weak', verifiedAt: 1, verifiedBy: 'sas' };
    const plan = planContactsImport([], [weak, entry(bob, 'Bob'), entry(bob, 'Bobby')], own);
    expect(plan.items.map((i) => i.outcome)).toEqual(['refused', 'added', 'refused']);
    expect(plan.items[0].reason).toMatch(/^its key is not an Ed25519 public key/);
    expect(plan.items[2].reason).toBe('the file holds this key twice');
  });

  it('refuses a name another contact (another key) has, here or earlier in the file — look-alikes included', () => {
    const here = [entry(bob, 'Bob', { verifiedBy: 'sas' })];
    const plan = planContactsImport(here, [entry(mallory, 'B\u200Bob'), entry(carol, 'Carol'), entry(alice, 'CAROL')], own);
    expect(plan.items.map((i) => i.outcome)).toEqual(['refused', 'added', 'refused']);
    expect(plan.items[0].reason).toBe('"Bob" is already the name of a contact with another key');
  });

  it('never replaces or downgrades a contact here: same key from any file is unchanged, under the name here', () => {
    const here = [entry(bob, 'Bob', { verifiedBy: 'sas', verifiedAt: 5 })];
    for (const options of [foreign, own]) {
      const plan = planContactsImport(here, [entry(bob, 'Robert', { verification: 'unverified' }), entry(bob, 'Robert', { verifiedAt: 9 })].slice(options.keepVerification ? 1 : 0), options);
      expect(plan.items[0]).toMatchObject({ outcome: 'unchanged', name: 'Bob', contact: { displayName: 'Bob', verifiedBy: 'sas', verifiedAt: 5 } });
    }
  });

  it('the user\'s own backup makes an unverified contact here verified again (changed); someone else\'s cannot', () => {
    const here = [entry(bob, 'Bob', { verification: 'unverified', verifiedAt: 3 })];
    expect(planContactsImport(here, [entry(bob, 'Bob')], foreign).items[0].outcome).toBe('unchanged');
    const plan = planContactsImport(here, [entry(bob, 'Bob')], own);
    expect(plan.items[0]).toMatchObject({ outcome: 'changed', contact: { verifiedBy: 'card' } });
    expect(plan.items[0].contact.verification).toBeUndefined();
  });

  it('property: from a file that is not the user\'s own, nothing stored is verified and nothing here changes', () => {
    const people = [alice, bob, carol, mallory];
    const names = ['Alice', 'Bob', 'bob', 'Carol', 'Mallory', 'Alice\u202Eecila'];
    const contact = fc.record({ who: fc.nat(3), name: fc.constantFrom(...names), by: fc.constantFrom('sas', 'card', 'receipt'), unverified: fc.boolean(), otherId: fc.boolean() })
      .map((r): Contact => ({
        contactId: r.otherId ? people[(r.who + 1) % 4].identity.did : people[r.who].identity.did, identityPublicKey: people[r.who].identity.publicKey,
        displayName: r.name, verifiedAt: 7, verifiedBy: r.by as Contact['verifiedBy'], ...(r.unverified ? { verification: 'unverified' as const } : {}),
      }));
    fc.assert(fc.property(fc.array(contact, { maxLength: 4 }), fc.array(contact, { maxLength: 6 }), (hereRaw, file) => {
      const here = planContactsImport([], hereRaw, own).items.filter((i) => i.outcome === 'added').map((i) => i.contact);
      const plan = planContactsImport(here, file, foreign);
      for (const i of plan.items) {
        if (i.outcome === 'added') expect(verificationOf(i.contact)).toBe('unverified');
        expect(i.outcome).not.toBe('changed');
        if (i.outcome === 'unchanged') expect(here).toContain(i.contact);
      }
    }), { seed: fcSeed, numRuns: 300 });
  });
});
