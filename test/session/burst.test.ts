// Both people typing at once (issue "A verified conversation that holds", item 2): frames must
// reach the wire in the order the machine sealed them whatever the storage latency, or the peer
// cancels with `reorder`. Both sides send 1,000 texts at the same moment, with files in flight,
// while every outbox call takes a random 0–50 ms (seeded): zero cancels, every message exactly
// once, in the order each side typed them. The Session-level case is the bug as first found
// (an ack sealed while a text's outbox write was pending overtook the text).
import { describe, expect, it } from 'vitest';
import { memoryPipe, Session, type SessionDriverEvent } from '../../src/session/index.js';
import { alice, bob } from './_pair.js';
import { link, Side, SlowOutbox, verifyBoth } from './_conversations.js';
import { MemoryContactStore } from '../../src/session/index.js';

const N = 1000;

describe('both sides at once, slow storage', () => {
  it('Session: texts sent at the same moment from both sides, outbox 0–50 ms per call — no reorder, no replay', async () => {
    const [ta, tb] = memoryPipe();
    const events = { a: [] as SessionDriverEvent[], b: [] as SessionDriverEvent[] };
    const mk = (role: 'initiator' | 'responder', me: typeof alice, peer: typeof bob, t: typeof ta, ev: SessionDriverEvent[], seed: number) => new Session({
      role, identity: me.identity, bundle: me.bundle, localDtlsFingerprint: me.dtls, expectedPeerDtlsFingerprint: peer.dtls,
      transport: t, outbox: new SlowOutbox(seed, 50), onEvent: (e) => ev.push(e),
    });
    const a = mk('initiator', alice, bob, ta, events.a, 1), b = mk('responder', bob, alice, tb, events.b, 2);
    await b.start();
    await a.start();
    const until = async (f: () => boolean) => { const d = Date.now() + 20_000; while (!f()) { if (Date.now() > d) throw new Error('timeout'); await new Promise((r) => setTimeout(r, 2)); } };
    await until(() => events.a.some((e) => e.type === 'sasShown') && events.b.some((e) => e.type === 'sasShown'));
    await Promise.all([a.confirm(), b.confirm()]);
    await until(() => events.a.some((e) => e.type === 'confirmed') && events.b.some((e) => e.type === 'confirmed'));
    const n = 100;
    await Promise.all([
      ...Array.from({ length: n }, (_, i) => a.sendText(`a${i}`)),
      ...Array.from({ length: n }, (_, i) => b.sendText(`b${i}`)),
    ]);
    const texts = (ev: SessionDriverEvent[]) => ev.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text);
    await until(() => texts(events.a).length === n && texts(events.b).length === n);
    expect(events.a.concat(events.b).filter((e) => e.type === 'cancelled')).toEqual([]);
    expect(texts(events.b)).toEqual(Array.from({ length: n }, (_, i) => `a${i}`));
    expect(texts(events.a)).toEqual(Array.from({ length: n }, (_, i) => `b${i}`));
    a.close();
  });

  it(`Conversation: ${N} texts each way at once, files in flight, outbox 0–50 ms per call — zero cancels, each exactly once, in typing order`, async () => {
    const a = new Side(alice, { contacts: new MemoryContactStore(), outbox: new SlowOutbox(11, 50) });
    const b = new Side(bob, { contacts: new MemoryContactStore(), outbox: new SlowOutbox(12, 50) });
    await link(a, b);
    await verifyBoth(a, b);
    const started = Date.now();
    const file = (seed: number) => new Uint8Array(200_000).map((_, i) => (i * seed) & 0xff);
    const sends: Array<Promise<unknown>> = [];
    // Interleaved as two people would type: a text from each, now and then a file.
    for (let i = 0; i < N; i++) {
      sends.push(a.conversation.send(bob.identity.did, `a${i}`));
      sends.push(b.conversation.send(alice.identity.did, `b${i}`));
      if (i % 250 === 100) {
        sends.push(a.conversation.sendFile(bob.identity.did, { name: `a${i}.bin`, mime: 'application/octet-stream', size: 200_000, ref: a.files.add(file(3)) }));
        sends.push(b.conversation.sendFile(alice.identity.did, { name: `b${i}.bin`, mime: 'application/octet-stream', size: 200_000, ref: b.files.add(file(5)) }));
      }
    }
    await Promise.all(sends);
    const outA = a.of('outgoing').map((e) => e.message.id), outB = b.of('outgoing').map((e) => e.message.id);
    const delivered = (s: Side, ids: string[]) => { const d = new Set(s.of('status').filter((e) => e.status === 'delivered').map((e) => e.id)); return ids.every((id) => d.has(id)); };
    const deadline = Date.now() + 120_000;
    while (!(delivered(a, outA) && delivered(b, outB))) {
      if (Date.now() > deadline) throw new Error(`not all delivered: a ${a.of('status').length}, b ${b.of('status').length}`);
      if (a.of('ended').length || b.of('ended').length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect([...a.of('ended'), ...b.of('ended')]).toEqual([]);
    // Exactly once, in the order each side typed (texts and file offers interleaved as sent; a
    // file's content follows under flow control, so the texts typed after it do not wait for it).
    const got = (s: Side) => s.events.flatMap((e) => (e.type === 'message' ? [e.text] : e.type === 'file-offer' ? [e.name] : []));
    const expected = (who: 'a' | 'b') => Array.from({ length: N }, (_, i) => (i % 250 === 100 ? [`${who}${i}`, `${who}${i}.bin`] : [`${who}${i}`])).flat();
    expect(got(b)).toEqual(expected('a'));
    expect(got(a)).toEqual(expected('b'));
    // Files run concurrently: each arrives whole, in whatever order they finish.
    expect(b.of('file').map((f) => f.name).sort()).toEqual(expected('a').filter((n) => n.endsWith('.bin')).sort());
    for (const f of b.of('file')) expect(Buffer.from(b.files.received(f.location)!).equals(Buffer.from(file(3)))).toBe(true);
    // The sender's own list: every message ends delivered, statuses only move forward.
    const rank = { queued: 0, sent: 1, delivered: 2, failed: 2 } as const;
    for (const s of [a, b]) {
      const last = new Map<string, number>();
      for (const e of s.of('status')) {
        expect(rank[e.status]).toBeGreaterThan(last.get(e.id) ?? -1);
        last.set(e.id, rank[e.status]);
      }
    }
    console.log(`burst: ${N} texts + ${a.of('file').length} files each way, outbox 0–50 ms/call, all delivered in ${Date.now() - started} ms; outbox calls a ${(a.stores.outbox as SlowOutbox).writes}, b ${(b.stores.outbox as SlowOutbox).writes}`);
    a.conversation.close();
  });
});
