// The session state machine (docs/PROTOCOL.md "Session protocol"; modelled on matrix-rust-sdk's SAS
// verification): a committed hybrid post-quantum handshake (X-Wing = ML-KEM-768 + X25519; the
// commitment step as ZRTP, RFC 6189 §4.4.1.1, and Matrix m.sas.v1), SAS comparison, key
// confirmation, then end-to-end encrypted data. Pure: no I/O and no timers — every transition takes
// the time as an argument and returns the frames to send and the events for the UI. States are
// facts in the past tense; transitions are verbs.
//
//   initiator                                       responder
//   Created ── commit(H(helloI), kemPublicKey) ─────▶ Created (encapsulates to kemPublicKey)
//   Committed ◀────────────── helloR(kemCiphertext) ── Committed
//   KeysExchanged ── helloI, auth_I ────────────────▶ (checks commitment) KeysExchanged
//   SasShown ◀──────────────────────────── auth_R ─── SasShown (after auth_I)
//   …users compare the SAS; confirm() sends mac; both macs verified → Confirmed; data…
//
// Why the key travels beside the commitment: each side's contribution to the SAS must be fixed
// before it sees the other's. The responder's is its encapsulation (it decides the shared secret),
// made before the initiator's hello — and its nonce — is revealed; the initiator's is its hello,
// committed before the responder's arrives. A man in the middle gets one guess per session.

import { sha256, XWingDecapsulator } from '../core/index.js';
import { decodeBundle, IdentityKeyPair } from '../identity/index.js';
import { equalBytes } from './_bytes.js';
import { isCancelCode, SessionError, VersionError, type CancelCode } from './errors.js';
import type { Role } from './key-schedule.js';
import { decodeMessage, MessageType, type SessionMessage } from './messages.js';
import {
  MAX_FILE_BYTES, MAX_FILE_NAME_BYTES, MAX_RECEIPT_BYTES, MAX_TEXT_BYTES, MESSAGE_ID_BYTES, encodePayload,
  type FilePayload, type Payload,
} from './ratchet.js';
import {
  Confirmed, InitiatorCommitted, InitiatorCreated, KeysExchanged, ResponderCommitted, ResponderCreated, SasShown,
  type Opened, type Own, type SessionState, type State, type Step, type Transition,
} from './states.js';
import { describe } from '../errors.js';

export type { PeerInfo, SessionEvent, SessionState, Step } from './states.js';

/** Deadlines, in milliseconds. */
export interface SessionTimeouts {
  /** From construction until the SAS is shown. Default 30 s. */
  handshakeMs?: number;
  /** From the SAS being shown until both confirmations are in. Default 10 min. */
  confirmMs?: number;
}
const DEFAULT_TIMEOUTS: Required<SessionTimeouts> = { handshakeMs: 30_000, confirmMs: 600_000 };

/** Inputs of a session. */
export interface SessionMachineOptions {
  role: Role;
  /** Our identity key pair; `bundle` must be its bundle. */
  identity: IdentityKeyPair;
  /** Our encoded identity bundle (`encodeBundle`). */
  bundle: Uint8Array;
  /** SHA-256 of our own DTLS certificate, 32 bytes (our SDP's `a=fingerprint:sha-256`). */
  localDtlsFingerprint: Uint8Array;
  /** SHA-256 of the peer's DTLS certificate as seen on the wire (its SDP's fingerprint), 32 bytes. */
  expectedPeerDtlsFingerprint: Uint8Array;
  /** The current time, ms. */
  now: number;
  timeouts?: SessionTimeouts;
  /** The CSPRNG (default `crypto.getRandomValues`); for the X-Wing key or encapsulation and the nonce. */
  randomBytes?: (length: number) => Uint8Array;
}

/**
 * One side of one session: the current state (states.ts: one type per state, its transitions its
 * methods), the deadline, and the order of transitions. Every transition is serialised (data
 * encryption is asynchronous WebCrypto); a protocol failure is never thrown: it becomes
 * `Cancelled` and a cancel frame.
 * @example
 * const m = new SessionMachine({ role: 'initiator', identity, bundle, localDtlsFingerprint, expectedPeerDtlsFingerprint, now: Date.now() })
 * send((await m.start(Date.now())).send)
 */
