// Negative protocol tests: man-in-the-middle substitution, DTLS termination, commitment mismatch,
// replay, reorder, truncated / oversized / wrong-version frames, each with its own cancel code;
// a version-1 or version-2 peer refused in its own frame format, never downgraded to.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, endedText, MAX_MESSAGE_BYTES, newMessageId, PROTOCOL_VERSION, type CommitMessage, type HelloMessage } from '../../src/session/index.js';
import { hex } from '../_util.js';
import { alice, bob, confirmedPair, machine, mallory, mallory2, Pair, T0, type Interceptor, type Side } from './_pair.js';
import { IDENTITY_POINT, SMALL_ORDER_FORGERY, rawBundle } from '../identity/_fixtures.js';

const COMMIT = 1, HELLO = 2, AUTH = 3, MAC = 4, DATA = 6;

/** Rewrites the hello frames sent by `from` with `edit`. */
const editHello = (side: Side, edit: (h: HelloMessage) => HelloMessage): Interceptor => (from, frame) => {
  if (from !== side || frame[1] !== HELLO) return frame;
  return encodeMessage(edit(decodeMessage(frame) as HelloMessage));
};

async function run(intercept: Interceptor, opts: { aPeerDtls?: Uint8Array; bPeerDtls?: Uint8Array } = {}): Promise<Pair> {
  const p = new Pair(
    machine('initiator', alice, bob, opts.aPeerDtls ? { expectedPeerDtlsFingerprint: opts.aPeerDtls } : {}),
    machine('responder', bob, alice, opts.bPeerDtls ? { expectedPeerDtlsFingerprint: opts.bPeerDtls } : {}),
    intercept,
  );
  await p.start();
  return p;
}

function expectCancel(p: Pair, victim: Side, code: string, otherBy: 'them' | 'either' = 'them'): void {
  const other = victim === 'a' ? 'b' : 'a';
  expect(p[victim].state).toEqual({ kind: 'Cancelled', code, by: 'us' });
  // When both transcripts are wrong both sides notice on their own, so "by" can be either.
  if (otherBy === 'either') expect(p[other].state).toMatchObject({ kind: 'Cancelled', code });
  else expect(p[other].state).toEqual({ kind: 'Cancelled', code, by: 'them' });
}

