// The state of one `keyprint chat` run: connection attempts (ChatPeer), the keyprint Session on
// each open data channel, and the user's commands. Reports everything as ChatEvent objects — the
// `--json` lines verbatim, or rendered as text (chat.ts). The contacts and the outbox are the
// stores it is given (chat.ts: HOME/contacts.json and HOME/outbox/, so they outlive the process):
// a peer verified before is recognised without a new SAS comparison, a newcomer using a stored
// contact's name with another key is flagged, and a message typed while the peer is away is queued
// and delivered after a reconnect with the same identity (docs/PROTOCOL.md "Contacts and outbox").

import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { KeyprintError } from '../errors.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { sasDecimal, sasEmoji, sasWords } from '../sas/index.js';
import {
  dataChannelTransport, MAX_FILE_BYTES, MemoryContactStore, MemoryOutbox, newMessageId, Session,
  type Contact, type ContactStore, type IceConfig, type Outbox, type SessionDriverEvent, type VerificationMethod,
} from '../session/index.js';
import { ChatError, ChatPeer, parseSignal } from './_chat-peer.js';
import { saveReceivedFile } from './_chat-files.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The three renderings the web app offers (web/lib/connection.svelte.ts): emoji, 5 words, 3 numbers. */
const sasCodes = (sas: Uint8Array) => ({
  emoji: sasEmoji(sas).map(({ emoji, name }) => ({ emoji, name })), words: sasWords(sas, 5), numbers: sasDecimal(sas),
});

/** What `keyprint chat` reports; with `--json`, one object per stdout line. */
export type ChatEvent =
  | { type: 'ready'; name: string; did: string }
  | { type: 'signal'; kind: 'offer' | 'answer'; text: string }
  | { type: 'connected' }
  | { type: 'sas'; emoji: Array<{ emoji: string; name: string }>; words: string[]; numbers: [number, number, number]; peer: { name: string; did: string } }
  /** Verified before (`verifiedBy`, `verifiedAt` ISO 8601): confirmed without comparing; the codes are there for a peer that asks to compare. */
  | { type: 'recognized'; peer: { name: string; did: string }; verifiedBy: VerificationMethod; verifiedAt: string; emoji: Array<{ emoji: string; name: string }>; words: string[]; numbers: [number, number, number] }
  /**
   * The peer presents another identity key than the contact verified under its name (`previous`):
   * maybe a new security key, maybe someone else. The SAS comparison is required.
   */
  | { type: 'key-changed'; peer: { name: string; did: string }; previous?: { name: string; did: string; verifiedBy: VerificationMethod; verifiedAt: string } }
  /** At start: messages still waiting in the outbox from an earlier run. */
  | { type: 'outbox'; pending: number; peers: string[] }
  | { type: 'peer-confirmed' }
  | { type: 'confirmed'; peer: { name: string; did: string } }
  | { type: 'message'; id: string; text: string }
  | { type: 'sending'; id: string; text: string }
  /** `offline`: queued while not connected, sent when the same peer is back. */
  | { type: 'status'; id: string; status: 'queued' | 'sent' | 'delivered' | 'failed'; offline?: true }
  | { type: 'file'; id: string; name: string; size: number; path: string }
  | { type: 'cancelled'; code: string; by: 'us' | 'them' }
  | { type: 'error'; code: string; message: string }
  | { type: 'bye' };

const previousOf = (c: Contact) => ({ name: c.displayName, did: c.contactId, verifiedBy: c.verifiedBy ?? 'sas', verifiedAt: new Date(c.verifiedAt).toISOString() });

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
  /** Where verified contacts are kept (default: memory); `findByName` enables the name-reuse warning. */
  contacts?: ContactStore & { findByName?(displayName: string): Promise<Contact[]> };
  /** Where unacknowledged messages wait (default: memory); `scan` reports what an earlier run left. */
  outbox?: Outbox & { scan?(): Promise<{ entries: Array<{ peer: string }>; damaged: Error[] }> };
  emit: (e: ChatEvent) => void;
}

