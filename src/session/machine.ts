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

import { CryptoError, ed25519Verify, sha256, xwingEncapsulate, XWingDecapsulator } from '../core/index.js';
import { decodeBundle, didKeyFromPublicKey, IdentityKeyPair, type IdentityBundle } from '../identity/index.js';
import { equalBytes } from './_bytes.js';
import { SessionError, VersionError, type CancelCode } from './errors.js';
import {
  authInput, commitmentOf, confirmationMac, deriveSessionKeys, transcriptHash, verifyConfirmationMac,
  type Role, type SessionKeys,
} from './key-schedule.js';
import {
  decodeMessage, encodeDataFrame, encodeMessage, isOlderVersion, KEM_CIPHERTEXT_BYTES, MessageType, SUITE_XWING_AES256GCM,
  type CommitMessage, type HelloMessage, type SessionMessage,
} from './messages.js';
import {
  Chain, decodePayload, encodePayload, MAX_FILE_BYTES, MAX_FILE_NAME_BYTES, MAX_RECEIPT_BYTES, MAX_TEXT_BYTES,
  MESSAGE_ID_BYTES, open, seal, type FilePayload, type Payload,
} from './ratchet.js';
import { describe, KeyprintError } from '../errors.js';

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

/** Who the peer says it is, after its bundle's self-signature verified. */
export interface PeerInfo {
  identityPublicKey: Uint8Array;
  did: string;
  displayName: string;
  bundle: IdentityBundle;
  /** The bundle as received (for `verifyReceipt`). */
  bundleBytes: Uint8Array;
}

export type SessionState =
  | { kind: 'Created' }
  | { kind: 'Committed' }
  | { kind: 'KeysExchanged'; peer: PeerInfo }
  | { kind: 'SasShown'; peer: PeerInfo; sas: Uint8Array; transcriptHash: Uint8Array; weConfirmed: boolean; theyConfirmed: boolean }
  | { kind: 'Confirmed'; peer: PeerInfo; transcriptHash: Uint8Array }
  | { kind: 'Cancelled'; code: CancelCode; by: 'us' | 'them'; peerVersion?: number };

export type SessionEvent =
  | { type: 'sasShown'; sas: Uint8Array; peer: PeerInfo; transcriptHash: Uint8Array }
  | { type: 'peerConfirmed' }
  | { type: 'confirmed'; peer: PeerInfo; transcriptHash: Uint8Array }
  /** `peerVersion`: set when the peer speaks another protocol version (which side must update). */
  | { type: 'cancelled'; code: CancelCode; by: 'us' | 'them'; peerVersion?: number }
  | { type: 'text'; id: Uint8Array; text: string }
  | { type: 'receipt'; id: Uint8Array; receipt: Uint8Array }
  /** A payload of the file sub-protocol, for transfer.ts (the machine keeps no file state). */
  | { type: 'transfer'; payload: FilePayload }
  | { type: 'acked'; id: Uint8Array };

/** What a transition produced: frames to send, in order, and events for the UI. */
export interface Step { send: Uint8Array[]; events: SessionEvent[] }

/**
 * One side of one session. Every transition is serialised (data encryption is asynchronous
 * WebCrypto); a protocol failure is never thrown: it becomes `Cancelled` and a cancel frame.
 * @example
 * const m = new SessionMachine({ role: 'initiator', identity, bundle, localDtlsFingerprint, expectedPeerDtlsFingerprint, now: Date.now() })
 * send((await m.start(Date.now())).send)
 */
