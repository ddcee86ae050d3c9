// The conversation layer: everything the web app and `keyprint chat` decide about a conversation,
// once, below both (docs/ARCHITECTURE.md "The conversation layer", docs/PROTOCOL.md "The conversation layer", "Delivery and
// outbox"). It owns the Session on the current channel, the outbox and delivery status, the SAS
// renderings, who is recognised and which name is shown (names.ts), messages typed before the peer
// is verified or while it is away, files (consent, progress, resumption: transfer.ts), and
// verification receipts. It reports typed view events; the
// apps only render them and make the connections (RTCPeerConnection, node-datachannel).
// Browser-safe: no Node built-ins, no I/O of its own (the stores are given).
//
// Trust rules (docs/THREAT-MODEL.md "Names", "Key continuity"):
// - A peer is *recognised* (confirmed without a new SAS comparison) only when its identity key is a
//   stored contact's key, that contact is verified (not one imported `unverified`), the name it
//   presents is that contact's name (names.ts `sameName`), and it is the contact the user meant to
//   reach (`expect`), if they named one.
// - Otherwise the SAS is shown; another key answering for the expected contact, or a presented name
//   that another contact (another key) already has, comes with a warning the apps show as is.
// - The name shown for a known key is the one the user stored; a different presented name is shown
//   beside it ("presents itself as …"), never instead of it.

import { equalBytes, toHex } from './_bytes.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { decodeBundle } from '../identity/index.js';
import { KeyprintError } from '../errors.js';
import { sasDecimal, sasEmoji, sasWords } from '../sas/index.js';
import { verificationOf, type Contact, type ContactStore, type DeliveryStatus, type Outbox, type OutboxEntry, type VerificationMethod, type VerificationState } from './contacts.js';
import { displayText } from './display-text.js';
import type { CancelCode } from './errors.js';
import { MemoryFileStore, type FileContent, type FileStore } from './file-store.js';
import { PROTOCOL_VERSION } from './messages.js';
import { checkFileArguments, checkTextArgument, newMessageId, type PeerInfo, type SessionTimeouts } from './machine.js';
import { sameName } from './names.js';
import { createReceipt, verifyReceipt, type ReceiptAssertion, type ReceiptResult } from './receipt.js';
import { Session, type SessionDriverEvent } from './session.js';
import type { TransferEndReason, TransferView } from './transfer.js';
import type { Role } from './key-schedule.js';
import type { Transport } from './transport.js';

/** Conversation failures the user can act on: `not-connected` (nobody to send to yet), `no-sas`, `not-verified`, `store`. */
export class ConversationError extends KeyprintError {}

/** The SAS as both apps show it: 7 emoji with names, 5 words, 3 numbers. */
export interface SasCodes {
  emoji: Array<{ emoji: string; name: string }>;
  words: string[];
  numbers: [number, number, number];
}

/** A stored contact as the apps show it. */
export interface KnownContact {
  contactId: string;
  /** The name the user stored (display-safe). */
  name: string;
  /** How the key was verified, or `unverified` (imported from a file the user cannot vouch for: never recognised). */
  verifiedBy: VerificationState;
  /** When it was verified (an unverified contact: when it was added), ms. */
  verifiedAt: number;
}

/** The peer of the current channel, as the apps show it. */
export interface PeerView {
  did: string;
  /** The name to show: the one the user stored for this key, else the one the peer presents (display-safe). */
  name: string;
  /** The name the peer's bundle presents (display-safe). */
  presentedName: string;
  /** The stored contact with this identity key, if any. */
  contact?: KnownContact;
  /** The presented name, when it differs from the stored one: shown beside `name` as "presents itself as …". */
  presentsAs?: string;
}

/** Why the SAS must be compared although the key or the name is known. Apps show `text` as is. */
export interface TrustWarning {
  /** `key-changed`: the expected contact answered with another key; `name-taken`: another contact, with another key, has this name. */
  kind: 'key-changed' | 'name-taken';
  /** The contact whose key or name is at stake. */
  contact: KnownContact;
  text: string;
}

/** An outgoing message as shown in a conversation (files without their bytes). */
export interface OutgoingMessage {
  /** Message id, hex. */
  id: string;
  peer: string;
  content: { kind: 'text'; text: string } | { kind: 'file'; name: string; mime: string; size: number };
  at: number;
  status: DeliveryStatus;
}

export type ConversationPhase = 'idle' | 'connecting' | 'sas' | 'verified' | 'ended';