describe('active man in the middle', () => {
  it('substituting the KEM ciphertext alone breaks the transcript signature (bad-signature)', async () => {
    const p = await run(editHello('b', (h) => ({ ...h, kemCiphertext: h.kemCiphertext.map((x, i) => (i === 0 ? x ^ 1 : x)) })));
    expectCancel(p, 'a', 'bad-signature', 'either');
  });

  it('substituting the initiator\'s KEM public key (Mallory\'s own) breaks the transcript for both (bad-signature)', async () => {
    const { xwingKeypair } = await import('../../src/core/index.js');
    const mk = xwingKeypair().publicKey;
    const p = await run((from, f) => (from === 'a' && f[1] === COMMIT ? encodeMessage({ ...(decodeMessage(f) as CommitMessage), kemPublicKey: mk }) : f));
    expectCancel(p, 'a', 'bad-signature', 'either');
  });

  it('a MITM with its own keys on both legs: the two SAS differ and confirmation cannot succeed', async () => {
    // Mallory runs one session with each side, claiming the real DTLS fingerprints (she relays DTLS).
    const m1 = machine('responder', { ...mallory, dtls: bob.dtls }, alice);
    const m2 = machine('initiator', { ...mallory2, dtls: alice.dtls }, bob);
    const left = new Pair(machine('initiator', alice, bob), m1);
    const right = new Pair(m2, machine('responder', bob, alice));
    await left.start();
    await right.start();
    const sasAlice = left.of('a', 'sasShown')[0].sas, sasBob = right.of('b', 'sasShown')[0].sas;
    expect(hex(sasAlice)).not.toBe(hex(sasBob)); // one guess, 2^-64 here; users see different emoji
    // If both users wrongly press "match", Mallory can only forward the MACs, which fail.
    const aliceMac = (await left.a.confirm(left.now)).send[0];
    const bobStep = await right.b.receive(aliceMac, right.now);
    expect(bobStep.events).toEqual([{ type: 'cancelled', code: 'mac-mismatch', by: 'us' }]);
    expect(right.b.state.kind).toBe('Cancelled');
  });

  it('a MITM terminating DTLS is cancelled automatically (dtls-mismatch), on either side', async () => {
    // Alice sees Mallory's certificate on the wire; Bob's hello (relayed) claims Bob's.
    expectCancel(await run((_, f) => f, { aPeerDtls: mallory.dtls }), 'a', 'dtls-mismatch');
    expectCancel(await run((_, f) => f, { bPeerDtls: mallory.dtls }), 'b', 'dtls-mismatch');
  });

  it('rewriting the claimed DTLS fingerprint fails the signature (responder hello) or the commitment (initiator hello)', async () => {
    expectCancel(await run(editHello('b', (h) => ({ ...h, dtlsFingerprint: mallory.dtls })), { aPeerDtls: mallory.dtls }), 'a', 'bad-signature', 'either');
    expectCancel(await run(editHello('a', (h) => ({ ...h, dtlsFingerprint: mallory.dtls })), { bPeerDtls: mallory.dtls }), 'b', 'commitment-mismatch');
  });

  it('replaying an old session\'s initiator frames to a new responder fails (bad-signature)', async () => {
    const old = await confirmedPair();
    const fromA = old.wire.filter((w) => w.from === 'a').map((w) => w.frame); // commit, helloI, auth_I, mac_I
    const r = machine('responder', bob, alice);
    await r.receive(fromA[0], 0);
    await r.receive(fromA[1], 0);
    expect(r.state.kind).toBe('KeysExchanged');
    const step = await r.receive(fromA[2], 0);
    expect(step.events).toEqual([{ type: 'cancelled', code: 'bad-signature', by: 'us' }]);
  });

  it('a small-order identity key whose (R = identity, S = 0) "signs" the bundle and every transcript is refused (bad-bundle)', async () => {
    // Issue 16, finding 5: Mallory, as responder, claims "Bob" under A = the identity point; under
    // the bare RFC 8032 equation her bundle self-signature and her auth both verify for any input.
    const forgedBundle = rawBundle('Bob', IDENTITY_POINT, T0, SMALL_ORDER_FORGERY);
    const p = await run((from, f) => {
      if (from !== 'b') return f;
      if (f[1] === HELLO) return encodeMessage({ ...(decodeMessage(f) as HelloMessage), bundle: forgedBundle });
      if (f[1] === AUTH) return encodeMessage({ type: 'auth', signature: SMALL_ORDER_FORGERY });
      return f;
    });
    expect(p.of('a', 'sasShown')).toEqual([]);
    expectCancel(p, 'a', 'bad-bundle');
  });

  it('reflection of our own hello is refused (identity)', async () => {
    const a = machine('initiator', alice, bob, { expectedPeerDtlsFingerprint: alice.dtls });
    await a.start(0);
    const helloOfAlice = encodeMessage({ type: 'hello', suite: 2, kemCiphertext: new Uint8Array(1120).fill(9), nonce: new Uint8Array(32), dtlsFingerprint: alice.dtls, bundle: alice.bundle });
    expect((await a.receive(helloOfAlice, 0)).events).toEqual([{ type: 'cancelled', code: 'identity', by: 'us' }]);
  });
});

