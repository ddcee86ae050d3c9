// Fuzz campaign, session layer: handshake/data frames (decodeMessage), padded plaintexts
// (decodePayload), receipts, compact signaling (binary, text, and SDP parsing), and the
// SessionMachine fed mutated frames in every handshake state and after confirmation.
// Seeds: the frames of a real in-memory handshake, a real receipt, a libdatachannel SDP.
import { base64urlnopad } from '@scure/base';
import { sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe } from 'vitest';
import {
  CANCEL_CODES, SessionError, compactFromSdp, createReceipt, decodeMessage, decodePayload, decodeReceipt, decodeSignal, decodeSignalBinary,
  dtlsFingerprintFromSdp, encodeMessage, encodePayload, encodeSignal, encodeSignalBinary, newMessageId, sdpFromCompact, verifyReceipt,
} from '../../src/session/index.js';
import { encodeReceipt } from '../../src/session/receipt.js';
import { decodeBundle, encodeBundle, signBundle, type IdentityBundle } from '../../src/identity/index.js';
import { authData, makeBinding, makeCredential, sha256n } from '../identity/_fixtures.js';
import { alice, bob, confirmedPair, machine, Pair, T0 } from '../session/_pair.js';
import { feedTransfers, transferCase } from '../session/_transfer-fuzz.js';
import { applyEdits, edits, equalBytes, expectTyped, fuzz, fuzzBytes, fuzzText, hexOf, FUZZ_RUNS } from './_mutate.js';

const codes = new Set<string>(CANCEL_CODES);
/** Session decoders throw SessionError with a cancel code (the code is what the peer is told). */
const expectSessionError = (e: unknown) => {
  expectTyped(e, SessionError);
  if (!codes.has((e as SessionError).code)) throw new Error(`SessionError code ${(e as SessionError).code} is not a cancel code`);
};

// A non-trickle offer from node-datachannel 0.33 (as in test/session/signaling.test.ts).
const OFFER = [
  'v=0', 'o=rtc 2857128896 0 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic:WMS *', 'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 61:19:D5:DA:CF:2B:56:A0:88:F5:64:B8:8E:63:4C:D1:56:D8:43:59:C4:88:0D:88:E3:36:4A:25:06:A7:0D:91',
  'm=application 50776 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 127.0.0.1', 'a=mid:0', 'a=sendrecv', 'a=sctp-port:5000',
  'a=max-message-size:262144', 'a=setup:actpass', 'a=ice-ufrag:C+4V', 'a=ice-pwd:3z1qWpyb97pT3qx9964vzu',
  'a=candidate:1 1 UDP 2114977791 127.0.0.1 50776 typ host', 'a=candidate:2 1 UDP 2114977535 fd00::2 50777 typ host',
  'a=candidate:3 1 UDP 2114977279 0b5e7a3c-1f2d-4c3b-9a8e-7d6c5b4a3f2e.local 50778 typ host',
  'a=candidate:5 1 UDP 1 192.0.2.2 50779 typ srflx raddr 0.0.0.0 rport 0', 'a=end-of-candidates', '',
].join('\r\n');

const seeds = {
  frames: [] as Uint8Array[],
  payloads: [] as Uint8Array[],
  receipts: [] as Uint8Array[],
  receiptSigner: undefined as unknown as IdentityBundle, // the bundle whose credential signed the receipts
  receiptTranscript: new Uint8Array(32).map((_, i) => i),
  signals: [] as Uint8Array[],
  sdps: [OFFER, OFFER.replace(/^a=candidate:5 .*\r\n/m, '')],
};

