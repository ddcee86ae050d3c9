// The conversation layer (src/session/conversation.ts) over the in-memory pipe: every decision both
// apps render — recognised or not, which name, which warning, what is queued and delivered — with
// the attacks of the review (a verified contact borrowing another contact's name, look-alike and
// invisible names, another key for the contact one meant to reach) written as tests.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { judgePeer, MemoryContactStore, MemoryOutbox, type Contact } from '../../src/session/index.js';
import { alice, bob, mallory, party } from './_pair.js';
import { link, memoryStores, Side, verifyBoth } from './_conversations.js';
import { fcSeed } from '../_util.js';

const carol = party('Carol', 0x55);

/** Alice and Bob verified each other once (both stores hold the other as verified by SAS). */
async function verifiedOnce(): Promise<{ a: Side; b: Side }> {
  const a = new Side(alice, memoryStores()), b = new Side(bob, memoryStores());
  await link(a, b);
  await verifyBoth(a, b);
  return { a, b };
}

describe('Conversation: first contact and recognition', () => {
  it('first contact: both see the same codes, no warning; confirming stores the contact as verified by SAS', async () => {
    const a = new Side(alice, memoryStores()), b = new Side(bob, memoryStores());
    await link(a, b);
    const sa = await a.waitFor('sas'), sb = await b.waitFor('sas');
    expect(sa.codes).toEqual(sb.codes);
    expect(sa.codes.emoji).toHaveLength(7);
    expect(sa.codes.words).toHaveLength(5);
    expect(sa.warning).toBeUndefined();
    expect(sa.peer).toMatchObject({ name: 'Bob', presentedName: 'Bob', did: bob.identity.did });
    expect(sa.peer.contact).toBeUndefined();
    await verifyBoth(a, b);
    expect((await a.waitFor('verified')).recognized).toBe(false);
    const stored = await a.stores.contacts.all();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ contactId: bob.identity.did, displayName: 'Bob', verifiedBy: 'sas' });
  });

  it('a verified contact is recognised on reconnect: no SAS, verified at once, the stored name shown', async () => {
    const { a, b } = await verifiedOnce();
    await link(a, b);
    const r = await a.waitFor('recognized');
    expect(r.peer).toMatchObject({ name: 'Bob', contact: { verifiedBy: 'sas' } });
    expect(r.peer.presentsAs).toBeUndefined();
    await a.waitFor('verified', (e) => e.recognized);
    await b.waitFor('verified', (e) => e.recognized);
    expect(a.of('sas')).toHaveLength(1); // only the first time
  });

  it('one side forgot the other: it compares, the other stays recognised; both end verified', async () => {
    const { a, b } = await verifiedOnce();
    await b.stores.contacts.delete(alice.identity.did);
    await link(a, b);
    await a.waitFor('recognized');
    await b.waitFor('sas', (e) => e.peer.name === 'Alice');
    expect(b.conversation.phase).toBe('sas');
    await b.conversation.confirm();
    await a.waitFor('verified', (e) => e.recognized);
    await b.waitFor('verified', (e) => !e.recognized);
  });

  it('the same key presenting another (non-colliding) name: recognised, shown under the stored name, "presents itself as" the new one', async () => {
    const { a } = await verifiedOnce();
    const bobRenamed = new Side({ ...bob, bundle: party('Robert', 0x22).bundle }, memoryStores());
    await link(a, bobRenamed);
    const r = await a.waitFor('recognized', (e) => e.peer.presentsAs !== undefined);
    expect(r.peer).toMatchObject({ name: 'Bob', presentedName: 'Robert', presentsAs: 'Robert' });
  });
});