describe('each failure has its own cancel code', () => {
  it('commitment mismatch', async () => {
    expectCancel(await run(editHello('a', (h) => ({ ...h, nonce: h.nonce.map((x) => x ^ 0x80) }))), 'b', 'commitment-mismatch');
  });

  it('an X-Wing public key that fails the ML-KEM encapsulation-key check (FIPS 203 §7.2) → bad-key', async () => {
    // Coefficients of 4095 ≥ q: not a reduced key.
    const bad = (f: Uint8Array) => { const c = decodeMessage(f) as CommitMessage; return encodeMessage({ ...c, kemPublicKey: c.kemPublicKey.map((x, i) => (i < 1152 ? 0xff : x)) }); };
    expectCancel(await run((from, f) => (from === 'a' && f[1] === COMMIT ? bad(f) : f)), 'b', 'bad-key');
  });

  it('a hello with a KEM field where it has none (initiator) or without one (responder) → malformed', async () => {
    expectCancel(await run(editHello('b', (h) => ({ ...h, kemCiphertext: new Uint8Array(0) }))), 'a', 'malformed');
    expectCancel(await run(editHello('a', (h) => ({ ...h, kemCiphertext: new Uint8Array(1120) }))), 'b', 'commitment-mismatch'); // the commitment catches it first
  });

  it('forged bundle', async () => {
    expectCancel(await run(editHello('b', (h) => { const bundle = h.bundle.slice(); bundle[bundle.length - 1] ^= 1; return { ...h, bundle }; })), 'a', 'bad-bundle');
  });

  it('expired bundle', async () => {
    const { encodeBundle, signBundle } = await import('../../src/identity/index.js');
    const { T0 } = await import('./_pair.js');
    const oldBob = { ...bob, bundle: encodeBundle(signBundle({ displayName: 'Bob', identityPublicKey: bob.identity.publicKey, createdAt: T0 - 10, expiresAt: T0 + 5, binding: null }, bob.identity)) };
    const p = new Pair(machine('initiator', alice, bob), machine('responder', oldBob, alice));
    p.now = T0 + 10;
    await p.start();
    expectCancel(p, 'a', 'bad-bundle');
  });

  it('forged transcript signature and forged key confirmation', async () => {
    expectCancel(await run((from, f) => { if (from === 'b' && f[1] === AUTH) { const g = f.slice(); g[5] ^= 1; return g; } return f; }), 'a', 'bad-signature');
    const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice),
      (from, f) => { if (from === 'a' && f[1] === MAC) { const g = f.slice(); g[2] ^= 1; return g; } return f; });
    await p.start();
    await p.confirm('a');
    expectCancel(p, 'b', 'mac-mismatch');
  });

  it('truncated, oversized, wrong version, unknown suite, unknown type, trailing bytes, out of order', async () => {
    const cases: Array<[string, Interceptor]> = [
      ['truncated', (from, f) => (from === 'b' && f[1] === HELLO ? f.slice(0, f.length - 1) : f)],
      ['too-large', (from, f) => (from === 'b' && f[1] === HELLO ? new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(1) : f)],
      ['version', (from, f) => (from === 'b' && f[1] === HELLO ? Uint8Array.of(PROTOCOL_VERSION + 1, ...f.subarray(1)) : f)],
      ['suite', (from, f) => { if (from === 'b' && f[1] === HELLO) { const g = f.slice(); g[2] = 7; return g; } return f; }],
      ['malformed', (from, f) => (from === 'b' && f[1] === HELLO ? Uint8Array.of(PROTOCOL_VERSION, 99) : f)],
      ['malformed', (from, f) => (from === 'b' && f[1] === HELLO ? Uint8Array.of(...f, 0) : f)],
      ['unexpected-message', (from, f) => (from === 'b' && f[1] === HELLO ? [encodeMessage({ type: 'mac', mac: new Uint8Array(32) }), f] : f)],
    ];
    for (const [code, intercept] of cases) {
      const p = await run(intercept);
      if (code === 'version') {
        expect(p.a.state).toEqual({ kind: 'Cancelled', code, by: 'us', peerVersion: PROTOCOL_VERSION + 1 });
        expect(p.b.state).toEqual({ kind: 'Cancelled', code, by: 'them' });
      } else expectCancel(p, 'a', code);
    }
  });

  it('a version-1 peer: refused in its own frame format, its refusal understood, each side told who must update', async () => {
    // A version-1 initiator's commit (01 01 ‖ commitment[32]) reaches a version-3 responder.
    const r = machine('responder', bob, alice);
    const step = await r.receive(Uint8Array.of(1, 1, ...new Uint8Array(32)), 0);
    expect(step.events).toEqual([{ type: 'cancelled', code: 'version', by: 'us', peerVersion: 1 }]);
    expect(Array.from(step.send[0])).toEqual([1, 5, 0, 7, ...new TextEncoder().encode('version')]); // what version 1 reads as a cancel
    expect(endedText('version', 'us', 1)).toMatch(/^The other side runs an older keyprint, without the post-quantum handshake this one requires: ask them to update/);
    // A version-1 responder answers our commit with its cancel (01 05 …): understood, never a downgrade.
    const i = machine('initiator', alice, bob);
    await i.start(0);
    const theirs = await i.receive(Uint8Array.of(1, 5, 0, 7, ...new TextEncoder().encode('version')), 0);
    expect(theirs.events).toEqual([{ type: 'cancelled', code: 'version', by: 'them', peerVersion: 1 }]);
    expect(theirs.send).toEqual([]);
    expect(endedText('version', 'them', PROTOCOL_VERSION + 1)).toMatch(/^The other side runs a newer keyprint: update this one/);
    // Any other version-1 frame is a version error, never read.
    const j = machine('initiator', alice, bob);
    await j.start(0);
    expect((await j.receive(Uint8Array.of(1, 2, ...new Uint8Array(200)), 0)).events).toEqual([{ type: 'cancelled', code: 'version', by: 'us', peerVersion: 1 }]);
  });

  it('a cancel frame with an unknown code is itself malformed, in any version we read', async () => {
    for (const version of [PROTOCOL_VERSION, 2, 1]) {
      const m = machine('responder', bob, alice);
      const step = await m.receive(Uint8Array.of(version, 5, 0, 3, 0x61, 0x62, 0x63), 0);
      expect(step.events).toEqual([{ type: 'cancelled', code: 'malformed', by: 'us' }]);
    }
  });

  it('a version-2 peer (files whole, in memory): refused with `version` in a frame it reads, its own refusal understood', async () => {
    expect(PROTOCOL_VERSION).toBe(3);
    // Its commit (02 01 ‖ commitment ‖ X-Wing key): we cancel in a version-2 cancel frame.
    const m = machine('responder', bob, alice);
    const step = await m.receive(Uint8Array.of(2, 1, ...new Uint8Array(32 + 1216)), 0);
    expect(step.events).toEqual([{ type: 'cancelled', code: 'version', by: 'us', peerVersion: 2 }]);
    expect([...step.send[0]]).toEqual([2, 5, 0, 7, ...new TextEncoder().encode('version')]);
    expect(endedText('version', 'us', 2)).toMatch(/^The other side runs an older keyprint, without the file transfers this one requires: ask them to update/);
    // Our commit reaches it and it refuses in its version: read as its refusal, not as garbage.
    const i = machine('initiator', alice, bob);
    await i.start(0);
    const refused = await i.receive(Uint8Array.of(2, 5, 0, 7, ...new TextEncoder().encode('version')), 0);
    expect(refused.events).toEqual([{ type: 'cancelled', code: 'version', by: 'them', peerVersion: 2 }]);
    expect(refused.send).toEqual([]);
    // Any other version-2 frame (a data frame) is refused too, never read.
    const j = machine('initiator', alice, bob);
    await j.start(0);
    expect((await j.receive(Uint8Array.of(2, 6, 0, 0, 0, 0, 0, 0, 1, 16, ...new Uint8Array(272)), 0)).events).toEqual([{ type: 'cancelled', code: 'version', by: 'us', peerVersion: 2 }]);
  });
});

