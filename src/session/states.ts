// The session machine's states, one type each (docs/PROTOCOL.md "Session protocol"; the model is
// matrix-rust-sdk's SAS verification, where each state is a type `SasState<S>`). A state holds only
// what it needs — the initiator's X-Wing key until decapsulation, the shared secret until the keys
// are derived, the confirmation key until both MACs are in, the chains from then on — and its
// transitions are its own methods, each returning the next state. So a transition from the wrong
// state does not compile: `Committed` has no `confirm`, `SasShown` no `receiveHello`.
//
// Rust moves `self` into a transition; TypeScript cannot, so a state that has been left refuses a
// second transition at run time with `invalid-state`, naming the state it was and the one it became.
// machine.ts owns the current state, the clock and the serialisation; these classes are pure.

import { CryptoError, ed25519Verify, xwingEncapsulate, type XWingDecapsulator } from '../core/index.js';
import { decodeBundle, didKeyFromPublicKey, type IdentityBundle, type IdentityKeyPair } from '../identity/index.js';
import { equalBytes } from './_bytes.js';
import { SessionError, type CancelCode } from './errors.js';
import {
  authInput, commitmentOf, confirmationMac, deriveSessionKeys, transcriptHash, verifyConfirmationMac,
  type Role,
} from './key-schedule.js';
import {
  encodeDataFrame, encodeMessage, isOlderVersion, KEM_CIPHERTEXT_BYTES, SUITE_XWING_AES256GCM,
  type AuthMessage, type CommitMessage, type DataMessage, type HelloMessage, type MacMessage,
} from './messages.js';
import { Chain, decodePayload, encodePayload, open, seal, type FilePayload, type Payload } from './ratchet.js';
import { KeyprintError } from '../errors.js';

/** Who the peer says it is, after its bundle's self-signature verified. */
export interface PeerInfo {
  identityPublicKey: Uint8Array;
  did: string;
  displayName: string;
  bundle: IdentityBundle;
  /** The bundle as received (for `verifyReceipt`). */
  bundleBytes: Uint8Array;
}

/** A snapshot of a state, as `SessionMachine.state` reports it (no key material). */
export type SessionState =
  | { kind: 'Created' }
  | { kind: 'Committed' }
  | { kind: 'KeysExchanged'; peer: PeerInfo }
  | { kind: 'SasShown'; peer: PeerInfo; sas: Uint8Array; transcriptHash: Uint8Array; weConfirmed: boolean; theyConfirmed: boolean }
  | { kind: 'Confirmed'; peer: PeerInfo; transcriptHash: Uint8Array }
  | { kind: 'Cancelled'; code: CancelCode; by: 'us' | 'them'; peerVersion?: number };

/** A state's name. */
export type StateKind = SessionState['kind'];

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

/** A transition's result: the state it leads to, and its frames and events. */
export interface Transition<S extends State> extends Step { next: S }

/** What every state knows of our own side (fixed for the session). */
export interface Own {
  readonly role: Role;
  readonly identity: IdentityKeyPair;
  /** Our hello's nonce, 32 bytes. */
  readonly nonce: Uint8Array;
  /** SHA-256 of our DTLS certificate. */
  readonly localFp: Uint8Array;
  /** SHA-256 of the peer's DTLS certificate as seen on the wire. */
  readonly peerFp: Uint8Array;
  /** Our encoded identity bundle. */
  readonly bundle: Uint8Array;
  /** An injected randomBytes (test vectors): the encapsulation's randomness comes from it too. */
  readonly injected?: (length: number) => Uint8Array;
}

/** Every state. */
export type State = InitiatorCreated | ResponderCreated | InitiatorCommitted | ResponderCommitted | KeysExchanged | SasShown | Confirmed | Cancelled;

/** What a state that has not been left yet does: it is entered once and left once. */
abstract class Base<K extends StateKind> {
  abstract readonly kind: K;
  /** The state this one became, once left (its label). */
  #left?: string;

  /** The state's name in an error message. */
  get label(): string { return this.kind; }

  /**
   * Refuses a transition from a state already left (Rust would not compile it: `self` was moved).
   * @throws SessionError `invalid-state`
   */
  protected live(transition: string): void {
    if (this.#left !== undefined) throw new SessionError('invalid-state', `${transition} expected state ${this.label}, got ${this.#left}`);
  }

  /** Leaves this state for `next`. */
  protected leave<S extends State>(next: S, send: Uint8Array[] = [], events: SessionEvent[] = []): Transition<S> {
    this.#left = next.label;
    return { next, send, events };
  }

  /** The state as the machine reports it. */
  abstract view(): SessionState;
}

/** A state before the end: it can be cancelled, which wipes what it holds. */
abstract class Live<K extends Exclude<StateKind, 'Cancelled'>> extends Base<K> {
  /** Zeroes the key material this state holds. */
  protected abstract wipe(): void;

