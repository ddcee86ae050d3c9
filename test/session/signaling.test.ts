// Compact signaling: SDP → ~70 bytes → base64url → SDP; malformed text → typed errors; pasted
// texts said in a person's words (readSignal, what both apps show); fuzzing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compactFromSdp, decodeSignal, decodeSignalBinary, dtlsFingerprintFromSdp, encodeSignal, encodeSignalBinary, readSignal, sdpFromCompact,
  SessionError, type CompactDescription,
} from '../../src/session/index.js';
import { fcSeed, hex } from '../_util.js';

// A non-trickle offer as node-datachannel 0.33 (libdatachannel 0.24.5) produced it on this machine.
const OFFER = [
  'v=0', 'o=rtc 2857128896 0 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic:WMS *',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 61:19:D5:DA:CF:2B:56:A0:88:F5:64:B8:8E:63:4C:D1:56:D8:43:59:C4:88:0D:88:E3:36:4A:25:06:A7:0D:91',
  'm=application 50776 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 127.0.0.1', 'a=mid:0', 'a=sendrecv', 'a=sctp-port:5000',
  'a=max-message-size:262144', 'a=setup:actpass', 'a=ice-ufrag:C+4V', 'a=ice-pwd:3z1qWpyb97pT3qx9964vzu',
  'a=candidate:1 1 UDP 2114977791 127.0.0.1 50776 typ host',
  'a=candidate:2 1 UDP 2114977535 fd00::2 50777 typ host',
  'a=candidate:3 1 UDP 2114977279 0b5e7a3c-1f2d-4c3b-9a8e-7d6c5b4a3f2e.local 50778 typ host',
  'a=candidate:4 1 TCP 1 127.0.0.1 9 typ host tcptype active',
  'a=candidate:5 1 UDP 1 192.0.2.2 50779 typ srflx raddr 0.0.0.0 rport 0',
  'a=end-of-candidates', '',
].join('\r\n');

// The same without its srflx candidate: what a peer with no STUN/TURN server configured produces.
const HOST_OFFER = OFFER.replace(/^a=candidate:5 .*\r\n/m, '');

