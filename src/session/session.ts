// A running session: the pure SessionMachine driven over a Transport, with a clock, a contacts
// store (key continuity) and an outbox (nothing lost: acknowledged delivery, re-sent after a
// reconnect). docs/PROTOCOL.md "Session protocol", "Contacts and outbox". This is the only layer
// with timers; it owns no crypto.

import { equalBytes } from './_bytes.js';
import { MemoryContactStore, MemoryOutbox, type ContactStore, type DeliveryStatus, type Outbox, type OutboxEntry, type VerificationMethod } from './contacts.js';
import { SessionError, type CancelCode } from './errors.js';
import { newMessageId, SessionMachine, type PeerInfo, type SessionEvent, type SessionMachineOptions, type Step } from './machine.js';
import type { Transport } from './transport.js';

/** Events a Session reports: the machine's, plus key continuity and delivery status. */
export type SessionDriverEvent =
  | SessionEvent
  /** A known contact presented a different identity key: it is not verified any more; compare the SAS. */
  | { type: 'keyChanged'; contactId: string; previous: Uint8Array; current: Uint8Array }
  /**
   * The peer's key is the one verified before for this contact; confirmed without a new SAS
   * comparison. `sas` is there for a peer that does not remember us and asks to compare.
   */
  | { type: 'peerRecognized'; contactId: string; verifiedAt: number; verifiedBy: VerificationMethod; sas: Uint8Array }
  | { type: 'status'; id: Uint8Array; status: DeliveryStatus };

export interface SessionOptions extends Omit<SessionMachineOptions, 'now'> {
  transport: Transport;
  /** Whom the application believes it is talking to; default: the peer's did:key. */
  contactId?: string;
  contacts?: ContactStore;
  outbox?: Outbox;
  /** Default `Date.now`. */
  clock?: () => number;
  /** How often deadlines are checked, ms (default 1000). */
  tickMs?: number;
  /**
   * Skip the SAS when the peer presents exactly the key verified before for `contactId`
   * (its signature over the transcript authenticates it). Default true.
   */
  trustVerifiedContacts?: boolean;
  /** Outbox entries older than this are marked failed, ms (default 7 days). */
  maxMessageAgeMs?: number;
  onEvent?: (event: SessionDriverEvent) => void;
  /** Called when a store or an event handler throws (the session is then cancelled with `closed`). */
  onError?: (error: unknown) => void;
}

/**
 * One session over one transport.
 * @example
 * const s = new Session({ role: 'initiator', identity, bundle, localDtlsFingerprint, expectedPeerDtlsFingerprint, transport, onEvent })
 * await s.start()            // later: s.confirm() when the user says the SAS match
 */
