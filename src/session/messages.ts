// Session wire messages (docs/PROTOCOL.md "Session protocol", "Messages"): one binary frame per
// channel message, `u8 version ‖ u8 type ‖ body`, fixed-size or length-prefixed big-endian fields,
// no trailing bytes. Every field is validated on decode; any failure is a SessionError whose code
// is the cancel code the state machine uses (truncated, too-large, version, suite, malformed).

import { MAX_BUNDLE_BYTES } from '../identity/index.js';
import { isCancelCode, SessionError, VersionError, type CancelCode } from './errors.js';
import { Reader, Writer } from './_bytes.js';

/**
/**
 * The protocol version this code speaks (the first byte of every frame). Version 3 streams files
 * (docs/PROTOCOL.md "Files") over version 2's hybrid post-quantum handshake (X-Wing); version 2
 * (files whole, in memory) and version 1 (X25519 only) are refused, never downgraded to: an older
 * peer is told so in its own frame format (a cancel of its version — the layout is the same in
 * every version), and an older peer's cancel is understood, so each side can say which one must update.
 */
export const PROTOCOL_VERSION = 3;
/** Whether `version` is one this code refuses in the peer's own format (1 up to the one before this). */
export const isOlderVersion = (version: number): boolean => version >= 1 && version < PROTOCOL_VERSION;
/** Suite 2: X-Wing (ML-KEM-768 + X25519, draft-connolly-cfrg-xwing-kem), Ed25519, HKDF-SHA-256, HMAC-SHA-256, AES-256-GCM. */
export const SUITE_XWING_AES256GCM = 2;
/** X-Wing sizes on the wire: the initiator's public key in `commit`, the responder's ciphertext in its `hello`. */
export const KEM_PUBLIC_KEY_BYTES = 1216;
export const KEM_CIPHERTEXT_BYTES = 1120;
/** Largest frame accepted or produced: a hello with the largest bundle fits, with room to spare. */
export const MAX_MESSAGE_BYTES = MAX_BUNDLE_BYTES + 1024;
/** File chunk sizes (bytes of file content per chunk); a sender picks the largest whose frame the channel carries. */
export const CHUNK_SIZES = [16384, 32768, 65536] as const;
/** A chunk's padded plaintext is its size plus this (length, kind, id, index and data length fit in 33 bytes). */
export const CHUNK_PAD = 64;
/**
 * Padded plaintext sizes of data messages; the ciphertext is one of these plus the 16-byte tag.
 * The first four hold texts, acks and the small file messages; the last three one file chunk each.
 */
export const PAD_BUCKETS = [256, 1024, 4096, 16384, ...CHUNK_SIZES.map((c) => c + CHUNK_PAD)] as const;
/** AES-GCM tag length. */
export const TAG_BYTES = 16;

export const MessageType = { commit: 1, hello: 2, auth: 3, mac: 4, cancel: 5, data: 6 } as const;

/**
 * The initiator's commitment — SHA-256 over its (not yet sent) hello — and its fresh X-Wing public
 * key, sent in the clear first so that the responder encapsulates before it sees anything of the
 * initiator's hello (docs/PROTOCOL.md "Handshake": why the order matters for the SAS).
 */
export interface CommitMessage { type: 'commit'; commitment: Uint8Array; kemPublicKey: Uint8Array }
/** A hello: everything a side contributes to the key agreement. */
export interface HelloMessage {
  type: 'hello';
  suite: number;
  /** The responder's X-Wing ciphertext to the initiator's key (1120 bytes); empty in the initiator's hello. */
  kemCiphertext: Uint8Array;
  /** Fresh random 32 bytes. */
  nonce: Uint8Array;
  /** SHA-256 of the sender's own DTLS certificate (what its SDP `a=fingerprint:sha-256` says). */
  dtlsFingerprint: Uint8Array;
  /** The sender's encoded identity bundle (keyprint/identity). */
  bundle: Uint8Array;
}
/** Ed25519 signature of the transcript by the sender's identity key. */
export interface AuthMessage { type: 'auth'; signature: Uint8Array }
/** Key confirmation, sent after the user says the SAS match. */
export interface MacMessage { type: 'mac'; mac: Uint8Array }
/** The sender cancels; no reason text travels, only the stable code. `version`: the frame's protocol version, when older (an older peer's cancel is understood, and ours to it is in its format). */
export interface CancelMessage { type: 'cancel'; code: CancelCode; version?: number }
/** An encrypted data message (after Confirmed). */
export interface DataMessage { type: 'data'; seq: number; ciphertext: Uint8Array }

export type SessionMessage = CommitMessage | HelloMessage | AuthMessage | MacMessage | CancelMessage | DataMessage;

/** The 6-byte header of a data frame, also its AES-GCM additional data. */
export function dataHeader(seq: number): Uint8Array {
  return new Writer().u8(PROTOCOL_VERSION).u8(MessageType.data).u32(seq).bytes();
}

/**
 * A data frame, built directly (the hot path of a file transfer: one copy of the ciphertext, no
 * re-validation — `ciphertext` comes from `seal`, whose padding rule fixes its length).
 */
export function encodeDataFrame(seq: number, ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + ciphertext.length);
  const v = new DataView(out.buffer);
  out[0] = PROTOCOL_VERSION;
  out[1] = MessageType.data;
  v.setUint32(2, seq);
  v.setUint32(6, ciphertext.length);
  out.set(ciphertext, 10);
  return out;
}

