// Full flows through the Session driver over the in-memory pipe: SAS both outcomes, text and
// files with delivery status, reconnect-and-resume from the outbox. Who is recognised, names and
// key continuity are the conversation layer's (conversation.test.ts).
import { describe, expect, it } from 'vitest';
import {
  MemoryFileStore, MemoryOutbox, memoryPipe, Session, type SessionDriverEvent, type SessionOptions, type Transport,
} from '../../src/session/index.js';
import { hex } from '../_util.js';
import { alice, bob, type Party } from './_pair.js';

/** Wraps a transport; while `drop` is true, outgoing frames are lost. */
function lossy(t: Transport): Transport & { drop: boolean } {
  const w: Transport & { drop: boolean } = {
    drop: false, onmessage: null, onclose: null,
    send: (f) => { if (!w.drop) t.send(f); },
    close: () => t.close(),
  };
  t.onmessage = (f) => w.onmessage?.(f);
  t.onclose = () => w.onclose?.();
  return w;
}

async function waitFor(events: SessionDriverEvent[], pred: (e: SessionDriverEvent) => boolean, ms = 5000): Promise<SessionDriverEvent> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = events.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Side { session: Session; events: SessionDriverEvent[]; transport: ReturnType<typeof lossy> }
interface Stores { outbox: MemoryOutbox; files: MemoryFileStore }

function connect(a: Party, b: Party, sa: Stores, sb: Stores, extra: Partial<SessionOptions> = {}): { a: Side; b: Side } {
  const [ta, tb] = memoryPipe().map(lossy) as [ReturnType<typeof lossy>, ReturnType<typeof lossy>];
  const side = (role: 'initiator' | 'responder', me: Party, peer: Party, t: ReturnType<typeof lossy>, st: Stores): Side => {
    const events: SessionDriverEvent[] = [];
    const session = new Session({
      role, identity: me.identity, bundle: me.bundle, localDtlsFingerprint: me.dtls, expectedPeerDtlsFingerprint: peer.dtls,
      transport: t, ...st, decideOffer: () => 'accept', onEvent: (e) => events.push(e), ...extra,
    });
    return { session, events, transport: t };
  };
  return { a: side('initiator', a, b, ta, sa), b: side('responder', b, a, tb, sb) };
}

const stores = (): Stores => ({ outbox: new MemoryOutbox(), files: new MemoryFileStore() });
const isStatus = (id: Uint8Array, status: string) => (e: SessionDriverEvent) => e.type === 'status' && hex(e.id) === hex(id) && e.status === status;