export class SessionMachine {
  readonly role: Role;
  readonly #timeouts: Required<SessionTimeouts>;
  #state: State;
  #deadline: number;
  /** Data frames queued without early decryption (#openEarly): none may be decrypted early behind them. */
  #dataWaiting = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #now = 0;

  constructor(options: SessionMachineOptions) {
    const o = options;
    if (typeof o !== 'object' || o === null) throw new SessionError('invalid-value', `"options" expected an object, got ${describe(o)}`);
    if (!(o.identity instanceof IdentityKeyPair)) throw new SessionError('invalid-value', `"identity" expected an IdentityKeyPair, got ${describe(o.identity)}`);
    if (!Number.isFinite(o.now)) throw new SessionError('invalid-value', `"now" expected a finite number (ms), got ${describe(o.now)}`);
    if (o.role !== 'initiator' && o.role !== 'responder') throw new SessionError('invalid-value', `"role" expected "initiator" or "responder", got ${String(o.role)}`);
    for (const [name, v] of Object.entries({ localDtlsFingerprint: o.localDtlsFingerprint, expectedPeerDtlsFingerprint: o.expectedPeerDtlsFingerprint })) {
      if (!(v instanceof Uint8Array) || v.length !== 32) throw new SessionError('invalid-value', `"${name}" expected 32 bytes, got ${v instanceof Uint8Array ? v.length : typeof v}`);
    }
    const own = decodeBundle(o.bundle);
    if (!equalBytes(own.identityPublicKey, o.identity.publicKey)) throw new SessionError('invalid-value', '"bundle" expected the bundle of "identity", got another key');
    this.role = o.role;
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
    const random = o.randomBytes ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    const fixed = {
      role: o.role, identity: o.identity, localFp: o.localDtlsFingerprint.slice(), peerFp: o.expectedPeerDtlsFingerprint.slice(),
      bundle: o.bundle.slice(), ...(o.randomBytes !== undefined ? { injected: random } : {}),
    };
    if (this.role === 'initiator') {
      // The key first, then the nonce: the order a deterministic randomBytes (test vectors) follows.
      const kem = new XWingDecapsulator(fixed.injected ? random(32) : undefined);
      this.#state = new InitiatorCreated({ ...fixed, nonce: random(32) } satisfies Own, kem);
    } else {
      this.#state = new ResponderCreated({ ...fixed, nonce: random(32) } satisfies Own);
    }
    this.#deadline = o.now + this.#timeouts.handshakeMs;
  }

  /** The current state (a snapshot). */
  get state(): SessionState {
    return this.#state.view();
  }

