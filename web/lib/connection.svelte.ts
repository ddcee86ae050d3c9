// One direct connection to one peer, for the Connect and Chat screens: the WebRTC data channel with
// copy-paste compact signaling, made by the session layer's PeerLink (keyprint/session peer-link.ts:
// the same texts, deadlines and failure causes as keyprint chat), and the conversation layer
// (keyprint/session Conversation) on top of it, which decides everything a conversation needs —
// who is recognised, which name and warning to show, what is queued and delivered, receipts. This
// class only turns their events into reactive state. No server: the offer and answer travel
// as ~100-character texts the users copy between them. ICE: the servers set in Settings.
// What is kept at rest (docs/WEB.md "Storage at rest"): undelivered messages in an encrypted
// IndexedDB outbox, so a reload or a dropped connection loses nothing; history only if opted in.
import {
  Conversation, LinkError, MAX_FILE_BYTES, PeerLink, RECEIPT_MIME, SessionError, dataChannelTransport, displayText, readSignal,
  type Contact, type ConversationEvent, type DataChannelLike, type DeliveryStatus, type PeerConnectionLike, type PeerView, type Role, type SasCodes,
  type Transport, type TrustWarning,
} from 'keyprint/session';
import { didKeyFromPublicKey } from 'keyprint/identity';
import type { IdentityState } from './identity.svelte.js';
import type { ContactsState } from './contacts.svelte.js';
import type { SettingsState } from './settings.svelte.js';
import { HistoryStore, historyEnabled, setHistoryEnabled, type HistoryItem } from './history.js';
import { IdbOutbox } from './outbox-idb.js';
import { hex } from './record-codec.js';
import { StorageKey } from './storage-key.js';
import { receiptSigner } from './receipts.js';
import { forgetContact, peersOf } from './wipe.js';

export type ConnectionPhase = 'idle' | 'preparing' | 'offered' | 'answered' | 'connecting' | 'sas' | 'confirmed' | 'cancelled';

export interface ChatFile {
  name: string;
  mime: string;
  size: number;
  /** Bytes received so far (incoming, while it arrives). */
  received?: number;
  /** An object URL to download it (incoming, once complete); revoked when the messages are cleared. */
  url?: string;
}

export interface ChatMessage {
  key: string;
  /** The peer's did:key. */
  peer: string;
  from: 'me' | 'them';
  at: number;
  text?: string;
  file?: ChatFile;
  status?: DeliveryStatus;
}

const GATHER_TIMEOUT_MS = 5_000;
/** From the answer taken to the data channel open (as keyprint chat's --connect-timeout). */
const CONNECT_TIMEOUT_MS = 30_000;
/** From our answer shown to the other side connecting with it (a person copies it over). */
const ANSWER_WAIT_MS = 10 * 60_000;
/** How this app adds a TURN server: the way out PeerLink names when there is no network path. */
const TURN_HINT = 'add a TURN server in Settings';

interface Storage { did: string; outbox: IdbOutbox; history: HistoryStore; conversation: Conversation }

/** The live connection and the conversations; the Connect and Chat screens render it. */
export class ConnectionState {
  phase = $state<ConnectionPhase>('idle');
  role = $state<Role | null>(null);
  /** Our offer or answer, for the user to copy to the other side. */
  localSignal = $state('');
  error = $state<string | null>(null);
  sas = $state.raw<SasCodes | null>(null);
  /** The peer as the layer shows it: the stored name for its key, the presented one beside it. */
  peer = $state.raw<PeerView | null>(null);
  weConfirmed = $state(false);
  theyConfirmed = $state(false);
  recognized = $state(false);
  /** Why the codes must be compared although a key or name is known (the layer's sentence). */
  warning = $state.raw<TrustWarning | null>(null);
  /** Why the attempt or the connection ended (a sentence with the way out), and its cause code. */
  cancelReason = $state<string | null>(null);
  endCause = $state<string | null>(null);
  /** The text pasted into Connect (kept after an error, so the person can see what was wrong). */
  remoteSignal = $state('');
  /** What is wrong with the pasted text, in the person's words (keyprint/session readSignal). */
  signalError = $state<string | null>(null);
  /** Messages of every peer this page knows of (restored from storage when unlocked). */
  messages = $state<ChatMessage[]>([]);
  /** The peer whose conversation the Chat screen shows (the last one confirmed). */
  conversation = $state<string | null>(null);
  /** The contact the user chose to reconnect to (another key answering is a key change). */
  target = $state.raw<Contact | null>(null);
  keepHistory = $state(historyEnabled());
  /** Our verification receipt for this session: being signed, or sent. */
  myReceipt = $state<'signing' | 'sent' | null>(null);
  /** The peer's receipt for this session, checked by the layer. */
  theirReceipt = $state.raw<{ valid: boolean; text: string } | null>(null);

