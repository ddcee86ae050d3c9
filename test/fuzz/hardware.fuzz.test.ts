// Fuzz campaign, hardware layer: CTAPHID packet decoding and message reassembly, CTAP2 CBOR
// (canonical decoding, authenticatorData), the client's response parsers, and the software
// authenticator's request handler. Seeds: every request and response of two real enrollments
// (without and with a PIN) against the software authenticator.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import {
  Ctap2Client, CtapCommand, CtapError, CtapHidError, CtapStatus, MessageAssembler, SoftAuthenticator, decodeCbor, decodeCborMap,
  decodeCborPrefix, decodePacket, encodeAuthData, encodeCbor, encodeMessage, parseAuthData, parseClientPin, parseGetAssertion, parseGetInfo,
  parseMakeCredential, pinProtocolV2, type CborChannel, type CborMap,
} from '../../src/hardware/index.js';
import { enroll } from '../../src/enroll/index.js';
import { applyEdits, edits, equalBytes, expectTyped, fuzz, fuzzBytes, hexOf } from './_mutate.js';

const seeds = {
  requests: [] as Uint8Array[],
  /** [command, response] of every successful exchange. */
  responses: [] as Array<[number, Uint8Array]>,
  cbor: [] as Uint8Array[],
  authData: [] as Uint8Array[],
  authenticator: undefined as unknown as SoftAuthenticator,
};
const context = () => ({ signal: new AbortController().signal, status: () => {} });

/** A CborChannel straight into a software authenticator that records every exchange. */
function recording(auth: SoftAuthenticator): CborChannel {
  return {
    async cbor(payload) {
      const response = await auth.handleCbor(payload, context());
      seeds.requests.push(payload.slice());
      if (response[0] === CtapStatus.CTAP2_OK && response.length > 1) {
        seeds.responses.push([payload[0], response.slice()]);
        seeds.cbor.push(response.slice(1));
      }
      return response;
    },
  };
}

beforeAll(async () => {
  const plain = await SoftAuthenticator.create({});
  await enroll({ ctap: new Ctap2Client(recording(plain)), displayName: 'No PIN' });
  const withPin = await SoftAuthenticator.create({});
  const ctap = new Ctap2Client(recording(withPin));
  await ctap.setPin('123456', pinProtocolV2);
  await enroll({ ctap, displayName: 'With PIN', pin: '123456' });
  for (const [cmd, r] of seeds.responses) {
    const m = decodeCborMap(r.subarray(1));
    const ad = cmd === CtapCommand.authenticatorMakeCredential || cmd === CtapCommand.authenticatorGetAssertion ? m.get(2) : undefined;
    if (ad instanceof Uint8Array) seeds.authData.push(ad);
  }
  seeds.authenticator = await SoftAuthenticator.create({});
}, 120_000);

