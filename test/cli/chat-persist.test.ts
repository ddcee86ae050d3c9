// `keyprint chat` keeps its contacts (HOME/contacts.json) and outbox (HOME/outbox/) across runs:
// a peer verified by SAS in one run, or added from a card, is recognised in the next without a new
// comparison; a message queued while the peer is away survives a restart (encrypted on disk) and
// is delivered exactly once; a newcomer using a known contact's name with another key is flagged
// and must compare; a damaged contacts file is one clear line before the key is touched, a damaged
// outbox file an error event (the chat goes on).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityKeyPair } from '../../src/identity/index.js';
import { ChatProcess, linkChats, connectChats, chatFixture, type, type Enrolled } from './_chat.js';

let ada: Enrolled, bob: Enrolled;
const fixture = chatFixture('Ada', 'Bob');
const start = fixture.start;
/** Test 1's second run, kept open for test 2 (contacts are read at each handshake: no restart needed). */
let a: ChatProcess, b: ChatProcess;
/** The first run's Ada, still exiting while the second runs. */
let adaExited: Promise<number | null>;
const contactsOf = (who: Enrolled) => JSON.parse(readFileSync(join(who.home, 'contacts.json'), 'utf8'));

beforeAll(async () => {
  [ada, bob] = await fixture.enroll();
}, 60_000);

afterAll(() => fixture.cleanUp());

