// Compact serverless signaling (docs/PROTOCOL.md "Session protocol", "Compact signaling"): an
// offer or answer reduced to what a data-channel-only WebRTC peer needs — ICE ufrag/pwd (RFC 8839
// §5.4), the DTLS certificate's SHA-256 fingerprint (RFC 8122 §5), the setup role (RFC 4145 §4)
// and UDP candidates (RFC 8839 §5.1: host, and server-reflexive/relayed ones when STUN/TURN servers
// are configured, src/session/ice.ts) — as ~70 binary bytes, shown as base64url text (for a QR
// code or copy-paste), and rebuilt into a complete SDP (RFC 8866) from a fixed template.

import { base64urlnopad } from '@scure/base';
import { Reader, toHex, Writer } from './_bytes.js';
import { SessionError } from './errors.js';

/** A card's text form (src/card/payload.ts), recognised so a pasted card is said as such. */
const CARD_TEXT_PREFIX = 'kpcard1:';

export const SIGNAL_VERSION = 1;
/** Most candidates kept. */
export const MAX_SIGNAL_CANDIDATES = 8;
/** Longest signal text accepted. */
export const MAX_SIGNAL_CHARS = 1024;

export type SetupRole = 'actpass' | 'active' | 'passive';
/** RFC 8445 §5.1.1 candidate types carried by the signal (peer-reflexive ones are learnt, never signalled). */
export type CandidateType = 'host' | 'srflx' | 'relay';
/**
 * A candidate: an IPv4/IPv6 literal, or (host only) an mDNS name `<uuid>.local` (browsers hide IPs
 * so). `type` absent means `host`.
 */
export interface HostCandidate { address: string; port: number; type?: CandidateType }
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
// The family byte's high nibble is the candidate type (0 host, 1 srflx, 2 relay): host candidates
// encode exactly as before, so version-1 texts without STUN/TURN are unchanged.
const TYPE_NIBBLE: Record<CandidateType, number> = { host: 0, srflx: 1, relay: 2 };
const TYPES: readonly CandidateType[] = ['host', 'srflx', 'relay'];
// At most this many srflx and relay candidates each, so host candidates cannot crowd them out.
const MAX_PER_SERVER_TYPE = 2;

const fail = (message: string, cause?: unknown): never => { throw new SessionError('signaling', message, cause === undefined ? undefined : { cause }); };

