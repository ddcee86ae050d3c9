// Compact serverless signaling (docs/PROTOCOL.md "Session protocol", "Compact signaling"): an
// offer or answer reduced to what a data-channel-only WebRTC peer needs — ICE ufrag/pwd (RFC 8839
// §5.4), the DTLS certificate's SHA-256 fingerprint (RFC 8122 §5), the setup role (RFC 4145 §4)
// and host candidates (RFC 8839 §5.1) — as ~70 binary bytes, shown as base64url text (for a QR
// code or copy-paste), and rebuilt into a complete SDP (RFC 8866) from a fixed template.

import { base64urlnopad } from '@scure/base';
import { Reader, toHex, Writer } from './_bytes.js';
import { SessionError } from './errors.js';

export const SIGNAL_VERSION = 1;
/** Most candidates kept. */
export const MAX_SIGNAL_CANDIDATES = 8;
/** Longest signal text accepted. */
export const MAX_SIGNAL_CHARS = 1024;

export type SetupRole = 'actpass' | 'active' | 'passive';
/** A host candidate: an IPv4/IPv6 literal, or an mDNS name `<uuid>.local` (browsers hide IPs so). */
export interface HostCandidate { address: string; port: number }
export interface CompactDescription {
  type: 'offer' | 'answer';
  setup: SetupRole;
  ufrag: string;
  pwd: string;
  /** SHA-256 of the DTLS certificate, 32 bytes. */
  fingerprint: Uint8Array;
  candidates: HostCandidate[];
}

const SETUPS: readonly SetupRole[] = ['actpass', 'active', 'passive'];
// RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4–256 chars, pwd 22–256.
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;
const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\.local$/i;
const FAMILY = { ipv4: 4, ipv6: 6, mdns: 0x6d } as const;

const fail = (message: string, cause?: unknown): never => { throw new SessionError('signaling', message, cause === undefined ? undefined : { cause }); };

/**
 * Extracts the compact form from a local description (non-trickle: after ICE gathering completed).
 * Only UDP host candidates are kept (no STUN/TURN is used, by design).
 * @param type `offer` or `answer`
 * @param sdp the SDP text
 * @throws SessionError `signaling` when a required line is missing or invalid
 * @example encodeSignal(compactFromSdp('offer', pc.localDescription.sdp))
 */
export function compactFromSdp(type: 'offer' | 'answer', sdp: string): CompactDescription {
  if (typeof sdp !== 'string') fail('"sdp" expected a string');
  const attr = (name: string): string | undefined => new RegExp(`^a=${name}:(.*?)\\s*$`, 'm').exec(sdp)?.[1];
  const ufrag = attr('ice-ufrag') ?? fail('sdp expected a=ice-ufrag');
  const pwd = attr('ice-pwd') ?? fail('sdp expected a=ice-pwd');
  const setup = (attr('setup') ?? fail('sdp expected a=setup')) as SetupRole;
  const candidates: HostCandidate[] = [];
  for (const m of sdp.matchAll(/^a=candidate:\S+ 1 (?:UDP|udp) \d+ (\S+) (\d+) typ host\b/gm)) {
    if (candidates.length < MAX_SIGNAL_CANDIDATES && !candidates.some((c) => c.address === m[1] && c.port === Number(m[2]))) {
      candidates.push({ address: m[1], port: Number(m[2]) });
    }
  }
  const d: CompactDescription = { type, setup, ufrag, pwd, fingerprint: dtlsFingerprintFromSdp(sdp), candidates };
  encodeBinary(d); // validates
  return d;
}

/**
 * The SHA-256 DTLS fingerprint an SDP announces (`a=fingerprint:sha-256 AA:BB:…`).
 * @returns 32 bytes
 * @throws SessionError `signaling` if absent or not SHA-256
 * @example const expectedPeerDtlsFingerprint = dtlsFingerprintFromSdp(remoteSdp)
 */
export function dtlsFingerprintFromSdp(sdp: string): Uint8Array {
  const m = /^a=fingerprint:sha-256 ((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})\s*$/m.exec(String(sdp));
  if (!m) return fail('sdp expected a=fingerprint:sha-256 with 32 bytes');
  return Uint8Array.from(m[1].split(':'), (h) => parseInt(h, 16));
}