/** The largest frame a data message can be: the largest bucket, its tag, and the 10-byte header. */
export const MAX_DATA_FRAME_BYTES = PAD_BUCKETS[PAD_BUCKETS.length - 1] + TAG_BYTES + 10;

/**
 * Encodes one message as a frame.
 * @param message the message; its fields are validated by decoding the result again
 * @returns the frame bytes
 * @throws SessionError `malformed` / `too-large` for an invalid field
 * @example transport.send(encodeMessage({ type: 'commit', commitment }))
 */
export function encodeMessage(message: SessionMessage): Uint8Array {
  // A cancel to an older peer goes in its own frame format, so that it can say why.
  const w = new Writer().u8(message.type === 'cancel' && message.version !== undefined && isOlderVersion(message.version) ? message.version : PROTOCOL_VERSION);
  switch (message.type) {
    case 'commit': w.u8(MessageType.commit).raw(message.commitment).raw(message.kemPublicKey); break;
    case 'hello':
      w.u8(MessageType.hello).u8(message.suite).var16(message.kemCiphertext).raw(message.nonce)
        .raw(message.dtlsFingerprint).var32(message.bundle);
      break;
    case 'auth': w.u8(MessageType.auth).raw(message.signature); break;
    case 'mac': w.u8(MessageType.mac).raw(message.mac); break;
    case 'cancel': w.u8(MessageType.cancel).var16(new TextEncoder().encode(message.code)); break;
    case 'data': w.u8(MessageType.data).u32(message.seq).var32(message.ciphertext); break;
    default: throw new SessionError('malformed', `message expected a known type, got ${String((message as { type: unknown }).type)}`);
  }
  const bytes = w.bytes();
  decodeMessage(bytes); // one validator for both directions
  return bytes;
}

/**
 * Decodes and validates one frame.
 * @param bytes the frame
 * @returns the message
 * @throws SessionError with the cancel code to use: `truncated`, `too-large`, `version`, `suite`, `malformed`
 * @example const message = decodeMessage(frame)
 */
export function decodeMessage(bytes: Uint8Array): SessionMessage {
  if (!(bytes instanceof Uint8Array)) throw new SessionError('malformed', 'message expected Uint8Array');
  if (bytes.length > MAX_MESSAGE_BYTES) throw new SessionError('too-large', `message expected at most ${MAX_MESSAGE_BYTES} bytes, got ${bytes.length}`);
  const r = new Reader(bytes, 'message');
  const version = r.u8('version');
  const type = r.u8('type');
  // An older version's cancel frame has the same layout: read it, so that its sender's refusal is understood.
  if (version !== PROTOCOL_VERSION && !(isOlderVersion(version) && type === MessageType.cancel)) {
    throw new VersionError(version, `message expected version ${PROTOCOL_VERSION}, got ${version}`);
  }
  let m: SessionMessage;
  switch (type) {
    case MessageType.commit: m = { type: 'commit', commitment: r.fixed('commitment', 32), kemPublicKey: r.fixed('kemPublicKey', KEM_PUBLIC_KEY_BYTES) }; break;
    case MessageType.hello: {
      const suite = r.u8('suite');
      if (suite !== SUITE_XWING_AES256GCM) throw new SessionError('suite', `hello suite expected ${SUITE_XWING_AES256GCM}, got ${suite}`);
      const kemCiphertext = r.sized('kemCiphertext', 16, 0, KEM_CIPHERTEXT_BYTES);
      if (kemCiphertext.length !== 0 && kemCiphertext.length !== KEM_CIPHERTEXT_BYTES) {
        throw new SessionError('malformed', `hello kemCiphertext expected 0 or ${KEM_CIPHERTEXT_BYTES} bytes, got ${kemCiphertext.length}`);
      }
      m = {
        type: 'hello', suite, kemCiphertext,
        nonce: r.fixed('nonce', 32),
        dtlsFingerprint: r.fixed('dtlsFingerprint', 32),
        bundle: r.sized('bundle', 32, 1, MAX_BUNDLE_BYTES),
      };
      break;
    }
    case MessageType.auth: m = { type: 'auth', signature: r.fixed('signature', 64) }; break;
    case MessageType.mac: m = { type: 'mac', mac: r.fixed('mac', 32) }; break;
    case MessageType.cancel: {
      const raw = r.sized('code', 16, 1, 32);
      const code = String.fromCharCode(...raw);
      if (!isCancelCode(code)) throw new SessionError('malformed', `cancel code expected a known code, got ${raw.length} unknown bytes`);
      m = version === PROTOCOL_VERSION ? { type: 'cancel', code } : { type: 'cancel', code, version };
      break;
    }
    case MessageType.data: {
      const seq = r.u32('seq');
      const ciphertext = r.sizedView('ciphertext', 32, PAD_BUCKETS[0] + TAG_BYTES, PAD_BUCKETS[PAD_BUCKETS.length - 1] + TAG_BYTES);
      if (!PAD_BUCKETS.some((b) => b + TAG_BYTES === ciphertext.length)) {
        throw new SessionError('malformed', `data ciphertext expected a bucket size plus ${TAG_BYTES}, got ${ciphertext.length}`);
      }
      m = { type: 'data', seq, ciphertext };
      break;
    }
    default: throw new SessionError('malformed', `message type expected 1 to 6, got ${type}`);
  }
  r.end();
  return m;
}
