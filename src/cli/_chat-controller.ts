// The terminal side of `keyprint chat`: connection attempts (ChatPeer, node-datachannel) and the
// user's commands, over the conversation layer (src/session/conversation.ts), which makes every
// decision — who is recognised, which name and warning to show, what is queued and delivered.
// This file only turns the layer's events into ChatEvent objects: the `--json` lines verbatim, or
// rendered as text (chat.ts). The contacts, the outbox and the files are the stores it is given
// (chat.ts: HOME/contacts.json, HOME/outbox/, HOME/incoming/ and the files directory, so they
// outlive the process).

import { KeyprintError } from '../errors.js';
import type { IdentityKeyPair } from '../identity/index.js';
import {
  AUTO_ACCEPT_BYTES, Conversation, dataChannelTransport, endedText, MemoryContactStore, MemoryFileStore, MemoryOutbox, readSignal, SessionError,
  type ContactStore, type ConversationEvent, type FileStore, type IceConfig, type KnownContact, type Outbox, type PeerLink, type PeerView, type SasCodes,
  type TransferState, type TransferView, type Transport, type VerificationState,
} from '../session/index.js';
import { ChatError, chatLink } from './_chat-peer.js';
import { describeFile } from './_chat-files.js';

type Who = { name: string; did: string; presentsAs?: string };
type Previous = { name: string; did: string; verifiedBy: VerificationState; verifiedAt: string };

/** What `keyprint chat` reports; with `--json`, one object per stdout line. Peer-chosen strings are exact here (the text renderer makes them safe). */
export type ChatEvent =
  | { type: 'ready'; name: string; did: string }
  | { type: 'signal'; kind: 'offer' | 'answer'; text: string }
  | { type: 'connected' }
  | ({ type: 'sas'; peer: Who } & SasCodes)
  /** Verified before (`verifiedBy`, `verifiedAt` ISO 8601): confirmed without comparing; the codes are there for a peer that asks to compare. */
  | ({ type: 'recognized'; peer: Who; verifiedBy: VerificationState; verifiedAt: string } & SasCodes)
  /**
   * Before `sas`: the comparison is required although a key or name is known — `key-changed` (the
   * expected contact answered with another key) or `name-taken` (another contact has this name).
   * `text` is the layer's sentence, the same the web app shows.
   */
  | { type: 'key-changed'; kind: 'key-changed' | 'name-taken'; text: string; peer: Who; previous: Previous }
  /** At start: messages still waiting in the outbox from an earlier run. */
  | { type: 'outbox'; pending: number; peers: string[] }
  | { type: 'peer-confirmed' }
  | { type: 'confirmed'; peer: Who }
  | { type: 'message'; id: string; text: string }
  | { type: 'sending'; id: string; text: string }
  /** `offline`: queued while not connected, sent when the same peer is back. */
  | { type: 'status'; id: string; status: 'queued' | 'sent' | 'delivered' | 'failed'; offline?: true }
  /**
   * The peer offers a file: name, size and type, before anything is written. `ask`: answer with
   * /accept-file or /decline-file; else it is below the auto-accept size and already accepted.
   */
  | { type: 'file-offer'; id: string; name: string; mime: string; size: number; ask: boolean }
  /**
   * A file transfer, either direction: state, bytes so far, rate (bytes/s) and time left (s); at
   * most every 200 ms while it runs, and on every change of state. `text` says why it ended without
   * the file (declined, cancelled, failed).
   */
  | { type: 'progress'; id: string; direction: 'in' | 'out'; name: string; state: TransferState; bytes: number; size: number; rate: number; eta?: number; resumedFrom?: number; text?: string }
  /** A received file, whole, its SHA-256 checked, at `path` in the files directory. */
  | { type: 'file'; id: string; name: string; size: number; path: string }
  | { type: 'receipt'; valid: boolean; text: string }
  | { type: 'cancelled'; code: string; by: 'us' | 'them'; text: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'bye' };

const who = (p: PeerView): Who => ({ name: p.name, did: p.did, ...(p.presentsAs !== undefined ? { presentsAs: p.presentsAs } : {}) });
const previousOf = (c: KnownContact): Previous => ({ name: c.name, did: c.contactId, verifiedBy: c.verifiedBy, verifiedAt: new Date(c.verifiedAt).toISOString() });

export type ChatPhase = 'idle' | 'inviting' | 'connecting' | 'sas' | 'confirmed';