export class ChatController {
  phase: ChatPhase = 'idle';
  readonly #o: ChatOptions;
  readonly #outbox: NonNullable<ChatOptions['outbox']>;
  readonly #contacts: NonNullable<ChatOptions['contacts']>;
  /** Session events are handled one at a time, in order (some need a store lookup first). */
  #events: Promise<void> = Promise.resolve();
  #peer: ChatPeer | null = null;
  #session: Session | null = null;
  #inviteTimer?: NodeJS.Timeout;
  /** The last verified peer: messages typed while it is away wait in the outbox for it. */
  #lastPeer: string | null = null;
  /** Text of the message being handed to the session (its "queued" status names the id). */
  #sending: string | null = null;
  /** Bumped for each attempt, so a stale attempt's late callbacks change nothing. */
  #attempt = 0;
  #sasAnswered = false;

  /** The SAS is shown and this side has not answered yet (the next line is the y/N answer). */
  get awaitingSasAnswer(): boolean {
    return this.phase === 'sas' && !this.#sasAnswered;
  }

  constructor(options: ChatOptions) {
    this.#o = options;
    this.#outbox = options.outbox ?? new MemoryOutbox();
    this.#contacts = options.contacts ?? new MemoryContactStore();
  }

  /**
   * Reports what an earlier run left in the outbox: pending messages (sent when their peer
   * reconnects) and files that cannot be used (each one an error event; they stay on disk).
   */
  async start(): Promise<void> {
    if (!this.#outbox.scan) return;
    try {
      const { entries, damaged } = await this.#outbox.scan();
      for (const d of damaged) this.#error(d);
      if (entries.length > 0) {
        const peers = [...new Set(entries.map((e) => e.peer))];
        this.#lastPeer = entries[entries.length - 1].peer;
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
   * Ends the current attempt or session and returns to idle (the outbox stays).
   * @param lingerMs keep the connection this long first, so a cancel frame just sent still leaves
   *   (closing the data channel at once can overtake it)
   */
  #drop(lingerMs = 0): void {
    this.#attempt++;
    clearTimeout(this.#inviteTimer);
    const session = this.#session, peer = this.#peer;
    this.#session = null;
    this.#peer = null;
    this.phase = 'idle';
    const close = () => { session?.close(); peer?.close(); };
    if (lingerMs > 0 && (session || peer)) setTimeout(close, lingerMs).unref();
    else close();
  }

  #newPeer(): ChatPeer {
    this.#drop();
    const peer = new ChatPeer({ ice: this.#o.ice, bindAddress: this.#o.bindAddress, gatherTimeoutMs: this.#o.gatherMs });
    const attempt = this.#attempt;
    peer.onfailed = (e) => {
      if (attempt !== this.#attempt) return;
      // A session notices the closed channel itself; before one exists, say why here.
      if (!this.#session) { this.#error(e); this.#drop(); } else this.#session.cancel('closed').catch(() => undefined);
    };
    this.#peer = peer;
    return peer;
  }

  /** `/invite`: a new offer text; the answer must come within `inviteMs`. */
  async invite(): Promise<void> {
    if (this.phase !== 'idle' && this.phase !== 'inviting') return this.#error(new ChatError('busy', `already ${this.phase === 'confirmed' ? 'in a chat' : 'connecting'}: /quit first, or wait`));
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
    try {
      if (this.phase === 'inviting') {
        const answer = parseSignal(text, 'answer');
        clearTimeout(this.#inviteTimer);
        this.phase = 'connecting';
        await this.#peer!.accept(answer);
        await this.#connect('initiator');
        return;
      }
      if (this.phase !== 'idle') throw new ChatError('busy', `already ${this.phase === 'confirmed' ? 'in a chat' : 'connecting'}: /quit first, or wait`);
      const offer = parseSignal(text, 'offer');
      const peer = this.#newPeer();
      const attempt = this.#attempt;
      this.phase = 'connecting';
      const answer = await peer.answer(offer);
      if (attempt !== this.#attempt) return;
      this.#o.emit({ type: 'signal', kind: 'answer', text: answer });
      await this.#connect('responder');
    } catch (e) {
      // A bad text pasted for our invite leaves the invite waiting; anything else ends the attempt.
      if (!(e instanceof ChatError && e.code === 'signal' && this.phase === 'inviting')) this.#drop();
      this.#error(e);
    }
  }

  async #connect(role: 'initiator' | 'responder'): Promise<void> {
    const peer = this.#peer!;
    const attempt = this.#attempt;
    const dc = await peer.waitChannel(this.#o.connectMs);
    if (attempt !== this.#attempt) return;
    this.#o.emit({ type: 'connected' });
    const session = new Session({
      role, identity: this.#o.identity, bundle: this.#o.bundle,
      localDtlsFingerprint: peer.localFingerprint(), expectedPeerDtlsFingerprint: peer.peerFingerprint!,
      transport: dataChannelTransport(dc), contacts: this.#contacts, outbox: this.#outbox,
      timeouts: { handshakeMs: this.#o.connectMs },
      onEvent: (e) => {
        if (attempt !== this.#attempt) return;
        // The text being sent belongs to this "queued" status: taken now, before later lines run.
        let sending: string | null = null;
        if (e.type === 'status' && e.status === 'queued') { sending = this.#sending; this.#sending = null; }
        this.#events = this.#events.then(() => (attempt === this.#attempt ? this.#onEvent(e, sending) : undefined)).catch((err) => this.#error(err));
      },
      onError: (e) => { if (attempt === this.#attempt) this.#error(e); },
    });
    this.#session = session;
    await session.start();
  }

  async #onEvent(e: SessionDriverEvent, sending: string | null): Promise<void> {
    const emit = this.#o.emit;
    switch (e.type) {
      case 'sasShown': {
        // A newcomer (unknown did:key) using the name of a contact verified with another key.
        // A store that cannot be read is reported; the SAS is still shown (the comparison is the check).
        const namesakes = await this.#contacts.findByName?.(e.peer.displayName).catch((err) => { this.#error(err); return []; });
        const namesake = namesakes?.filter((c) => c.contactId !== e.peer.did).sort((a, b) => b.verifiedAt - a.verifiedAt)[0];
        if (namesake) emit({ type: 'key-changed', peer: { name: e.peer.displayName, did: e.peer.did }, previous: previousOf(namesake) });
        this.phase = 'sas';
        this.#sasAnswered = false;
        emit({ type: 'sas', ...sasCodes(e.sas), peer: { name: e.peer.displayName, did: e.peer.did } });
        break;
      }
      case 'peerRecognized': {
        const s = this.#session?.machine.state;
        const p = s && 'peer' in s ? s.peer : undefined;
        emit({
          type: 'recognized', peer: { name: p?.displayName ?? '', did: p?.did ?? e.contactId },
          verifiedBy: e.verifiedBy, verifiedAt: new Date(e.verifiedAt).toISOString(), ...sasCodes(e.sas),
        });
        break;
      }
      case 'keyChanged': {
        // The same contact id with another key (not reachable while ids are did:keys; kept for other stores).
        const s = this.#session?.machine.state;
        const p = s && 'peer' in s ? s.peer : undefined;
        const known = await this.#contacts.get(e.contactId);
        emit({ type: 'key-changed', peer: { name: p?.displayName ?? '', did: p?.did ?? e.contactId }, ...(known ? { previous: previousOf(known) } : {}) });
        break;
      }
      case 'peerConfirmed':
        emit({ type: 'peer-confirmed' });
        break;
      case 'confirmed':
        this.phase = 'confirmed';
        this.#lastPeer = e.peer.did;
        emit({ type: 'confirmed', peer: { name: e.peer.displayName, did: e.peer.did } });
        break;
      case 'text':
        emit({ type: 'message', id: hex(e.id), text: e.text });
        break;
      case 'file': {
        const id = hex(e.id);
        saveReceivedFile(this.#o.filesDir, e.name, e.bytes).then(
          (path) => emit({ type: 'file', id, name: e.name, size: e.bytes.length, path }),
          (err) => this.#error(err),
        );
        break;
      }
      case 'status':
        if (e.status === 'queued' && sending !== null) emit({ type: 'sending', id: hex(e.id), text: sending });
        emit({ type: 'status', id: hex(e.id), status: e.status });
        break;
      case 'cancelled':
        emit({ type: 'cancelled', code: e.code, by: e.by });
        this.#drop(e.by === 'us' ? 1_000 : 0);
        break;
      default:
        break; // fileStarted, fileProgress, acked (reported as status)
    }
  }

  /** `/verify`: the user says the SAS match. */
  async verify(): Promise<void> {
    if (this.phase !== 'sas' || !this.#session) return this.#error(new ChatError('no-sas', 'there is no code to compare yet'));
    this.#sasAnswered = true;
    await this.#session.confirm().catch((e) => this.#error(e));
  }

  /** `/reject`: the SAS differ — cancels on both sides (sas-mismatch). */
  async reject(): Promise<void> {
    if (this.phase !== 'sas' || !this.#session) return this.#error(new ChatError('no-sas', 'there is no code to compare yet'));
    await this.#session.cancel('sas-mismatch').catch((e) => this.#error(e));
  }

  /** A text message: sent now when verified, else queued for the last verified peer. */
  async send(text: string): Promise<void> {
    try {
      if (this.phase === 'confirmed' && this.#session) {
        this.#sending = text;
        await this.#session.sendText(text);
      } else {
        await this.#queue({ kind: 'text', text });
      }
    } catch (e) {
      this.#error(e);
    } finally {
      this.#sending = null;
    }
  }

  /** `/file PATH`. */
  async sendFile(path: string): Promise<void> {
    try {
      let bytes: Uint8Array;
      try {
        const s = await stat(path);
        if (!s.isFile()) throw new ChatError('file', `"${path}" expected a regular file`);
        if (s.size > MAX_FILE_BYTES) throw new ChatError('file', `"${path}" expected at most ${MAX_FILE_BYTES} bytes, got ${s.size}`);
        bytes = new Uint8Array(await readFile(path));
      } catch (e) {
        if (e instanceof ChatError) throw e;
        throw new ChatError('file', `cannot read "${path}": ${(e as Error).message}`);
      }
      const content = { kind: 'file' as const, name: basename(path), mime: 'application/octet-stream', bytes };
      if (this.phase === 'confirmed' && this.#session) {
        this.#sending = `[file] ${content.name}`;
        await this.#session.sendFile(content.name, content.mime, bytes);
      } else {
        await this.#queue(content);
      }
    } catch (e) {
      this.#error(e);
    } finally {
      this.#sending = null;
    }
  }

  async #queue(content: { kind: 'text'; text: string } | { kind: 'file'; name: string; mime: string; bytes: Uint8Array }): Promise<void> {
    if (!this.#lastPeer) throw new ChatError('not-connected', 'not connected: type /invite, or paste an invite, first');
    const id = newMessageId();
    await this.#outbox.add({ id, peer: this.#lastPeer, content, status: 'queued', createdAt: Date.now() });
    this.#o.emit({ type: 'sending', id: hex(id), text: content.kind === 'text' ? content.text : `[file] ${content.name}` });
    this.#o.emit({ type: 'status', id: hex(id), status: 'queued', offline: true });
  }

  /** `/cancel`: gives up the current invite, connection or chat, and stays (the outbox stays too). */
  async cancel(): Promise<void> {
    if (this.phase === 'idle') return this.#error(new ChatError('not-connected', 'nothing to cancel'));
    if (this.#session && this.#session.machine.state.kind !== 'Cancelled') {
      await this.#session.cancel('user').catch((e) => this.#error(e)); // reported by the cancelled event
      return;
    }
    this.#drop();
    this.#o.emit({ type: 'cancelled', code: 'user', by: 'us' });
  }

  /** `/quit`: closes everything (the peer sees the channel close). */
  quit(): void {
    this.#drop();
    this.#o.emit({ type: 'bye' });
  }
}