  /**
   * Ends the session. We tell the peer (`by: 'us'`); an older peer in its own format (it cannot
   * read ours), and every version reads older cancels.
   */
  cancel(code: CancelCode, by: 'us' | 'them', peerVersion?: number): Transition<Cancelled> {
    this.live('cancel()');
    this.wipe();
    const next = new Cancelled(code, by, peerVersion);
    const v = peerVersion !== undefined ? { peerVersion } : {};
    const send = by === 'us' ? [encodeMessage({ type: 'cancel', code, ...(peerVersion !== undefined && isOlderVersion(peerVersion) ? { version: peerVersion } : {}) })] : [];
    return this.leave(next, send, [{ type: 'cancelled', code, by, ...v }]);
  }
}

function hello(own: Own, kemCiphertext: Uint8Array): Uint8Array {
  return encodeMessage({ type: 'hello', suite: SUITE_XWING_AES256GCM, kemCiphertext, nonce: own.nonce, dtlsFingerprint: own.localFp, bundle: own.bundle });
}

/** The initiator, before its commitment: it holds its X-Wing key and its hello (committed to next). */
export class InitiatorCreated extends Live<'Created'> {
  readonly kind = 'Created';
  readonly #own: Own;
  readonly #kem: XWingDecapsulator;
  readonly #hello: Uint8Array;
  constructor(own: Own, kem: XWingDecapsulator) {
    super();
    this.#own = own;
    this.#kem = kem;
    this.#hello = hello(own, new Uint8Array(0));
  }