  /**
   * Starts the handshake. The initiator sends its commitment; the responder sends nothing and waits.
   * @param now the current time, ms
   * @returns the frames to send
   */
  start(now: number): Promise<Step> {
    return this.#run(now, () => {
      const s = this.#state;
      return s instanceof InitiatorCreated ? this.#enter(s.commit()) : empty();
    });
  }

  /**
   * Handles one frame from the peer.
   * @param bytes the frame
   * @param now the current time, ms
   * @returns frames to send and events; a bad frame yields a cancel frame and a `cancelled` event
   */
  receive(bytes: Uint8Array, now: number): Promise<Step> {
    const opened = this.#openEarly(bytes);
    return this.#run(now, async () => {
      try {
        return await this.#receive(bytes, opened ?? undefined);
      } finally {
        if (opened === null) this.#dataWaiting--;
      }
    });
  }

  /**
   * Pipelined decryption: a data frame that carries the receiving chain's next sequence number is
   * decrypted at once, while earlier frames are still being handled — its key is taken from the
   * chain now, in arrival order, which is sequence order. Any other data frame (before the chain
   * has caught up, out of order, malformed) waits its turn and is checked as usual, and no later
   * frame is decrypted early until it has had its turn — so a reordered or replayed frame is still
   * cancelled, never decrypted with the key of the frame it displaced.
   * @returns the early decryption; null for a data frame that waits its turn; undefined for another frame
   */
  #openEarly(bytes: Uint8Array): Opened | null | undefined {
    if (!(bytes instanceof Uint8Array) || bytes[1] !== MessageType.data) return undefined;
    const s = this.#state;
    if (s instanceof Confirmed && this.#dataWaiting === 0) {
      let m: SessionMessage | undefined;
      try { m = decodeMessage(bytes); } catch { /* reported in its turn */ }
      if (m?.type === 'data' && m.seq === s.nextSeq) {
        const opened = s.openNext(m);
        opened.plaintext.catch(() => undefined); // observed in its turn
        return opened;
      }
    }
    this.#dataWaiting++;
    return null;
  }

  /**
   * The user says the SAS match: send our key confirmation.
   * @param now the current time, ms
   * @throws SessionError `invalid-state` unless the SAS is shown and not yet confirmed by us
   */
  confirm(now: number): Promise<Step> {
    return this.#run(now, () => {
      const s = this.#state;
      if (!(s instanceof SasShown)) throw new SessionError('invalid-state', `confirm() expected state SasShown, got ${s.kind}`);
      return this.#enter(s.confirm());
    });
  }

  /**
   * Cancels the session and tells the peer. A no-op once cancelled.
   * @param code why: `user`, `sas-mismatch` (the user says the SAS differ), `timeout`, `closed`…
   * @param now the current time, ms
   */
  cancel(code: CancelCode, now: number): Promise<Step> {
    return this.#run(now, () => this.#cancel(code, 'us'));
  }

  /**
   * Checks deadlines. Call it on a timer; no timer lives in here.
   * @param now the current time, ms
   */
  tick(now: number): Promise<Step> {
    return this.#run(now, () => empty());
  }

  /**
   * Encrypts a text message (state Confirmed).
   * @param id 16-byte message id (stable across reconnects, for acknowledgement and de-duplication)
   * @param text at most MAX_TEXT_BYTES of UTF-8
   * @throws SessionError `invalid-state` before Confirmed, `invalid-value` for a bad argument
   */
  sendText(id: Uint8Array, text: string, now: number): Promise<Step> {
    checkId(id);
    checkTextArgument(text);
    return this.#runData(now, [{ kind: 'text', id: id.slice(), text }]);
  }

  /**
   * Encrypts a verification receipt (state Confirmed); acknowledged like a text.
   * @param receipt an encoded receipt (receipt.ts), at most MAX_RECEIPT_BYTES
   */
  sendReceipt(id: Uint8Array, receipt: Uint8Array, now: number): Promise<Step> {
    checkId(id);
    if (!(receipt instanceof Uint8Array) || receipt.length < 1 || receipt.length > MAX_RECEIPT_BYTES) {
      throw new SessionError('invalid-value', `"receipt" expected 1 to ${MAX_RECEIPT_BYTES} bytes`);
    }
    return this.#runData(now, [{ kind: 'receipt', id: id.slice(), receipt }]);
  }

  /**
   * Encrypts payloads of the file sub-protocol (transfer.ts), in order (state Confirmed). Their
   * keys are taken from the chain in order at once and the encryptions run concurrently
   * (pipelined AEAD); the frames come back in sequence order.
   * @throws SessionError `invalid-state` before Confirmed, `malformed` for an invalid payload
   */
  sendFilePayloads(payloads: Array<FilePayload | { kind: 'ack'; id: Uint8Array }>, now: number): Promise<Step> {
    return this.#runData(now, payloads);
  }

  toString(): string { return `SessionMachine(${this.role}, ${this.#state.kind})`; }
  toJSON(): { role: Role; state: string } { return { role: this.role, state: this.#state.kind }; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }

  // ---- internals ------------------------------------------------------------------------------

  /** Makes a transition's state current; returns its frames and events. */
  #enter(t: Transition<State>): Step {
    this.#state = t.next;
    return { send: t.send, events: t.events };
  }

  #runData(now: number, payloads: Payload[]): Promise<Step> {
    return this.#run(now, async () => {
      const s = this.#state;
      if (!(s instanceof Confirmed)) throw new SessionError('invalid-state', `sending expected state Confirmed, got ${s.kind}`);
      // Every payload is encoded (and checked) before any key is used, so a bad one seals nothing.
      const padded = payloads.map(encodePayload);
      return { send: await Promise.all(padded.map((b) => s.seal(b))), events: [] };
    });
  }

  /** Serialises transitions and applies the deadline before each one. */
  #run(now: number, fn: () => Step | Promise<Step>): Promise<Step> {
    const result = this.#queue.then(async () => {
      this.#now = now;
      const expired = this.#checkDeadline(now);
      if (expired) return expired;
      return fn();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #checkDeadline(now: number): Step | undefined {
    const s = this.#state;
    if (s.kind === 'Cancelled' || s instanceof Confirmed) return undefined;
    if (now >= this.#deadline) return this.#cancel('timeout', 'us');
    return undefined;
  }

  /**
   * One frame in its turn: the message type and the state's type pick the transition (a message
   * the state has no transition for is `unexpected-message`).
   */
  async #receive(bytes: Uint8Array, opened?: Opened): Promise<Step> {
    const s = this.#state;
    if (s.kind === 'Cancelled') return empty();
    try {
      const m = decodeMessage(bytes);
      switch (m.type) {
        case 'cancel':
          return this.#cancel(m.code, 'them', m.version);
        case 'commit':
          if (s instanceof ResponderCreated) return this.#enter(s.receiveCommit(m, bytes));
          break;
        case 'hello':
          if (s instanceof InitiatorCommitted || s instanceof ResponderCommitted) return this.#enter(s.receiveHello(m, bytes, this.#now));
          break;
        case 'auth':
          if (s instanceof KeysExchanged) {
            const step = this.#enter(s.receiveAuth(m));
            this.#deadline = this.#now + this.#timeouts.confirmMs;
            return step;
          }
          break;
        case 'mac':
          if (s instanceof SasShown) return this.#enter(s.receiveMac(m));
          break;
        case 'data':
          if (s instanceof Confirmed) return await s.receiveData(m, opened);
          break;
      }
      throw new SessionError('unexpected-message', `a ${m.type} message in state ${s.kind}`);
    } catch (e) {
      if (e instanceof VersionError) return this.#cancel('version', 'us', e.peerVersion);
      if (e instanceof SessionError && isCancelCode(e.code)) return this.#cancel(e.code, 'us');
      throw e;
    }
  }

  #cancel(code: CancelCode, by: 'us' | 'them', peerVersion?: number): Step {
    const s = this.#state;
    if (s.kind === 'Cancelled') return empty();
    return this.#enter(s.cancel(code, by, peerVersion));
  }
}

