// A running session: the pure SessionMachine driven over a Transport, with a clock and an outbox
// (nothing lost: acknowledged delivery, re-sent after a reconnect). docs/PROTOCOL.md "Session
// protocol", "Delivery and outbox". This is the only layer with timers; it owns no crypto and makes
// no trust decision (who is recognised, which name to show: conversation.ts).
//
// Ordering (docs/PROTOCOL.md "Delivery"): every data frame carries the next sequence number of its
// chain and the receiver cancels on any gap, so frames must reach the transport in the order the
// machine sealed them. Each transition's frames are therefore handed to the transport in a `then`
// attached when the transition is requested — never after an await — and outgoing messages are
// sealed in the order they were typed, each once its outbox record is stored. Files are offered in
// that order too; their chunks are sealed by the transfers (transfer.ts) through the same machine,
// in between, under flow control.

import { toHex } from './_bytes.js';
import { MemoryOutbox, type DeliveryStatus, type Outbox, type OutboxEntry } from './contacts.js';
import { SessionError, type CancelCode } from './errors.js';
import { MemoryFileStore, type FileContent, type FileStore } from './file-store.js';
import { checkFileArguments, checkTextArgument, newMessageId, SessionMachine, type PeerInfo, type SessionEvent, type SessionMachineOptions, type Step } from './machine.js';
import { Transfers, type IncomingOffer, type TransferEvent } from './transfer.js';
import type { Transport } from './transport.js';

/** Events a Session reports: the machine's (acks become `status`), delivery status, and file transfers. */
export type SessionDriverEvent =
  | Exclude<SessionEvent, { type: 'acked' } | { type: 'transfer' }>
  | { type: 'status'; id: Uint8Array; status: DeliveryStatus }
  | TransferEvent;

export interface SessionOptions extends Omit<SessionMachineOptions, 'now'> {
  transport: Transport;
  outbox?: Outbox;
  /** Default `Date.now`. */
  clock?: () => number;
  /** How often deadlines are checked, ms (default 1000). */
  tickMs?: number;
  /** Outbox entries older than this are marked failed, ms (default 7 days). */
  maxMessageAgeMs?: number;
  onEvent?: (event: SessionDriverEvent) => void;
  /** Called when a store or an event handler throws (the session is then cancelled with `closed`). */
  onError?: (error: unknown) => void;
  /** Where files are read and written (default: memory). */
  files?: FileStore;
  /** Accept an incoming offer at once, or ask the user (default: ask). */
  decideOffer?: (offer: IncomingOffer) => 'accept' | 'ask';
}

interface Outgoing { entry: OutboxEntry; stored: Promise<unknown> }

/**
 * One session over one transport.
 * @example
 * const s = new Session({ role: 'initiator', identity, bundle, localDtlsFingerprint, expectedPeerDtlsFingerprint, transport, onEvent })
 * await s.start()            // later: s.confirm() when the user says the SAS match
 */