/**
 * Extracts the compact form from a local description (non-trickle: after ICE gathering completed).
 * Only UDP candidates of type host, srflx and relay are kept (at most 2 srflx and 2 relay); their
 * related address (`raddr`, our private address) is dropped: the peer does not need it.
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
  const found: Record<CandidateType, HostCandidate[]> = { host: [], srflx: [], relay: [] };
  for (const m of sdp.matchAll(/^a=candidate:\S+ 1 (?:UDP|udp) \d+ (\S+) (\d+) typ (host|srflx|relay)\b/gm)) {
    const type = m[3] as CandidateType, list = found[type];
    if (!list.some((c) => c.address === m[1] && c.port === Number(m[2]))) list.push(type === 'host' ? { address: m[1], port: Number(m[2]) } : { address: m[1], port: Number(m[2]), type });
  }
  const srflx = found.srflx.slice(0, MAX_PER_SERVER_TYPE), relay = found.relay.slice(0, MAX_PER_SERVER_TYPE);
  const candidates = [...found.host.slice(0, MAX_SIGNAL_CANDIDATES - srflx.length - relay.length), ...srflx, ...relay];
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

function encodeAddress(w: Writer, address: string, type: CandidateType): void {
  const t = TYPE_NIBBLE[type] << 4;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) fail(`candidate address expected an IPv4 literal, got ${JSON.stringify(address)}`);
    w.u8(t | FAMILY.ipv4).raw(Uint8Array.from(parts));
    return;
  }
  const mdns = UUID.exec(address);
  if (mdns) {
    // Only host candidates are hidden behind mDNS names (draft-ietf-mmusic-mdns-ice-candidates §3.1.1).
    if (type !== 'host') fail(`${type} candidate address expected an IP literal, got ${JSON.stringify(address)}`);
    w.u8(FAMILY.mdns).raw(Uint8Array.from(mdns.slice(1).join('').match(/../g)!, (h) => parseInt(h, 16)));
    return;
  }
  if (address.includes(':')) { w.u8(t | FAMILY.ipv6).raw(ipv6Bytes(address)); return; }
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
 * u8-prefixed pwd ‖ fingerprint[32] ‖ u8 count ‖ count × (u8 kind ‖ address ‖ u16be port)`, where
 * kind = type << 4 | family: 0x04 host IPv4, 0x06 host IPv6, 0x6d host mDNS; 0x14/0x16 srflx;
 * 0x24/0x26 relay.
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
    const type = c.type ?? 'host';
    if (!TYPES.includes(type)) fail(`candidate type expected host, srflx or relay, got ${JSON.stringify(String(type))}`);
    encodeAddress(w, String(c.address), type);
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
      const kind = r.u8('candidate kind');
      const family = kind === FAMILY.mdns ? kind : kind & 0x0f;
      const type = kind === FAMILY.mdns ? 'host' : TYPES[kind >> 4];
      let address: string;
      if (type === undefined) return fail(`candidate kind expected 0x04, 0x06, 0x6d, 0x14, 0x16, 0x24 or 0x26, got 0x${kind.toString(16)}`);
      if (family === FAMILY.ipv4) address = r.fixed('ipv4', 4).join('.');
      else if (family === FAMILY.ipv6) address = ipv6Text(r.fixed('ipv6', 16));
      else if (family === FAMILY.mdns) { const h = toHex(r.fixed('mdns', 16)); address = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}.local`; }
      else return fail(`candidate kind expected 0x04, 0x06, 0x6d, 0x14, 0x16, 0x24 or 0x26, got 0x${kind.toString(16)}`);
      const port = r.u16('port');
      if (port === 0) fail('candidate port expected 1 to 65535, got 0');
      candidates.push(type === 'host' ? { address, port } : { address, port, type });
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
    // RFC 8445 §5.1.2.1: priority = 2^24·type pref + 2^8·local pref + (256 − component), with the
    // recommended type preferences of §5.1.2.2 (host 126, srflx 100, relay 0). RFC 8839 §5.1: srflx
    // and relay need raddr/rport; the signal does not carry them (privacy), so 0.0.0.0 0 as browsers send.
    ...d.candidates.map((c, i) => {
      const type = c.type ?? 'host';
      const pref = type === 'host' ? 126 : type === 'srflx' ? 100 : 0;
      const related = type === 'host' ? '' : ` raddr ${c.address.includes(':') ? '::' : '0.0.0.0'} rport 0`;
      return `a=candidate:${i + 1} 1 UDP ${pref * 2 ** 24 + ((65535 - i) << 8) + 255} ${c.address} ${c.port} typ ${type}${related}`;
    }),
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

/** What a signal text must be: the other side's invitation (an offer) or its answer. */
export type SignalKind = 'offer' | 'answer';

const SIGNAL_NAME: Record<SignalKind, string> = { offer: 'invitation', answer: 'answer' };

/**
 * Reads a signal text a person pasted or scanned, and says what is wrong in their words — the one
 * wording both apps show: "this is an invitation, not an answer", "cut off: 80 of 96 characters",
 * "not a keyprint code". Line breaks and spaces inside the text (a wrapped paste) are ignored.
 * @param text the pasted text
 * @param expected `offer` (an invitation is expected) or `answer`
 * @returns the description
 * @throws SessionError `signaling` with a message for a person
 * @example const answer = readSignal(pasted, 'answer')
 */