function empty(): Step { return { send: [], events: [] }; }

/**
 * Checks a text message before anything is stored or sealed.
 * @throws SessionError `invalid-value`
 */
export function checkTextArgument(text: string): void {
  if (typeof text !== 'string' || new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
    throw new SessionError('invalid-value', `"text" expected a string of at most ${MAX_TEXT_BYTES} UTF-8 bytes`);
  }
}

/**
 * Checks a file's description before anything is stored or offered.
 * @throws SessionError `invalid-value`
 */
export function checkFileArguments(name: string, mime: string, size: number): void {
  const n = new TextEncoder().encode(String(name)).length, t = new TextEncoder().encode(String(mime)).length;
  if (typeof name !== 'string' || n < 1 || n > MAX_FILE_NAME_BYTES) throw new SessionError('invalid-value', `"name" expected 1 to ${MAX_FILE_NAME_BYTES} UTF-8 bytes`);
  if (typeof mime !== 'string' || t > MAX_FILE_NAME_BYTES) throw new SessionError('invalid-value', `"mime" expected at most ${MAX_FILE_NAME_BYTES} UTF-8 bytes`);
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_FILE_BYTES) throw new SessionError('invalid-value', `"size" expected an integer from 0 to ${MAX_FILE_BYTES}, got ${describe(size)}`);
}

function checkId(id: Uint8Array): void {
  if (!(id instanceof Uint8Array) || id.length !== MESSAGE_ID_BYTES) throw new SessionError('invalid-value', `"id" expected ${MESSAGE_ID_BYTES} bytes`);
}

/**
 * A fresh random message id (16 bytes).
 * @example await machine.sendText(newMessageId(), 'hi', Date.now())
 */
export function newMessageId(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(MESSAGE_ID_BYTES));
}

/**
 * The DTLS fingerprint of a DER certificate: SHA-256 (RFC 8122 §5), e.g. of `getRemoteCertificates()[0]`.
 * @example const expectedPeerDtlsFingerprint = dtlsFingerprintOf(new Uint8Array(der))
 */
export const dtlsFingerprintOf = (certificateDer: Uint8Array): Uint8Array => sha256(certificateDer);