export class Session {
  readonly machine: SessionMachine;
  readonly outbox: Outbox;
  readonly #o: SessionOptions;
  readonly #clock: () => number;
  #timer?: ReturnType<typeof setInterval>;
  /** Event handling, in machine order (store writes start at once; events wait for their own). */
  #chain: Promise<void> = Promise.resolve();
  #peer?: PeerInfo;
  /** Messages to seal, oldest first; sealing starts once confirmed and the backlog is merged. */
  #outgoing: Outgoing[] = [];
  /** Ids sealed in this session (a message is sent at most once per session). */
  #sealed = new Set<string>();
  #sending = false;
  #pumping = false;
  #lastCreatedAt = 0;
  readonly #transfers: Transfers;

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.outbox = options.outbox ?? new MemoryOutbox();
    this.machine = new SessionMachine({ ...options, now: this.#clock() });
    const session = this;
    this.#transfers = new Transfers({
      get peer() { return session.#peer!.did; },
      files: options.files ?? new MemoryFileStore(),
      transport: options.transport,
      clock: this.#clock,
      seal: (payloads) => this.#transition(this.machine.sendFilePayloads(payloads, this.#clock())).then(() => undefined, (e) => {
        // Requested before the end, reached after it (a write finishing as the user cancels, its
        // ack queued behind the cancel): nothing is sent after a cancel, and the record resumes
        // the file next time, so a late seal is no error.
        if (e instanceof SessionError && e.code === 'invalid-state' && this.machine.state.kind === 'Cancelled') return;
        throw e;
      }),
      violation: (code, message) => { this.#step(this.machine.cancel(code, this.#clock())).catch(() => undefined); this.#o.onError?.(new SessionError(code, message)); },
      decide: (offer) => options.decideOffer?.(offer) ?? 'ask',
      failed: (id) => { this.outbox.setStatus(id, 'failed').then((e) => { if (e) this.#emit({ type: 'status', id, status: 'failed' }); }, (err) => this.#o.onError?.(err)); },
      emit: (e) => this.#later(e),
      error: (e) => this.#o.onError?.(e),
    });
  }

  /** The peer, once its hello is checked (from the SAS on). */
  get peer(): PeerInfo | undefined {
    return this.#peer;
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
    await this.#step(this.machine.confirm(this.#clock()));
  }

  /** Cancels (e.g. `sas-mismatch` when the user says the SAS differ). */
  async cancel(code: CancelCode = 'user'): Promise<void> {
    await this.#step(this.machine.cancel(code, this.#clock()));
  }

  /**
   * Sends a text message to the peer: stored in the outbox, sealed once the session is confirmed,
   * kept until acknowledged.
   * @returns the message id
   * @throws SessionError `invalid-state` before the peer is known or once cancelled, `invalid-value` for a bad argument
   */
  async sendText(text: string): Promise<Uint8Array> {
    checkTextArgument(text);
    return this.#sendNew({ kind: 'text', text });
  }

  /**
   * Sends a file: offered in its place among the messages, streamed from `files.source(ref)` once
   * the receiver accepts, kept in the outbox until the receiver acknowledges it whole.
   * @returns the message id
   */
  async sendFile(file: Omit<FileContent, 'kind'>): Promise<Uint8Array> {
    checkFileArguments(file.name, file.mime, file.size);
    return this.#sendNew({ kind: 'file', ...file });
  }

  /** The user accepts an incoming file offered in this session (hex id). @returns false if there is no such offer */
  acceptFile(id: string): boolean {
    return this.#transfers.accept(id);
  }

  /** The user declines an incoming file offered in this session (hex id). @returns false if there is no such offer */
  declineFile(id: string): boolean {
    return this.#transfers.decline(id);
  }

  /** Cancels a file transfer of this session, either direction (hex id). @returns false if there is no such transfer */
  cancelFile(id: string): boolean {
    return this.#transfers.cancel(id);
  }

  /** Whether a file transfer with this hex id runs (or waits for an answer) in this session. */
  hasTransfer(id: string): boolean {
    return this.#transfers.has(id);
  }

  /**
   * Hands over a message whose outbox record is being written elsewhere (conversation.ts): it is
   * sealed after `stored` resolves and after every message created before it.
   * @param entry for this session's peer, content already checked
   * @param stored the outbox write; if it fails the message is not sent (the writer reports why)
   * @throws SessionError `invalid-state` before the peer is known or once cancelled, `invalid-value` for another peer
   */
  enqueue(entry: OutboxEntry, stored: Promise<unknown>): void {
    const s = this.machine.state;
    if (s.kind === 'Cancelled' || !this.#peer) throw new SessionError('invalid-state', `sending expected a known peer, got state ${s.kind}`);
    if (entry.peer !== this.#peer.did) throw new SessionError('invalid-value', `"entry.peer" expected ${this.#peer.did}, got ${entry.peer}`);
    stored.catch(() => undefined); // observed in #pump
    this.#insert({ entry, stored });
    this.#pump();
  }

  /** Stops the timer and closes the transport. */
  close(): void {
    this.#stop();
    this.#o.transport.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  async #sendNew(content: OutboxEntry['content']): Promise<Uint8Array> {
    const s = this.machine.state;
    if (s.kind === 'Cancelled' || !this.#peer) throw new SessionError('invalid-state', `sending expected a known peer, got state ${s.kind}`);
    // Strictly increasing, so the outbox's oldest-first order is the order of the calls.
    const createdAt = this.#lastCreatedAt = Math.max(this.#clock(), this.#lastCreatedAt + 1);
    const entry: OutboxEntry = { id: newMessageId(), peer: this.#peer.did, content, status: 'queued', createdAt };
    const stored = this.outbox.add(entry);
    this.enqueue(entry, stored);
    await stored;
    this.#emit({ type: 'status', id: entry.id, status: 'queued' });
    return entry.id;
  }

  #insert(o: Outgoing): void {
    let i = this.#outgoing.length;
    while (i > 0 && this.#outgoing[i - 1].entry.createdAt > o.entry.createdAt) i--;
    this.#outgoing.splice(i, 0, o);
  }

  /** Seals queued messages in order, each after its record is stored; one pump at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#sending && this.#outgoing.length > 0) {
        const head = this.#outgoing[0];
        try {
          await head.stored;
        } catch {
          this.#outgoing.shift(); // not stored, so not sent: the writer reports the failure
          continue;
        }
        if (!this.#sending || this.#outgoing[0] !== head) continue;
        this.#outgoing.shift();
        const key = toHex(head.entry.id);
        if (this.#sealed.has(key)) continue;
        this.#sealed.add(key);
        const e = head.entry;
        const now = this.#clock();
        const c = e.content;
        const pending = c.kind === 'text' ? this.machine.sendText(e.id, c.text, now)
          : c.kind === 'receipt' ? this.machine.sendReceipt(e.id, c.bytes, now)
            : this.machine.sendFilePayloads([this.#transfers.offer(e.id, c)], now);
        this.#transition(pending).then(() => this.#markSent(e), () => undefined).catch((err) => this.#fail(err));
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #markSent(e: OutboxEntry): Promise<void> {
    if (this.machine.state.kind !== 'Confirmed') return;
    if (await this.outbox.setStatus(e.id, 'sent')) this.#emit({ type: 'status', id: e.id, status: 'sent' });
  }

  /** Confirmed: re-send what this peer has not acknowledged (oldest first), then what is typed. */
  async #resume(peer: string): Promise<void> {
    const backlog = await this.outbox.pending(peer);
    if (this.machine.state.kind !== 'Confirmed') return;
    const queued = new Set(this.#outgoing.map((o) => toHex(o.entry.id)));
    for (const entry of backlog) if (!queued.has(toHex(entry.id))) this.#insert({ entry, stored: Promise.resolve() });
    this.#sending = true;
    await this.#pump();
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
   * What must happen at the instant of a state change (the peer becoming known, sending opening
   * or closing) happens here too, before any later transition can run.
   */
  #transition(pending: Promise<Step>, sendFrames = true): Promise<Step> {
    return pending.then((step) => {
      if (sendFrames) for (const frame of step.send) this.#o.transport.send(frame);
      for (const e of step.events) {
        if (e.type === 'sasShown') this.#peer = e.peer;
        if (e.type === 'confirmed') { this.#transfers.start(); this.#resume(e.peer.did).catch((err) => this.#fail(err)); }
        if (e.type === 'cancelled') { this.#sending = false; this.#transfers.stop(); this.#stop(); }
      }
      return step;
    });
  }

  /**
   * A transition whose events are reported after those of every earlier one. Store writes (seen
   * ids, delivery) start at once, so slow storage delays events without serialising the writes.
   */
  #step(pending: Promise<Step>, sendFrames = true): Promise<void> {
    return this.#transition(pending, sendFrames).then((step) => {
      const ready = step.events.map((e) => this.#prepare(e));
      for (const r of ready) r.catch(() => undefined); // observed below, in order
      this.#chain = this.#chain.then(async () => {
        for (const r of ready) for (const e of await r) this.#emit(e);
      }).catch((e) => this.#fail(e));
      return this.#chain;
    });
  }

  /**
   * The event to report for a machine event, once what it needs is stored (null: report nothing).
   * Called in machine order, so the transfers see their payloads in the order they were decrypted.
   */
  async #prepare(e: SessionEvent): Promise<SessionDriverEvent[]> {
    switch (e.type) {
      case 'text':
      case 'receipt':
        // A message re-sent after a lost ack arrives again: acknowledged by the machine, shown once.
        return (await this.outbox.markSeen(this.#peer!.did, e.id)) ? [e] : [];
      case 'acked':
        this.#transfers.acked(e.id);
        return (await this.outbox.setStatus(e.id, 'delivered')) ? [{ type: 'status', id: e.id, status: 'delivered' }] : [];
      case 'transfer':
        // An offer's events take its place among the messages; the rest are reported as they happen.
        return (await this.#transfers.receive(e.payload)) ?? [];
      default:
        return [e];
    }
  }

  /** Reports an event after every event already due (so a transfer's progress follows its offer). */
  #later(e: SessionDriverEvent): void {
    this.#chain = this.#chain.then(() => this.#emit(e)).catch((err) => this.#fail(err));
  }

  #fail(e: unknown): void {
    // Store or handler failures must not leave the peer waiting silently.
    this.#step(this.machine.cancel('closed', this.#clock())).catch(() => undefined);
    this.#o.onError?.(e);
  }

  #emit(e: SessionDriverEvent): void {
    this.#o.onEvent?.(e);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