describe('compact signaling', () => {
  it('keeps ufrag, pwd, fingerprint, setup and UDP host candidates; ~80 bytes; rebuilds a valid SDP', () => {
    const d = compactFromSdp('offer', HOST_OFFER);
    expect(d).toMatchObject({ type: 'offer', setup: 'actpass', ufrag: 'C+4V', pwd: '3z1qWpyb97pT3qx9964vzu' });
    expect(hex(d.fingerprint)).toBe('6119d5dacf2b56a088f564b88e634cd156d84359c4880d88e3364a2506a70d91');
    expect(d.candidates.map((c) => `${c.address} ${c.port}`)).toEqual([
      '127.0.0.1 50776', 'fd00::2 50777', '0b5e7a3c-1f2d-4c3b-9a8e-7d6c5b4a3f2e.local 50778',
    ]);
    const bin = encodeSignalBinary(d);
    expect(bin.length).toBe(1 + 1 + 1 + 4 + 1 + 22 + 32 + 1 + 7 + 19 + 19);
    const text = encodeSignal(d);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = decodeSignal(`  ${text}\n`);
    expect(back.candidates[1].address).toBe('fd00:0:0:0:0:0:0:2');
    const sdp = sdpFromCompact(back).sdp;
    expect(sdp).toContain('m=application 50776 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 127.0.0.1\r\n');
    expect(sdp).toContain('a=ice-ufrag:C+4V\r\na=ice-pwd:3z1qWpyb97pT3qx9964vzu\r\n');
    expect(sdp).toContain('a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n');
    expect(hex(dtlsFingerprintFromSdp(sdp))).toBe(hex(d.fingerprint));
    expect(compactFromSdp('offer', sdp)).toEqual({ ...back });
    const single = encodeSignal({ ...d, candidates: d.candidates.slice(0, 1) });
    expect(single.length).toBeLessThanOrEqual(100); // 71 bytes → 95 characters (notes' "SDP size" table)
  });

  it('carries srflx and relay candidates (STUN/TURN) without their related address; host texts unchanged', () => {
    const withServers = OFFER.replace('a=end-of-candidates', [
      'a=candidate:6 1 UDP 1686052607 203.0.113.9 61000 typ srflx raddr 192.0.2.2 rport 50779',
      'a=candidate:7 1 udp 41885439 198.51.100.4 3479 typ relay raddr 203.0.113.9 rport 61000 generation 0',
      'a=candidate:8 1 UDP 16777215 2001:db8::7 3480 typ relay raddr :: rport 0',
      'a=end-of-candidates',
    ].join('\r\n'));
    const d = compactFromSdp('offer', withServers);
    // The srflx line in OFFER (192.0.2.2) and the new one both count; host candidates come first.
    expect(d.candidates.map((c) => `${c.type ?? 'host'} ${c.address} ${c.port}`)).toEqual([
      'host 127.0.0.1 50776', 'host fd00::2 50777', 'host 0b5e7a3c-1f2d-4c3b-9a8e-7d6c5b4a3f2e.local 50778',
      'srflx 192.0.2.2 50779', 'srflx 203.0.113.9 61000', 'relay 198.51.100.4 3479', 'relay 2001:db8::7 3480',
    ]);
    const bin = encodeSignalBinary(d);
    expect(bin[bin.length - 19 - 7 - 7 - 7]).toBe(0x14); // kind byte of the first srflx candidate
    expect(bin[bin.length - 19]).toBe(0x26); // relay IPv6
    const back = decodeSignal(encodeSignal(d));
    expect(back.candidates.slice(3).map((c) => c.type)).toEqual(['srflx', 'srflx', 'relay', 'relay']);
    const sdp = sdpFromCompact(back).sdp;
    expect(sdp).toContain('a=candidate:5 1 UDP 1694497791 203.0.113.9 61000 typ srflx raddr 0.0.0.0 rport 0\r\n');
    expect(sdp).toContain('a=candidate:6 1 UDP 16775935 198.51.100.4 3479 typ relay raddr 0.0.0.0 rport 0\r\n');
    expect(sdp).toContain('typ relay raddr :: rport 0\r\n');
    expect(sdp).not.toContain('192.0.2.2 rport'); // the private related address never travels
    expect(compactFromSdp('offer', sdp).candidates).toEqual(back.candidates);
    // Without servers, the binary form is byte-for-byte what version 1 always produced.
    const hostOnly = compactFromSdp('offer', HOST_OFFER);
    expect(hex(encodeSignalBinary(hostOnly))).toBe(hex(encodeSignalBinary({ ...d, candidates: d.candidates.slice(0, 3) })));
    // At most 2 srflx and 2 relay, and they are kept even when many host candidates are present.
    const many = Array.from({ length: 12 }, (_, i) => `a=candidate:h${i} 1 UDP 2114977791 10.0.0.${i + 1} 5000 typ host`).join('\r\n');
    const crowded = compactFromSdp('offer', withServers.replace('a=end-of-candidates', `${many}\r\na=end-of-candidates`));
    expect(crowded.candidates).toHaveLength(8);
    expect(crowded.candidates.filter((c) => c.type === 'relay')).toHaveLength(2);
    expect(crowded.candidates.filter((c) => c.type === 'srflx')).toHaveLength(2);
    // Relay-only: a signal with nothing but relayed candidates.
    const relayOnly = OFFER.replace(/^a=candidate:.*\r\n/gm, '').replace('a=end-of-candidates', 'a=candidate:1 1 UDP 16777215 127.0.0.1 49152 typ relay raddr 127.0.0.1 rport 50001\r\na=end-of-candidates');
    expect(decodeSignal(encodeSignal(compactFromSdp('answer', relayOnly))).candidates).toEqual([{ address: '127.0.0.1', port: 49152, type: 'relay' }]);
  });

  it('malformed text and descriptions are typed errors', () => {
    const d = compactFromSdp('answer', OFFER.replace('a=setup:actpass', 'a=setup:active'));
    const bad: Array<() => unknown> = [
      () => decodeSignal('!!!'), () => decodeSignal(''), () => decodeSignal('A'.repeat(2000)), () => decodeSignal(42 as never),
      () => decodeSignal(encodeSignal(d) + 'AA'), () => decodeSignalBinary(Uint8Array.of(2)),
      () => encodeSignal({ ...d, ufrag: 'a b c d' }), () => encodeSignal({ ...d, pwd: 'short' }),
      () => encodeSignal({ ...d, fingerprint: new Uint8Array(31) }), () => encodeSignal({ ...d, candidates: [{ address: 'example.com', port: 1 }] }),
      () => encodeSignal({ ...d, candidates: [{ address: '1.2.3.4', port: 0 }] }), () => encodeSignal({ ...d, setup: 'holdconn' as never }),
      () => compactFromSdp('offer', 'v=0\r\n'), () => dtlsFingerprintFromSdp('a=fingerprint:sha-1 00:11'),
      () => encodeSignal({ ...d, candidates: [{ address: '0b5e7a3c-1f2d-4c3b-9a8e-7d6c5b4a3f2e.local', port: 1, type: 'relay' }] }),
      () => encodeSignal({ ...d, candidates: [{ address: '1.2.3.4', port: 1, type: 'prflx' as never }] }),
      // Unknown candidate kinds: 0x34 (type 3), 0x05 (family 5), 0x7d (an mDNS name with a type).
      ...[0x34, 0x05, 0x7d].map((kind) => () => { const b = encodeSignalBinary({ ...d, candidates: [{ address: '1.2.3.4', port: 1 }] }); b[b.length - 7] = kind; return decodeSignalBinary(b); }),
    ];
    for (const f of bad) expect(f).toThrow(SessionError);
    for (const f of bad) { try { f(); } catch (e) { expect((e as SessionError).code).toBe('signaling'); } }
  });

  it('issue 20: a pasted text that is wrong is said in a person\'s words (both apps show these)', () => {
    // One IPv4 host candidate, as two devices on a LAN send: 94 characters.
    const lan = OFFER.replace(/^a=candidate:[2-5] .*\r\n/mg, '');
    const offer = encodeSignal(compactFromSdp('offer', lan));
    const answer = encodeSignal(compactFromSdp('answer', lan.replace('a=setup:actpass', 'a=setup:active')));
    expect([offer.length, answer.length]).toEqual([94, 94]);
    const said = (text: string, kind: 'offer' | 'answer') => {
      try { readSignal(text, kind); } catch (e) { expect((e as SessionError).code).toBe('signaling'); return (e as Error).message; }
      return 'accepted';
    };
    expect(said(offer, 'answer')).toBe('this is an invitation, not an answer: paste the answer your contact sent back');
    expect(said(answer, 'offer')).toBe('this is an answer, not an invitation: paste the invitation your contact created');
    expect(said(answer.slice(0, 90), 'answer')).toBe('cut off: 90 of 94 characters — copy the whole answer again');
    expect(said(answer.slice(0, 89), 'answer')).toBe('cut off: 89 of 94 characters — copy the whole answer again'); // 4n + 1: no base64url length
    expect(said(answer.slice(0, 80), 'answer')).toBe('cut off: 80 of at least 94 characters — copy the whole answer again'); // before the candidate count
    const four = encodeSignal(compactFromSdp('offer', OFFER));
    expect(said(four.slice(0, 150), 'offer')).toBe(`cut off: 150 of ${four.length} characters — copy the whole invitation again`); // IPv6 and mDNS candidates counted
    expect(said(`${answer}AAAA`, 'answer')).toBe('not a keyprint code: 4 characters too many — was something pasted with it?');
    expect(said('hello there', 'offer')).toBe('not a keyprint code: it does not start like a keyprint invitation');
    expect(said('https://example.org/', 'offer')).toBe('not a keyprint code: it has characters a keyprint code never has (":/.")');
    expect(said(`BQ${answer.slice(2)}`, 'answer')).toBe('not a keyprint code: it does not start like a keyprint answer'); // "signal expected version 1, got 5"
    expect(said('kpcard1:oQ', 'answer')).toBe('this is the text of a keyprint card, not an answer: a card is checked on its own, not used to connect');
    expect(said('  \n', 'answer')).toBe('nothing pasted: paste the whole answer your contact sent');
    expect(said('A'.repeat(5000), 'offer')).toBe('not a keyprint code: 5000 characters, and a keyprint code has at most 1024');
    // Wrapped across lines or with spaces around it: still the text.
    expect(said(`  ${answer.slice(0, 50)}\n${answer.slice(50)}\n`, 'answer')).toBe('accepted');
  });

  it('fuzz: decodeSignalBinary / decodeSignal accept only what re-encodes identically', () => {
    const good = encodeSignalBinary(compactFromSdp('offer', OFFER));
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), fc.uint8Array({ maxLength: 120 }), fc.string({ maxLength: 150 }), (pos, x, cut, raw, text) => {
      const inputs = [cut ? good.subarray(0, pos % good.length) : good.map((b, i) => (i === pos % good.length ? b ^ x : b)), raw];
      for (const bytes of inputs) {
        let d: CompactDescription;
        try { d = decodeSignalBinary(bytes); } catch (e) { expect((e as SessionError).code).toBe('signaling'); continue; }
        // IPv6 is re-encoded from its expanded form, so compare the decoded values.
        expect(decodeSignalBinary(encodeSignalBinary(d))).toEqual(d);
      }
      try { decodeSignal(text); } catch (e) { expect((e as SessionError).code).toBe('signaling'); }
    }), { seed: fcSeed, numRuns: 2000 });
  });
});