/** What the apps render. Ids are hex; `peer` is a did:key. Peer strings in `text` fields are display-safe. */
export type ConversationEvent =
  /** A channel is attached; the handshake runs. */
  | { type: 'connecting' }
  /** Compare the codes (with a warning first, when there is one). */
  | { type: 'sas'; peer: PeerView; codes: SasCodes; warning?: TrustWarning }
  /** The peer is a recognised contact: verified without comparing; the codes are there for a peer that asks. */
  | { type: 'recognized'; peer: PeerView; codes: SasCodes }
  | { type: 'peer-confirmed' }
  | { type: 'verified'; peer: PeerView; recognized: boolean }
  | { type: 'ended'; code: CancelCode; by: 'us' | 'them'; text: string }
  /** A message the user typed, shown at once (`status: queued` follows when it is stored, then `sent`, `delivered`). */
  | { type: 'outgoing'; message: OutgoingMessage }
  /**
   * Delivery progress of an outgoing message; never goes backwards. `queued` comes once it is stored,
   * with `offline` when its peer is not connected (it goes out on their next verified connection).
   */
  | { type: 'status'; id: string; status: DeliveryStatus; offline?: true }
  | { type: 'message'; id: string; peer: string; text: string; at: number }
  /**
   * The peer offers a file (nothing is written yet): `ask` — the user accepts or declines
   * (acceptFile / declineFile); otherwise it is below the auto-accept size and already accepted.
   * Reported in its place among the messages. A resumed transfer is not offered again.
   */
  | { type: 'file-offer'; id: string; peer: string; name: string; mime: string; size: number; ask: boolean; at: number }
  /**
   * A file transfer, either direction: its state, progress, rate and time left; when it ends without
   * the file, `text` says why (display-safe) — the sentence both apps show.
   */
  | { type: 'transfer'; transfer: TransferView; text?: string }
  /** A received file, whole, its SHA-256 checked: where the app's FileStore put it. */
  | { type: 'file'; id: string; peer: string; name: string; mime: string; size: number; location: string; at: number }
  /** The peer's verification receipt for this session, checked. */
  | { type: 'receipt'; peer: string; valid: boolean; text: string }
  | { type: 'error'; error: Error };

export interface ConversationOptions {
  identity: IdentityKeyPair;
  /** Our encoded identity bundle. */
  bundle: Uint8Array;
  contacts: ContactStore;
  outbox: Outbox;
  /** Where a message goes when the app names no peer and no channel has one (the terminal: the last peer an earlier run queued for). */
  defaultPeer?: string;
  clock?: () => number;
  /** Session tick and message age (Session options). */
  tickMs?: number;
  maxMessageAgeMs?: number;
  /** Where files are read and written (default: memory). */
  files?: FileStore;
  /** Incoming files up to this size are accepted without asking (default AUTO_ACCEPT_BYTES; 0: always ask). */
  autoAcceptBytes?: number;
  onEvent: (event: ConversationEvent) => void;
}

/** Files up to 100 MiB are accepted without asking, unless the user sets another size. */
export const AUTO_ACCEPT_BYTES = 100 * 1024 * 1024;

export interface ChannelOptions {
  role: Role;
  localDtlsFingerprint: Uint8Array;
  expectedPeerDtlsFingerprint: Uint8Array;
  /** The contact the user chose to reach: another key answering is a key change, not a stranger. */
  expect?: string;
  timeouts?: SessionTimeouts;
}

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };
const HOW: Record<VerificationMethod, string> = { sas: 'verified by comparing the code', card: 'verified with their printed card', receipt: 'verified with a signed receipt' };
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// The sentence for each way a channel ends, by who ended it: what happened, then the way out.
const ENDED: Partial<Record<CancelCode, { us: string; them: string }>> = {
  'sas-mismatch': {
    us: 'You said the codes do not match, so the connection was closed: someone may be in the middle. Start over and compare again, in person or on a call.',
    them: 'The other side said the codes do not match, so the connection was closed: someone may be in the middle. Start over and compare again, in person or on a call.',
  },
  user: { us: 'You cancelled the connection.', them: 'The other side cancelled the connection. Start over when you are both ready.' },
  timeout: {
    us: 'The other side did not answer in time: they may have closed keyprint, or the connection stalled. Start over.',
    them: 'The other side gave up waiting for this one. Start over.',
  },
  closed: {
    us: 'The connection closed: the other side left, or the network between you went away. Start over to reconnect.',
    them: 'The other side closed the connection. Start over to reconnect.',
  },
  'dtls-mismatch': {
    us: 'The connection is not the one the texts described: someone may be in the middle. Start over and exchange the texts again, directly.',
    them: 'The other side found the connection is not the one the texts described: someone may be in the middle. Start over and exchange the texts again, directly.',
  },
};