beforeAll(async () => {
  const p = await confirmedPair();
  seeds.frames = p.wire.map((w) => w.frame);
  seeds.payloads = [
    encodePayload({ kind: 'text', id: newMessageId(), text: 'hello ✓' }),
    encodePayload({ kind: 'file-offer', id: newMessageId(), size: 20_000, chunkBytes: 16384, name: 'card.png', mime: 'image/png' }),
    encodePayload({ kind: 'file-chunk', id: newMessageId(), index: 1, data: new Uint8Array(300).fill(7) }),
    encodePayload({ kind: 'file-accept', id: newMessageId(), from: 3 }),
    encodePayload({ kind: 'file-ack', id: newMessageId(), next: 17 }),
    encodePayload({ kind: 'file-end', id: newMessageId(), sha256: new Uint8Array(32).fill(5) }),
    encodePayload({ kind: 'file-cancel', id: newMessageId(), reason: 'damaged' }),
    encodePayload({ kind: 'receipt', id: newMessageId(), receipt: new Uint8Array(400).fill(3) }),
    encodePayload({ kind: 'ack', id: newMessageId() }),
  ];
  const cred = makeCredential();
  const ad = authData('keyprint.example', 0x05);
  const th = seeds.receiptTranscript;
  seeds.receiptSigner = decodeBundle(encodeBundle(signBundle({
    displayName: 'Alice', identityPublicKey: alice.identity.publicKey, createdAt: T0,
    binding: makeBinding(alice.identity.publicKey, T0, { credential: cred, rpId: 'keyprint.example' }),
  }, alice.identity)));
  seeds.receipts.push(
    await createReceipt(th, async (challenge) => ({ kind: 'ctap', credentialId: cred.credentialId, authenticatorData: ad, signature: new Uint8Array(nodeSign('sha256', Buffer.concat([ad, challenge]), cred.privateKey)) })),
    await createReceipt(th, async (challenge) => {
      const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge: base64urlnopad.encode(challenge), origin: 'https://keyprint.example' }));
      return { kind: 'webauthn', credentialId: cred.credentialId, authenticatorData: ad, clientDataJSON, signature: new Uint8Array(nodeSign('sha256', Buffer.concat([ad, sha256n(clientDataJSON)]), cred.privateKey)) };
    }),
  );
  seeds.signals = seeds.sdps.map((sdp) => encodeSignalBinary(compactFromSdp('offer', sdp)));
}, 60_000);

