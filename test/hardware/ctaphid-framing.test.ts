// CTAPHID framing (CTAP 2.1 §11.2.4): fragmentation at every boundary 0..7609 bytes, reassembly
// property tests, typed errors for bad sequence / oversized length / truncated packets, wrong-channel
// packets ignored, and byte-exact packets from public captures.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONT_DATA_SIZE, CtapHidCommand, CtapHidError, INIT_DATA_SIZE, MAX_MESSAGE_SIZE, MessageAssembler, decodePacket,
  encodeMessage,
} from '../../src/hardware/index.js';
import { InputError } from '../../src/errors.js';
import { fcSeed, hex, unhex } from '../_util.js';

const CID = 0x00220002;
const payloadOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const packetsFor = (n: number) => (n <= INIT_DATA_SIZE ? 1 : 1 + Math.ceil((n - INIT_DATA_SIZE) / CONT_DATA_SIZE));

function reassemble(cid: number, reports: Uint8Array[]) {
  const asm = new MessageAssembler(cid);
  let out;
  for (const [i, r] of reports.entries()) {
    const m = asm.push(r);
    if (m) {
      expect(i).toBe(reports.length - 1);
      out = m;
    }
  }
  return out;
}

describe('CTAPHID constants', () => {
  it('max message is (64 − 7) + 128 · (64 − 5) = 7609 bytes (§11.2.4)', () => {
    expect(MAX_MESSAGE_SIZE).toBe(7609);
  });
});

