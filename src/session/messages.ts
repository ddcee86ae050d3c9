// Session wire messages (docs/PROTOCOL.md "Session protocol", "Messages"): one binary frame per
// channel message, `u8 version ‖ u8 type ‖ body`, fixed-size or length-prefixed big-endian fields,
// no trailing bytes. Every field is validated on decode; any failure is a SessionError whose code
// is the cancel code the state machine uses (truncated, too-large, version, suite, malformed).

import { MAX_BUNDLE_BYTES } from '../identity/index.js';
import { isCancelCode, SessionError, type CancelCode } from './errors.js';
import { Reader, Writer } from './_bytes.js';

/**
 * The only protocol version this code speaks (the first byte of every frame). Version 2 streams
 * files (docs/PROTOCOL.md "Files"); a version-1 peer is refused with `version`, and its own
 * refusal (a version-1 cancel frame) is understood.
 */
export const PROTOCOL_VERSION = 2;
/** The version before this one: only its cancel frames are decoded (a peer that refuses us). */
export const PREVIOUS_VERSION = 1;
/** Suite 1: X25519, Ed25519, HKDF-SHA-256, HMAC-SHA-256, AES-256-GCM. */
export const SUITE_X25519_AES256GCM = 1;
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

/** The initiator's commitment: SHA-256 over its (not yet sent) hello. */
export interface CommitMessage { type: 'commit'; commitment: Uint8Array }
/** A hello: everything a side contributes to the key agreement. */
export interface HelloMessage {
  type: 'hello';
  suite: number;
  /** Fresh X25519 public key, 32 bytes. */
  ephemeralPublicKey: Uint8Array;
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
/**
 * The sender cancels; no reason text travels, only the stable code. `version` is the frame's
 * version: PREVIOUS_VERSION when a peer running the previous protocol refuses ours.
 */
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
  const w = new Writer().u8(message.type === 'cancel' && message.version === PREVIOUS_VERSION ? PREVIOUS_VERSION : PROTOCOL_VERSION);
  switch (message.type) {
    case 'commit': w.u8(MessageType.commit).raw(message.commitment); break;
    case 'hello':
      w.u8(MessageType.hello).u8(message.suite).raw(message.ephemeralPublicKey).raw(message.nonce)
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
  // A peer on the previous protocol refuses our frames with a cancel frame of its version: read it,
  // so that the refusal is reported as such. Every other frame of another version is `version`.
  const legacyCancel = version === PREVIOUS_VERSION && bytes[1] === MessageType.cancel;
  if (version !== PROTOCOL_VERSION && !legacyCancel) throw new SessionError('version', `message expected version ${PROTOCOL_VERSION}, got ${version}`);
  const type = r.u8('type');
  let m: SessionMessage;
  switch (type) {
    case MessageType.commit: m = { type: 'commit', commitment: r.fixed('commitment', 32) }; break;
    case MessageType.hello: {
      const suite = r.u8('suite');
      if (suite !== SUITE_X25519_AES256GCM) throw new SessionError('suite', `hello suite expected ${SUITE_X25519_AES256GCM}, got ${suite}`);
      m = {
        type: 'hello', suite,
        ephemeralPublicKey: r.fixed('ephemeralPublicKey', 32),
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
      m = legacyCancel ? { type: 'cancel', code, version } : { type: 'cancel', code };
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