function encodeAddress(w: Writer, address: string): void {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) fail(`candidate address expected an IPv4 literal, got ${JSON.stringify(address)}`);
    w.u8(FAMILY.ipv4).raw(Uint8Array.from(parts));
    return;
  }
  const mdns = UUID.exec(address);
  if (mdns) { w.u8(FAMILY.mdns).raw(Uint8Array.from(mdns.slice(1).join('').match(/../g)!, (h) => parseInt(h, 16))); return; }
  if (address.includes(':')) { w.u8(FAMILY.ipv6).raw(ipv6Bytes(address)); return; }
  fail(`candidate address expected IPv4, IPv6 or <uuid>.local, got ${JSON.stringify(address.slice(0, 64))}`);
}

function ipv6Bytes(a: string): Uint8Array {
  const halves = a.split('::');
  if (halves.length > 2 || !/^[0-9a-fA-F:]+$/.test(a)) fail(`candidate address expected an IPv6 literal, got ${JSON.stringify(a.slice(0, 64))}`);
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]), tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array(fill).fill('0'), ...tail];
  if (all.length !== 8 || (halves.length === 2 && fill < 1) || all.some((g) => g.length < 1 || g.length > 4)) fail(`candidate address expected an IPv6 literal, got ${JSON.stringify(a.slice(0, 64))}`);
  const out = new Uint8Array(16);
  all.forEach((g, i) => { const n = parseInt(g, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 0xff; });
  return out;
}

function ipv6Text(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
  return g.join(':'); // uncompressed but valid (RFC 4291 §2.2 form 1)
}

function ice(field: string, v: unknown, min: number): string {
  if (typeof v !== 'string' || v.length < min || v.length > 255 || !ICE_CHARS.test(v)) fail(`${field} expected ${min} to 255 ice-chars (RFC 8839 §5.4)`);
  return v as string;
}

/**
 * Binary form: `u8 version ‖ u8 flags (bit 0: answer; bits 1–2: setup) ‖ u8-prefixed ufrag ‖
 * u8-prefixed pwd ‖ fingerprint[32] ‖ u8 count ‖ count × (u8 family ‖ address ‖ u16be port)`.
 * @throws SessionError `signaling` for an invalid field
 * @example const bytes = encodeBinary(compactFromSdp('offer', sdp)) // ~71 bytes
 */
export function encodeBinary(d: CompactDescription): Uint8Array {
  if (typeof d !== 'object' || d === null) fail('description expected an object');
  if (d.type !== 'offer' && d.type !== 'answer') fail('type expected offer or answer');
  const setup = SETUPS.indexOf(d.setup);
  if (setup < 0) fail(`setup expected actpass, active or passive, got ${JSON.stringify(d.setup)}`);
  if (!(d.fingerprint instanceof Uint8Array) || d.fingerprint.length !== 32) fail('fingerprint expected 32 bytes');
  if (!Array.isArray(d.candidates) || d.candidates.length > MAX_SIGNAL_CANDIDATES) fail(`candidates expected at most ${MAX_SIGNAL_CANDIDATES}`);
  const ufrag = new TextEncoder().encode(ice('ufrag', d.ufrag, 4));
  const pwd = new TextEncoder().encode(ice('pwd', d.pwd, 22));
  const w = new Writer().u8(SIGNAL_VERSION).u8((d.type === 'answer' ? 1 : 0) | (setup << 1)).u8(ufrag.length).raw(ufrag).u8(pwd.length).raw(pwd)
    .raw(d.fingerprint).u8(d.candidates.length);
  for (const c of d.candidates) {
    if (!Number.isInteger(c?.port) || c.port < 1 || c.port > 65535) fail(`candidate port expected 1 to 65535, got ${String(c?.port)}`);
    encodeAddress(w, String(c.address));
    w.u16(c.port);
  }
  return w.bytes();
}

/**
 * Decodes the binary form.
 * @throws SessionError `signaling`
 * @example const d = decodeBinary(bytes)
 */