describe('encodeMessage / MessageAssembler', () => {
  it('round-trips every length 0..7609 with the expected packet count, SEQ order and zero padding', () => {
    for (let n = 0; n <= MAX_MESSAGE_SIZE; n++) {
      const payload = payloadOf(n);
      const reports = encodeMessage(CID, CtapHidCommand.CBOR, payload);
      expect(reports.length).toBe(packetsFor(n));
      const last = reports[reports.length - 1];
      const used = n <= INIT_DATA_SIZE ? 7 + n : 5 + ((n - INIT_DATA_SIZE - 1) % CONT_DATA_SIZE) + 1;
      if (!last.subarray(used).every((b) => b === 0)) throw new Error(`padding not zero at n=${n}`);
      const m = reassemble(CID, reports)!;
      if (m.cmd !== CtapHidCommand.CBOR || m.payload.length !== n || !m.payload.every((b, i) => b === payload[i])) {
        throw new Error(`round trip failed at n=${n}`);
      }
    }
  });

  it('init packet layout: CID | 0x80|CMD | BCNT big-endian | data (OpenSK test_split_assemble shape)', () => {
    const [first, second] = encodeMessage(0x12345678, CtapHidCommand.PING, payloadOf(60));
    expect(hex(first.subarray(0, 7))).toBe('1234567881003c');
    expect(hex(second.subarray(0, 5))).toBe('1234567800');
    expect(first.length).toBe(64);
  });

  it('rejects a 7610-byte payload with a typed InputError', () => {
    expect(() => encodeMessage(CID, CtapHidCommand.CBOR, new Uint8Array(7610))).toThrow(InputError);
  });

  it('property: any payload (0..7609) and cmd reassembles, with foreign-channel reports interleaved and ignored', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: MAX_MESSAGE_SIZE }),
        fc.integer({ min: 1, max: 0x7f }),
        fc.integer({ min: 1, max: 0xfffffffe }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (payload, cmd, cid, noise) => {
          const reports = encodeMessage(cid, cmd, payload);
          const other = encodeMessage((cid ^ 0x5a5a5a5a) >>> 0 || 1, CtapHidCommand.PING, payloadOf(100));
          const mixed: Uint8Array[] = [];
          reports.forEach((r, i) => {
            if (noise.includes(i)) mixed.push(...other);
            mixed.push(r);
          });
          const asm = new MessageAssembler(cid);
          const got = mixed.map((r) => asm.push(r)).filter((m) => m !== undefined);
          return got.length === 1 && got[0]!.cmd === cmd && hex(got[0]!.payload) === hex(payload);
        },
      ),
      { seed: fcSeed, numRuns: 1000 },
    );
  });

  it('property: a dropped, duplicated or swapped continuation packet → ERR_INVALID_SEQ, never a wrong message', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: INIT_DATA_SIZE + 2 * CONT_DATA_SIZE + 1, max: MAX_MESSAGE_SIZE }),
        fc.nat(),
        fc.constantFrom('drop', 'dup', 'swap'),
        (n, at, how) => {
          const reports = encodeMessage(CID, CtapHidCommand.CBOR, payloadOf(n));
          const i = 1 + (at % (reports.length - 2));
          const broken = reports.slice();
          if (how === 'drop') broken.splice(i, 1);
          if (how === 'dup') broken.splice(i, 0, reports[i]);
          if (how === 'swap') [broken[i], broken[i + 1]] = [broken[i + 1], broken[i]];
          const asm = new MessageAssembler(CID);
          try {
            for (const r of broken) if (asm.push(r)) return false;
            return false;
          } catch (e) {
            return e instanceof CtapHidError && e.code === 'ERR_INVALID_SEQ' && e.local;
          }
        },
      ),
      { seed: fcSeed, numRuns: 1000 },
    );
  });

  it('property: decodePacket never throws anything but CtapHidError on random reports', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (r) => {
        try {
          decodePacket(r);
          return r.length === 64;
        } catch (e) {
          return e instanceof CtapHidError && e.code === 'ERR_INVALID_LEN';
        }
      }),
      { seed: fcSeed, numRuns: 1000 },
    );
  });

  it('typed errors: truncated report, oversized BCNT, continuation without init, init before completion', () => {
    const asm = new MessageAssembler(CID);
    expect(() => asm.push(new Uint8Array(63))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_LEN' }));
    const big = encodeMessage(CID, CtapHidCommand.CBOR, new Uint8Array(10))[0];
    big[5] = 0x1d; big[6] = 0xba; // 7610
    expect(() => asm.push(big)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_LEN' }));
    const reports = encodeMessage(CID, CtapHidCommand.CBOR, payloadOf(200));
    expect(() => new MessageAssembler(CID).push(reports[1])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SEQ' }));
    const a2 = new MessageAssembler(CID);
    a2.push(reports[0]);
    expect(() => a2.push(reports[0])).toThrow(CtapHidError);
    // The assembler recovers after an error: the next whole message goes through.
    expect(reassemble(CID, reports)!.payload.length).toBe(200);
  });

  it('a SEQ above 0x7f is rejected', () => {
    const asm = new MessageAssembler(CID);
    const reports = encodeMessage(CID, CtapHidCommand.CBOR, payloadOf(100));
    asm.push(reports[0]);
    const bad = reports[1].slice();
    bad[4] = 0x7f; // continuation SEQ 0x7f where 0 is expected
    expect(() => asm.push(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SEQ' }));
  });

  it('a message needing all 128 continuation packets ends with SEQ 0x7f', () => {
    const reports = encodeMessage(CID, CtapHidCommand.CBOR, new Uint8Array(MAX_MESSAGE_SIZE));
    expect(reports.length).toBe(129);
    expect(reports[128][4]).toBe(0x7f);
  });
});

describe('recorded frames (libfido2 fuzz/wiredata_fido2.h)', () => {
  it('WIREDATA_CTAP_INIT decodes: nonce, new CID 0x00220002, CTAPHID v2, device 5.2.1, caps WINK|CBOR', () => {
    const frame = new Uint8Array(64);
    frame.set(unhex('ffffffff860011' + '80435640b14ed92d' + '00220002' + '02' + '050201' + '05'));
    const m = new MessageAssembler(0xffffffff).push(frame)!;
    expect(m.cmd).toBe(CtapHidCommand.INIT);
    expect(hex(m.payload)).toBe('80435640b14ed92d002200020205020105');
  });
  it('WIREDATA_CTAP_KEEPALIVE decodes as KEEPALIVE UPNEEDED on channel 0x00220002', () => {
    const frame = new Uint8Array(64);
    frame.set(unhex('00220002bb000102'));
    const m = new MessageAssembler(CID).push(frame)!;
    expect(m.cmd).toBe(CtapHidCommand.KEEPALIVE);
    expect([...m.payload]).toEqual([2]);
  });
});
