// Node ↔ Node over real WebRTC: node-datachannel (libdatachannel) bound to 127.0.0.1 with no ICE
// servers, signaling through the compact codec only (text in, text out). Handshake, equal SAS,
// messages both ways, a file, and a reconnect that resumes an undelivered message.
import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compactFromSdp, dataChannelTransport, decodeSignal, dtlsFingerprintFromSdp, encodeSignal, MemoryFileStore, MemoryOutbox,
  sdpFromCompact, Session, type DataChannelLike, type SessionDriverEvent,
} from '../../src/session/index.js';
import { hex } from '../_util.js';
import { alice, bob, type Party } from './_pair.js';

const open: RTCPeerConnection[] = [];
afterEach(() => { for (const pc of open.splice(0)) pc.close(); });

/** A peer connection that only uses 127.0.0.1: no STUN/TURN, host candidates on loopback. */
function peer(): RTCPeerConnection {
  const native = new nodeDataChannel.PeerConnection('keyprint-test', { iceServers: [], bindAddress: '127.0.0.1', enableIceTcp: false });
  const pc = new RTCPeerConnection({ peerConnection: native } as never);
  open.push(pc);
  return pc;
}

const gathered = (pc: RTCPeerConnection, ms = 5000) => new Promise<void>((resolve, reject) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  const t = setTimeout(() => reject(new Error('ICE gathering did not complete')), ms);
  pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); } });
});

const opened = (dc: DataChannelLike & { readyState: string }, ms = 10_000) => new Promise<void>((resolve, reject) => {
  if (dc.readyState === 'open') return resolve();
  const t = setTimeout(() => reject(new Error('data channel did not open')), ms);
  (dc as unknown as EventTarget).addEventListener('open', () => { clearTimeout(t); resolve(); });
});