export interface ChatOptions {
  identity: IdentityKeyPair;
  bundle: Uint8Array;
  displayName: string;
  ice: IceConfig;
  bindAddress?: string;
  filesDir: string;
  /** How long an invite waits for its answer. */
  inviteMs: number;
  /** From both texts exchanged to the data channel open, and from open to the SAS. */
  connectMs: number;
  gatherMs: number;
  /** Where verified contacts are kept (default: memory). */
  contacts?: ContactStore;
  /** Where unacknowledged messages wait (default: memory); `scan` reports what an earlier run left. */
  outbox?: Outbox & { scan?(): Promise<{ entries: Array<{ peer: string }>; damaged: Error[] }> };
  /** Where files are read and written (default: memory; chat.ts: NodeFileStore). */
  files?: FileStore;
  /** Incoming files up to this size are accepted without asking (default 100 MiB). */
  autoAcceptBytes?: number;
  emit: (e: ChatEvent) => void;
}

const progressOf = (t: TransferView, text?: string): ChatEvent => ({
  type: 'progress', id: t.id, direction: t.direction, name: t.name, state: t.state, bytes: t.bytes, size: t.size, rate: t.rate,
  ...(t.eta !== undefined ? { eta: t.eta } : {}), ...(t.resumedFrom !== undefined ? { resumedFrom: t.resumedFrom } : {}), ...(text !== undefined ? { text } : {}),
});

export class ChatController {
  phase: ChatPhase = 'idle';
  readonly #o: ChatOptions;
  readonly #outbox: NonNullable<ChatOptions['outbox']>;
  readonly #contacts: ContactStore;
  #conversation: Conversation;
  #peer: PeerLink | null = null;
  /** The data channel of the current attempt, once the conversation has it. */
  #transport: Transport | null = null;
  #inviteTimer?: NodeJS.Timeout;
  /** Bumped for each attempt, so a stale attempt's late callbacks change nothing. */
  #attempt = 0;
  #sasAnswered = false;
  readonly #files: FileStore;
  /** The last state of every transfer seen (for /accept-file, /decline-file, /cancel-file without an id). */
  readonly #transfers = new Map<string, { direction: 'in' | 'out'; state: TransferState }>();

  /** The SAS is shown and this side has not answered yet (the next line is the y/N answer). */
  get awaitingSasAnswer(): boolean {
    return this.phase === 'sas' && !this.#sasAnswered;
  }

  constructor(options: ChatOptions) {
    this.#o = options;
    this.#outbox = options.outbox ?? new MemoryOutbox();
    this.#contacts = options.contacts ?? new MemoryContactStore();
    this.#files = options.files ?? new MemoryFileStore();
    this.#conversation = this.#newConversation();
  }