export class Session {
  readonly machine: SessionMachine;
  readonly contacts: ContactStore;
  readonly outbox: Outbox;
  readonly #o: SessionOptions;
  readonly #clock: () => number;
  #timer?: ReturnType<typeof setInterval>;
  #chain: Promise<void> = Promise.resolve();
  #peer?: PeerInfo;
  #sasCompared = false;

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.contacts = options.contacts ?? new MemoryContactStore();
    this.outbox = options.outbox ?? new MemoryOutbox();
    this.machine = new SessionMachine({ ...options, now: this.#clock() });
  }

  /** Attaches to the transport, starts the deadline timer and the handshake. */
  async start(): Promise<void> {
    const t = this.#o.transport;
    t.onmessage = (frame) => { this.#step(this.machine.receive(frame, this.#clock())).catch((e) => this.#o.onError?.(e)); };
    t.onclose = () => { this.#step(this.machine.cancel('closed', this.#clock()), false).catch((e) => this.#o.onError?.(e)); };
    this.#timer = setInterval(() => { this.#tick().catch((e) => this.#o.onError?.(e)); }, this.#o.tickMs ?? 1000);
    (this.#timer as { unref?: () => void }).unref?.();
    await this.#step(this.machine.start(this.#clock()));
  }

  /** The user says the SAS match. */
  async confirm(): Promise<void> {
    this.#sasCompared = true;
    await this.#step(this.machine.confirm(this.#clock()));
  }

  /** Cancels (e.g. `sas-mismatch` when the user says the SAS differ). */
  async cancel(code: CancelCode = 'user'): Promise<void> {
    await this.#step(this.machine.cancel(code, this.#clock()));
  }

  /**
   * Sends a text message (kept in the outbox until acknowledged).
   * @returns the message id
   * @throws SessionError `invalid-state` before Confirmed, `invalid-value` for a bad argument
   */
  async sendText(text: string): Promise<Uint8Array> {
    return this.#sendNew({ kind: 'text', text });
  }

  /**
   * Sends a file (chunked; the receiver reports progress). Kept in the outbox until acknowledged.
   * @returns the message id
   */
  async sendFile(name: string, mime: string, bytes: Uint8Array): Promise<Uint8Array> {
    return this.#sendNew({ kind: 'file', name, mime, bytes });
  }

  /** Stops the timer and closes the transport. */
  close(): void {
    this.#stop();
    this.#o.transport.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  async #sendNew(content: OutboxEntry['content']): Promise<Uint8Array> {
    const s = this.machine.state;
    if (s.kind !== 'Confirmed') throw new SessionError('invalid-state', `sending expected state Confirmed, got ${s.kind}`);
    const entry: OutboxEntry = { id: newMessageId(), peer: s.peer.did, content, status: 'queued', createdAt: this.#clock() };
    const step = this.#encrypt(entry); // validates arguments before anything is stored
    await this.outbox.add(entry);
    this.#emit({ type: 'status', id: entry.id, status: 'queued' });
    await this.#step(step);
    await this.#markSent(entry);
    return entry.id;
  }

  #encrypt(e: OutboxEntry): Promise<Step> {
    const now = this.#clock();
    return e.content.kind === 'text'
      ? this.machine.sendText(e.id, e.content.text, now)
      : this.machine.sendFile(e.id, e.content.name, e.content.mime, e.content.bytes, now);
  }

  async #markSent(e: OutboxEntry): Promise<void> {
    if (this.machine.state.kind !== 'Confirmed') return;
    const updated = await this.outbox.setStatus(e.id, 'sent');
    if (updated && e.status !== 'sent') this.#emit({ type: 'status', id: e.id, status: 'sent' });
  }

  async #tick(): Promise<void> {
    await this.#step(this.machine.tick(this.#clock()));
    const age = this.#o.maxMessageAgeMs ?? 7 * 24 * 3600_000;
    for (const e of await this.outbox.olderThan(this.#clock() - age)) {
      await this.outbox.setStatus(e.id, 'failed');
      this.#emit({ type: 'status', id: e.id, status: 'failed' });
    }
  }

  /**
   * Sends a transition's frames as soon as it resolves. The `then` is attached when the transition
   * is requested, and the machine resolves transitions in order, so frames leave in machine order.
   */
  #transition(pending: Promise<Step>, sendFrames = true): Promise<Step> {
    return pending.then((step) => {
      if (sendFrames) for (const frame of step.send) this.#o.transport.send(frame);
      return step;
    });
  }

  /** A transition whose events are handled after those of every earlier one. */
  #step(pending: Promise<Step>, sendFrames = true): Promise<void> {
    return this.#transition(pending, sendFrames).then((step) => {
      this.#chain = this.#chain.then(() => this.#handle(step.events)).catch((e) => this.#fail(e));
      return this.#chain;
    });
  }

  #fail(e: unknown): void {
    // Store or handler failures must not leave the peer waiting silently.
    this.#step(this.machine.cancel('closed', this.#clock())).catch(() => undefined);
    this.#o.onError?.(e);
  }

  async #handle(events: SessionEvent[]): Promise<void> {
    for (const e of events) {
      switch (e.type) {
        case 'sasShown': {
          this.#peer = e.peer;
          const contactId = this.#o.contactId ?? e.peer.did;
          const known = await this.contacts.get(contactId);
          if (known && !equalBytes(known.identityPublicKey, e.peer.identityPublicKey)) {
            // Not verified any more: say so loudly and require a fresh SAS comparison.
            this.#emit({ type: 'keyChanged', contactId, previous: known.identityPublicKey, current: e.peer.identityPublicKey });
            this.#emit(e);
          } else if (known && this.#o.trustVerifiedContacts !== false) {
            this.#emit({ type: 'peerRecognized', contactId, verifiedAt: known.verifiedAt, verifiedBy: known.verifiedBy ?? 'sas', sas: e.sas });
            // Not awaited: its events queue behind this handler. It can only fail if the session was
            // cancelled meanwhile, which the cancelled event already reports.
            this.#step(this.machine.confirm(this.#clock())).catch(() => undefined);
          } else {
            this.#emit(e);
          }
          break;
        }
        case 'confirmed': {
          const contactId = this.#o.contactId ?? e.peer.did;
          if (this.#sasCompared) {
            await this.contacts.put({ contactId, identityPublicKey: e.peer.identityPublicKey, displayName: e.peer.displayName, verifiedAt: this.#clock(), verifiedBy: 'sas' });
          }
          this.#emit(e);
          // Resume: re-send everything this peer has not acknowledged, oldest first.
          for (const entry of await this.outbox.pending(e.peer.did)) {
            if (this.machine.state.kind !== 'Confirmed') break;
            const step = await this.#transition(this.#encrypt(entry));
            await this.#handle(step.events);
            await this.#markSent(entry);
          }
          break;
        }
        case 'text':
        case 'file':
          if (await this.outbox.markSeen(this.#peer!.did, e.id)) this.#emit(e);
          break;
        case 'acked': {
          const updated = await this.outbox.setStatus(e.id, 'delivered');
          if (updated) this.#emit({ type: 'status', id: e.id, status: 'delivered' });
          break;
        }
        case 'cancelled':
          this.#stop();
          this.#emit(e);
          break;
        default:
          this.#emit(e);
      }
    }
  }

  #emit(e: SessionDriverEvent): void {
    this.#o.onEvent?.(e);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