  #link: PeerLink | null = null;
  /** The current channel's transport, once the conversation has it (closed when the link drops). */
  #transport: Transport | null = null;
  #storage: Promise<Storage> | null = null;
  /** The layer, once storage is open (closing a channel must not wait for a promise). */
  #layer: Conversation | null = null;
  /** Bumped on lock: a restore still running for the previous unlock must not add its messages. */
  #unlocks = 0;

  readonly identity: IdentityState;
  readonly contacts: ContactsState;
  readonly settings: SettingsState;

  constructor(identity: IdentityState, contacts: ContactsState, settings: SettingsState) {
    this.identity = identity;
    this.contacts = contacts;
    this.settings = settings;
    // A session signs and decrypts with the identity key, and the storage key comes from it:
    // locking ends the connection and forgets both, and every decrypted message, first.
    identity.onBeforeLock(() => {
      this.reset();
      this.#layer = null;
      this.#clearMessages();
      this.#storage = null;
      this.#unlocks++;
      this.conversation = null;
    });
  }

  /** Contact record for a peer did (by id, or by the did of its verified key). */
  contactFor(did: string): Contact | undefined {
    return this.contacts.list.find((c) => c.contactId === did || didKeyFromPublicKey(c.identityPublicKey) === did);
  }

  /** Display name for a peer did: the stored one, else the one the current peer presents. */
  nameOf(did: string): string {
    const c = this.contactFor(did);
    return c ? displayText(c.displayName) : this.peer?.did === did ? this.peer.name : did.slice(0, 20) + '…';
  }