  /** Sends the commitment to our hello, and the X-Wing key beside it. */
  commit(): Transition<InitiatorCommitted> {
    this.live('commit()');
    const commitFrame = encodeMessage({ type: 'commit', commitment: commitmentOf(this.#hello), kemPublicKey: this.#kem.publicKey });
    return this.leave(new InitiatorCommitted(this.#own, this.#kem, this.#hello, commitFrame), [commitFrame]);
  }

  protected wipe(): void { this.#kem.destroy(); }
  view(): SessionState { return { kind: this.kind }; }
}

/** The responder, waiting for the initiator's commitment. */
export class ResponderCreated extends Live<'Created'> {
  readonly kind = 'Created';
  readonly #own: Own;
  constructor(own: Own) {
    super();
    this.#own = own;
  }

  /**
   * Encapsulates to the initiator's key now, before its hello is revealed (the order the SAS
   * relies on), and answers with our hello.
   * @throws SessionError `bad-key` for a key that fails the encapsulation-key check
   */
  receiveCommit(m: CommitMessage, frame: Uint8Array): Transition<ResponderCommitted> {
    this.live('receiveCommit()');
    let enc;
    try {
      enc = xwingEncapsulate(m.kemPublicKey, this.#own.injected?.(64));
    } catch (e) {
      if (e instanceof CryptoError) throw new SessionError('bad-key', `initiator X-Wing public key rejected: ${e.code}`, { cause: e });
      throw e;
    }
    const own = hello(this.#own, enc.ciphertext);
    return this.leave(new ResponderCommitted(this.#own, enc.sharedSecret, m.commitment.slice(), frame.slice(), own), [own]);
  }

  protected wipe(): void { /* holds no secret */ }
  view(): SessionState { return { kind: this.kind }; }
}

/** The initiator, committed: waiting for the responder's hello (with its encapsulation). */
export class InitiatorCommitted extends Live<'Committed'> {
  readonly kind = 'Committed';
  readonly #own: Own;
  readonly #kem: XWingDecapsulator;
  readonly #hello: Uint8Array;
  readonly #commitFrame: Uint8Array;
  constructor(own: Own, kem: XWingDecapsulator, ownHello: Uint8Array, commitFrame: Uint8Array) {
    super();
    this.#own = own;
    this.#kem = kem;
    this.#hello = ownHello;
    this.#commitFrame = commitFrame;
  }

  /**
   * Checks the responder's hello, decapsulates, derives the keys, reveals our hello and signs.
   * @param now for the peer bundle's expiry
   */
  receiveHello(m: HelloMessage, frame: Uint8Array, now: number): Transition<KeysExchanged> {
    this.live('receiveHello()');
    if (m.kemCiphertext.length !== KEM_CIPHERTEXT_BYTES) throw new SessionError('malformed', `responder hello expected a ${KEM_CIPHERTEXT_BYTES}-byte kemCiphertext, got ${m.kemCiphertext.length}`);
    const peer = acceptHello(this.#own, m, now);
    const th = transcriptHash(this.#commitFrame, frame, this.#hello);
    // FIPS 203 §6.3: a ciphertext that does not decapsulate gives an implicitly rejected secret,
    // never an error; the peer's auth and MAC then fail on it.
    const shared = this.#kem.decapsulate(m.kemCiphertext);
    this.#kem.destroy();
    const next = new KeysExchanged(this.#own, peer, shared, th);
    return this.leave(next, [this.#hello, next.auth()]);
  }

  protected wipe(): void { this.#kem.destroy(); }
  view(): SessionState { return { kind: this.kind }; }
}

/** The responder, having encapsulated: waiting for the initiator's hello, which must match its commitment. */
export class ResponderCommitted extends Live<'Committed'> {
  readonly kind = 'Committed';
  readonly #own: Own;
  readonly #shared: Uint8Array;
  readonly #commitment: Uint8Array;
  readonly #commitFrame: Uint8Array;
  readonly #hello: Uint8Array;
  constructor(own: Own, shared: Uint8Array, commitment: Uint8Array, commitFrame: Uint8Array, ownHello: Uint8Array) {
    super();
    this.#own = own;
    this.#shared = shared;
    this.#commitment = commitment;
    this.#commitFrame = commitFrame;
    this.#hello = ownHello;
  }

  /** Checks the initiator's hello against its commitment, derives the keys and signs. */
  receiveHello(m: HelloMessage, frame: Uint8Array, now: number): Transition<KeysExchanged> {
    this.live('receiveHello()');
    // ZRTP RFC 6189 §4.4.1.1: the responder "MUST check that the hash of the received
    // DHPart2 matches the hvi" before anything else uses the initiator's key.
    if (!equalBytes(commitmentOf(frame), this.#commitment)) throw new SessionError('commitment-mismatch', 'initiator hello does not match its commitment');
    if (m.kemCiphertext.length !== 0) throw new SessionError('malformed', `initiator hello expected no kemCiphertext, got ${m.kemCiphertext.length} bytes`);
    const peer = acceptHello(this.#own, m, now);
    const th = transcriptHash(this.#commitFrame, this.#hello, frame);
    const next = new KeysExchanged(this.#own, peer, this.#shared, th);
    return this.leave(next, [next.auth()]);
  }

  protected wipe(): void { this.#shared.fill(0); }
  view(): SessionState { return { kind: this.kind }; }
}

/** A data frame decrypted ahead of its turn (machine.ts, pipelined decryption). */
export interface Opened { seq: number; plaintext: Promise<Uint8Array> }

/** The receiving and sending chains of the data phase (docs/PROTOCOL.md "Data messages"). */
class Chains {
  constructor(readonly send: Chain, readonly recv: Chain) {}
  /** Takes the next sending key at once (in call order) and encrypts. */
  async seal(padded: Uint8Array): Promise<Uint8Array> {
    const { seq, ciphertext } = await seal(this.send, padded);
    return encodeDataFrame(seq, ciphertext);
  }
  /**
   * Decrypts a data frame in its turn: its early decryption if it had one, else it must carry the
   * next sequence number. The channel is ordered and reliable, so any other number is an attack or
   * a bug: cancel rather than drop, so that nothing is silently lost.
   */
  async open(m: DataMessage, opened?: Opened): Promise<Payload> {
    if (opened) return decodePayload(await opened.plaintext); // its seq was the chain's next when it arrived
    const chain = this.recv;
    if (m.seq < chain.seq) throw new SessionError('replay', `data seq ${m.seq} already used (next is ${chain.seq})`);
    if (m.seq > chain.seq) throw new SessionError('reorder', `data seq ${m.seq} skips ahead of ${chain.seq}`);
    return decodePayload(await open(chain, m.seq, m.ciphertext));
  }
  wipe(): void { this.send.wipe(); this.recv.wipe(); }
}

/** The keys are derived and our auth is sent: waiting for the peer's transcript signature. */
export class KeysExchanged extends Live<'KeysExchanged'> {
  readonly kind = 'KeysExchanged';
  readonly #own: Own;
  readonly peer: PeerInfo;
  readonly #th: Uint8Array;
  readonly #sas: Uint8Array;
  readonly #confirmKey: Uint8Array;
  readonly #chains: Chains;
  /** @param shared the X-Wing shared secret; zeroed here once the keys are derived */
  constructor(own: Own, peer: PeerInfo, shared: Uint8Array, th: Uint8Array) {
    super();
    this.#own = own;
    this.peer = peer;
    const keys = deriveSessionKeys(shared, th); // zeroes `shared`
    this.#th = keys.transcriptHash;
    this.#sas = keys.sas;
    this.#confirmKey = keys.confirmKey;
    const initiator = own.role === 'initiator';
    // Chain copies each key and zeroes the one it was given.
    this.#chains = new Chains(new Chain(initiator ? keys.chainInitiator : keys.chainResponder), new Chain(initiator ? keys.chainResponder : keys.chainInitiator));
  }

  /** Our auth frame: the signature over the transcript, with our role. */
  auth(): Uint8Array {
    return encodeMessage({ type: 'auth', signature: this.#own.identity.sign(authInput(this.#own.role, this.#th)) });
  }

  /** Verifies the peer's transcript signature: the SAS may be shown. */
  receiveAuth(m: AuthMessage): Transition<SasShown> {
    this.live('receiveAuth()');
    if (!ed25519Verify(this.peer.identityPublicKey, authInput(peerRole(this.#own.role), this.#th), m.signature)) {
      throw new SessionError('bad-signature', 'peer transcript signature does not verify');
    }
    const next = new SasShown(this.#own, this.peer, this.#sas.slice(), this.#th, this.#confirmKey, this.#chains, false, false);
    return this.leave(next, [], [{ type: 'sasShown', sas: this.#sas.slice(), peer: this.peer, transcriptHash: this.#th.slice() }]);
  }

  protected wipe(): void { this.#confirmKey.fill(0); this.#chains.wipe(); }
  view(): SessionState { return { kind: this.kind, peer: this.peer }; }
}

/**
 * The SAS is shown: waiting for the user's comparison and both key confirmations. Each confirmation
 * leads to a new SasShown with its flag set, or to Confirmed when it is the second.
 */
export class SasShown extends Live<'SasShown'> {
  readonly kind = 'SasShown';
  readonly #own: Own;
  readonly peer: PeerInfo;
  readonly sas: Uint8Array;
  /** A copy for the app; the MACs are over #th, which no caller holds. */
  readonly transcriptHash: Uint8Array;
  readonly #th: Uint8Array;
  readonly #confirmKey: Uint8Array;
  readonly #chains: Chains;
  readonly weConfirmed: boolean;
  readonly theyConfirmed: boolean;
  constructor(own: Own, peer: PeerInfo, sas: Uint8Array, th: Uint8Array, confirmKey: Uint8Array, chains: Chains, weConfirmed: boolean, theyConfirmed: boolean) {
    super();
    this.#own = own;
    this.peer = peer;
    this.sas = sas;
    this.#th = th;
    this.transcriptHash = th.slice();
    this.#confirmKey = confirmKey;
    this.#chains = chains;
    this.weConfirmed = weConfirmed;
    this.theyConfirmed = theyConfirmed;
  }

  override get label(): string {
    return this.weConfirmed || this.theyConfirmed ? `SasShown (confirmed by ${this.weConfirmed ? (this.theyConfirmed ? 'both' : 'us') : 'them'})` : 'SasShown';
  }

  /**
   * The user says the SAS match: our key confirmation goes out.
   * @throws SessionError `invalid-state` when we confirmed already
   */
  confirm(): Transition<SasShown | Confirmed> {
    this.live('confirm()');
    if (this.weConfirmed) throw new SessionError('invalid-state', `confirm() expected state SasShown not confirmed by us, got ${this.label}`);
    const mac = confirmationMac(this.#confirmKey, this.#own.role, this.#own.identity.publicKey, this.#th);
    return this.#after(true, this.theyConfirmed, [encodeMessage({ type: 'mac', mac })], []);
  }

  /** Verifies the peer's key confirmation. */
  receiveMac(m: MacMessage): Transition<SasShown | Confirmed> {
    this.live('receiveMac()');
    if (this.theyConfirmed) throw new SessionError('unexpected-message', 'a second key confirmation');
    if (!verifyConfirmationMac(this.#confirmKey, peerRole(this.#own.role), this.peer.identityPublicKey, this.#th, m.mac)) {
      throw new SessionError('mac-mismatch', 'peer key confirmation does not verify');
    }
    return this.#after(this.weConfirmed, true, [], [{ type: 'peerConfirmed' }]);
  }

  #after(we: boolean, they: boolean, send: Uint8Array[], events: SessionEvent[]): Transition<SasShown | Confirmed> {
    if (!(we && they)) return this.leave(new SasShown(this.#own, this.peer, this.sas, this.#th, this.#confirmKey, this.#chains, we, they), send, events);
    this.#confirmKey.fill(0);
    events.push({ type: 'confirmed', peer: this.peer, transcriptHash: this.transcriptHash.slice() });
    return this.leave(new Confirmed(this.peer, this.transcriptHash, this.#chains), send, events);
  }

  protected wipe(): void { this.#confirmKey.fill(0); this.#chains.wipe(); }
  view(): SessionState {
    return { kind: this.kind, peer: this.peer, sas: this.sas, transcriptHash: this.transcriptHash, weConfirmed: this.weConfirmed, theyConfirmed: this.theyConfirmed };
  }
}

/** Both confirmations verified: data flows both ways. Data does not change the state. */
export class Confirmed extends Live<'Confirmed'> {
  readonly kind = 'Confirmed';
  readonly peer: PeerInfo;
  readonly transcriptHash: Uint8Array;
  readonly #chains: Chains;
  constructor(peer: PeerInfo, th: Uint8Array, chains: Chains) {
    super();
    this.peer = peer;
    this.transcriptHash = th;
    this.#chains = chains;
  }

  /** The sequence number the next data frame must carry. */
  get nextSeq(): number { return this.#chains.recv.seq; }

  /**
   * Takes the next sending key now (call order is sequence order) and encrypts.
   * @throws SessionError `invalid-state` once the session was cancelled
   */
  seal(padded: Uint8Array): Promise<Uint8Array> {
    this.live('sending');
    return this.#chains.seal(padded);
  }

  /** Decrypts the frame that carries the next sequence number, taking its key now (pipelining). */
  openNext(m: DataMessage): Opened {
    this.live('receiving');
    const plaintext = open(this.#chains.recv, m.seq, m.ciphertext);
    return { seq: m.seq, plaintext };
  }

  /**
   * A data frame in its turn: a text or receipt is acknowledged, an ack reported, a file payload
   * handed to transfer.ts.
   * @param opened its early decryption, if it had one
   */
  async receiveData(m: DataMessage, opened?: Opened): Promise<Step> {
    this.live('receiving');
    const p = await this.#chains.open(m, opened);
    const step: Step = { send: [], events: [] };
    switch (p.kind) {
      case 'text':
        step.events.push({ type: 'text', id: p.id, text: p.text });
        step.send.push(await this.#chains.seal(encodePayload({ kind: 'ack', id: p.id })));
        break;
      case 'receipt':
        step.events.push({ type: 'receipt', id: p.id, receipt: p.receipt });
        step.send.push(await this.#chains.seal(encodePayload({ kind: 'ack', id: p.id })));
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

  protected wipe(): void { this.#chains.wipe(); }
  view(): SessionState { return { kind: this.kind, peer: this.peer, transcriptHash: this.transcriptHash }; }
}

/** The end: a protocol failure, a deadline, the user, or the peer. Nothing leaves it. */
export class Cancelled extends Base<'Cancelled'> {
  readonly kind = 'Cancelled';
  constructor(readonly code: CancelCode, readonly by: 'us' | 'them', readonly peerVersion?: number) {
    super();
  }
  view(): SessionState {
    return { kind: this.kind, code: this.code, by: this.by, ...(this.peerVersion !== undefined ? { peerVersion: this.peerVersion } : {}) };
  }
}

const peerRole = (role: Role): Role => (role === 'initiator' ? 'responder' : 'initiator');

/** Checks a peer hello's DTLS fingerprint and bundle. */
function acceptHello(own: Own, m: HelloMessage, now: number): PeerInfo {
  // The DTLS fingerprint the peer claims must be the certificate this transport authenticated:
  // a MITM terminating DTLS shows its own certificate, and changing the claim changes the
  // transcript (so the signature or the SAS).
  if (!equalBytes(m.dtlsFingerprint, own.peerFp)) throw new SessionError('dtls-mismatch', 'peer claims another DTLS certificate than the one on the wire');
  let bundle: IdentityBundle;
  try {
    bundle = decodeBundle(m.bundle);
  } catch (e) {
    if (e instanceof KeyprintError) throw new SessionError('bad-bundle', `peer bundle rejected: ${e.code}`, { cause: e });
    throw e;
  }
  if (bundle.expiresAt !== undefined && now >= bundle.expiresAt) throw new SessionError('bad-bundle', 'peer bundle has expired');
  if (equalBytes(bundle.identityPublicKey, own.identity.publicKey) || equalBytes(m.nonce, own.nonce)) {
    throw new SessionError('identity', 'peer presented our own identity or nonce (reflection)');
  }
  return { identityPublicKey: bundle.identityPublicKey, did: didKeyFromPublicKey(bundle.identityPublicKey), displayName: bundle.displayName, bundle, bundleBytes: m.bundle.slice() };
}