describe('Conversation: borrowed names and changed keys (review finding 3)', () => {
  it('a verified contact (Mallory) re-signs its bundle under another contact\'s name ("Bob"): not recognised, shown as Mallory, warned, verified only after a new comparison', async () => {
    const contacts = new MemoryContactStore();
    const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
    // Alice verified Bob and Mallory before.
    await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'sas' });
    await contacts.put({ contactId: mallory.identity.did, identityPublicKey: mallory.identity.publicKey, displayName: 'Mallory', verifiedAt: Date.UTC(2026, 10, 2), verifiedBy: 'sas' });
    const m = new Side({ ...mallory, bundle: party('Bob', 0x33).bundle }, memoryStores());
    await link(a, m);
    const sas = await a.waitFor('sas');
    expect(a.of('recognized')).toHaveLength(0);
    expect(sas.peer).toMatchObject({ did: mallory.identity.did, name: 'Mallory', presentedName: 'Bob', presentsAs: 'Bob' });
    expect(sas.warning).toMatchObject({ kind: 'name-taken', contact: { contactId: bob.identity.did, name: 'Bob' } });
    expect(sas.warning!.text).toBe('"Bob" is the name of Bob, verified by comparing the code on 2026-11-01 — with another key. It may be Bob on a new device — or someone pretending to be Bob. Not verified until you compare the code again, in person or on a call.');
    expect(a.conversation.phase).toBe('sas');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.of('verified')).toHaveLength(0);
    await a.conversation.reject();
    await a.waitFor('ended', (e) => e.code === 'sas-mismatch');
    expect(await contacts.get(mallory.identity.did)).toMatchObject({ displayName: 'Mallory' });
  });

  const lookalikes: Array<[string, string]> = [
    ['zero-width space', 'Bob\u200B'],
    ['word joiner and zero-width non-joiner', 'B\u2060o\u200Cb'],
    ['case', 'BOB'],
    ['fullwidth', '\uFF22\uFF4F\uFF42'],
    ['surrounding spaces', '  Bob '],
    ['Cyrillic Ve and o', '\u0412\u043Eb'],
    ['mathematical bold', '\u{1D401}\u{1D428}\u{1D41B}'],
  ];
  for (const [what, name] of lookalikes) {
    it(`a newcomer named like a contact (${what}) raises the warning`, async () => {
      const contacts = new MemoryContactStore();
      await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'card' });
      const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
      const impostor = new Side({ ...mallory, bundle: party(name, 0x33).bundle }, memoryStores());
      await link(a, impostor);
      const sas = await a.waitFor('sas');
      expect(sas.warning?.kind).toBe('name-taken');
      expect(sas.warning?.contact.verifiedBy).toBe('card');
      expect(sas.warning?.text).toContain('with their printed card on 2026-11-01');
    });
  }

  it('names that only look alike to a person are not flagged (Rob, Bobby): the SAS is the check', async () => {
    for (const name of ['Rob', 'Bobby']) {
      const contacts = new MemoryContactStore();
      await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: 1, verifiedBy: 'sas' });
      const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
      await link(a, new Side({ ...mallory, bundle: party(name, 0x33).bundle }, memoryStores()));
      expect((await a.waitFor('sas')).warning).toBeUndefined();
    }
  });

  it('reconnecting to a chosen contact and another key answers: key-changed, even if that key is itself a contact', async () => {
    const contacts = new MemoryContactStore();
    await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'sas' });
    await contacts.put({ contactId: carol.identity.did, identityPublicKey: carol.identity.publicKey, displayName: 'Carol', verifiedAt: 2, verifiedBy: 'sas' });
    const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
    await link(a, new Side(carol, memoryStores()), { expectA: bob.identity.did });
    const sas = await a.waitFor('sas');
    expect(a.of('recognized')).toHaveLength(0);
    expect(sas.warning).toMatchObject({ kind: 'key-changed', contact: { name: 'Bob' } });
    expect(sas.warning!.text).toMatch(/^Bob's key has changed: you reconnected to Bob, verified by comparing the code on 2026-11-01, but another key answered\./);
    expect(sas.peer.name).toBe('Carol');
  });

  it('after comparing despite a warning, the new key is a contact under its presented name and is recognised next time', async () => {
    const contacts = new MemoryContactStore();
    await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: 1, verifiedBy: 'sas' });
    const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
    const bobNewKey = new Side(party('Bob', 0x66), memoryStores());
    await link(a, bobNewKey);
    expect((await a.waitFor('sas')).warning?.kind).toBe('name-taken');
    await verifyBoth(a, bobNewKey);
    await link(a, bobNewKey);
    await a.waitFor('recognized');
  });
});