/**
 * The sentence both apps show when a channel ends: what happened and what to do.
 * @param peerVersion the protocol version the peer speaks, when it is another one (who must update)
 * @example endedText('sas-mismatch', 'them')
 */
export function endedText(code: CancelCode, by: 'us' | 'them', peerVersion?: number): string {
  if (code === 'version' && peerVersion !== undefined) {
    // What the older one lacks: version 1 the post-quantum handshake, version 2 streamed files.
    if (peerVersion < PROTOCOL_VERSION) {
      const lacks = peerVersion === 1 ? 'the post-quantum handshake' : 'the file transfers';
      return `The other side runs an older keyprint, without ${lacks} this one requires: ask them to update (and to reload the app).`;
    }
    return 'The other side runs a newer keyprint: update this one (reload the app, or install the new version).';
  }
  const known = ENDED[code];
  if (known) return known[by];
  return `The connection was ended${by === 'them' ? ' by the other side' : ''}: the ${by === 'them' ? 'other side' : 'other side\'s keyprint'} sent something the protocol does not allow (${code}). Start over; if it happens again, one of you may need a newer keyprint.`;
}

/**
 * The three SAS renderings both apps offer.
 * @example sasCodes(e.sas).words
 */
export function sasCodes(sas: Uint8Array): SasCodes {
  return { emoji: sasEmoji(sas).map(({ emoji, name }) => ({ emoji, name })), words: sasWords(sas, 5), numbers: sasDecimal(sas) };
}

const known = (c: Contact): KnownContact => ({ contactId: c.contactId, name: displayText(c.displayName), verifiedBy: verificationOf(c), verifiedAt: c.verifiedAt });

function warningText(kind: TrustWarning['kind'], c: KnownContact, presented: string, via: 'channel' | 'card'): string {
  const verified = `${c.verifiedBy === 'unverified' ? 'added unverified' : HOW[c.verifiedBy]} on ${day(c.verifiedAt)}`;
  const lead = kind === 'key-changed'
    ? `${c.name}'s key has changed: you reconnected to ${c.name}, ${verified}, but another key answered.`
    : `"${presented}" is the name of ${c.name}, ${verified} — with another key.`;
  const then = via === 'card'
    ? 'Keep this card only if you know it is theirs: you had it from them, in person.'
    : 'Not verified until you compare the code again, in person or on a call.';
  return `${lead} It may be ${c.name} on a new device — or someone pretending to be ${c.name}. ${then}`;
}

/** An identity as presented by a peer's bundle or a card. */
export interface PresentedIdentity { identityPublicKey: Uint8Array; did: string; displayName: string }

/**
 * What the user's contacts say about a presented identity — the one rule for every path (a channel,
 * a card): the name to show (the stored one for a known key, the presented one beside it when it
 * differs), a warning when another key answers for the expected contact or another contact has the
 * presented name, and whether it is recognised (a known, verified key, under its stored name, as
 * expected). An unverified contact is never recognised, and its stored name is a claim like the
 * presented one: another contact with that name is a warning too.
 * @param contacts every stored contact
 * @param presented the identity as presented
 * @param options `expect`: the contact id the user meant to reach; `via`: how it was presented (words the warning's advice)
 * @example judgePeer(await contacts.all(), peer, { expect: chosen.contactId }).warning?.text
 */
export function judgePeer(contacts: readonly Contact[], presented: PresentedIdentity, options: { expect?: string; via?: 'channel' | 'card' } = {}): { peer: PeerView; warning?: TrustWarning; recognized: boolean } {
  const via = options.via ?? 'channel';
  const own = contacts.find((c) => equalBytes(c.identityPublicKey, presented.identityPublicKey));
  const presentedName = displayText(presented.displayName);
  const peer: PeerView = { did: presented.did, name: own ? displayText(own.displayName) : presentedName, presentedName };
  if (own) {
    peer.contact = known(own);
    if (own.displayName !== presented.displayName) peer.presentsAs = presentedName;
  }
  const verified = own !== undefined && verificationOf(own) !== 'unverified';
  let warning: TrustWarning | undefined;
  const expected = options.expect === undefined ? undefined : contacts.find((c) => c.contactId === options.expect);
  if (expected && !equalBytes(expected.identityPublicKey, presented.identityPublicKey)) {
    const c = known(expected);
    warning = { kind: 'key-changed', contact: c, text: warningText('key-changed', c, presentedName, via) };
  } else if (!verified || !sameName(own.displayName, presented.displayName)) {
    // A name another contact (another key) has: the newcomer, or a known contact, may be borrowing
    // it — and so may the name an unverified contact was imported under.
    const claims = [presented.displayName, ...(own && !verified ? [own.displayName] : [])];
    const namesake = contacts
      .filter((c) => !equalBytes(c.identityPublicKey, presented.identityPublicKey) && claims.some((n) => sameName(c.displayName, n)))
      .sort((a, b) => b.verifiedAt - a.verifiedAt)[0];
    if (namesake) {
      const c = known(namesake);
      warning = { kind: 'name-taken', contact: c, text: warningText('name-taken', c, presentedName, via) };
    }
  }
  return { peer, ...(warning ? { warning } : {}), recognized: verified && warning === undefined };
}