  #newConversation(defaultPeer?: string): Conversation {
    return new Conversation({
      identity: this.#o.identity, bundle: this.#o.bundle, contacts: this.#contacts, outbox: this.#outbox, defaultPeer,
      files: this.#files, autoAcceptBytes: this.#o.autoAcceptBytes ?? AUTO_ACCEPT_BYTES,
      onEvent: (e) => this.#onEvent(e),
    });
  }

  /**
   * Reports what an earlier run left in the outbox: pending messages (sent when their peer
   * reconnects, or to the last of them when typed before any connection) and files that cannot be
   * used (each one an error event; they stay on disk).
   */
  async start(): Promise<void> {
    try {
      // Files partly received by an earlier run: they resume when their sender reconnects.
      for (const t of await this.#conversation.pausedFiles()) this.#onEvent({ type: 'transfer', transfer: t });
    } catch (e) {
      this.#error(e);
    }
    if (!this.#outbox.scan) return;
    try {
      const { entries, damaged } = await this.#outbox.scan();
      for (const d of damaged) this.#error(d);
      if (entries.length > 0) {
        const peers = [...new Set(entries.map((e) => e.peer))];
        this.#conversation = this.#newConversation(entries[entries.length - 1].peer);
        this.#o.emit({ type: 'outbox', pending: entries.length, peers });
      }
    } catch (e) {
      this.#error(e);
    }
  }

  #error(e: unknown): void {
    const code = e instanceof KeyprintError ? e.code : 'unexpected';
    this.#o.emit({ type: 'error', code, message: e instanceof Error ? e.message : String(e) });
  }

  /**
   * Ends the current attempt or channel and returns to idle (the outbox stays).
   * @param lingerMs keep the connection this long first, so a cancel frame just sent still leaves
   *   (closing the data channel at once can overtake it)
   */
  #drop(lingerMs = 0): void {
    this.#attempt++;
    clearTimeout(this.#inviteTimer);
    const peer = this.#peer;
    this.#peer = null;
    this.#transport = null;
    this.phase = 'idle';
    const close = () => { this.#conversation.close(); peer?.close(); };
    if (lingerMs > 0 && peer) setTimeout(close, lingerMs).unref();
    else close();
  }

  #newPeer(): PeerLink {
    this.#drop();
    this.#conversation.connecting(); // what is typed from now on waits for this peer
    const peer = chatLink({ ice: this.#o.ice, bindAddress: this.#o.bindAddress, gatherTimeoutMs: this.#o.gatherMs });
    const attempt = this.#attempt;
    // After the channel opened: its session ends as "closed" when the transport closes (the
    // layer's sentence); before the session has it, the link's cause is said here.
    peer.onfailure = (e) => {
      if (attempt !== this.#attempt) return;
      if (this.#transport) this.#transport.close();
      else { this.#error(e); this.#drop(); }
    };
    this.#peer = peer;
    return peer;
  }

  #busy(): ChatError {
    return new ChatError('busy', `already ${this.phase === 'confirmed' ? 'in a chat' : 'connecting'}: /quit first, or wait`);
  }

  /** `/invite`: a new offer text; the answer must come within `inviteMs`. */
  async invite(): Promise<void> {
    if (this.phase !== 'idle' && this.phase !== 'inviting') return this.#error(this.#busy());
    const peer = this.#newPeer();
    const attempt = this.#attempt;
    try {
      const text = await peer.invite();
      if (attempt !== this.#attempt) return;
      this.phase = 'inviting';
      this.#o.emit({ type: 'signal', kind: 'offer', text });
      this.#inviteTimer = setTimeout(() => {
        if (attempt !== this.#attempt || this.phase !== 'inviting') return;
        this.#error(new ChatError('invite-expired', `the invite expired: no answer within ${Math.round(this.#o.inviteMs / 1000)} s; type /invite for a new one`));
        this.#drop();
      }, this.#o.inviteMs);
    } catch (e) {
      if (attempt !== this.#attempt) return;
      this.#drop();
      this.#error(e);
    }
  }

  /** `/accept TEXT` (or a pasted text): the answer to our invite, or someone's invite. */
  async accept(text: string): Promise<void> {
    let attempt = this.#attempt;
    try {
      if (this.phase === 'inviting') {
        const answer = readSignal(text, 'answer');
        clearTimeout(this.#inviteTimer);
        this.phase = 'connecting';
        await this.#peer!.accept(answer);
        await this.#connect('initiator');
        return;
      }
      if (this.phase !== 'idle') throw this.#busy();
      const offer = readSignal(text, 'offer');
      const peer = this.#newPeer();
      attempt = this.#attempt;
      this.phase = 'connecting';
      const answer = await peer.answer(offer);
      if (attempt !== this.#attempt) return;
      this.#o.emit({ type: 'signal', kind: 'answer', text: answer });
      await this.#connect('responder');
    } catch (e) {
      if (attempt !== this.#attempt) return; // cancelled or replaced meanwhile: already reported
      // A bad text pasted for our invite leaves the invite waiting; anything else ends the attempt.
      if (!(e instanceof SessionError && e.code === 'signaling' && this.phase === 'inviting')) this.#drop();
      this.#error(e);
    }
  }

  async #connect(role: 'initiator' | 'responder'): Promise<void> {
    const peer = this.#peer!;
    const attempt = this.#attempt;
    const dc = await peer.waitChannel(this.#o.connectMs);
    if (attempt !== this.#attempt) return;
    this.#o.emit({ type: 'connected' });
    this.#transport = dataChannelTransport(dc);
    await this.#conversation.open(this.#transport, {
      role, localDtlsFingerprint: peer.localFingerprint(), expectedPeerDtlsFingerprint: peer.peerFingerprint!,
      timeouts: { handshakeMs: this.#o.connectMs },
    });
  }

  #onEvent(e: ConversationEvent): void {
    const emit = this.#o.emit;
    switch (e.type) {
      case 'sas':
        if (e.warning) emit({ type: 'key-changed', kind: e.warning.kind, text: e.warning.text, peer: who(e.peer), previous: previousOf(e.warning.contact) });
        this.phase = 'sas';
        this.#sasAnswered = false;
        emit({ type: 'sas', ...e.codes, peer: who(e.peer) });
        break;
      case 'recognized':
        emit({ type: 'recognized', peer: who(e.peer), verifiedBy: e.peer.contact!.verifiedBy, verifiedAt: new Date(e.peer.contact!.verifiedAt).toISOString(), ...e.codes });
        break;
      case 'peer-confirmed':
        emit({ type: 'peer-confirmed' });
        break;
      case 'verified':
        this.phase = 'confirmed';
        emit({ type: 'confirmed', peer: who(e.peer) });
        break;
      case 'ended':
        emit({ type: 'cancelled', code: e.code, by: e.by, text: e.text });
        this.#drop(e.by === 'us' ? 1_000 : 0);
        break;
      case 'outgoing': {
        const m = e.message;
        emit({ type: 'sending', id: m.id, text: m.content.kind === 'text' ? m.content.text : `[file] ${m.content.name}` });
        break;
      }
      case 'status':
        emit({ type: 'status', id: e.id, status: e.status, ...(e.offline ? { offline: true as const } : {}) });
        break;
      case 'message':
        emit({ type: 'message', id: e.id, text: e.text });
        break;
      case 'file-offer':
        this.#transfers.set(e.id, { direction: 'in', state: e.ask ? 'asking' : 'running' });
        emit({ type: 'file-offer', id: e.id, name: e.name, mime: e.mime, size: e.size, ask: e.ask });
        break;
      case 'transfer':
        this.#transfers.set(e.transfer.id, { direction: e.transfer.direction, state: e.transfer.state });
        emit(progressOf(e.transfer, e.text));
        break;
      case 'file':
        emit({ type: 'file', id: e.id, name: e.name, size: e.size, path: e.location });
        break;
      case 'receipt':
        emit({ type: 'receipt', valid: e.valid, text: e.text });
        break;
      case 'error':
        this.#error(e.error);
        break;
      default:
        break; // connecting (reported as `connected`)
    }
  }

  /** `/verify`: the user says the SAS match. */
  async verify(): Promise<void> {
    this.#sasAnswered = true;
    await this.#conversation.confirm().catch((e) => this.#error(e));
  }

  /** `/reject`: the SAS differ — cancels on both sides (sas-mismatch). */
  async reject(): Promise<void> {
    await this.#conversation.reject().catch((e) => this.#error(e));
  }

  /** A text message: to the connected peer (queued until verified), else to the last peer. */
  async send(text: string): Promise<void> {
    await this.#conversation.send(undefined, text).catch((e) => this.#error(e));
  }

  /** `/file PATH`. */
  async sendFile(path: string): Promise<void> {
    try {
      await this.#conversation.sendFile(undefined, await describeFile(path));
    } catch (e) {
      this.#error(e);
    }
  }

  /**
   * The transfer an id (or a prefix of one) names; without one, the only transfer in `states`.
   * @throws ChatError `no-transfer` (none, or several: the message lists them)
   */
  #pick(prefix: string, states: TransferState[], what: string): string {
    const candidates = [...this.#transfers].filter(([, t]) => states.includes(t.state)).map(([id]) => id);
    const hits = prefix ? candidates.filter((id) => id.startsWith(prefix.toLowerCase())) : candidates;
    if (hits.length === 1) return hits[0];
    if (hits.length === 0) throw new ChatError('no-transfer', prefix ? `no ${what} with an id starting ${prefix}` : `no ${what}`);
    throw new ChatError('no-transfer', `several: give the start of one id (${hits.map((id) => id.slice(0, 8)).join(', ')})`);
  }

  /** `/accept-file [ID]`: receive a file offered. */
  async acceptFile(id: string): Promise<void> {
    try {
      this.#conversation.acceptFile(this.#pick(id, ['asking'], 'file offer waiting for your answer'));
    } catch (e) {
      this.#error(e);
    }
  }

  /** `/decline-file [ID]`: refuse a file offered (nothing of it is written). */
  async declineFile(id: string): Promise<void> {
    try {
      this.#conversation.declineFile(this.#pick(id, ['asking'], 'file offer waiting for your answer'));
    } catch (e) {
      this.#error(e);
    }
  }

  /** `/cancel-file [ID]`: stop a transfer, either direction (a partly received file is deleted). */
  async cancelFile(id: string): Promise<void> {
    try {
      await this.#conversation.cancelFile(this.#pick(id, ['asking', 'offered', 'running', 'paused', 'verifying'], 'file transfer to cancel'));
    } catch (e) {
      this.#error(e);
    }
  }

  /** `/cancel`: gives up the current invite, connection or chat, and stays (the outbox stays too). */
  async cancel(): Promise<void> {
    if (this.phase === 'idle') return this.#error(new ChatError('not-connected', 'nothing to cancel'));
    const p = this.#conversation.phase;
    if (p !== 'idle' && p !== 'ended') {
      await this.#conversation.cancel().catch((e) => this.#error(e)); // reported by the ended event
      return;
    }
    this.#drop();
    this.#o.emit({ type: 'cancelled', code: 'user', by: 'us', text: endedText('user', 'us') });
  }

  /** `/quit`: closes everything (the peer sees the channel close). */
  quit(): void {
    this.#drop();
    this.#o.emit({ type: 'bye' });
  }
}