describe('keyprint chat: contacts and outbox across runs', () => {
  it('a damaged contacts.json: one error (JSON under --json), exit 2, before the security key is touched', async () => {
    writeFileSync(join(bob.home, 'contacts.json'), '{"version":1,"contacts":[{');
    try {
      const p = start(bob);
      expect(await p.exit).toBe(2);
      expect(p.stderr).toBe('');
      expect(p.events).toEqual([{ error: { code: 'contacts-corrupt', message: expect.stringMatching(/contacts\.json is not JSON$/) } }]);
    } finally {
      rmSync(join(bob.home, 'contacts.json'));
    }
  }, 30_000);

  it('SAS once, then recognised after a restart; a message queued before a restart is delivered once; outbox emptied', async () => {
    const t0 = Date.now();
    a = start(ada);
    b = start(bob);
    await Promise.all([a.ready(), b.ready()]);
    const t1 = Date.now();
    await connectChats(a, b);
    a.send('/verify');
    b.send('/verify');
    await Promise.all([a.next(type('confirmed')), b.next(type('confirmed'))]);
    expect(contactsOf(ada).contacts).toEqual([expect.objectContaining({ did: bob.did, displayName: 'Bob', verifiedBy: 'sas' })]);
    expect(contactsOf(bob).contacts).toEqual([expect.objectContaining({ did: ada.did, displayName: 'Ada', verifiedBy: 'sas' })]);

    // Ada ends the chat and Bob leaves; Ada queues a message for him, then quits too.
    a.send('/cancel');
    await Promise.all([a.next(type('cancelled')), b.next(type('cancelled'))]);
    expect(await b.quit()).toBe(0);
    a.send('the vault code is 4711');
    const queued = await a.next(type('sending'));
    await a.next((e) => e.type === 'status' && e.id === queued.id && e.status === 'queued');
    const files = readdirSync(join(ada.home, 'outbox'));
    expect(files).toEqual([`${queued.id}.json`]);
    const onDisk = readFileSync(join(ada.home, 'outbox', files[0]), 'utf8');
    expect(onDisk).not.toContain('vault');
    expect(onDisk).not.toContain(Buffer.from('the vault code is 4711').toString('base64url').slice(0, 12));
    expect(JSON.parse(onDisk)).toMatchObject({ peer: bob.did, status: 'queued' });
    // The side that closes a WebRTC connection second takes ~10 s to exit (libdatachannel's cleanup):
    // the next run starts meanwhile, and the exit code is checked at the end.
    adaExited = a.quit();
    // A damaged file in Bob's outbox: reported when he starts, left alone, the chat goes on.
    mkdirSync(join(bob.home, 'outbox'), { recursive: true });
    writeFileSync(join(bob.home, 'outbox', 'ffff.json'), '{"version":1,');
    const t2 = Date.now();

    // Both start again: the outbox is announced; both recognise each other — no SAS asked.
    a = start(ada);
    b = start(bob);
    await Promise.all([a.ready(), b.ready()]);
    const t3 = Date.now();
    expect(await a.next(type('outbox'))).toMatchObject({ pending: 1, peers: [bob.did] });
    expect(await b.next(type('error'))).toMatchObject({ code: 'outbox-damaged', message: expect.stringMatching(/ffff\.json is not JSON: move it away or delete it$/) });
    await linkChats(a, b);
    const [ra, rb] = await Promise.all([a.next(type('recognized')), b.next(type('recognized'))]);
    expect(ra).toMatchObject({ peer: { name: 'Bob', did: bob.did }, verifiedBy: 'sas', verifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(rb).toMatchObject({ peer: { name: 'Ada', did: ada.did }, verifiedBy: 'sas' });
    await Promise.all([a.next(type('confirmed')), b.next(type('confirmed'))]);
    expect(a.events.concat(b.events).some((e) => e.type === 'sas')).toBe(false);
    const got = await b.next(type('message'));
    expect(got).toMatchObject({ id: queued.id, text: 'the vault code is 4711' });
    await a.next((e) => e.type === 'status' && e.id === queued.id && e.status === 'delivered');
    // Exactly once: a round trip after it, and still one copy.
    a.send('ping');
    await b.next((e) => e.type === 'message' && e.text === 'ping');
    expect(b.events.filter((e) => e.type === 'message' && e.id === queued.id)).toHaveLength(1);
    await a.next((e) => e.type === 'status' && e.status === 'delivered' && e.id !== queued.id);
    expect(readdirSync(join(ada.home, 'outbox'))).toEqual([]);
    expect(readdirSync(join(bob.home, 'outbox'))).toEqual(['ffff.json']);
    console.log(`chat-persist: start ${t1 - t0} ms, first run ${t2 - t1} ms, restart ${t3 - t2} ms, second run ${Date.now() - t3} ms`);
  }, 60_000);

  it('a card contact is recognised ("verified by card"); a newcomer with a known name and another key is flagged and must compare', async () => {
    // Bob's home: Ada as `keyprint contacts add` stores a card (version 1 record, verifiedBy card).
    const bobsFile = contactsOf(bob);
    const adaRecord = bobsFile.contacts.find((c: { did: string }) => c.did === ada.did);
    writeFileSync(join(bob.home, 'contacts.json'), JSON.stringify({ version: 1, contacts: [{
      ...adaRecord, bundle: 'AAAA', verifiedBy: 'card', verifiedAt: '2026-01-02T03:04:05.000Z', trust: 'attested-unknown-vendor', authenticator: 'Soft', printedTextCompared: true,
    }] }, null, 2));
    // Ada's home: the "Bob" she verified is someone else's key (an earlier Bob, or an impostor now).
    const earlier = IdentityKeyPair.generate();
    writeFileSync(join(ada.home, 'contacts.json'), JSON.stringify({ version: 1, contacts: [{
      did: earlier.did, displayName: 'Bob', identityPublicKey: Buffer.from(earlier.publicKey).toString('base64url'), verifiedBy: 'sas', verifiedAt: '2026-03-04T05:06:07.000Z',
    }] }));

    b.send('/cancel');
    await Promise.all([a.next(type('cancelled')), b.next(type('cancelled'))]);
    await linkChats(a, b);
    const warned = await a.next(type('key-changed'));
    expect(warned).toMatchObject({ peer: { name: 'Bob', did: bob.did }, previous: { name: 'Bob', did: earlier.did, verifiedBy: 'sas', verifiedAt: '2026-03-04T05:06:07.000Z' } });
    const sas = await a.next(type('sas'));
    const rb = await b.next(type('recognized'));
    expect(rb).toMatchObject({ peer: { did: ada.did }, verifiedBy: 'card', verifiedAt: '2026-01-02T03:04:05.000Z' });
    expect(rb.emoji).toEqual(sas.emoji);
    a.send('/verify');
    await Promise.all([a.next(type('confirmed')), b.next(type('confirmed'))]);
    // Ada now has both Bobs; Bob's card record for Ada is kept as it was (he did not compare).
    expect(contactsOf(ada).contacts.map((c: { did: string }) => c.did)).toEqual([earlier.did, bob.did]);
    expect(contactsOf(bob).contacts).toEqual([expect.objectContaining({ did: ada.did, verifiedBy: 'card', bundle: 'AAAA' })]);
    expect(await Promise.all([a.quit(), b.quit(), adaExited])).toEqual([0, 0, 0]);
  }, 60_000);

});