describe('session fuzz', () => {
  fuzz('decodeMessage: typed cancel-code errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.frames, 600), (bytes) => {
    let m;
    try { m = decodeMessage(bytes); } catch (e) { expectSessionError(e); return false; }
    if (!equalBytes(encodeMessage(m), bytes)) throw new Error(`two encodings of one message: ${hexOf(bytes)}`);
    return true;
  });

  // Accepted ⇒ byte-identical re-encoding, padding bucket included. (Fixed finding 2 of
  // docs/SECURITY.md: any padded length ≥ the content was accepted.)
  fuzz('decodePayload: typed cancel-code errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.payloads, 600), (bytes) => {
    let p;
    try { p = decodePayload(bytes); } catch (e) { expectSessionError(e); return false; }
    if (!equalBytes(encodePayload(p), bytes)) throw new Error(`two encodings of one payload: ${hexOf(bytes)}`);
    return true;
  });

  fuzz('decodeReceipt: typed errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.receipts, 1024), (bytes) => {
    let r;
    try { r = decodeReceipt(bytes); } catch (e) { expectTyped(e); return false; }
    if (!equalBytes(encodeReceipt(r), bytes)) throw new Error(`two encodings of one receipt: ${hexOf(bytes)}`);
    return true;
  });

  // Accepted = verified: only the seeds themselves may verify (a second encoding that verifies, or a
  // changed field the signature does not cover, would be a finding).
  fuzz('verifyReceipt: typed errors; only the unchanged receipts verify', () => fuzzBytes(seeds.receipts, 1024), (bytes) => {
    let r;
    try { r = verifyReceipt(bytes, seeds.receiptSigner, seeds.receiptTranscript); } catch (e) { expectTyped(e); return false; }
    if (r.valid && !seeds.receipts.some((s) => equalBytes(s, bytes))) throw new Error(`a changed receipt verifies: ${hexOf(bytes)}`);
    return r.valid;
  });

  fuzz('decodeSignalBinary: typed errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.signals, 200), (bytes) => {
    let d;
    try { d = decodeSignalBinary(bytes); } catch (e) { expectTyped(e, SessionError); return false; }
    if (!equalBytes(encodeSignalBinary(d), bytes)) throw new Error(`two encodings of one description: ${hexOf(bytes)}`);
    return true;
  });

  fuzz('decodeSignal (text): typed errors; accepted ⇒ re-encodes to the same text (trimmed)', () => fuzzText(seeds.signals.map((b) => encodeSignal(decodeSignalBinary(b)))), (text) => {
    let d;
    try { d = decodeSignal(text); } catch (e) { expectTyped(e); return false; }
    if (encodeSignal(d) !== text.trim()) throw new Error(`two texts for one description: ${JSON.stringify(text)}`);
    return true;
  });

  fuzz('compactFromSdp / dtlsFingerprintFromSdp on mutated SDP: typed errors; accepted ⇒ stable through sdpFromCompact', () => fc.tuple(fc.constantFrom('offer' as const, 'answer' as const), fuzzText(seeds.sdps, 1500)), ([type, sdp]) => {
    try { dtlsFingerprintFromSdp(sdp); } catch (e) { expectTyped(e); }
    let d;
    try { d = compactFromSdp(type, sdp); } catch (e) { expectTyped(e); return false; }
    const again = compactFromSdp(type, sdpFromCompact(d).sdp);
    if (!equalBytes(encodeSignalBinary(again), encodeSignalBinary(d))) throw new Error(`SDP round trip changed the description: ${JSON.stringify(sdp)}`);
    return true;
  });

  // Every handshake state (steps 0–3 delivered, then the victim gets a mutated frame of its own
  // session, or random bytes) and the Confirmed state. The machine must never throw; it ends
  // Cancelled by us with a cancel code, stays put, or moves on only for a frame its peer really
  // sent — or, by design, for what no one can check yet: a responder in Created accepts any
  // well-formed commit, an initiator in Committed any well-formed hello (its keys are authenticated
  // by the auth signatures and the SAS that follow; docs/PROTOCOL.md).
  // Each case builds a fresh pair (a full handshake): 25,000 cases by default to keep the campaign
  // under ~15 minutes; KEYPRINT_FUZZ_MACHINE_RUNS raises it.
  const runsSm = Math.min(FUZZ_RUNS, Number(process.env.KEYPRINT_FUZZ_MACHINE_RUNS ?? 25_000));
  const frame = fc.oneof({ weight: 9, arbitrary: fc.tuple(fc.nat(), fc.nat(), edits).map(([i, j, list]) => ({ i, j, list, raw: undefined })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((raw) => ({ i: 0, j: 0, list: [], raw })) });
  fuzz('SessionMachine.receive in every state: clean Cancelled{us, code}, no change, or a legitimate step', () => fc.tuple(fc.nat(4), frame), async ([steps, f]) => {
    let p: Pair;
    let victim;
    if (steps === 4) {
      p = await confirmedPair();
      victim = p.b;
    } else {
      p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice), (_, fr, i) => (i < steps ? fr : null));
      await p.start();
      victim = steps % 2 === 0 ? p.b : p.a;
    }
    const wire = p.wire.map((w) => w.frame);
    const bytes = f.raw ?? applyEdits(wire[f.i % wire.length], wire[f.j % wire.length], f.list);
    const before = victim.state.kind;
    const step = await victim.receive(bytes, p.now); // must not throw
    const after = victim.state;
    if (after.kind === 'Cancelled') {
      if (after.by !== 'us' || !codes.has(after.code)) throw new Error(`bad cancel ${JSON.stringify(after)}`);
      return false;
    }
    const sent = wire.some((w) => equalBytes(w, bytes));
    const unchecked = (before === 'Created' && after.kind === 'Committed') || (before === 'Committed' && after.kind === 'KeysExchanged' && victim === p.a);
    if (!(after.kind === before || sent || unchecked)) {
      throw new Error(`${before} → ${after.kind} on a frame no peer sent: ${hexOf(bytes)} (events ${JSON.stringify(step.events.map((e) => e.type))})`);
    }
    return true;
  }, { runs: runsSm });

  // The file sub-protocol fed whole payload sequences (test/session/_transfer-fuzz.ts): a peer can
  // make it cancel (with a cancel code), never throw, fail a store, or write past a file.
  fuzz('Transfers.receive: random file payload sequences: a cancel code or a clean run', () => transferCase, async (c) => (await feedTransfers(c)) === undefined,
    { runs: Math.min(FUZZ_RUNS, Number(process.env.KEYPRINT_FUZZ_MACHINE_RUNS ?? 25_000)) });
});
