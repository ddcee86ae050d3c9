// Helpers for the conversation-layer tests: two Conversations joined by an in-memory pipe, stores
// that can be made slow (random 0–N ms per write, seeded), and waiting for events.
import {
  Conversation, MemoryContactStore, MemoryFileStore, MemoryOutbox, memoryPipe, type ConversationEvent, type Outbox, type OutboxEntry, type Transport,
} from '../../src/session/index.js';
import type { Party } from './_pair.js';

/** A seeded PRNG (mulberry32), so a failing interleaving reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A MemoryOutbox whose every call takes a random 0–maxMs ms (slow storage). */
export class SlowOutbox implements Outbox {
  readonly inner = new MemoryOutbox();
  readonly #random: () => number;
  readonly #maxMs: number;
  writes = 0;
  constructor(seed: number, maxMs: number) {
    this.#random = prng(seed);
    this.#maxMs = maxMs;
  }
  #later<T>(f: () => Promise<T>): Promise<T> {
    const ms = Math.floor(this.#random() * (this.#maxMs + 1));
    return new Promise((resolve) => setTimeout(resolve, ms)).then(f);
  }
  add(e: OutboxEntry) { this.writes++; return this.#later(() => this.inner.add(e)); }
  pending(peer: string) { return this.#later(() => this.inner.pending(peer)); }
  setStatus(id: Uint8Array, s: OutboxEntry['status']) { this.writes++; return this.#later(() => this.inner.setStatus(id, s)); }
  olderThan(t: number) { return this.#later(() => this.inner.olderThan(t)); }
  markSeen(peer: string, id: Uint8Array) { this.writes++; return this.#later(() => this.inner.markSeen(peer, id)); }
}

export interface Stores { contacts: MemoryContactStore; outbox: Outbox; files?: MemoryFileStore }
export const memoryStores = (): Stores => ({ contacts: new MemoryContactStore(), outbox: new MemoryOutbox(), files: new MemoryFileStore() });

/** One side: its Conversation and every event it reported. */
export class Side {
  readonly events: ConversationEvent[] = [];
  readonly conversation: Conversation;
  readonly files: MemoryFileStore;
  #waiters: Array<() => void> = [];
  constructor(readonly party: Party, readonly stores: Stores) {
    this.files = stores.files ??= new MemoryFileStore();
    this.conversation = new Conversation({
      identity: party.identity, bundle: party.bundle, contacts: stores.contacts, outbox: stores.outbox, files: this.files,
      onEvent: (e) => { this.events.push(e); for (const w of this.#waiters.splice(0)) w(); },
    });
  }

  /** The first event (from `from` on) that matches, within `ms`. */
  async waitFor<T extends ConversationEvent['type']>(type: T, pred: (e: Extract<ConversationEvent, { type: T }>) => boolean = () => true, ms = 10_000): Promise<Extract<ConversationEvent, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.events.find((e): e is Extract<ConversationEvent, { type: T }> => e.type === type && pred(e as Extract<ConversationEvent, { type: T }>));
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type}; events: ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.#waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  of<T extends ConversationEvent['type']>(type: T): Array<Extract<ConversationEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
  }
}

/**
 * Opens a channel between two sides (a initiator, b responder) and returns once both have seen
 * their first SAS-or-recognised event.
 */
export async function link(a: Side, b: Side, options: { expectA?: string; expectB?: string; wrap?: (t: Transport, side: 'a' | 'b') => Transport } = {}): Promise<void> {
  const pipe = memoryPipe();
  const [ta, tb] = options.wrap ? [options.wrap(pipe[0], 'a'), options.wrap(pipe[1], 'b')] : pipe;
  const seen = (s: Side) => s.events.filter((e) => e.type === 'sas' || e.type === 'recognized').length;
  const before = [seen(a), seen(b)];
  await b.conversation.open(tb, { role: 'responder', localDtlsFingerprint: b.party.dtls, expectedPeerDtlsFingerprint: a.party.dtls, ...(options.expectB ? { expect: options.expectB } : {}) });
  await a.conversation.open(ta, { role: 'initiator', localDtlsFingerprint: a.party.dtls, expectedPeerDtlsFingerprint: b.party.dtls, ...(options.expectA ? { expect: options.expectA } : {}) });
  const deadline = Date.now() + 10_000;
  while (seen(a) === before[0] || seen(b) === before[1]) {
    if (Date.now() > deadline) throw new Error(`no SAS: a ${a.events.map((e) => e.type)}, b ${b.events.map((e) => e.type)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Both compare the codes and confirm; returns when both are verified. */
export async function verifyBoth(a: Side, b: Side): Promise<void> {
  const n = [a.of('verified').length, b.of('verified').length];
  if (a.conversation.phase === 'sas') await a.conversation.confirm();
  if (b.conversation.phase === 'sas') await b.conversation.confirm();
  const deadline = Date.now() + 10_000;
  while (a.of('verified').length === n[0] || b.of('verified').length === n[1]) {
    if (Date.now() > deadline) throw new Error('not verified');
    await new Promise((r) => setTimeout(r, 2));
  }
}