export function decodeBinary(bytes: Uint8Array): CompactDescription {
  try {
    const r = new Reader(bytes, 'signal');
    const version = r.u8('version');
    if (version !== SIGNAL_VERSION) fail(`signal expected version ${SIGNAL_VERSION}, got ${version}`);
    const flags = r.u8('flags');
    if (flags > 5 || flags >> 1 > 2) fail(`signal flags expected 0 to 5, got ${flags}`);
    const text = (b: Uint8Array) => String.fromCharCode(...b);
    const ufrag = ice('ufrag', text(r.fixed('ufrag', r.u8('ufrag length'))), 4);
    const pwd = ice('pwd', text(r.fixed('pwd', r.u8('pwd length'))), 22);
    const fingerprint = r.fixed('fingerprint', 32);
    const n = r.u8('candidate count');
    if (n > MAX_SIGNAL_CANDIDATES) fail(`signal expected at most ${MAX_SIGNAL_CANDIDATES} candidates, got ${n}`);
    const candidates: HostCandidate[] = [];
    for (let i = 0; i < n; i++) {
      const family = r.u8('family');
      let address: string;
      if (family === FAMILY.ipv4) address = r.fixed('ipv4', 4).join('.');
      else if (family === FAMILY.ipv6) address = ipv6Text(r.fixed('ipv6', 16));
      else if (family === FAMILY.mdns) { const h = toHex(r.fixed('mdns', 16)); address = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.local`; }
      else return fail(`candidate family expected 4, 6 or 0x6d, got ${family}`);
      const port = r.u16('port');
      if (port === 0) fail('candidate port expected 1 to 65535, got 0');
      candidates.push({ address, port });
    }
    r.end();
    return { type: flags & 1 ? 'answer' : 'offer', setup: SETUPS[flags >> 1], ufrag, pwd, fingerprint, candidates };
  } catch (e) {
    if (e instanceof SessionError && e.code !== 'signaling') fail(e.message, e);
    throw e;
  }
}

/**
 * The compact description as base64url text (no padding).
 * @example const text = encodeSignal(compactFromSdp('offer', sdp)) // ~95 characters
 */
export function encodeSignal(d: CompactDescription): string {
  return base64urlnopad.encode(encodeBinary(d));
}

/**
 * Parses signal text (surrounding whitespace ignored).
 * @throws SessionError `signaling` for anything that is not a valid compact description
 */
export function decodeSignal(text: string): CompactDescription {
  if (typeof text !== 'string' || text.length > MAX_SIGNAL_CHARS) return fail(`signal expected a string of at most ${MAX_SIGNAL_CHARS} characters`);
  let bytes: Uint8Array;
  try { bytes = base64urlnopad.decode(text.trim()); } catch (e) { return fail('signal expected base64url text without padding', e); }
  return decodeBinary(bytes);
}

/**
 * Rebuilds a complete SDP for `setRemoteDescription` from the template in the notes.
 * @returns `{ type, sdp }`
 * @example await pc.setRemoteDescription(sdpFromCompact(decodeSignal(text)))
 */
export function sdpFromCompact(d: CompactDescription): { type: 'offer' | 'answer'; sdp: string } {
  encodeBinary(d);
  const first = d.candidates[0];
  const ip6 = first?.address.includes(':');
  const fp = Array.from(d.fingerprint, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  const lines = [
    'v=0',
    `o=- ${parseInt(toHex(d.fingerprint.subarray(0, 6)), 16)} 0 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    `m=application ${first?.port ?? 9} UDP/DTLS/SCTP webrtc-datachannel`,
    `c=IN ${ip6 ? 'IP6' : 'IP4'} ${first && !first.address.endsWith('.local') ? first.address : '0.0.0.0'}`,
    // RFC 8445 §5.1.2.1: priority = 2^24·type pref (126 host) + 2^8·local pref + (256 − component).
    ...d.candidates.map((c, i) => `a=candidate:${i + 1} 1 UDP ${(126 << 24) + ((65535 - i) << 8) + 255} ${c.address} ${c.port} typ host`),
    'a=end-of-candidates',
    `a=ice-ufrag:${d.ufrag}`,
    `a=ice-pwd:${d.pwd}`,
    `a=fingerprint:sha-256 ${fp}`,
    `a=setup:${d.setup}`,
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
  ];
  return { type: d.type, sdp: lines.join('\r\n') + '\r\n' };
}