describe('data-phase attacks', () => {
  const dataFrames = (from: Side) => (p: Pair) => p.wire.filter((w) => w.from === from && w.frame[1] === DATA).map((w) => w.frame);

  it('replay of a data message → replay', async () => {
    let saved: Uint8Array | undefined;
    const p = await confirmedPair((from, f) => { if (from === 'a' && f[1] === DATA && !saved) { saved = f; return [f, f]; } return f; });
    p.take('a', await p.a.sendText(newMessageId(), 'hello', p.now));
    await p.pump();
    expect(p.of('b', 'text')).toHaveLength(1);
    expectCancel(p, 'b', 'replay');
  });

  it('reordered data messages → reorder', async () => {
    let held: Uint8Array | undefined;
    const p = await confirmedPair((from, f) => {
      if (from !== 'a' || f[1] !== DATA) return f;
      if (!held) { held = f; return null; }
      return [f, held];
    });
    const step1 = await p.a.sendText(newMessageId(), 'one', p.now);
    const step2 = await p.a.sendText(newMessageId(), 'two', p.now);
    p.take('a', step1);
    p.take('a', step2);
    await p.pump();
    expect(p.of('b', 'text')).toHaveLength(0);
    expectCancel(p, 'b', 'reorder');
    expect(dataFrames('a')(p)).toHaveLength(2);
  });

  it('with decryption pipelined (frames arriving faster than they are handled): a reorder, a replay, a bad frame first are still cancelled', async () => {
    // Frames delivered back to back, without waiting for each step: #openEarly decrypts ahead, but
    // never a frame behind one that waits its turn.
    const frames = async (n: number) => {
      const p = await confirmedPair();
      const out: Uint8Array[] = [];
      for (let i = 0; i < n; i++) out.push(...(await p.a.sendText(newMessageId(), `m${i}`, p.now)).send);
      return { p, out };
    };
    const deliver = async (p: Pair, list: Uint8Array[]) => {
      const steps = await Promise.all(list.map((f) => p.b.receive(f, p.now)));
      return steps.flatMap((s) => s.events);
    };
    const inOrder = await frames(4);
    expect((await deliver(inOrder.p, inOrder.out)).filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['m0', 'm1', 'm2', 'm3']);
    const swapped = await frames(3);
    const ev1 = await deliver(swapped.p, [swapped.out[0], swapped.out[2], swapped.out[1]]);
    expect(ev1.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['m0']);
    expect(ev1.find((e) => e.type === 'cancelled')).toEqual({ type: 'cancelled', code: 'reorder', by: 'us' });
    const replayed = await frames(2);
    const ev2 = await deliver(replayed.p, [replayed.out[0], replayed.out[0], replayed.out[1]]);
    expect(ev2.find((e) => e.type === 'cancelled')).toEqual({ type: 'cancelled', code: 'replay', by: 'us' });
    const bad = await frames(2);
    const garbled = bad.out[0].slice();
    garbled[30] ^= 1;
    const ev3 = await deliver(bad.p, [garbled, bad.out[1]]);
    expect(ev3.filter((e) => e.type === 'text')).toEqual([]);
    expect(ev3.find((e) => e.type === 'cancelled')).toEqual({ type: 'cancelled', code: 'decrypt-failed', by: 'us' });
  });

  it('a changed ciphertext byte → decrypt-failed; a data frame before confirmation → unexpected-message', async () => {
    const p = await confirmedPair((from, f) => { if (from === 'a' && f[1] === DATA) { const g = f.slice(); g[20] ^= 1; return g; } return f; });
    p.take('a', await p.a.sendText(newMessageId(), 'x', p.now));
    await p.pump();
    expectCancel(p, 'b', 'decrypt-failed');

    const q = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice));
    await q.start();
    const data = encodeMessage({ type: 'data', seq: 0, ciphertext: new Uint8Array(272) });
    expect((await q.b.receive(data, 0)).events).toEqual([{ type: 'cancelled', code: 'unexpected-message', by: 'us' }]);
  });
});