/** A peer's receipt, checked: a malformed one is `{ valid: false }` too, with `version` or `malformed` as its reason. */
export type ReceiptCheck = ReceiptResult | { valid: false; reason: 'version' | 'malformed' };

/**
 * Checks a peer's verification receipt for this session against the peer's bundle (what the layer
 * does with an incoming receipt; docs/PROTOCOL.md "Verification receipt").
 * @param receipt the encoded receipt
 * @param peerBundleBytes the bundle the peer presented in this session's handshake
 * @param transcriptHash this session's transcript hash
 * @example checkReceipt(bytes, peer.bundleBytes, transcriptHash).valid
 */
export function checkReceipt(receipt: Uint8Array, peerBundleBytes: Uint8Array, transcriptHash: Uint8Array): ReceiptCheck {
  try {
    return verifyReceipt(receipt, decodeBundle(peerBundleBytes), transcriptHash);
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
    return { valid: false, reason: e.code === 'version' ? 'version' : 'malformed' };
  }
}

interface Channel {
  session: Session;
  options: ChannelOptions;
  phase: ConversationPhase;
  peer?: PeerView;
  peerInfo?: PeerInfo;
  transcriptHash?: Uint8Array;
  /** The user confirmed the SAS on this channel (so the contact is stored as verified by SAS). */
  compared: boolean;
  weConfirmed: boolean;
  /** Events of this channel, handled one at a time in order (some need a contacts lookup). */
  events: Promise<void>;
}

/** A message typed for the channel's peer before it is known. */
interface Held { content: OutboxEntry['content']; createdAt: number; done: (r: OutgoingMessage | Error) => void }

/**
 * The conversations of one unlocked identity: one channel at a time, any number of peers.
 * @example
 * const c = new Conversation({ identity, bundle, contacts, outbox, onEvent: render })
 * await c.open(dataChannelTransport(dc), { role: 'initiator', localDtlsFingerprint, expectedPeerDtlsFingerprint })
 * // on { type: 'sas' }: the user compares, then c.confirm() or c.reject()
 * await c.send(peerDid, 'hello')
 */
export class Conversation {
  readonly #o: ConversationOptions;
  readonly #clock: () => number;
  #channel: Channel | null = null;
  /** A channel is being set up (invitation, answer, ICE): what is typed waits for its peer. */
  #settingUp = false;
  #lastCreatedAt = 0;
  #lastPeer: string | undefined;
  /** Outbox writes still running, in the order the messages were typed (handed to a channel whose peer they are for). */
  #writing = new Map<string, { entry: OutboxEntry; stored: Promise<unknown> }>();
  #held: Held[] = [];
  /** Last status reported per outgoing id (statuses only move forward). */
  #status = new Map<string, DeliveryStatus>();
  readonly #files: FileStore;
  /** Incoming files up to this size are accepted without asking. */
  autoAcceptBytes: number;

  constructor(options: ConversationOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#lastPeer = options.defaultPeer;
    this.#files = options.files ?? new MemoryFileStore();
    this.autoAcceptBytes = options.autoAcceptBytes ?? AUTO_ACCEPT_BYTES;
  }

  /** The current channel's phase (`idle` when there is none). */
  get phase(): ConversationPhase {
    return this.#channel?.phase ?? 'idle';
  }

  /** The current channel's peer, once its identity is checked. */
  get peer(): PeerView | undefined {
    return this.#channel?.peer;
  }

  /** True when a message to `peer` goes out now (verified channel with it). */
  isLive(peer: string): boolean {
    const ch = this.#channel;
    return ch !== null && ch.phase === 'verified' && ch.peer?.did === peer;
  }

  /**
   * Says a channel is being set up (the invitation and answer are exchanged): a message typed from
   * now on, with no peer named, waits for whoever the channel turns out to be. Ended by `open` or `close`.
   */
  connecting(): void {
    this.close();
    this.#settingUp = true;
  }