describe('Session over the in-memory pipe', () => {
  it('handshake, SAS match, messages and a file both ways with delivery status', async () => {
    const [fa, fb] = [stores(), stores()];
    const { a, b } = connect(alice, bob, fa, fb);
    await b.session.start();
    await a.session.start();
    const sa = await waitFor(a.events, (e) => e.type === 'sasShown');
    const sb = await waitFor(b.events, (e) => e.type === 'sasShown');
    expect(sa.type === 'sasShown' && sb.type === 'sasShown' && hex(sa.sas) === hex(sb.sas)).toBe(true);
    await a.session.confirm();
    await b.session.confirm();
    await waitFor(a.events, (e) => e.type === 'confirmed');
    await waitFor(b.events, (e) => e.type === 'confirmed');

    const id1 = await a.session.sendText('hello');
    const id2 = await b.session.sendText('hi');
    const file = new Uint8Array(140_000).map((_, i) => i & 0xff);
    const id3 = await a.session.sendFile({ name: 'data.bin', mime: 'application/octet-stream', size: file.length, ref: fa.files.add(file) });
    await waitFor(a.events, isStatus(id1, 'delivered'));
    await waitFor(b.events, isStatus(id2, 'delivered'));
    await waitFor(a.events, isStatus(id3, 'delivered'));
    expect(a.events.filter((e) => e.type === 'status' && hex(e.id) === hex(id1)).map((e) => (e as { status: string }).status)).toEqual(['queued', 'sent', 'delivered']);
    const got = b.events.find((e) => e.type === 'received');
    expect(got?.type === 'received' && hex(fb.files.received(got.location)!) === hex(file)).toBe(true);
    // offered, accepted (below the auto-accept size), written, verified: the sender saw it through to done
    const out = a.events.flatMap((e) => (e.type === 'transfer' ? [e.transfer.state] : []));
    expect(out[0]).toBe('offered');
    expect(out.at(-1)).toBe('done');
    a.session.close();
    await waitFor(b.events, (e) => e.type === 'cancelled');
    expect(b.session.machine.state).toMatchObject({ kind: 'Cancelled', code: 'closed' });
  });

  it('SAS mismatch: one user says no, both sides are cancelled', async () => {
    const { a, b } = connect(alice, bob, stores(), stores());
    await b.session.start();
    await a.session.start();
    await waitFor(b.events, (e) => e.type === 'sasShown');
    await b.session.cancel('sas-mismatch');
    const c = await waitFor(a.events, (e) => e.type === 'cancelled');
    expect(c).toEqual({ type: 'cancelled', code: 'sas-mismatch', by: 'them' });
    await expect(a.session.sendText('x')).rejects.toMatchObject({ code: 'invalid-state' });
  });

  it('reconnect and resume: unacknowledged messages are re-sent to the same verified contact, duplicates dropped', async () => {
    const storesA = stores(), storesB = stores();
    const first = connect(alice, bob, storesA, storesB);
    await first.b.session.start();
    await first.a.session.start();
    await waitFor(first.a.events, (e) => e.type === 'sasShown');
    await first.a.session.confirm();
    await first.b.session.confirm();
    await waitFor(first.a.events, (e) => e.type === 'confirmed');
    await waitFor(first.b.events, (e) => e.type === 'confirmed');
    const delivered = await first.a.session.sendText('m1');
    await waitFor(first.a.events, isStatus(delivered, 'delivered'));

    first.b.transport.drop = true; // Bob's acks are lost from here on
    const m2 = await first.a.session.sendText('m2 (received, ack lost)');
    await waitFor(first.b.events, (e) => e.type === 'text' && e.text.startsWith('m2'));
    first.a.transport.drop = true; // and now Alice's frames too
    const m3 = await first.a.session.sendText('m3 (lost)');
    await new Promise((r) => setTimeout(r, 20));
    expect(storesA.outbox.size).toBe(2);
    first.a.session.close();

    const second = connect(alice, bob, storesA, storesB);
    await second.b.session.start();
    await second.a.session.start();
    await waitFor(second.a.events, (e) => e.type === 'sasShown');
    await second.a.session.confirm();
    await second.b.session.confirm();
    await waitFor(second.a.events, isStatus(m2, 'delivered'));
    await waitFor(second.a.events, isStatus(m3, 'delivered'));
    const texts = second.b.events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text);
    expect(texts).toEqual(['m3 (lost)']); // m2 was re-sent and acknowledged, but not shown twice
    expect(storesA.outbox.size).toBe(0);
    second.a.session.close();
  });

  it('sending before the SAS is confirmed: queued, sealed only once both confirm', async () => {
    const { a, b } = connect(alice, bob, stores(), stores());
    await b.session.start();
    await a.session.start();
    await waitFor(a.events, (e) => e.type === 'sasShown');
    const id = await a.session.sendText('early');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.events.some((e) => e.type === 'text')).toBe(false);
    await a.session.confirm();
    await b.session.confirm();
    await waitFor(b.events, (e) => e.type === 'text' && e.text === 'early');
    await waitFor(a.events, isStatus(id, 'delivered'));
    a.session.close();
  });

  it('sending before the peer is known is refused (nobody to address it to)', async () => {
    const { a } = connect(alice, bob, stores(), stores());
    await a.session.start();
    await expect(a.session.sendText('x')).rejects.toMatchObject({ code: 'invalid-state' });
    a.session.close();
  });

  it('outbox entries past their age are marked failed', async () => {
    let now = 1000;
    const st = stores();
    await st.outbox.add({ id: new Uint8Array(16).fill(1), peer: 'did:key:z6Mkx', content: { kind: 'text', text: 'old' }, status: 'sent', createdAt: 0 });
    const { a } = connect(alice, bob, st, stores(), { clock: () => now, tickMs: 5, maxMessageAgeMs: 500 });
    await a.session.start();
    await waitFor(a.events, (e) => e.type === 'status' && e.status === 'failed');
    now += 100_000;
    await waitFor(a.events, (e) => e.type === 'cancelled');
    expect(a.session.machine.state).toMatchObject({ kind: 'Cancelled', code: 'timeout' });
  });
});