export class SessionMachine {
  readonly role: Role;
  readonly #identity: IdentityKeyPair;
  readonly #localFp: Uint8Array;
  readonly #peerFp: Uint8Array;
  readonly #timeouts: Required<SessionTimeouts>;
  readonly #random: (length: number) => Uint8Array;
  /** randomBytes was given (test vectors): the X-Wing key and encapsulation come from it too. */
  readonly #injected: boolean;
  readonly #nonce: Uint8Array;
  readonly #bundle: Uint8Array;
  /** The initiator's X-Wing key (expanded once; destroyed after decapsulation). */
  #kem?: XWingDecapsulator;
  /** The responder's X-Wing shared secret, from its encapsulation until the keys are derived. */
  #shared?: Uint8Array;
  /** Our hello: the initiator's from the start (it is committed to), the responder's once it has encapsulated. */
  #ownHello?: Uint8Array;
  #state: SessionState = { kind: 'Created' };
  #deadline: number;
  #commitFrame?: Uint8Array;
  #peerHello?: Uint8Array;
  #keys?: SessionKeys;
  #send?: Chain;
  #recv?: Chain;
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
    for (const [name, v] of [['localDtlsFingerprint', o.localDtlsFingerprint], ['expectedPeerDtlsFingerprint', o.expectedPeerDtlsFingerprint]] as const) {
      if (!(v instanceof Uint8Array) || v.length !== 32) throw new SessionError('invalid-value', `"${name}" expected 32 bytes, got ${v instanceof Uint8Array ? v.length : typeof v}`);
    }
    const own = decodeBundle(o.bundle);
    if (!equalBytes(own.identityPublicKey, o.identity.publicKey)) throw new SessionError('invalid-value', '"bundle" expected the bundle of "identity", got another key');
    this.role = o.role;
    this.#identity = o.identity;
    this.#localFp = o.localDtlsFingerprint.slice();
    this.#peerFp = o.expectedPeerDtlsFingerprint.slice();
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...o.timeouts };
    this.#random = o.randomBytes ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    this.#injected = o.randomBytes !== undefined;
    this.#bundle = o.bundle.slice();
    if (this.role === 'initiator') {
      // The key first, then the nonce: the order a deterministic randomBytes (test vectors) follows.
      this.#kem = new XWingDecapsulator(this.#injected ? this.#random(32) : undefined);
      this.#nonce = this.#random(32);
      this.#ownHello = this.#hello(new Uint8Array(0));
    } else {
      this.#nonce = this.#random(32);
    }
    this.#deadline = o.now + this.#timeouts.handshakeMs;
  }

  #hello(kemCiphertext: Uint8Array): Uint8Array {
    return encodeMessage({ type: 'hello', suite: SUITE_XWING_AES256GCM, kemCiphertext, nonce: this.#nonce, dtlsFingerprint: this.#localFp, bundle: this.#bundle });
  }

  /** The current state (a snapshot). */
  get state(): SessionState {
    return { ...this.#state };
  }

  /**
   * Starts the handshake. The initiator sends its commitment; the responder sends nothing and waits.
   * @param now the current time, ms
   * @returns the frames to send
   */
  start(now: number): Promise<Step> {
    return this.#run(now, () => {
      if (this.role !== 'initiator' || this.#state.kind !== 'Created') return empty();
      this.#commitFrame = encodeMessage({ type: 'commit', commitment: commitmentOf(this.#ownHello!), kemPublicKey: this.#kem!.publicKey });
      this.#state = { kind: 'Committed' };
      return { send: [this.#commitFrame], events: [] };
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
  #openEarly(bytes: Uint8Array): { seq: number; plaintext: Promise<Uint8Array> } | null | undefined {
    if (!(bytes instanceof Uint8Array) || bytes[1] !== MessageType.data) return undefined;
    const chain = this.#recv;
    if (this.#state.kind === 'Confirmed' && chain && this.#dataWaiting === 0) {
      let m: SessionMessage | undefined;
      try { m = decodeMessage(bytes); } catch { /* reported in its turn */ }
      if (m?.type === 'data' && m.seq === chain.seq) {
        const plaintext = open(chain, m.seq, m.ciphertext);
        plaintext.catch(() => undefined); // observed in its turn
        return { seq: m.seq, plaintext };
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
      if (s.kind !== 'SasShown' || s.weConfirmed) throw new SessionError('invalid-state', `confirm() expected state SasShown, got ${s.kind}`);
      const k = this.#keys!;
      const mac = confirmationMac(k.confirmKey, this.role, this.#identity.publicKey, k.transcriptHash);
      const step: Step = { send: [encodeMessage({ type: 'mac', mac })], events: [] };
      s.weConfirmed = true;
      if (s.theyConfirmed) this.#confirmed(step);
      return step;
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

  #runData(now: number, payloads: Payload[]): Promise<Step> {
    return this.#run(now, async () => {
      if (this.#state.kind !== 'Confirmed') throw new SessionError('invalid-state', `sending expected state Confirmed, got ${this.#state.kind}`);
      // Every payload is encoded (and checked) before any key is used, so a bad one seals nothing.
      const padded = payloads.map(encodePayload);
      return { send: await Promise.all(padded.map((b) => this.#seal(b))), events: [] };
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
    const k = this.#state.kind;
    if (k === 'Cancelled' || k === 'Confirmed') return undefined;
    if (now >= this.#deadline) return this.#cancel('timeout', 'us');
    return undefined;
  }

  async #receive(bytes: Uint8Array, opened?: { seq: number; plaintext: Promise<Uint8Array> }): Promise<Step> {
    if (this.#state.kind === 'Cancelled') return empty();
    try {
      const m = decodeMessage(bytes);
      if (m.type === 'cancel') return this.#cancel(m.code, 'them', m.version);
      const s = this.#state;
      switch (`${this.role}:${s.kind}:${m.type}`) {
        case 'responder:Created:commit': {
          // Encapsulate now, before the initiator's hello is revealed (the order the SAS relies on).
          let enc;
          try {
            enc = xwingEncapsulate((m as CommitMessage).kemPublicKey, this.#encapsulationRandomness(64));
          } catch (e) {
            if (e instanceof CryptoError) throw new SessionError('bad-key', `initiator X-Wing public key rejected: ${e.code}`, { cause: e });
            throw e;
          }
          this.#shared = enc.sharedSecret;
          this.#commitFrame = bytes.slice();
          this.#ownHello = this.#hello(enc.ciphertext);
          this.#state = { kind: 'Committed' };
          return { send: [this.#ownHello], events: [] };
        }
        case 'initiator:Committed:hello': {
          const hello = m as HelloMessage;
          if (hello.kemCiphertext.length !== KEM_CIPHERTEXT_BYTES) throw new SessionError('malformed', `responder hello expected a ${KEM_CIPHERTEXT_BYTES}-byte kemCiphertext, got ${hello.kemCiphertext.length}`);
          const peer = this.#acceptHello(hello, bytes);
          const th = transcriptHash(this.#commitFrame!, bytes, this.#ownHello!);
          // FIPS 203 §6.3: a ciphertext that does not decapsulate gives an implicitly rejected secret,
          // never an error; the peer's auth and MAC then fail on it.
          const shared = this.#kem!.decapsulate(hello.kemCiphertext);
          this.#kem!.destroy();
          this.#agree(shared, th);
          this.#state = { kind: 'KeysExchanged', peer };
          const signature = this.#identity.sign(authInput(this.role, th));
          return { send: [this.#ownHello!, encodeMessage({ type: 'auth', signature })], events: [] };
        }
        case 'responder:Committed:hello': {
          // ZRTP RFC 6189 §4.4.1.1: the responder "MUST check that the hash of the received
          // DHPart2 matches the hvi" before anything else uses the initiator's key.
          const commitment = decodeMessage(this.#commitFrame!) as CommitMessage;
          if (!equalBytes(commitmentOf(bytes), commitment.commitment)) throw new SessionError('commitment-mismatch', 'initiator hello does not match its commitment');
          const hello = m as HelloMessage;
          if (hello.kemCiphertext.length !== 0) throw new SessionError('malformed', `initiator hello expected no kemCiphertext, got ${hello.kemCiphertext.length} bytes`);
          const peer = this.#acceptHello(hello, bytes);
          const th = transcriptHash(this.#commitFrame!, this.#ownHello!, bytes);
          this.#agree(this.#shared!, th);
          this.#shared = undefined;
          this.#state = { kind: 'KeysExchanged', peer };
          const signature = this.#identity.sign(authInput(this.role, th));
          return { send: [encodeMessage({ type: 'auth', signature })], events: [] };
        }
        case 'initiator:KeysExchanged:auth':
        case 'responder:KeysExchanged:auth': {
          const peer = (s as { peer: PeerInfo }).peer;
          const th = this.#keys!.transcriptHash;
          if (!ed25519Verify(peer.identityPublicKey, authInput(this.#peerRole, th), (m as { signature: Uint8Array }).signature)) {
            throw new SessionError('bad-signature', 'peer transcript signature does not verify');
          }
          const sas = this.#keys!.sas.slice();
          this.#state = { kind: 'SasShown', peer, sas, transcriptHash: th.slice(), weConfirmed: false, theyConfirmed: false };
          this.#deadline = this.#now + this.#timeouts.confirmMs;
          return { send: [], events: [{ type: 'sasShown', sas: sas.slice(), peer, transcriptHash: th.slice() }] };
        }
        case 'initiator:SasShown:mac':
        case 'responder:SasShown:mac': {
          const st = s as Extract<SessionState, { kind: 'SasShown' }>;
          if (st.theyConfirmed) throw new SessionError('unexpected-message', 'a second key confirmation');
          const k = this.#keys!;
          if (!verifyConfirmationMac(k.confirmKey, this.#peerRole, st.peer.identityPublicKey, k.transcriptHash, (m as { mac: Uint8Array }).mac)) {
            throw new SessionError('mac-mismatch', 'peer key confirmation does not verify');
          }
          st.theyConfirmed = true;
          const step: Step = { send: [], events: [{ type: 'peerConfirmed' }] };
          if (st.weConfirmed) this.#confirmed(step);
          return step;
        }
        case 'initiator:Confirmed:data':
        case 'responder:Confirmed:data':
          return await this.#receiveData(m as { seq: number; ciphertext: Uint8Array }, opened);
        default:
          throw new SessionError('unexpected-message', `a ${m.type} message in state ${s.kind}`);
      }
    } catch (e) {
      if (e instanceof VersionError) return this.#cancel('version', 'us', e.peerVersion);
      if (e instanceof SessionError && e.code !== 'invalid-state' && e.code !== 'invalid-value') return this.#cancel(e.code as CancelCode, 'us');
      throw e;
    }
  }

  get #peerRole(): Role { return this.role === 'initiator' ? 'responder' : 'initiator'; }

  /** Checks a peer hello's DTLS fingerprint and bundle. */
  #acceptHello(m: HelloMessage, frame: Uint8Array): PeerInfo {
    this.#peerHello = frame.slice();
    // The DTLS fingerprint the peer claims must be the certificate this transport authenticated:
    // a MITM terminating DTLS shows its own certificate, and changing the claim changes the
    // transcript (so the signature or the SAS).
    if (!equalBytes(m.dtlsFingerprint, this.#peerFp)) throw new SessionError('dtls-mismatch', 'peer claims another DTLS certificate than the one on the wire');
    let bundle: IdentityBundle;
    try {
      bundle = decodeBundle(m.bundle);
    } catch (e) {
      if (e instanceof KeyprintError) throw new SessionError('bad-bundle', `peer bundle rejected: ${e.code}`, { cause: e });
      throw e;
    }
    if (bundle.expiresAt !== undefined && this.#now >= bundle.expiresAt) throw new SessionError('bad-bundle', 'peer bundle has expired');
    if (equalBytes(bundle.identityPublicKey, this.#identity.publicKey) || equalBytes(m.nonce, this.#nonce)) {
      throw new SessionError('identity', 'peer presented our own identity or nonce (reflection)');
    }
    return { identityPublicKey: bundle.identityPublicKey, did: didKeyFromPublicKey(bundle.identityPublicKey), displayName: bundle.displayName, bundle, bundleBytes: m.bundle.slice() };
  }

  #agree(shared: Uint8Array, th: Uint8Array): void {
    const keys = deriveSessionKeys(shared, th); // zeroes `shared`
    this.#keys = keys;
    const mine = this.role === 'initiator' ? keys.chainInitiator : keys.chainResponder;
    const theirs = this.role === 'initiator' ? keys.chainResponder : keys.chainInitiator;
    this.#send = new Chain(mine);
    this.#recv = new Chain(theirs);
  }

  /** Encapsulation randomness from an injected randomBytes (test vectors), else the core's own CSPRNG. */
  #encapsulationRandomness(n: number): Uint8Array | undefined {
    return this.#injected ? this.#random(n) : undefined;
  }

  #confirmed(step: Step): void {
    const s = this.#state as Extract<SessionState, { kind: 'SasShown' }>;
    this.#state = { kind: 'Confirmed', peer: s.peer, transcriptHash: s.transcriptHash };
    this.#keys!.confirmKey.fill(0);
    step.events.push({ type: 'confirmed', peer: s.peer, transcriptHash: s.transcriptHash.slice() });
  }

  #cancel(code: CancelCode, by: 'us' | 'them', peerVersion?: number): Step {
    if (this.#state.kind === 'Cancelled') return empty();
    const v = peerVersion !== undefined ? { peerVersion } : {};
    this.#state = { kind: 'Cancelled', code, by, ...v };
    this.#wipe();
    // An older peer is told in its own format (it cannot read ours); every version reads older cancels.
    const send = by === 'us' ? [encodeMessage({ type: 'cancel', code, ...(peerVersion !== undefined && isOlderVersion(peerVersion) ? { version: peerVersion } : {}) })] : [];
    return { send, events: [{ type: 'cancelled', code, by, ...v }] };
  }

  #wipe(): void {
    this.#kem?.destroy();
    this.#shared?.fill(0);
    this.#send?.wipe();
    this.#recv?.wipe();
    if (this.#keys) { this.#keys.confirmKey.fill(0); this.#keys.chainInitiator.fill(0); this.#keys.chainResponder.fill(0); }
  }

  /** Takes the next key at once (in call order) and encrypts; see sendFilePayloads. */
  async #seal(padded: Uint8Array): Promise<Uint8Array> {
    const { seq, ciphertext } = await seal(this.#send!, padded);
    return encodeDataFrame(seq, ciphertext);
  }

  async #receiveData(m: { seq: number; ciphertext: Uint8Array }, opened?: { seq: number; plaintext: Promise<Uint8Array> }): Promise<Step> {
    const chain = this.#recv!;
    let plaintext: Promise<Uint8Array>;
    if (opened) {
      plaintext = opened.plaintext; // its seq was the chain's next when it arrived (#openEarly)
    } else {
      // The channel is ordered and reliable, so any other sequence number is an attack or a bug:
      // cancel rather than drop, so that nothing is silently lost.
      if (m.seq < chain.seq) throw new SessionError('replay', `data seq ${m.seq} already used (next is ${chain.seq})`);
      if (m.seq > chain.seq) throw new SessionError('reorder', `data seq ${m.seq} skips ahead of ${chain.seq}`);
      plaintext = open(chain, m.seq, m.ciphertext);
    }
    const p = decodePayload(await plaintext);
    const step = empty();
    switch (p.kind) {
      case 'text':
        step.events.push({ type: 'text', id: p.id, text: p.text });
        step.send.push(await this.#seal(encodePayload({ kind: 'ack', id: p.id })));
        break;
      case 'receipt':
        step.events.push({ type: 'receipt', id: p.id, receipt: p.receipt });
        step.send.push(await this.#seal(encodePayload({ kind: 'ack', id: p.id })));
        break;
      case 'ack':
        step.events.push({ type: 'acked', id: p.id });
        break;
      default:
        // The file sub-protocol: its state (offers, chunks, windows, hashes) lives in transfer.ts.
        step.events.push({ type: 'transfer', payload: p });
        break;
    }
    return step;
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
