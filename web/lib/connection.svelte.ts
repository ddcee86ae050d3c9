// One direct connection to one peer: WebRTC data channel with copy-paste compact signaling
// (keyprint/session signaling.ts), then the keyprint session (Session: committed handshake, SAS,
// confirm, encrypted messages and files with delivery status). No server: the offer and answer
// travel as ~100-character texts the users copy between them. ICE: the servers set in Settings.
// What is kept at rest (docs/WEB.md "Storage at rest"): undelivered messages in an encrypted
// IndexedDB outbox, so a reload or a dropped connection loses nothing; history only if opted in.
import {
  MAX_FILE_BYTES, Session, compactFromSdp, dataChannelTransport, decodeSignal, dtlsFingerprintFromSdp, encodeSignal, newMessageId,
  sdpFromCompact, type Contact, type DataChannelLike, type DeliveryStatus, type PeerInfo, type SessionDriverEvent, type Role, type VerificationMethod,
} from 'keyprint/session';
import { didKeyFromPublicKey } from 'keyprint/identity';
import { sasDecimal, sasEmoji, sasWords, type SasEmoji } from 'keyprint/sas';
import type { IdentityState } from './identity.svelte.js';
import type { ContactsState } from './contacts.svelte.js';
import type { SettingsState } from './settings.svelte.js';
import { HistoryStore, historyEnabled, setHistoryEnabled, type HistoryItem } from './history.js';
import { IdbOutbox } from './outbox-idb.js';
import { hex } from './record-codec.js';
import { StorageKey } from './storage-key.js';
import { RECEIPT_MIME, RECEIPT_NAME, checkReceipt, signReceipt } from './receipts.js';
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

/** Why the SAS must be compared again although the name is known. */
export interface KeyChange {
  /** `contact`: reconnecting to this contact, another key answered; `same-name`: a verified contact has this name and another key. */
  reason: 'contact' | 'same-name';
  name: string;
  verifiedAt: number;
  verifiedBy: VerificationMethod;
}

const GATHER_TIMEOUT_MS = 5_000;
const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };

const CANCEL_TEXT: Record<string, string> = {
  'sas-mismatch': 'The codes did not match. The connection was closed: someone may be in the middle.',
  user: 'The connection was cancelled.',
  timeout: 'The other side did not answer in time.',
  closed: 'The connection closed.',
  'dtls-mismatch': 'The connection is not the one the texts described: someone may be in the middle.',
};

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, GATHER_TIMEOUT_MS); // use what was gathered so far
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

const sameName = (a: string, b: string) => a.normalize('NFC').trim().toLowerCase() === b.normalize('NFC').trim().toLowerCase();
const sameKey = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Storage { did: string; outbox: IdbOutbox; history: HistoryStore }

/** The live connection and the conversations; the Connect and Chat screens render it. */
export class ConnectionState {
  phase = $state<ConnectionPhase>('idle');
  role = $state<Role | null>(null);
  /** Our offer or answer, for the user to copy to the other side. */
  localSignal = $state('');
  error = $state<string | null>(null);
  sas = $state.raw<{ emoji: SasEmoji[]; words: string[]; decimal: [number, number, number] } | null>(null);
  peer = $state.raw<{ displayName: string; did: string } | null>(null);
  weConfirmed = $state(false);
  theyConfirmed = $state(false);
  recognized = $state(false);
  keyChanged = $state(false);
  keyChange = $state.raw<KeyChange | null>(null);
  cancelReason = $state<string | null>(null);
  /** Messages of every peer this page knows of (restored from storage when unlocked). */
  messages = $state<ChatMessage[]>([]);
  /** The peer whose conversation the Chat screen shows (the last one confirmed). */
  conversation = $state<string | null>(null);
  /** The contact the user chose to reconnect to (its id becomes the Session's contactId). */
  target = $state.raw<Contact | null>(null);
  keepHistory = $state(historyEnabled());
  /** Our verification receipt for this session: being signed, or sent. */
  myReceipt = $state<'signing' | 'sent' | null>(null);
  /** The peer's receipt for this session, checked. */
  theirReceipt = $state.raw<{ valid: boolean; text: string } | null>(null);