describe('hardware fuzz', () => {
  fuzz('decodePacket: 64-byte reports decode; anything else is a typed CtapHidError', () => fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 80 })), (report) => {
    try { decodePacket(report); return true; } catch (e) { expectTyped(e, CtapHidError); return false; }
  });

  // Reassembly of a mutated stream: a message on our channel and one on another, their reports
  // interleaved, some mutated (a header, a sequence number, a length), dropped or repeated. Push
  // never throws anything but CtapHidError; a completed message has our CID and the length its init
  // packet announced; an unmodified stream gives back exactly the message sent.
  const stream = fc.record({
    payload: fc.uint8Array({ maxLength: 400 }),
    other: fc.uint8Array({ maxLength: 200 }),
    cmd: fc.integer({ min: 1, max: 0x7f }),
    order: fc.array(fc.nat(), { maxLength: 20 }),
    damage: fc.array(fc.tuple(fc.nat(), edits), { maxLength: 3 }),
  });
  fuzz('MessageAssembler: typed errors only; completed messages are whole and on our channel', stream, ({ payload, other, cmd, order, damage }) => {
    const ours = encodeMessage(0x01020304, cmd, payload);
    const theirs = encodeMessage(0x0a0b0c0d, 0x10, other);
    // our reports in order, with theirs inserted at the positions `order` picks
    const reports = [...ours];
    for (const [k, r] of theirs.entries()) reports.splice((order[k] ?? k) % (reports.length + 1), 0, r);
    for (const [pos, list] of damage) {
      const i = pos % reports.length;
      reports[i] = applyEdits(reports[i], reports[(i + 1) % reports.length], list);
    }
    const asm = new MessageAssembler(0x01020304);
    let announced = -1;
    const got = [];
    for (const r of reports) {
      try {
        const p = decodePacket(r);
        if (p.kind === 'init' && p.cid === asm.cid && !asm.inProgress) announced = p.length;
      } catch { /* the assembler must reject it too */ }
      let m;
      try { m = asm.push(r); } catch (e) { expectTyped(e, CtapHidError); continue; }
      if (!m) continue;
      if (m.cid !== asm.cid) throw new Error(`message for channel ${m.cid} returned on ${asm.cid}`);
      if (m.cmd !== 0x3b && m.payload.length !== announced) throw new Error(`message of ${m.payload.length} bytes, init announced ${announced}`);
      got.push(m);
    }
    if (damage.length === 0 && (got.length !== 1 || got[0].cmd !== cmd || !equalBytes(got[0].payload, payload))) {
      throw new Error('an unmodified stream did not give back its message');
    }
    return got.length > 0;
  });

  // Accepted ⇒ canonical, and every map key an integer or text string (CTAP 2.1 §8; fixed finding 3
  // of docs/SECURITY.md: map, array and byte-string keys were accepted, and cborg warned
  // "complex key types used" on stderr while re-encoding them). Such a warning is a failure too.
  let cborgWarnings = 0;
  beforeAll(() => { vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => { if (/complex key types/.test(String(a[0]))) cborgWarnings++; else process.stderr.write(`${a.join(' ')}\n`); }); });
  afterAll(() => { vi.restoreAllMocks(); });
  const hasComplexKey = (v: unknown): boolean => v instanceof Map
    ? [...v.entries()].some(([k, x]) => (typeof k !== 'number' && typeof k !== 'string') || hasComplexKey(x))
    : Array.isArray(v) && v.some(hasComplexKey);
  fuzz('decodeCbor / decodeCborPrefix: typed CtapError; accepted ⇒ canonical re-encoding equals the input, integer or text keys', () => fuzzBytes(seeds.cbor, 1024), (bytes) => {
    const noWarning = () => { if (cborgWarnings > 0) throw new Error(`cborg warned about complex map keys: ${hexOf(bytes)}`); };
    try {
      const { length } = decodeCborPrefix(bytes);
      if (length > bytes.length) throw new Error('prefix longer than input');
    } catch (e) { expectTyped(e, CtapError); }
    noWarning();
    let v;
    try { v = decodeCbor(bytes); } catch (e) { expectTyped(e, CtapError); noWarning(); return false; }
    noWarning();
    if (!equalBytes(encodeCbor(v), bytes)) throw new Error(`two encodings of one CBOR value: ${hexOf(bytes)}`);
    if (hasComplexKey(v)) throw new Error(`accepted a map key that is not an integer or text string: ${hexOf(bytes)}`);
    return true;
  });

  fuzz('parseAuthData: typed errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.authData, 400), (bytes) => {
    let a;
    try { a = parseAuthData(bytes); } catch (e) { expectTyped(e); return false; }
    if (!equalBytes(encodeAuthData(a), bytes)) throw new Error(`two encodings of one authenticatorData: ${hexOf(bytes)}`);
    return true;
  });

  // What Ctap2Client does with a response (status, canonical CBOR map, the command's parser), on
  // mutated real responses: typed errors only.
  const parsers: Record<number, (m: CborMap) => unknown> = {
    [CtapCommand.authenticatorGetInfo]: parseGetInfo, [CtapCommand.authenticatorMakeCredential]: parseMakeCredential,
    [CtapCommand.authenticatorGetAssertion]: parseGetAssertion, [CtapCommand.authenticatorGetNextAssertion]: parseGetAssertion,
    [CtapCommand.authenticatorClientPIN]: parseClientPin,
  };
  fuzz('CTAP2 response parsing (client side): typed errors only', () => fc.tuple(fc.nat(seeds.responses.length - 1), fc.nat(seeds.responses.length - 1), edits), ([i, j, list]) => {
    const [cmd, seed] = seeds.responses[i];
    const response = applyEdits(seed, seeds.responses[j][1], list);
    try {
      if (response.length === 0 || response[0] !== CtapStatus.CTAP2_OK) return false;
      const m = response.length === 1 ? new Map() : decodeCborMap(response.subarray(1));
      parsers[cmd]?.(m);
      return true;
    } catch (e) { expectTyped(e); return false; }
  });

  // The software authenticator on mutated real requests: never throws, always answers a status
  // byte, and an OK answer carries canonical CBOR (a map) or nothing.
  fuzz('SoftAuthenticator.handleCbor: never throws; every answer is a status byte and canonical CBOR', () => fuzzBytes(seeds.requests, 600), async (request) => {
    const response = await seeds.authenticator.handleCbor(request, context());
    if (!(response instanceof Uint8Array) || response.length === 0) throw new Error('no status byte');
    if (response[0] !== CtapStatus.CTAP2_OK) return false;
    if (response.length > 1) decodeCborMap(response.subarray(1));
    return true;
  });
});