  /**
   * The encrypted outbox and history of the unlocked identity and its conversation layer; the first
   * call also restores what they hold into `messages`. Needs the identity unlocked.
   */
  ensureStorage(): Promise<Storage> {
    const kp = this.identity.keyPair;
    const profile = this.identity.profile;
    if (!kp || !profile) return Promise.reject(new Error('Unlock your identity first.'));
    if (!this.#storage) {
      const unlock = this.#unlocks;
      const p = (async () => {
        const key = await StorageKey.derive(kp);
        const outbox = new IdbOutbox(key);
        const conversation = new Conversation({
          identity: kp, bundle: profile.bundleBytes, contacts: this.contacts, outbox,
          onEvent: (e) => { if (unlock === this.#unlocks) this.#onEvent(e); },
        });
        const s: Storage = { did: kp.did, outbox, history: new HistoryStore(key), conversation };
        await this.#restore(s, unlock);
        this.#layer = conversation;
        return s;
      })();
      this.#storage = p;
      p.catch((e) => {
        if (this.#storage === p) this.#storage = null;
        if (unlock === this.#unlocks) this.#fail(e);
      });
    }
    return this.#storage;
  }

  async #restore(s: Storage, unlock: number): Promise<void> {
    const history = await s.history.all();
    const pending = await s.outbox.allPending();
    const byKey = new Map<string, ChatMessage>(history.map((h) => [h.key, { ...h }]));
    for (const e of pending) {
      if (e.content.kind === 'file' && e.content.mime === RECEIPT_MIME) continue;
      const key = `out-${hex(e.id)}`;
      const c = e.content;
      const m = byKey.get(key) ?? {
        key, peer: e.peer, from: 'me' as const, at: e.createdAt,
        ...(c.kind === 'text' ? { text: c.text } : { file: { name: c.name, mime: c.mime, size: c.bytes.length } }),
      };
      m.status = e.status;
      byKey.set(key, m);
    }
    if (unlock !== this.#unlocks) throw new Error('The identity was locked.');
    const known = new Set(this.messages.map((m) => m.key));
    this.messages.push(...[...byKey.values()].filter((m) => !known.has(m.key)));
    this.messages.sort((a, b) => a.at - b.at);
  }

  #clearMessages(): void {
    for (const m of this.messages) if (m.file?.url) URL.revokeObjectURL(m.file.url);
    this.messages = [];
  }

  #fail(e: unknown): void {
    this.error = (e as Error).message ?? String(e);
  }

  /** A new attempt: a fresh RTCPeerConnection under PeerLink, the previous one closed. */
  #newLink(): PeerLink {
    this.close();
    this.error = this.signalError = null;
    this.cancelReason = this.endCause = null;
    this.sas = null;
    this.peer = null;
    this.weConfirmed = this.theyConfirmed = this.recognized = false;
    this.warning = null;
    this.myReceipt = null;
    this.theirReceipt = null;
    const config = this.settings.rtcConfiguration();
    const link = new PeerLink(new RTCPeerConnection(config) as unknown as PeerConnectionLike, {
      gatherTimeoutMs: GATHER_TIMEOUT_MS, relayOnly: config.iceTransportPolicy === 'relay', turnHint: TURN_HINT,
      turnServers: (config.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])).filter((u) => !u.startsWith('stun:')),
    });
    // After the channel opened, a dropped link closes the transport: its session ends ("closed").
    link.onfailure = () => { if (link === this.#link) this.#transport?.close(); };
    this.#link = link;
    return link;
  }

  /** Waits for the data channel, then starts the conversation; a failure ends the attempt with its cause. */
  #whenOpen(link: PeerLink, role: Role, ms: number): void {
    link.waitChannel(ms).then(
      (dc) => this.#startChannel(link, role, dc),
      (e: unknown) => {
        if (link !== this.#link) return; // replaced or given up meanwhile
        this.#ended(e instanceof LinkError ? e.message : (e as Error).message, e instanceof LinkError ? e.code : 'failed');
        link.close();
      },
    ).catch((e) => { if (link === this.#link) this.#fail(e); });
  }

  #ended(text: string, cause: string): void {
    this.phase = 'cancelled';
    this.cancelReason = text;
    this.endCause = cause;
  }

  async #startChannel(link: PeerLink, role: Role, dc: DataChannelLike): Promise<void> {
    // The transport first, synchronously: it holds frames that arrive while the outbox (which
    // the layer needs to resume) is still being opened.
    const transport = dataChannelTransport(dc);
    const storage = await this.ensureStorage();
    if (link !== this.#link) { transport.close(); return; } // replaced while the outbox opened
    this.#transport = transport;
    this.phase = 'connecting';
    await storage.conversation.open(transport, {
      role, localDtlsFingerprint: link.localFingerprint(), expectedPeerDtlsFingerprint: link.peerFingerprint!,
      ...(this.target ? { expect: this.target.contactId } : {}),
    });
  }

  #find(key: string): ChatMessage | undefined {
    return this.messages.find((m) => m.key === key);
  }

  /** Writes a message to the history (a no-op unless history is on). */
  #remember(m: ChatMessage): void {
    if (!this.keepHistory) return;
    const item: HistoryItem = {
      key: m.key, peer: m.peer, from: m.from, at: m.at, ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.file ? { file: { name: m.file.name, mime: m.file.mime, size: m.file.size } } : {}), ...(m.status ? { status: m.status } : {}),
    };
    this.ensureStorage().then((s) => s.history.put(item)).catch((e) => this.#fail(e));
  }

  #onEvent(e: ConversationEvent): void {
    switch (e.type) {
      case 'connecting':
        this.phase = 'connecting';
        break;
      case 'sas':
        this.sas = e.codes;
        this.peer = e.peer;
        this.warning = e.warning ?? null;
        this.phase = 'sas';
        break;
      case 'recognized':
        this.sas = e.codes;
        this.peer = e.peer;
        this.recognized = true;
        break;
      case 'peer-confirmed':
        this.theyConfirmed = true;
        break;
      case 'verified':
        this.peer = e.peer;
        this.conversation = e.peer.did;
        this.target = null;
        this.phase = 'confirmed';
        break;
      case 'ended':
        this.#ended(e.text, e.code);
        break;
      case 'outgoing': {
        const c = e.message.content;
        const m: ChatMessage = {
          key: `out-${e.message.id}`, peer: e.message.peer, from: 'me', at: e.message.at, status: e.message.status,
          ...(c.kind === 'text' ? { text: c.text } : { file: { name: c.name, mime: c.mime, size: c.size } }),
        };
        this.messages.push(m);
        this.#remember(m);
        break;
      }
      case 'status': {
        const m = this.#find(`out-${e.id}`);
        if (m) { m.status = e.status; this.#remember(m); }
        break;
      }
      case 'message': {
        const m: ChatMessage = { key: `in-${e.id}`, peer: e.peer, from: 'them', text: e.text, at: e.at };
        this.messages.push(m);
        this.#remember(m);
        break;
      }
      case 'file-started':
        if (!this.#find(`in-${e.id}`)) this.messages.push({ key: `in-${e.id}`, peer: e.peer, from: 'them', at: Date.now(), file: { name: e.name, mime: e.mime, size: e.size, received: 0 } });
        break;
      case 'file-progress': {
        const m = this.#find(`in-${e.id}`);
        if (m?.file && !m.file.url) m.file.received = e.received;
        break;
      }
      case 'file': {
        const key = `in-${e.id}`;
        // Served as opaque bytes and offered only as a download: a blob: URL has this page's
        // origin, so a peer-chosen type such as text/html must never be rendered.
        const url = URL.createObjectURL(new Blob([e.bytes.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' }));
        if (!this.#find(key)) this.messages.push({ key, peer: e.peer, from: 'them', at: e.at });
        const m = this.#find(key)!; // the reactive proxy, not the object pushed
        m.file = { name: e.name, mime: e.mime, size: e.bytes.length, received: e.bytes.length, url };
        this.#remember(m);
        break;
      }
      case 'receipt':
        this.theirReceipt = { valid: e.valid, text: e.text };
        break;
      case 'error':
        this.#fail(e.error);
        break;
    }
  }

  /** One touch: our security key signs this session's transcript; the receipt goes to the peer. */
  async sendReceipt(): Promise<void> {
    const profile = this.identity.profile;
    if (!this.live || !profile) return;
    this.myReceipt = 'signing';
    try {
      const s = await this.ensureStorage();
      await s.conversation.sendReceipt(receiptSigner(profile));
      this.myReceipt = 'sent';
    } catch (e) {
      this.myReceipt = null;
      this.#fail(e);
    }
  }

  /** Reconnect to a contact: the next connection treats a different key as a key change. */
  prepareFor(contactId: string): void {
    const c = this.contacts.list.find((x) => x.contactId === contactId);
    if (!c) throw new Error(`No contact "${contactId}".`);
    this.reset();
    this.target = c;
  }

  /** Shows a contact's conversation in Chat (offline: what is sent waits for the next connection). */
  openConversation(contactId: string): void {
    const c = this.contacts.list.find((x) => x.contactId === contactId);
    if (!c) throw new Error(`No contact "${contactId}".`);
    this.conversation = didKeyFromPublicKey(c.identityPublicKey);
  }

  /** Initiator: make an invitation text. */
  async createOffer(): Promise<void> {
    try {
      const link = this.#newLink();
      this.role = 'initiator';
      this.phase = 'preparing';
      this.remoteSignal = '';
      const text = await link.invite();
      if (link !== this.#link) return;
      this.localSignal = text;
      this.phase = 'offered';
    } catch (e) {
      this.#failAttempt(e);
    }
  }

  /**
   * Responder: take the other side's invitation text and make an answer text.
   * @returns false when the text is not an invitation (`signalError` says why; the text stays)
   */
  async acceptOffer(text: string): Promise<boolean> {
    this.remoteSignal = text;
    try {
      readSignal(text, 'offer');
    } catch (e) {
      this.signalError = (e as Error).message;
      return false;
    }
    try {
      const link = this.#newLink();
      this.remoteSignal = text;
      this.role = 'responder';
      this.phase = 'preparing';
      const answer = await link.answer(text);
      if (link !== this.#link) return true;
      this.localSignal = answer;
      this.phase = 'answered';
      this.#whenOpen(link, 'responder', ANSWER_WAIT_MS);
    } catch (e) {
      this.#failAttempt(e);
    }
    return true;
  }

  /**
   * Initiator: take the answer text.
   * @returns false when the text is not the answer (`signalError` says why; the invitation keeps waiting)
   */
  async acceptAnswer(text: string): Promise<boolean> {
    const link = this.#link;
    this.remoteSignal = text;
    this.signalError = null;
    if (!link || this.phase !== 'offered') {
      this.signalError = 'Create an invitation first.';
      return false;
    }
    try {
      await link.accept(text);
    } catch (e) {
      if (e instanceof SessionError && e.code === 'signaling') {
        this.signalError = e.message;
        return false;
      }
      this.#failAttempt(e);
      return true;
    }
    this.phase = 'connecting';
    this.#whenOpen(link, 'initiator', CONNECT_TIMEOUT_MS);
    return true;
  }

  /** An attempt that could not even start (no address to offer, no relay): it ends, with its cause. */
  #failAttempt(e: unknown): void {
    this.#link?.close();
    this.#link = null;
    this.#ended((e as Error).message ?? String(e), e instanceof LinkError ? e.code : 'failed');
  }

  /**
   * Gives up what is happening: a channel is cancelled (the other side is told), an attempt is
   * dropped; either way back to the start.
   */
  async cancel(): Promise<void> {
    const layer = this.#layer;
    if (layer && layer.phase !== 'idle' && layer.phase !== 'ended') {
      await layer.cancel().catch(() => undefined); // reported by the ended event
      return;
    }
    this.reset();
  }

  async confirm(): Promise<void> {
    this.weConfirmed = true;
    await this.#withConversation((c) => c.confirm());
  }

  async reject(): Promise<void> {
    await this.#withConversation((c) => c.reject());
  }

  async #withConversation(f: (c: Conversation) => Promise<unknown>): Promise<void> {
    try {
      await f((await this.ensureStorage()).conversation);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** True when a message typed now goes out at once; otherwise it waits in the outbox. */
  get live(): boolean {
    return this.phase === 'confirmed' && this.peer?.did === this.conversation;
  }

  /** Sends a text to the conversation's peer: now if connected, else when they are next verified. */
  async send(text: string): Promise<void> {
    const peer = this.conversation;
    if (!text.trim() || !peer) return;
    await this.#withConversation((c) => c.send(peer, text));
  }

  /** Sends a file (up to the protocol's limit); shown at once, with its status as progress. */
  async sendFile(file: File): Promise<void> {
    const peer = this.conversation;
    if (!peer) return;
    if (file.size > MAX_FILE_BYTES) {
      this.#fail(new Error(`"${file.name}" is ${file.size} bytes; files can be at most ${MAX_FILE_BYTES} bytes.`));
      return;
    }
    const mime = file.type || 'application/octet-stream';
    await this.#withConversation(async (c) => c.sendFile(peer, file.name, mime, new Uint8Array(await file.arrayBuffer())));
  }

  /** Turns the encrypted message history on (storing what is on screen now) or off (deleting it). */
  async setKeepHistory(on: boolean): Promise<void> {
    try {
      await setHistoryEnabled(on);
      this.keepHistory = on;
      if (on) for (const m of this.messages) this.#remember(m);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Deletes a contact with its undelivered messages, received ids and history, here and on disk. */
  async forget(contact: Contact): Promise<void> {
    const peers = peersOf(contact);
    if (this.peer && peers.includes(this.peer.did)) this.reset();
    if (this.conversation && peers.includes(this.conversation)) this.conversation = null;
    for (const m of this.messages) if (peers.includes(m.peer) && m.file?.url) URL.revokeObjectURL(m.file.url);
    this.messages = this.messages.filter((m) => !peers.includes(m.peer));
    try {
      await forgetContact(this.contacts, contact);
    } catch (e) {
      this.#fail(e);
    }
  }

  close(): void {
    this.#layer?.close();
    this.#link?.close();
    this.#link = null;
    this.#transport = null;
  }

  /** Back to the start: a new invitation or answer (the contact being reconnected stays chosen). */
  reset(keepTarget = false): void {
    this.close();
    this.phase = 'idle';
    this.role = null;
    this.localSignal = this.remoteSignal = '';
    this.error = this.signalError = null;
    this.cancelReason = this.endCause = null;
    this.sas = null;
    if (!keepTarget) this.target = null;
    this.warning = null;
  }
}