describe('Conversation: queueing and delivery', () => {
  it('typed while away: queued (shown at once), delivered exactly once on the next verified connection, in order', async () => {
    const { a, b } = await verifiedOnce();
    a.conversation.close();
    const m1 = await a.conversation.send(bob.identity.did, 'one');
    const m2 = await a.conversation.send(bob.identity.did, 'two');
    expect(m1.status).toBe('queued');
    expect(a.of('outgoing').map((e) => e.message.content)).toEqual([{ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' }]);
    await link(a, b);
    await a.waitFor('status', (e) => e.id === m2.id && e.status === 'delivered');
    expect(b.of('message').map((e) => e.text)).toEqual(['one', 'two']);
    expect(a.of('status').filter((e) => e.id === m1.id).map((e) => [e.status, e.offline])).toEqual([['queued', true], ['sent', undefined], ['delivered', undefined]]);
  });

  it('typed while connecting (peer not yet known): held, then addressed to whoever the channel turns out to be', async () => {
    const a = new Side(alice, memoryStores()), b = new Side(bob, memoryStores());
    const linked = link(a, b);
    await a.waitFor('connecting');
    const sent = a.conversation.send(undefined, 'early bird');
    await linked;
    const m = await sent;
    expect(m.peer).toBe(bob.identity.did);
    await verifyBoth(a, b);
    await b.waitFor('message', (e) => e.text === 'early bird');
  });

  it('typed while the codes are compared: delivered after both confirm', async () => {
    const a = new Side(alice, memoryStores()), b = new Side(bob, memoryStores());
    await link(a, b);
    const m = await a.conversation.send(undefined, 'during SAS');
    expect(m.status).toBe('queued');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.of('message')).toHaveLength(0);
    await verifyBoth(a, b);
    await b.waitFor('message', (e) => e.text === 'during SAS');
  });

  it('a held message whose channel ends before the peer is known is refused with its text (nothing silently lost)', async () => {
    const a = new Side(alice, memoryStores());
    const { memoryPipe } = await import('../../src/session/index.js');
    const [ta] = memoryPipe();
    await a.conversation.open(ta, { role: 'initiator', localDtlsFingerprint: alice.dtls, expectedPeerDtlsFingerprint: bob.dtls });
    const sent = a.conversation.send(undefined, 'lonely');
    a.conversation.close();
    await expect(sent).rejects.toMatchObject({ code: 'not-connected', message: expect.stringContaining('"lonely"') });
  });

  it('nobody to send to: a clear error, nothing stored', async () => {
    const a = new Side(alice, memoryStores());
    await expect(a.conversation.send(undefined, 'hello?')).rejects.toMatchObject({ code: 'not-connected' });
    await expect(a.conversation.send(bob.identity.did, 'x'.repeat(70_000))).rejects.toThrow(/"text" expected/);
  });

  it('statuses never go backwards and files arrive whole', async () => {
    const { a, b } = await verifiedOnce();
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    const f = await a.conversation.sendFile(bob.identity.did, { name: 'data.bin', mime: 'application/octet-stream', size: bytes.length, ref: a.files.add(bytes) });
    const got = await b.waitFor('file');
    expect(got).toMatchObject({ id: f.id, name: 'data.bin', peer: alice.identity.did, size: 100_000 });
    expect(Buffer.from(b.files.received(got.location)!).equals(Buffer.from(bytes))).toBe(true);
    await a.waitFor('status', (e) => e.id === f.id && e.status === 'delivered');
    expect(b.of('transfer').at(-1)?.transfer).toMatchObject({ state: 'done', bytes: 100_000, size: 100_000, direction: 'in' });
    const rank = { queued: 0, sent: 1, delivered: 2, failed: 2 };
    const seq = a.of('status').filter((e) => e.id === f.id).map((e) => e.status);
    expect(seq).toEqual(['queued', 'sent', 'delivered']);
    for (let i = 1; i < seq.length; i++) expect(rank[seq[i]]).toBeGreaterThan(rank[seq[i - 1]]);
  });
});

describe('judgePeer: the one rule, for channels and cards', () => {
  const bobContact: Contact = { contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'sas' };
  const presented = (p: typeof bob, displayName: string) => ({ identityPublicKey: p.identity.publicKey, did: p.identity.did, displayName });

  it('a card with a known key under another name: the stored name, "presents itself as" the card\'s, no warning', () => {
    const j = judgePeer([bobContact], presented(bob, 'Robert'), { via: 'card' });
    expect(j).toMatchObject({ recognized: true, peer: { name: 'Bob', presentsAs: 'Robert', contact: { contactId: bob.identity.did } } });
    expect(j.warning).toBeUndefined();
  });

  it('a card using a contact\'s name with another key: the same warning, with advice for a card', () => {
    const j = judgePeer([bobContact], presented(mallory, 'B\u200Bob'), { via: 'card' });
    expect(j.recognized).toBe(false);
    expect(j.peer.name).toBe('B\\u{200B}ob'); // shown with the invisible character made visible
    expect(j.warning!.text).toBe('"B\\u{200B}ob" is the name of Bob, verified by comparing the code on 2026-11-01 — with another key. It may be Bob on a new device — or someone pretending to be Bob. Keep this card only if you know it is theirs: you had it from them, in person.');
  });

  it('no contacts: not recognised, no warning', () => {
    expect(judgePeer([], presented(bob, 'Bob'))).toMatchObject({ recognized: false, peer: { name: 'Bob' } });
  });
});

describe('Conversation: a peer on protocol version 1 (issue 22: a clear refusal, never a downgrade)', () => {
  it('our commit answered by a version-1 cancel: ended with "ask them to update"; a version-1 commit to us: refused in its own format', async () => {
    const { memoryPipe } = await import('../../src/session/index.js');
    const a = new Side(alice, memoryStores());
    const [ta, old] = memoryPipe();
    const seen: Uint8Array[] = [];
    old.onmessage = (f) => { seen.push(f); old.send(Uint8Array.of(1, 5, 0, 7, ...new TextEncoder().encode('version'))); };
    await a.conversation.open(ta, { role: 'initiator', localDtlsFingerprint: alice.dtls, expectedPeerDtlsFingerprint: bob.dtls });
    const ended = await a.waitFor('ended');
    expect(ended).toMatchObject({ code: 'version', by: 'them' });
    expect(ended.text).toMatch(/^The other side runs an older keyprint, without the post-quantum handshake this one requires: ask them to update/);
    expect(seen[0][0]).toBe(3); // we spoke version 3 only

    const b = new Side(bob, memoryStores());
    const [tb, old2] = memoryPipe();
    const answers: Uint8Array[] = [];
    old2.onmessage = (f) => answers.push(f);
    await b.conversation.open(tb, { role: 'responder', localDtlsFingerprint: bob.dtls, expectedPeerDtlsFingerprint: alice.dtls });
    old2.send(Uint8Array.of(1, 1, ...new Uint8Array(32))); // a version-1 commit
    expect((await b.waitFor('ended')).text).toMatch(/older keyprint/);
    await new Promise((r) => setTimeout(r, 10));
    expect(Array.from(answers[0])).toEqual([1, 5, 0, 7, ...new TextEncoder().encode('version')]);
  });
});

describe('Conversation: unverified contacts never skip the SAS (issue 18: a backup cannot inject trust)', () => {
  // What an import of someone else's backup leaves: the key and name as the file claims them, unverified.
  const unverified = (p: typeof bob, displayName: string, extra: Partial<Contact> = {}): Contact => ({
    contactId: p.identity.did, identityPublicKey: p.identity.publicKey, displayName, verifiedAt: Date.UTC(2026, 10, 3), verification: 'unverified', ...extra,
  });

  it('the peer\'s own key and name, imported unverified (even with a forged verifiedBy): the SAS is shown, never "recognized"; comparing makes it verified by SAS', async () => {
    const contacts = new MemoryContactStore();
    await contacts.put(unverified(bob, 'Bob', { verifiedBy: 'card' }));
    const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
    const b = new Side(bob, memoryStores());
    await link(a, b, { expectA: bob.identity.did });
    const sas = await a.waitFor('sas');
    expect(a.of('recognized')).toHaveLength(0);
    expect(sas.warning).toBeUndefined();
    expect(sas.peer).toMatchObject({ name: 'Bob', contact: { contactId: bob.identity.did, verifiedBy: 'unverified' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(a.of('verified')).toHaveLength(0);
    await verifyBoth(a, b);
    expect((await a.waitFor('verified')).recognized).toBe(false);
    const stored = (await contacts.get(bob.identity.did))!;
    expect(stored).toMatchObject({ displayName: 'Bob', verifiedBy: 'sas' });
    expect(stored.verification).toBeUndefined();
    // Now it is verified: recognised next time.
    await link(a, b);
    await a.waitFor('recognized');
  });

  it('a forged entry (Mallory\'s key under the name of a verified "Bob"): the SAS, with the name-taken warning', async () => {
    const contacts = new MemoryContactStore();
    await contacts.put({ contactId: bob.identity.did, identityPublicKey: bob.identity.publicKey, displayName: 'Bob', verifiedAt: Date.UTC(2026, 10, 1), verifiedBy: 'sas' });
    await contacts.put(unverified(mallory, 'B\u200Bob', { verifiedBy: 'receipt' }));
    const a = new Side(alice, { contacts, outbox: new MemoryOutbox() });
    await link(a, new Side(mallory, memoryStores()));
    const sas = await a.waitFor('sas');
    expect(a.of('recognized')).toHaveLength(0);
    expect(sas.peer).toMatchObject({ name: 'B\\u{200B}ob', presentedName: 'Mallory', contact: { verifiedBy: 'unverified' } });
    expect(sas.warning).toMatchObject({ kind: 'name-taken', contact: { contactId: bob.identity.did } });
  });

  it('an unverified namesake makes a warning that says it is unverified', () => {
    const j = judgePeer([unverified(bob, 'Bob')], { identityPublicKey: mallory.identity.publicKey, did: mallory.identity.did, displayName: 'Bob' });
    expect(j.recognized).toBe(false);
    expect(j.warning!.text).toBe('"Bob" is the name of Bob, added unverified on 2026-11-03 — with another key. It may be Bob on a new device — or someone pretending to be Bob. Not verified until you compare the code again, in person or on a call.');
  });

  it('property: whatever the contacts and the presented identity, an unverified contact with the presented key is never recognised', () => {
    const people = [alice, bob, carol, mallory];
    const names = ['Alice', 'Bob', 'bob', 'B\u200Bob', 'Carol', 'Mallory'];
    fc.assert(fc.property(
      fc.array(fc.record({ who: fc.nat(3), name: fc.constantFrom(...names), verified: fc.boolean(), by: fc.constantFrom('sas', 'card', 'receipt', undefined) }), { maxLength: 6 }),
      fc.nat(3), fc.constantFrom(...names), fc.boolean(),
      (list, presenter, presentedName, named) => {
        const contacts: Contact[] = list.map((c) => ({
          contactId: people[c.who].identity.did, identityPublicKey: people[c.who].identity.publicKey, displayName: c.name, verifiedAt: 1,
          ...(c.by ? { verifiedBy: c.by as Contact['verifiedBy'] } : {}), ...(c.verified ? {} : { verification: 'unverified' as const }),
        }));
        const p = people[presenter];
        const j = judgePeer(contacts, { identityPublicKey: p.identity.publicKey, did: p.identity.did, displayName: presentedName }, named ? { expect: p.identity.did } : {});
        const own = contacts.find((c) => c.identityPublicKey === p.identity.publicKey);
        if (own?.verification === 'unverified') expect(j.recognized).toBe(false);
        if (j.recognized) expect(own?.verification).toBeUndefined();
      },
    ), { seed: fcSeed, numRuns: 300 });
  });
});
