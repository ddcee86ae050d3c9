// One direct connection to one peer, for the Connect and Chat screens: the WebRTC data channel with
// copy-paste compact signaling, made by the session layer's PeerLink (keyprint/session peer-link.ts:
// the same texts, deadlines and failure causes as keyprint chat), and the conversation layer
// (keyprint/session Conversation) on top of it, which decides everything a conversation needs —
// who is recognised, which name and warning to show, what is queued and delivered, receipts. This
// class only turns their events into reactive state. No server: the offer and answer travel
// as ~100-character texts the users copy between them. ICE: the servers set in Settings.
// What is kept at rest (docs/WEB.md "Storage at rest"): undelivered messages in an encrypted
// IndexedDB outbox, so a reload or a dropped connection loses nothing; history only if opted in.
// Files (docs/WEB.md "Files") stream through the origin-private file system (files-opfs.ts): a
// file to send is copied there sealed, a file received is written there chunk by chunk and
// offered for download once its SHA-256 matched; both resume after a reload.
import {
  Conversation, LinkError, MemoryFileStore, PeerLink, SessionError, dataChannelTransport, displayText, readSignal, safeFileName,
  type Contact, type ConversationEvent, type DataChannelLike, type DeliveryStatus, type PeerConnectionLike, type PeerView, type Role, type SasCodes,
  type TransferState, type TransferView, type Transport, type TrustWarning,
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
import { OpfsFileStore, opfsAvailable } from './files-opfs.js';

export type ConnectionPhase = 'idle' | 'preparing' | 'offered' | 'answered' | 'connecting' | 'sas' | 'confirmed' | 'cancelled';

export interface ChatFile {
  /** Message id, hex (to accept, decline or cancel it). */
  id: string;
  name: string;
  mime: string;
  size: number;
  /** Where the transfer is (absent: not started on this page yet). */
  state?: TransferState;
  /** Bytes acknowledged (outgoing) or written (incoming). */
  bytes?: number;
  /** Bytes per second, and seconds left, while it runs. */
  rate?: number;
  eta?: number;
  /** Why it ended without the file (the layer's sentence). */
  text?: string;
  /** Incoming, verified: an object URL to download it (a file on disk, not in memory); revoked when the messages are cleared. */
  url?: string;
  /** Incoming, verified: where the file store keeps it (for "Save to disk…"). */
  location?: string;
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

interface Storage { did: string; outbox: IdbOutbox; history: HistoryStore; conversation: Conversation; files: OpfsFileStore | MemoryFileStore }

/** Without the origin-private file system, files are kept in memory: received ones up to this size. */
const MEMORY_FILE_LIMIT = 256 * 1024 * 1024;

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
        const files = (await opfsAvailable()) ? new OpfsFileStore(key) : new MemoryFileStore(MEMORY_FILE_LIMIT);
        if (files instanceof OpfsFileStore) await files.forgetReceived();
        const conversation = new Conversation({
          identity: kp, bundle: profile.bundleBytes, contacts: this.contacts, outbox, files, autoAcceptBytes: this.settings.autoAcceptBytes,
          onEvent: (e) => { if (unlock === this.#unlocks) this.#onEvent(e); },
        });
        const s: Storage = { did: kp.did, outbox, history: new HistoryStore(key), conversation, files };
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
    const byKey = new Map<string, ChatMessage>(history.map((h): [string, ChatMessage] => [h.key, { ...h, file: h.file ? { id: h.key.slice(3), ...h.file } : undefined }]));
    for (const e of pending) {
      const c = e.content;
      if (c.kind === 'receipt') continue;
      const key = `out-${hex(e.id)}`;
      const m = byKey.get(key) ?? {
        key, peer: e.peer, from: 'me' as const, at: e.createdAt,
        ...(c.kind === 'text' ? { text: c.text } : { file: { id: hex(e.id), name: c.name, mime: c.mime, size: c.size } }),
      };
      if (m.file) m.file = { ...m.file, id: hex(e.id), state: 'paused' };
      m.status = e.status;
      byKey.set(key, m);
    }
    // Files partly received before the reload: they resume when their sender reconnects.
    for (const t of await s.conversation.pausedFiles()) {
      const key = `in-${t.id}`;
      byKey.set(key, { ...(byKey.get(key) ?? { key, peer: t.peer, from: 'them' as const, at: Date.now() }), file: this.#fileOf(t) });
    }
    if (unlock !== this.#unlocks) throw new Error('The identity was locked.');
    const known = new Set(this.messages.map((m) => m.key));
    this.messages.push(...[...byKey.values()].filter((m) => !known.has(m.key)));
    this.messages.sort((a, b) => a.at - b.at);
  }

  #clearMessages(): void {
    for (const m of this.messages) if (m.file?.url) URL.revokeObjectURL(m.file.url);
    this.messages = [];
    // The file worker ends with the key; received files offered on this page go with it (done-*).
    this.#storage?.then((s) => (s.files instanceof OpfsFileStore ? s.files.close() : undefined)).catch(() => undefined);
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
    const transport = dataChannelTransport(dc, { maxMessageBytes: link.pc.sctp?.maxMessageSize ?? undefined });
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
          ...(c.kind === 'text' ? { text: c.text } : { file: { id: e.message.id, name: c.name, mime: c.mime, size: c.size } }),
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
      case 'file-offer': {
        const key = `in-${e.id}`;
        const file: ChatFile = { id: e.id, name: e.name, mime: e.mime, size: e.size, state: e.ask ? 'asking' : 'running', bytes: 0 };
        const m = this.#find(key);
        if (m) m.file = file;
        else this.messages.push({ key, peer: e.peer, from: 'them', at: e.at, file });
        break;
      }
      case 'transfer': {
        const t = e.transfer;
        const m = this.#find(`${t.direction === 'out' ? 'out' : 'in'}-${t.id}`);
        if (m?.file && !m.file.url) m.file = { ...m.file, ...this.#fileOf(t), ...(e.text !== undefined ? { text: e.text } : {}) };
        break;
      }
      case 'file': {
        const key = `in-${e.id}`;
        if (!this.#find(key)) this.messages.push({ key, peer: e.peer, from: 'them', at: e.at });
        const m = this.#find(key)!; // the reactive proxy, not the object pushed
        m.file = { id: e.id, name: e.name, mime: e.mime, size: e.size, state: 'done', bytes: e.size, location: e.location };
        this.#remember(m);
        this.#downloadUrl(e.location).then((url) => { if (m.file && url) m.file = { ...m.file, url }; }, (err) => this.#fail(err));
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

  #fileOf(t: TransferView): ChatFile {
    return {
      id: t.id, name: t.name, mime: t.mime, size: t.size, state: t.state, bytes: t.bytes, rate: t.rate,
      ...(t.eta !== undefined ? { eta: t.eta } : {}),
    };
  }

  /**
   * A download link for a received file. Served as opaque bytes and offered only as a download: a
   * blob: URL has this page's origin, so a peer-chosen type such as text/html must never be
   * rendered. The Blob wraps the file on disk (OPFS): no copy in memory.
   */
  async #downloadUrl(location: string): Promise<string | undefined> {
    const s = await this.ensureStorage();
    const file = s.files instanceof OpfsFileStore ? await s.files.file(location) : s.files.received(location);
    if (!file) return undefined;
    return URL.createObjectURL(new Blob([file as BlobPart], { type: 'application/octet-stream' }));
  }

  /**
   * "Save to disk…" where the browser offers the File System Access API: the verified file is
   * streamed from this browser's storage into the file the user picks.
   */
  async saveToDisk(file: ChatFile): Promise<void> {
    const picker = (globalThis as unknown as { showSaveFilePicker?: (o: { suggestedName: string }) => Promise<FileSystemFileHandle> }).showSaveFilePicker;
    if (!picker || !file.location) return;
    try {
      const s = await this.ensureStorage();
      if (!(s.files instanceof OpfsFileStore)) return;
      const target = await picker({ suggestedName: safeFileName(file.name) });
      const writable = await (target as unknown as { createWritable(): Promise<WritableStream> }).createWritable();
      await (await s.files.file(file.location)).stream().pipeTo(writable);
    } catch (e) {
      if ((e as DOMException).name !== 'AbortError') this.#fail(e);
    }
  }

  /** The user accepts a file offered (nothing of it was written before). */
  async acceptFile(id: string): Promise<void> {
    await this.#withConversation(async (c) => c.acceptFile(id));
  }

  /** The user declines a file offered. */
  async declineFile(id: string): Promise<void> {
    await this.#withConversation(async (c) => c.declineFile(id));
  }

  /** Cancels a transfer, either direction (a part received is deleted). */
  async cancelFile(id: string): Promise<void> {
    await this.#withConversation((c) => c.cancelFile(id));
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

  /** Files being copied into this browser's storage before they are offered (shown as "preparing"). */
  preparing = $state<Array<{ key: string; peer: string; name: string; size: number; bytes: number }>>([]);

  /**
   * Sends a file of any size: copied into this browser's storage (sealed, so it survives a reload
   * until delivered), then offered; its progress follows.
   */
  async sendFile(file: File): Promise<void> {
    const peer = this.conversation;
    if (!peer) return;
    const key = `prep-${Math.random().toString(36).slice(2)}`;
    this.preparing.push({ key, peer, name: file.name, size: file.size, bytes: 0 });
    const entry = this.preparing.find((p) => p.key === key)!;
    try {
      const s = await this.ensureStorage();
      const prepared = s.files instanceof OpfsFileStore
        ? await s.files.prepare(file, peer, (bytes) => { entry.bytes = bytes; })
        : { name: file.name, mime: file.type || 'application/octet-stream', size: file.size, ref: s.files.add(new Uint8Array(await file.arrayBuffer())) };
      await s.conversation.sendFile(peer, prepared);
    } catch (e) {
      this.#fail(e);
    } finally {
      this.preparing = this.preparing.filter((p) => p.key !== key);
    }
  }

  /** Incoming files up to this size are accepted without asking (Settings). */
  setAutoAccept(bytes: number): void {
    this.settings.setAutoAcceptBytes(bytes);
    if (this.#layer) this.#layer.autoAcceptBytes = this.settings.autoAcceptBytes;
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