export function readSignal(text: string, expected: SignalKind): CompactDescription {
  const want = SIGNAL_NAME[expected];
  const say = (message: string, cause?: unknown): never => fail(message, cause);
  if (typeof text !== 'string' || text.trim() === '') return say(`nothing pasted: paste the whole ${want} your contact sent`);
  const compact = text.replace(/\s+/g, '');
  if (compact.startsWith(CARD_TEXT_PREFIX)) return say(`this is the text of a keyprint card, not an ${want}: a card is checked on its own, not used to connect`);
  if (compact.length > MAX_SIGNAL_CHARS) return say(`not a keyprint code: ${compact.length} characters, and a keyprint code has at most ${MAX_SIGNAL_CHARS}`);
  if (!/^[A-Za-z0-9_-]+$/.test(compact)) return say(`not a keyprint code: it has characters a keyprint code never has (${JSON.stringify([...new Set(compact.replace(/[A-Za-z0-9_-]/g, ''))].slice(0, 5).join(''))})`);
  const bytes = leadingBytes(compact);
  if (bytes.length < 2 || bytes[0] !== SIGNAL_VERSION || bytes[1] > 5) return say(`not a keyprint code: it does not start like a keyprint ${want}`);
  const need = neededBytes(bytes);
  const chars = Math.ceil((need.bytes * 4) / 3); // base64url without padding
  if (compact.length < chars) return say(`cut off: ${compact.length} of ${need.exact ? '' : 'at least '}${chars} characters — copy the whole ${want} again`);
  if (compact.length > chars) {
    const extra = compact.length - chars;
    return say(`not a keyprint code: ${extra} character${extra === 1 ? '' : 's'} too many — was something pasted with it?`);
  }
  let d: CompactDescription;
  try {
    d = decodeBinary(bytes);
  } catch (e) {
    return say(`not a keyprint code: it is damaged (${(e as Error).message})`, e);
  }
  if (d.type !== expected) {
    return say(`this is ${d.type === 'offer' ? 'an invitation' : 'an answer'}, not ${expected === 'offer' ? 'an invitation' : 'an answer'}: `
      + (expected === 'answer' ? 'paste the answer your contact sent back' : 'paste the invitation your contact created'));
  }
  return d;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The whole bytes at the start of base64url text, however it ends: a text cut off anywhere leaves
 * a last group a strict decoder refuses (a 4n + 1 length, or unused bits that are not zero).
 */
function leadingBytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0, bits = 0, n = 0;
  for (const c of text) {
    acc = ((acc << 6) | B64URL.indexOf(c)) & 0xffff;
    bits += 6;
    if (bits >= 8) { bits -= 8; out[n++] = (acc >> bits) & 0xff; }
  }
  return out;
}

/**
 * How many bytes a complete signal starting with `bytes` has: exact once every length and
 * candidate kind it announces has been read, else the least it could be (unread lengths at their
 * minimum, unread candidates counted as IPv4, the smallest).
 */
function neededBytes(bytes: Uint8Array): { bytes: number; exact: boolean } {
  let at = 2;
  const byte = (i: number): number | undefined => (i < bytes.length ? bytes[i] : undefined);
  const ufrag = byte(at);
  if (ufrag === undefined) return { bytes: at + 1 + 4 + 1 + 22 + 32 + 1 + 7, exact: false };
  at += 1 + ufrag;
  const pwd = byte(at);
  if (pwd === undefined) return { bytes: at + 1 + 22 + 32 + 1 + 7, exact: false };
  at += 1 + pwd + 32;
  const count = byte(at);
  // A text always has a candidate (the apps refuse to make one without): count one IPv4 at least.
  if (count === undefined) return { bytes: at + 1 + 7, exact: false };
  at += 1;
  let exact = true;
  for (let i = 0; i < count; i++) {
    const kind = byte(at);
    if (kind === undefined) exact = false;
    const family = kind === FAMILY.mdns ? kind : (kind ?? FAMILY.ipv4) & 0x0f;
    at += 1 + (family === FAMILY.ipv4 ? 4 : 16) + 2;
  }
  return { bytes: at, exact };
}