  /**
   * Attaches a channel (replacing the current one, which is closed) and starts the handshake.
   * @param transport the data channel (`dataChannelTransport`) or a `memoryPipe` end
   */
  async open(transport: Transport, options: ChannelOptions): Promise<void> {
    this.#dropChannel();
    this.#settingUp = false;
    const o = this.#o;
    const ch: Channel = {
      options, phase: 'connecting', compared: false, weConfirmed: false, events: Promise.resolve(),
      session: new Session({
        role: options.role, identity: o.identity, bundle: o.bundle,
        localDtlsFingerprint: options.localDtlsFingerprint, expectedPeerDtlsFingerprint: options.expectedPeerDtlsFingerprint,
        transport, outbox: o.outbox, clock: this.#clock, tickMs: o.tickMs, maxMessageAgeMs: o.maxMessageAgeMs, files: this.#files,
        decideOffer: (offer) => (offer.size <= this.autoAcceptBytes ? 'accept' : 'ask'),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        onEvent: (e) => this.#fromSession(ch, e),
        onError: (e) => this.#error(e),
      }),
    };
    this.#channel = ch;
    this.#emit({ type: 'connecting' });
    await ch.session.start();
  }

  /** The user says the codes match (also after a warning: they compared again). */
  async confirm(): Promise<void> {
    const ch = this.#requirePhase('sas');
    if (ch.weConfirmed) return;
    ch.compared = ch.weConfirmed = true;
    await ch.session.confirm();
  }

  /** The user says the codes differ: both sides are cancelled (`sas-mismatch`). */
  async reject(): Promise<void> {
    await this.#requirePhase('sas').session.cancel('sas-mismatch');
  }

  /** Gives up the current channel (the peer is told); the outbox stays. */
  async cancel(): Promise<void> {
    const ch = this.#channel;
    if (!ch || ch.phase === 'ended') throw new ConversationError('no-channel', 'nothing to cancel: not connected');
    await ch.session.cancel('user');
  }

  /** Drops the current channel without reporting its end (the app starts over). The outbox stays. */
  close(): void {
    this.#dropChannel();
    this.#settingUp = false;
    this.#failHeld();
  }