  #pc: RTCPeerConnection | null = null;
  #session: Session | null = null;
  #peerFingerprint: Uint8Array | null = null;
  #storage: Promise<Storage> | null = null;
  /** Bumped on lock: a restore still running for the previous unlock must not add its messages. */
  #unlocks = 0;
  /** Statuses reported before the message they belong to is on screen (send still awaiting). */
  #early = new Map<string, DeliveryStatus>();
  /** The confirmed session's peer and transcript hash (what a receipt signs). */
  #confirmed: { peer: PeerInfo; transcriptHash: Uint8Array } | null = null;
  /** Incoming files that are receipts (by message key): handled, never listed. */
  #receiptKeys = new Set<string>();

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

  /** Display name for a peer did. */
  nameOf(did: string): string {
    return this.contactFor(did)?.displayName ?? (this.peer?.did === did ? this.peer.displayName : did.slice(0, 20) + '…');
  }

  /**
   * The encrypted outbox and history of the unlocked identity; the first call also restores what
   * they hold into `messages`. Needs the identity unlocked.
   */
  ensureStorage(): Promise<Storage> {
    const kp = this.identity.keyPair;
    if (!kp) return Promise.reject(new Error('Unlock your identity first.'));
    if (!this.#storage) {
      const unlock = this.#unlocks;
      const p = (async () => {
        const key = await StorageKey.derive(kp);
        const s: Storage = { did: kp.did, outbox: new IdbOutbox(key), history: new HistoryStore(key) };
        await this.#restore(s, unlock);
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
    this.#early.clear();
  }

  #fail(e: unknown): void {
    this.error = (e as Error).message ?? String(e);
  }

  /** Our compact description; one with no candidate could never connect, so say why instead. */
  #describe(type: 'offer' | 'answer', pc: RTCPeerConnection) {
    const d = compactFromSdp(type, pc.localDescription!.sdp);
    if (d.candidates.length === 0) {
      throw new Error(pc.getConfiguration().iceTransportPolicy === 'relay'
        ? 'No relay address came from the TURN server within 5 s: check its address and credentials in Settings, or turn relay-only off.'
        : 'This device found no network address to offer. Check that it is connected to a network.');
    }
    return d;
  }

  #newPc(): RTCPeerConnection {
    this.close();
    this.error = null;
    this.cancelReason = null;
    this.sas = null;
    this.peer = null;
    this.weConfirmed = this.theyConfirmed = this.recognized = this.keyChanged = false;
    this.keyChange = null;
    this.#confirmed = null;
    this.myReceipt = null;
    this.theirReceipt = null;
    const pc = new RTCPeerConnection(this.settings.rtcConfiguration());
    pc.addEventListener('connectionstatechange', () => {
      if (pc === this.#pc && pc.connectionState === 'failed') this.#fail(new Error('The connection failed: no network path between the two devices. Behind a NAT, add a TURN server in Settings.'));
    });
    this.#pc = pc;
    return pc;
  }

  async #startSession(role: Role, dc: RTCDataChannel): Promise<void> {
    const pc = this.#pc!;
    // The transport first, synchronously: it holds frames that arrive while the outbox (which
    // the session needs to resume) is still being opened.
    const transport = dataChannelTransport(dc as unknown as DataChannelLike);
    const storage = await this.ensureStorage();
    const identity = this.identity.keyPair;
    const profile = this.identity.profile;
    if (pc !== this.#pc) { transport.close(); return; } // replaced while the outbox opened
    if (!identity || !profile || !this.#peerFingerprint) { transport.close(); throw new Error('Unlock your identity first.'); }
    const session = new Session({
      role, identity, bundle: profile.bundleBytes,
      localDtlsFingerprint: dtlsFingerprintFromSdp(pc.localDescription!.sdp),
      expectedPeerDtlsFingerprint: this.#peerFingerprint,
      transport,
      contacts: this.contacts, outbox: storage.outbox,
      // Reconnecting to a chosen contact: a different key answering is a key change, not a stranger.
      ...(this.target ? { contactId: this.target.contactId } : {}),
      // A closed session still reports its own close ('cancelled'): only the current one may
      // change what the screens show; delivery statuses are facts either way.
      onEvent: (e) => { if (this.#session === session || e.type === 'status') this.#onEvent(e); },
      onError: (e) => { if (this.#session === session) this.#fail(e); },
    });
    this.#session = session;
    this.phase = 'connecting';
    await session.start();
  }

  #find(key: string): ChatMessage | undefined {
    return this.messages.find((m) => m.key === key);
  }

  #setStatus(key: string, status: DeliveryStatus): void {
    const m = this.#find(key);
    if (!m) {
      const had = this.#early.get(key);
      if (!had || RANK[status] >= RANK[had]) this.#early.set(key, status);
      return;
    }
    if (m.status && RANK[status] < RANK[m.status]) return; // a late 'sent' never undoes 'delivered'
    m.status = status;
    this.#remember(m);
  }

  /** Adds an outgoing message once its id is known, with any status reported meanwhile. */
  #addOutgoing(m: ChatMessage): void {
    const early = this.#early.get(m.key);
    this.#early.delete(m.key);
    if (early && (!m.status || RANK[early] >= RANK[m.status])) m.status = early;
    if (!this.#find(m.key)) this.messages.push(m);
    this.#remember(m);
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

  #onEvent(e: SessionDriverEvent): void {
    switch (e.type) {
      case 'keyChanged': {
        const c = this.contacts.list.find((x) => x.contactId === e.contactId);
        this.keyChanged = true;
        this.keyChange = { reason: 'contact', name: c?.displayName ?? e.contactId, verifiedAt: c?.verifiedAt ?? 0, verifiedBy: c?.verifiedBy ?? 'sas' };
        break;
      }
      case 'sasShown': {
        this.sas = { emoji: sasEmoji(e.sas), words: sasWords(e.sas, 5), decimal: sasDecimal(e.sas) };
        this.peer = { displayName: e.peer.displayName, did: e.peer.did };
        // The library compares keys per contact id (here the peer's own did:key, which a new key
        // changes too); a new key under the name of a verified contact is the same warning.
        const twin = this.keyChange ? undefined
          : this.contacts.list.find((c) => sameName(c.displayName, e.peer.displayName) && !sameKey(c.identityPublicKey, e.peer.identityPublicKey));
        if (twin) {
          this.keyChanged = true;
          this.keyChange = { reason: 'same-name', name: twin.displayName, verifiedAt: twin.verifiedAt, verifiedBy: twin.verifiedBy ?? 'sas' };
        }
        this.phase = 'sas';
        break;
      }
      case 'peerRecognized':
        this.recognized = true;
        break;
      case 'peerConfirmed':
        this.theyConfirmed = true;
        break;
      case 'confirmed':
        this.peer = { displayName: e.peer.displayName, did: e.peer.did };
        this.conversation = e.peer.did;
        this.target = null;
        this.#confirmed = { peer: e.peer, transcriptHash: e.transcriptHash };
        this.phase = 'confirmed';
        break;
      case 'cancelled':
        this.phase = 'cancelled';
        this.cancelReason = CANCEL_TEXT[e.code] ?? `The connection was cancelled (${e.code}${e.by === 'them' ? ', by the other side' : ''}).`;
        break;
      case 'text': {
        const m: ChatMessage = { key: `in-${hex(e.id)}`, peer: this.peer!.did, from: 'them', text: e.text, at: Date.now() };
        this.messages.push(m);
        this.#remember(m);
        break;
      }
      case 'fileStarted': {
        const key = `in-${hex(e.id)}`;
        if (e.mime === RECEIPT_MIME) { this.#receiptKeys.add(key); break; }
        if (!this.#find(key)) this.messages.push({ key, peer: this.peer!.did, from: 'them', at: Date.now(), file: { name: e.name, mime: e.mime, size: e.size, received: 0 } });
        break;
      }
      case 'fileProgress': {
        const m = this.#find(`in-${hex(e.id)}`);
        if (m?.file && !m.file.url) m.file.received = e.received;
        break;
      }
      case 'file': {
        const key = `in-${hex(e.id)}`;
        if (e.mime === RECEIPT_MIME || this.#receiptKeys.has(key)) { this.#receiptIn(e.bytes); break; }
        // Served as opaque bytes and offered only as a download: a blob: URL has this page's
        // origin, so a peer-chosen type such as text/html must never be rendered.
        const url = URL.createObjectURL(new Blob([e.bytes.slice().buffer as ArrayBuffer], { type: 'application/octet-stream' }));
        if (!this.#find(key)) this.messages.push({ key, peer: this.peer!.did, from: 'them', at: Date.now() });
        const m = this.#find(key)!; // the reactive proxy, not the object pushed
        m.file = { name: e.name, mime: e.mime, size: e.bytes.length, received: e.bytes.length, url };
        this.#remember(m);
        break;
      }
      case 'status':
        this.#setStatus(`out-${hex(e.id)}`, e.status);
        break;
    }
  }

  /** A receipt from the peer: valid for this session → the contact is marked verified by receipt. */
  #receiptIn(bytes: Uint8Array): void {
    const c = this.#confirmed;
    if (!c) return;
    const r = checkReceipt(bytes, c.peer.bundleBytes, c.transcriptHash);
    if (!r.valid) {
      this.theirReceipt = { valid: false, text: `${c.peer.displayName} sent a verification receipt that does not verify (${r.reason}).` };
      return;
    }
    this.theirReceipt = { valid: true, text: `${c.peer.displayName}'s security key signed this verification${r.userVerified ? ' (with PIN or biometric)' : ''}.` };
    const contact = this.contactFor(c.peer.did);
    if (contact && sameKey(contact.identityPublicKey, c.peer.identityPublicKey)) {
      this.contacts.put({ ...contact, verifiedBy: 'receipt', verifiedAt: Date.now() }).catch((e) => this.#fail(e));
    }
  }

  /** One touch: our security key signs this session's transcript; the receipt goes to the peer. */
  async sendReceipt(): Promise<void> {
    const c = this.#confirmed;
    const profile = this.identity.profile;
    if (!c || !this.live || !profile) return;
    this.myReceipt = 'signing';
    try {
      const receipt = await signReceipt(profile, c.transcriptHash);
      if (this.#confirmed !== c || !this.#session) throw new Error('The connection ended before the receipt was sent.');
      await this.#session.sendFile(RECEIPT_NAME, RECEIPT_MIME, receipt);
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

  /** Initiator: make an offer text. */
  async createOffer(): Promise<void> {
    try {
      const pc = this.#newPc();
      this.role = 'initiator';
      this.phase = 'preparing';
      const dc = pc.createDataChannel('keyprint');
      dc.addEventListener('open', () => {
        this.#startSession('initiator', dc).catch((e) => this.#fail(e));
      });
      await pc.setLocalDescription();
      await gathered(pc);
      this.localSignal = encodeSignal(this.#describe('offer', pc));
      this.phase = 'offered';
    } catch (e) {
      this.phase = 'idle';
      this.#fail(e);
    }
  }

  /** Responder: take the other side's offer text and make an answer text. */
  async acceptOffer(text: string): Promise<void> {
    try {
      const offer = decodeSignal(text.trim());
      if (offer.type !== 'offer') throw new Error('That is an answer, not an offer. Paste the text the other side created first.');
      const pc = this.#newPc();
      this.role = 'responder';
      this.phase = 'preparing';
      this.#peerFingerprint = offer.fingerprint;
      pc.addEventListener('datachannel', (ev) => {
        this.#startSession('responder', ev.channel).catch((e) => this.#fail(e));
      });
      await pc.setRemoteDescription(sdpFromCompact(offer));
      await pc.setLocalDescription();
      await gathered(pc);
      this.localSignal = encodeSignal(this.#describe('answer', pc));
      this.phase = 'answered';
    } catch (e) {
      this.phase = 'idle';
      this.#fail(e);
    }
  }

  /** Initiator: take the answer text. */
  async acceptAnswer(text: string): Promise<void> {
    try {
      const answer = decodeSignal(text.trim());
      if (answer.type !== 'answer') throw new Error('That is an offer, not an answer. Paste the text the other side sent back.');
      if (!this.#pc) throw new Error('Create an offer first.');
      this.#peerFingerprint = answer.fingerprint;
      this.error = null;
      this.phase = 'connecting';
      await this.#pc.setRemoteDescription(sdpFromCompact(answer));
    } catch (e) {
      this.#fail(e);
    }
  }

  async confirm(): Promise<void> {
    this.weConfirmed = true;
    await this.#session?.confirm().catch((e) => this.#fail(e));
  }

  async reject(): Promise<void> {
    await this.#session?.cancel('sas-mismatch').catch((e) => this.#fail(e));
  }

  /** True when a message typed now goes out at once; otherwise it waits in the outbox. */
  get live(): boolean {
    return this.phase === 'confirmed' && this.#session !== null && this.peer?.did === this.conversation;
  }

  /**
   * Sends a text to the conversation's peer: now if connected, else queued in the outbox for the
   * next connection with them (which resends it).
   */
  async send(text: string): Promise<void> {
    if (!text.trim() || !this.conversation) return;
    const peer = this.conversation;
    try {
      let id: Uint8Array;
      let status: DeliveryStatus = 'sent';
      if (this.live) {
        id = await this.#session!.sendText(text);
      } else {
        id = await this.#queue(peer, { kind: 'text', text });
        status = 'queued';
      }
      this.#addOutgoing({ key: `out-${hex(id)}`, peer, from: 'me', text, at: Date.now(), status });
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Sends a file (up to the protocol's limit); shown at once, with its status as progress. */
  async sendFile(file: File): Promise<void> {
    if (!this.conversation) return;
    const peer = this.conversation;
    if (file.size > MAX_FILE_BYTES) {
      this.#fail(new Error(`"${file.name}" is ${file.size} bytes; files can be at most ${MAX_FILE_BYTES} bytes.`));
      return;
    }
    const mime = file.type || 'application/octet-stream';
    // Shown while it is encrypted and sent; re-keyed to its message id when that is known.
    const m: ChatMessage = { key: `sending-${hex(newMessageId())}`, peer, from: 'me', at: Date.now(), file: { name: file.name, mime, size: file.size }, status: 'queued' };
    this.messages.push(m);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const live = this.live;
      const id = live ? await this.#session!.sendFile(file.name, mime, bytes) : await this.#queue(peer, { kind: 'file', name: file.name, mime, bytes });
      this.messages = this.messages.filter((x) => x.key !== m.key);
      this.#addOutgoing({ ...m, key: `out-${hex(id)}`, status: live ? 'sent' : 'queued' });
    } catch (e) {
      this.messages = this.messages.filter((x) => x.key !== m.key);
      this.#fail(e);
    }
  }

  async #queue(peer: string, content: { kind: 'text'; text: string } | { kind: 'file'; name: string; mime: string; bytes: Uint8Array }): Promise<Uint8Array> {
    const s = await this.ensureStorage();
    const id = newMessageId();
    await s.outbox.add({ id, peer, content, status: 'queued', createdAt: Date.now() });
    return id;
  }

  /** Turns the encrypted message history on (storing what is on screen now) or off (deleting it). */
  async setKeepHistory(on: boolean): Promise<void> {
    try {
      await setHistoryEnabled(on);
      this.keepHistory = on;
      if (on) for (const m of this.messages) if (!m.key.startsWith('sending-')) this.#remember(m);
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
    this.#session?.close();
    this.#session = null;
    this.#pc?.close();
    this.#pc = null;
    this.#peerFingerprint = null;
  }

  reset(): void {
    this.close();
    this.phase = 'idle';
    this.role = null;
    this.localSignal = '';
    this.error = null;
    this.sas = null;
    this.target = null;
    this.keyChange = null;
    this.keyChanged = false;
  }
}