async function waitFor(events: SessionDriverEvent[], pred: (e: SessionDriverEvent) => boolean, ms = 10_000): Promise<SessionDriverEvent> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = events.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`timed out; events: ${events.map((e) => e.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Stores { outbox: MemoryOutbox; files?: MemoryFileStore }

/**
 * One WebRTC link, retried at most 3 times for one libdatachannel 0.24.5 flake seen here in about
 * 1 of 5 full-suite runs (never in 80 isolated connects): setRemoteDescription throwing "Got a remote
 * candidate without ICE transport". Any other error fails at once.
 */
async function link(): Promise<Awaited<ReturnType<typeof linkOnce>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await linkOnce();
    } catch (e) {
      if (attempt >= 3 || !/without ICE transport/.test(String((e as Error).message))) throw e;
      console.warn(`webrtc.test: retrying link after libdatachannel error (attempt ${attempt}): ${(e as Error).message}`);
    }
  }
}

/** One WebRTC link set up through compact text signaling only; both data channels open. */
async function linkOnce() {
  const a = peer(), b = peer();
  const dcA = a.createDataChannel('keyprint') as unknown as DataChannelLike;
  // node-datachannel negotiates by itself when the channel is created (createOffer resolves with
  // the description it already applied); calling setLocalDescription again re-applies the offer.
  await a.createOffer();
  await gathered(a);
  const offerText = encodeSignal(compactFromSdp('offer', a.localDescription!.sdp));

  const dcBPromise = new Promise<DataChannelLike>((r) => { b.ondatachannel = (e) => r(e.channel as unknown as DataChannelLike); });
  const offer = decodeSignal(offerText);
  await b.setRemoteDescription(sdpFromCompact(offer)).catch((e) => { throw new Error(`answerer: ${(e as Error).message}`); });
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  const answerText = encodeSignal(compactFromSdp('answer', b.localDescription!.sdp));
  const answer = decodeSignal(answerText);
  // Only loopback host candidates: nothing is gathered on eth0 and no STUN server is asked.
  expect([...offer.candidates, ...answer.candidates].map((c) => c.address)).toEqual(['127.0.0.1', '127.0.0.1']);
  await a.setRemoteDescription(sdpFromCompact(answer)).catch((e) => { throw new Error(`offerer: ${(e as Error).message}`); });

  const dcB = await dcBPromise;
  await opened(dcA);
  await opened(dcB);
  return {
    a, b, dcA, dcB, offerText, answerText,
    // The certificate the DTLS stack authenticates is the one in the SDP each side applied
    // (libdatachannel checks it during the DTLS handshake): that is the fingerprint "on the wire".
    fpSeenByA: answer.fingerprint, fpSeenByB: offer.fingerprint,
    fpOfA: dtlsFingerprintFromSdp(a.localDescription!.sdp), fpOfB: dtlsFingerprintFromSdp(b.localDescription!.sdp),
  };
}

function mkSession(role: 'initiator' | 'responder', me: Party, dc: DataChannelLike, ownFp: Uint8Array, peerFp: Uint8Array, st: Stores, events: SessionDriverEvent[]): Session {
  return new Session({
    role, identity: me.identity, bundle: me.bundle, localDtlsFingerprint: ownFp, expectedPeerDtlsFingerprint: peerFp,
    transport: dataChannelTransport(dc), ...st, decideOffer: () => 'accept', onEvent: (e) => events.push(e),
  });
}

/** Connects two peers and runs a Session on each side. */
async function connect(sa: Stores, sb: Stores) {
  const l = await link();
  const ev = { a: [] as SessionDriverEvent[], b: [] as SessionDriverEvent[] };
  const sessionA = mkSession('initiator', alice, l.dcA, l.fpOfA, l.fpSeenByA, sa, ev.a);
  const sessionB = mkSession('responder', bob, l.dcB, l.fpOfB, l.fpSeenByB, sb, ev.b);
  await sessionB.start();
  await sessionA.start();
  return { ...l, sessionA, sessionB, ev };
}

describe('Node ↔ Node over WebRTC (node-datachannel, loopback)', () => {
  it('handshake, equal SAS, messages both ways, a file, then a reconnect that resumes', async () => {
    const sa = { outbox: new MemoryOutbox(), files: new MemoryFileStore() };
    const sb = { outbox: new MemoryOutbox(), files: new MemoryFileStore() };
    const c1 = await connect(sa, sb);
    expect(c1.offerText.length).toBeLessThan(140);
    expect(c1.answerText.length).toBeLessThan(140);
    const sasA = await waitFor(c1.ev.a, (e) => e.type === 'sasShown');
    const sasB = await waitFor(c1.ev.b, (e) => e.type === 'sasShown');
    expect(sasA.type === 'sasShown' && sasB.type === 'sasShown' && hex(sasA.sas) === hex(sasB.sas)).toBe(true);
    await c1.sessionA.confirm();
    await c1.sessionB.confirm();
    await waitFor(c1.ev.a, (e) => e.type === 'confirmed');
    await waitFor(c1.ev.b, (e) => e.type === 'confirmed');

    const m1 = await c1.sessionA.sendText('hello over WebRTC');
    const m2 = await c1.sessionB.sendText('hi back');
    const file = new Uint8Array(2_000_000).map((_, i) => (i * 31) & 0xff);
    const f1 = await c1.sessionA.sendFile({ name: 'blob.bin', mime: 'application/octet-stream', size: file.length, ref: sa.files!.add(file) });
    for (const [events, id] of [[c1.ev.a, m1], [c1.ev.b, m2], [c1.ev.a, f1]] as const) {
      await waitFor(events, (e) => e.type === 'status' && hex(e.id) === hex(id) && e.status === 'delivered');
    }
    const got = await waitFor(c1.ev.b, (e) => e.type === 'received');
    expect(got.type === 'received' && hex(sb.files!.received(got.location)!) === hex(file)).toBe(true);
    expect(c1.ev.a.find((e) => e.type === 'text')).toMatchObject({ text: 'hi back' });

    // An undelivered message waits in Alice's outbox (as if the connection dropped before sending).
    const peerDid = (c1.sessionA.machine.state as { peer: { did: string } }).peer.did;
    const pendingId = new Uint8Array(16).fill(7);
    await sa.outbox.add({ id: pendingId, peer: peerDid, content: { kind: 'text', text: 'sent while offline' }, status: 'queued', createdAt: Date.now() });
    c1.sessionA.close();
    c1.a.close();
    c1.b.close();
    await waitFor(c1.ev.b, (e) => e.type === 'cancelled');

    const c2 = await connect(sa, sb);
    await waitFor(c2.ev.a, (e) => e.type === 'sasShown');
    await c2.sessionA.confirm();
    await c2.sessionB.confirm();
    await waitFor(c2.ev.a, (e) => e.type === 'status' && hex(e.id) === hex(pendingId) && e.status === 'delivered');
    expect(c2.ev.b.find((e) => e.type === 'text')).toMatchObject({ text: 'sent while offline' });
    c2.sessionA.close();
  }, 60_000);

  it('a MITM terminating DTLS and relaying the frames is cancelled automatically (dtls-mismatch)', async () => {
    // Mallory answers Alice's offer herself and makes her own offer to Bob, then relays every frame.
    const left = await link(); // Alice ↔ Mallory
    const right = await link(); // Mallory ↔ Bob
    const relay = (from: DataChannelLike, to: DataChannelLike) =>
      from.addEventListener('message', (e) => to.send(new Uint8Array(e.data as ArrayBuffer)));
    left.dcB.binaryType = right.dcA.binaryType = 'arraybuffer';
    relay(left.dcB, right.dcA);
    relay(right.dcA, left.dcB);
    const ev = { a: [] as SessionDriverEvent[], b: [] as SessionDriverEvent[] };
    const st = () => ({ outbox: new MemoryOutbox() });
    const sessionA = mkSession('initiator', alice, left.dcA, left.fpOfA, left.fpSeenByA, st(), ev.a);
    const sessionB = mkSession('responder', bob, right.dcB, right.fpOfB, right.fpSeenByB, st(), ev.b);
    await sessionB.start();
    await sessionA.start();
    expect(await waitFor(ev.a, (e) => e.type === 'cancelled')).toEqual({ type: 'cancelled', code: 'dtls-mismatch', by: 'us' });
    expect(await waitFor(ev.b, (e) => e.type === 'cancelled')).toEqual({ type: 'cancelled', code: 'dtls-mismatch', by: 'them' });
    expect(ev.a.some((e) => e.type === 'sasShown') || ev.b.some((e) => e.type === 'sasShown')).toBe(false);
    sessionA.close();
    sessionB.close();
  }, 60_000);
});