  #dropChannel(): void {
    const ch = this.#channel;
    this.#channel = null;
    ch?.session.close();
  }

  /**
   * Sends a text: at once to a verified channel with `peer`, otherwise stored and delivered when
   * that peer is next verified. Shown at once (`outgoing`, then `status`).
   * @param peer the peer's did:key; omitted: the channel's peer, or (no channel) the last peer
   * @returns the message as shown, once its outbox record is stored
   * @throws SessionError `invalid-value` (too long); ConversationError `no-peer`, `store`
   */
  async send(peer: string | undefined, text: string): Promise<OutgoingMessage> {
    checkTextArgument(text);
    return this.#send(peer, { kind: 'text', text });
  }

  /**
   * Sends a file, as `send`: offered in its place among the messages, streamed once the peer
   * accepts, resumed on the next connection if this one ends first.
   * @param file its name, type and size, and `ref`: the app's reference to its content (FileStore.source)
   * @throws SessionError `invalid-value` (name, type or size)
   */
  async sendFile(peer: string | undefined, file: Omit<FileContent, 'kind'>): Promise<OutgoingMessage> {
    checkFileArguments(file.name, file.mime, file.size);
    return this.#send(peer, { kind: 'file', name: file.name, mime: file.mime, size: file.size, ref: file.ref });
  }

  /**
   * The user accepts a file offered on the current channel (hex id).
   * @throws ConversationError `no-offer` when no such offer waits (it was answered, or the connection ended)
   */
  acceptFile(id: string): void {
    if (!this.#channel?.session.acceptFile(id)) throw new ConversationError('no-offer', 'no such file is waiting for your answer (the connection may have ended: it is offered again when they reconnect)');
  }

  /** The user declines a file offered on the current channel (hex id). @throws ConversationError `no-offer` */
  declineFile(id: string): void {
    if (!this.#channel?.session.declineFile(id)) throw new ConversationError('no-offer', 'no such file is waiting for your answer');
  }

  /**
   * Cancels a file transfer, either direction (hex id): on the current channel the peer is told; a
   * file waiting for its peer is taken out of the outbox; a partly received file is deleted, and
   * refused when offered again.
   * @throws ConversationError `no-transfer` when there is no such transfer
   */
  async cancelFile(id: string): Promise<void> {
    if (this.#channel?.session.cancelFile(id)) return;
    const entry = this.#writing.get(id)?.entry ?? (await this.#pendingEntry(id));
    if (entry?.content.kind === 'file') {
      const content = entry.content;
      if (await this.#o.outbox.setStatus(entry.id, 'failed')) this.#setStatus(id, 'failed');
      await this.#files.release(content);
      this.#emit({ type: 'transfer', transfer: this.#offlineView(id, entry.peer, 'out', content, 0), text: transferText('cancelled', 'out', 'us', content.name, '') });
      return;
    }
    const rec = (await this.#files.records()).find((r) => toHex(r.id) === id && r.state === 'receiving');
    if (!rec) throw new ConversationError('no-transfer', 'no such file transfer');
    const held = await this.#files.held(rec);
    await (await this.#files.sink(rec)).discard();
    await this.#files.putRecord({ ...rec, state: 'cancelled', at: this.#clock() });
    this.#emit({ type: 'transfer', transfer: this.#offlineView(id, rec.peer, 'in', rec, held), text: transferText('cancelled', 'in', 'us', rec.name, '') });
  }

  /** Files partly received, waiting for their senders to reconnect (to show them, or cancel them). */
  async pausedFiles(): Promise<TransferView[]> {
    const out: TransferView[] = [];
    for (const r of await this.#files.records()) {
      if (r.state !== 'receiving') continue;
      out.push(this.#offlineView(toHex(r.id), r.peer, 'in', r, Math.min(await this.#files.held(r), r.size), 'paused'));
    }
    return out;
  }

  /** A pending outbox entry, any peer, by hex id. */
  async #pendingEntry(id: string): Promise<OutboxEntry | undefined> {
    return (await this.#o.outbox.olderThan(Number.MAX_SAFE_INTEGER)).find((e) => toHex(e.id) === id);
  }

  /** A transfer with no channel: paused, or cancelled by us. */
  #offlineView(id: string, peer: string, direction: 'in' | 'out', f: { name: string; mime: string; size: number }, bytes: number, state: 'paused' | 'cancelled' = 'cancelled'): TransferView {
    return {
      id, peer, direction, name: f.name, mime: f.mime, size: f.size, state, bytes, rate: 0,
      ...(state === 'cancelled' ? { end: { by: 'us' as const, reason: 'cancelled' as const } } : {}),
    };
  }

  /**
   * Signs this session's transcript with the security key and sends the receipt to the peer.
   * @param assert the hardware call (WebAuthn get / CTAP getAssertion) over the challenge
   * @throws ConversationError `not-verified` without a verified channel
   */
  async sendReceipt(assert: (challenge: Uint8Array) => Promise<ReceiptAssertion>): Promise<void> {
    const ch = this.#requirePhase('verified');
    const receipt = await createReceipt(ch.transcriptHash!, assert);
    if (this.#channel !== ch || ch.phase !== 'verified') throw new ConversationError('not-verified', 'the connection ended before the receipt was sent');
    await this.#send(ch.peer!.did, { kind: 'receipt', bytes: receipt });
  }

  // ---- outgoing -------------------------------------------------------------------------------

  #send(to: string | undefined, content: OutboxEntry['content']): Promise<OutgoingMessage> {
    const createdAt = this.#lastCreatedAt = Math.max(this.#clock(), this.#lastCreatedAt + 1);
    const ch = this.#channel;
    const waiting = ch ? ch.phase === 'connecting' : this.#settingUp;
    const peer = to ?? ch?.peer?.did ?? (waiting ? undefined : this.#lastPeer);
    if (peer !== undefined) return this.#store(peer, content, createdAt);
    if (!waiting) return Promise.reject(new ConversationError('not-connected', 'not connected: create an invitation or answer one first'));
    // Typed while connecting: for whoever this channel turns out to be (known with the SAS).
    return new Promise((resolve, reject) => this.#held.push({ content, createdAt, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) }));
  }

  #store(peer: string, content: OutboxEntry['content'], createdAt: number): Promise<OutgoingMessage> {
    const entry: OutboxEntry = { id: newMessageId(), peer, content, status: 'queued', createdAt };
    const id = toHex(entry.id);
    const message: OutgoingMessage = {
      id, peer, at: createdAt, status: 'queued',
      content: content.kind === 'text' ? content : content.kind === 'file' ? { kind: 'file', name: content.name, mime: content.mime, size: content.size } : { kind: 'text', text: '' },
    };
    // Shown at once, in typing order; `status: queued` follows once the record is stored.
    const internal = content.kind === 'receipt';
    if (!internal) this.#emit({ type: 'outgoing', message });
    const stored = this.#o.outbox.add(entry);
    this.#writing.set(id, { entry, stored });
    const ch = this.#channel;
    if (ch && ch.phase !== 'ended' && ch.peer?.did === peer) ch.session.enqueue(entry, stored);
    return stored.then(() => {
      this.#writing.delete(id);
      if (!internal) this.#setStatus(id, 'queued', !this.isLive(peer));
      return message;
    }, (e: unknown) => {
      this.#writing.delete(id);
      this.#setStatus(id, 'failed');
      throw new ConversationError('store', `the message could not be stored, so it was not sent: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    });
  }

  /** The channel's peer is known: what was typed for it meanwhile joins its queue, in typing order. */
  #handOver(ch: Channel, did: string): void {
    for (const { entry, stored } of this.#writing.values()) if (entry.peer === did) ch.session.enqueue(entry, stored);
    for (const h of this.#held.splice(0)) this.#store(did, h.content, h.createdAt).then(h.done, h.done);
  }

  #failHeld(): void {
    for (const h of this.#held.splice(0)) {
      const what = h.content.kind === 'text' ? `"${displayText(h.content.text)}"` : h.content.kind === 'file' ? `the file "${displayText(h.content.name)}"` : 'a verification receipt';
      h.done(new ConversationError('not-connected', `not sent: the connection ended before the other side was known — ${what}`));
    }
  }

  #setStatus(id: string, status: DeliveryStatus, offline = false): void {
    const had = this.#status.get(id);
    if (had !== undefined && RANK[status] <= RANK[had]) return;
    this.#status.set(id, status);
    this.#emit({ type: 'status', id, status, ...(offline ? { offline } : {}) });
  }

  // ---- channel events -------------------------------------------------------------------------

  #fromSession(ch: Channel, e: SessionDriverEvent): void {
    // Delivery statuses are facts whichever channel reports them; the rest only from the current one.
    if (e.type === 'status') {
      this.#setStatus(toHex(e.id), e.status);
      return;
    }
    if (ch !== this.#channel) return;
    ch.events = ch.events.then(() => this.#handle(ch, e)).catch((err) => this.#error(err));
  }

  async #handle(ch: Channel, e: Exclude<SessionDriverEvent, { type: 'status' }>): Promise<void> {
    switch (e.type) {
      case 'sasShown': {
        ch.peerInfo = e.peer;
        const { peer, warning, recognized } = judgePeer(await this.#o.contacts.all(), e.peer, { expect: ch.options.expect });
        if (ch !== this.#channel) return;
        ch.peer = peer;
        this.#handOver(ch, peer.did);
        if (recognized) {
          this.#emit({ type: 'recognized', peer, codes: sasCodes(e.sas) });
          ch.weConfirmed = true;
          // Fails only if the channel ended meanwhile, which its `ended` event reports.
          await ch.session.confirm().catch(() => undefined);
        } else {
          ch.phase = 'sas';
          this.#emit({ type: 'sas', peer, codes: sasCodes(e.sas), ...(warning ? { warning } : {}) });
        }
        break;
      }
      case 'peerConfirmed':
        this.#emit({ type: 'peer-confirmed' });
        break;
      case 'confirmed': {
        ch.transcriptHash = e.transcriptHash;
        if (ch.compared) await this.#rememberVerified(ch, e.peer);
        ch.phase = 'verified';
        this.#lastPeer = e.peer.did;
        this.#emit({ type: 'verified', peer: ch.peer!, recognized: !ch.compared });
        await this.#expireFiles();
        break;
      }
      case 'cancelled':
        ch.phase = 'ended';
        this.#settingUp = false;
        this.#failHeld();
        this.#emit({ type: 'ended', code: e.code, by: e.by, text: endedText(e.code, e.by, e.peerVersion) });
        break;
      case 'text':
        this.#emit({ type: 'message', id: toHex(e.id), peer: ch.peer!.did, text: e.text, at: this.#clock() });
        break;
      case 'receipt':
        await this.#receiptIn(ch, e.receipt);
        break;
      case 'offer':
        this.#emit({ type: 'file-offer', id: e.id, peer: e.peer, name: e.name, mime: e.mime, size: e.size, ask: e.ask, at: this.#clock() });
        break;
      case 'transfer': {
        const t = e.transfer;
        const text = t.end ? transferText(t.end.reason, t.direction, t.end.by, t.name, ch.peer!.name, t.end.detail) : undefined;
        this.#emit({ type: 'transfer', transfer: t, ...(text !== undefined ? { text } : {}) });
        break;
      }
      case 'received':
        this.#emit({ type: 'file', id: e.id, peer: e.peer, name: e.name, mime: e.mime, size: e.size, location: e.location, at: this.#clock() });
        break;
    }
  }

  /** The user compared the codes: this key is verified by SAS, under the name stored for it (or the one presented). */
  async #rememberVerified(ch: Channel, p: PeerInfo): Promise<void> {
    const existing = (await this.#o.contacts.all()).find((c) => equalBytes(c.identityPublicKey, p.identityPublicKey));
    await this.#o.contacts.put({
      contactId: existing?.contactId ?? p.did, identityPublicKey: p.identityPublicKey, displayName: existing?.displayName ?? p.displayName,
      verifiedAt: this.#clock(), verifiedBy: 'sas',
    });
    const stored = (await this.#o.contacts.all()).find((c) => equalBytes(c.identityPublicKey, p.identityPublicKey));
    if (stored && ch.peer) ch.peer = { ...ch.peer, contact: known(stored) };
  }

  async #receiptIn(ch: Channel, bytes: Uint8Array): Promise<void> {
    const p = ch.peerInfo!, name = ch.peer!.name;
    const r = checkReceipt(bytes, p.bundleBytes, ch.transcriptHash!);
    if (!r.valid) {
      this.#emit({ type: 'receipt', peer: p.did, valid: false, text: `${name} sent a verification receipt that does not verify (${r.reason}).` });
      return;
    }
    const contact = (await this.#o.contacts.all()).find((c) => equalBytes(c.identityPublicKey, p.identityPublicKey));
    if (contact) await this.#o.contacts.put({ ...contact, verifiedBy: 'receipt', verifiedAt: this.#clock() });
    this.#emit({ type: 'receipt', peer: p.did, valid: true, text: `${name}'s security key signed this verification${r.userVerified ? ' (with PIN or biometric)' : ''}.` });
  }

  /** Forgets what is known of incoming files older than the message age: partial files are deleted. */
  async #expireFiles(): Promise<void> {
    const before = this.#clock() - (this.#o.maxMessageAgeMs ?? 7 * 24 * 3600_000);
    for (const r of await this.#files.records()) {
      if (r.at >= before) continue;
      if (r.state === 'receiving') await (await this.#files.sink(r)).discard();
      await this.#files.deleteRecord(r.peer, r.id);
    }
  }

  #requirePhase(phase: 'sas' | 'verified'): Channel {
    const ch = this.#channel;
    if (!ch || ch.phase !== phase) {
      throw new ConversationError(phase === 'sas' ? 'no-sas' : 'not-verified', phase === 'sas' ? 'there is no code to compare yet' : 'not connected to a verified peer');
    }
    return ch;
  }

  #error(e: unknown): void {
    this.#emit({ type: 'error', error: e instanceof Error ? e : new Error(String(e)) });
  }

  #emit(e: ConversationEvent): void {
    this.#o.onEvent(e);
  }
}

/**
 * The sentence both apps show when a file transfer ends without the file.
 * @param reason why (TransferView.end.reason)
 * @param direction `out`: we send; `in`: we receive
 * @param by who ended it
 * @param file the file's name (made display-safe here)
 * @param peer the peer's name as shown (display-safe already)
 * @example transferText('declined', 'out', 'them', 'photo.jpg', 'Bob') // 'Bob declined "photo.jpg".'
 */
export function transferText(reason: TransferEndReason, direction: 'in' | 'out', by: 'us' | 'them', file: string, peer: string, detail?: string): string {
  const f = `"${displayText(file)}"`;
  const why = detail ? `: ${displayText(detail)}` : '';
  const them = peer || 'They';
  switch (reason) {
    case 'declined': return by === 'them' ? `${them} declined ${f}.` : `You declined ${f}.`;
    case 'cancelled':
      return by === 'them' ? `${them} cancelled ${f}${direction === 'in' ? '; the part received was deleted' : ''}.`
        : `You cancelled ${f}${direction === 'in' ? '; the part received was deleted' : ''}.`;
    case 'damaged':
      return direction === 'in'
        ? `${f} arrived damaged (its SHA-256 did not match what was sent) and was deleted; ask for it again.`
        : `${f} arrived damaged on the other side (its SHA-256 did not match) and was deleted there; send it again.`;
    case 'unreadable':
      return direction === 'out' ? `${f} could not be read, so it was not sent${why}.` : `${them} could not read ${f} any more; the part received was deleted.`;
    case 'unwritable':
      return direction === 'in' ? `${f} could not be saved here, so it was not received${why}.` : `${them} could not save ${f}, so it was not delivered.`;
    case 'changed': return `${f} changed or could not be read while it was being sent${why}; send it again.`;
    case 'failed': return `${f} was not transferred${why}.`;
  }
}
