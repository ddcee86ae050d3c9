// ICE server configuration: RFC 7064/7065 URIs, TURN credentials, relay-only, and the two
// conversions (browser RTCConfiguration, libdatachannel config); garbage in → typed errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  browserIceConfiguration, checkIceConfig, IceConfigError, libdatachannelIceConfiguration, parseIceServer, parseIceUrl,
} from '../../src/session/index.js';
import { fcSeed } from '../_util.js';

const code = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(IceConfigError); return (e as IceConfigError).code; }
  throw new Error('expected an IceConfigError');
};

describe('ICE URIs (RFC 7064 §3.1, RFC 7065 §3.1)', () => {
  it('parses STUN and TURN URIs with default ports and transports', () => {
    expect(parseIceUrl('stun:stun.example.org')).toEqual({ scheme: 'stun', host: 'stun.example.org', port: 3478 });
    expect(parseIceUrl('STUN:192.0.2.7:19302')).toEqual({ scheme: 'stun', host: '192.0.2.7', port: 19302 });
    expect(parseIceUrl('turn:[2001:db8::1]:3479')).toEqual({ scheme: 'turn', host: '2001:db8::1', port: 3479, transport: 'udp' });
    expect(parseIceUrl('turn:turn.example.org?transport=tcp')).toEqual({ scheme: 'turn', host: 'turn.example.org', port: 3478, transport: 'tcp' });
    expect(parseIceUrl('turns:turn.example.org')).toEqual({ scheme: 'turns', host: 'turn.example.org', port: 5349, transport: 'tcp' });
  });

  it('rejects what is not a STUN/TURN URI, with the input in the message', () => {
    for (const bad of ['', 'http://x', 'stun:', 'stun:host:0', 'stun:host:70000', 'stun:ho st', 'stun:host?transport=udp',
      'turn:host?transport=sctp', 'turns:host?transport=udp', 'stuns:host', 'turn:u:p@host', 'stun:[host]', 'turn:-bad-']) {
      expect(code(() => parseIceUrl(bad))).toBe('ice-url');
    }
    expect(() => parseIceUrl('stun:ho st')).toThrow(/"stun:ho st"/);
    expect(code(() => parseIceUrl(42 as never))).toBe('ice-url');
  });
});

describe('ICE servers and configurations', () => {
  it('takes TURN credentials inline (libdatachannel form), percent-decoded', () => {
    expect(parseIceServer('turn:alice:s%40cret@127.0.0.1:3478?transport=udp'))
      .toEqual({ url: 'turn:127.0.0.1:3478?transport=udp', username: 'alice', credential: 's@cret' });
    expect(parseIceServer(' stun:127.0.0.1:3478 ')).toEqual({ url: 'stun:127.0.0.1:3478' });
    expect(code(() => parseIceServer('turn:127.0.0.1'))).toBe('ice-credentials');
    expect(code(() => parseIceServer('turn:nopass@127.0.0.1'))).toBe('ice-credentials');
    expect(code(() => parseIceServer('turn:a:%zz@127.0.0.1'))).toBe('ice-credentials');
    expect(code(() => checkIceConfig({ servers: [{ url: 'stun:h', username: 'x' }], relayOnly: false }))).toBe('ice-credentials');
    expect(code(() => checkIceConfig({ servers: [{ url: 'turn:h', username: 'u', credential: 'a\nb' }], relayOnly: false }))).toBe('ice-credentials');
  });

  it('relay-only without a TURN server is an error (nothing could connect)', () => {
    expect(code(() => checkIceConfig({ servers: [], relayOnly: true }))).toBe('ice-relay-only');
    expect(code(() => checkIceConfig({ servers: [{ url: 'stun:127.0.0.1' }], relayOnly: true }))).toBe('ice-relay-only');
    expect(code(() => checkIceConfig(null as never))).toBe('ice-config');
    expect(code(() => checkIceConfig({ servers: Array(9).fill({ url: 'stun:h' }), relayOnly: false }))).toBe('ice-config');
  });

  it('converts to the browser and libdatachannel forms', () => {
    const config = { servers: [parseIceServer('stun:127.0.0.1:3478'), parseIceServer('turn:u:p@127.0.0.1:3479?transport=tcp'), parseIceServer('turns:u:p@turn.example.org')], relayOnly: true };
    expect(browserIceConfiguration(config)).toEqual({
      iceServers: [
        { urls: 'stun:127.0.0.1:3478' },
        { urls: 'turn:127.0.0.1:3479?transport=tcp', username: 'u', credential: 'p' },
        { urls: 'turns:turn.example.org', username: 'u', credential: 'p' },
      ],
      iceTransportPolicy: 'relay',
    });
    expect(libdatachannelIceConfiguration(config)).toEqual({
      iceServers: [
        { hostname: '127.0.0.1', port: 3478 },
        { hostname: '127.0.0.1', port: 3479, username: 'u', password: 'p', relayType: 'TurnTcp' },
        { hostname: 'turn.example.org', port: 5349, username: 'u', password: 'p', relayType: 'TurnTls' },
      ],
      iceTransportPolicy: 'relay',
    });
    expect(browserIceConfiguration({ servers: [], relayOnly: false })).toEqual({ iceServers: [], iceTransportPolicy: 'all' });
  });

  it('fuzz: any string either parses to a server that re-validates, or throws IceConfigError', () => {
    const piece = fc.constantFrom('stun:', 'turn:', 'turns:', 'u:p@', '[', ']', ':', '::1', '127.0.0.1', 'h.example', '?transport=', 'udp', 'tcp', '%', '@', '3478', ' ');
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 8 }).map((a) => a.join(''))), (text) => {
      let s;
      try { s = parseIceServer(text); } catch (e) { expect(e).toBeInstanceOf(IceConfigError); return; }
      expect(checkIceConfig({ servers: [s], relayOnly: false }).servers[0]).toEqual(s);
    }), { seed: fcSeed, numRuns: 2000 });
  });
});
