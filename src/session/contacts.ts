// Key continuity and the outbox (docs/PROTOCOL.md "Delivery and outbox", "The conversation layer"): a
// contacts store remembers the identity key verified (by SAS) for each contact, so a changed key is
// caught (trust on first verification, as Signal's safety-number changes); the outbox keeps every
// unacknowledged message per peer identity (did:key) until a later session delivers it.

import { toHex } from './_bytes.js';
import type { FileContent } from './file-store.js';

/**
 * A contact: an identity key the user verified, or (`verification: 'unverified'`) one they only
 * accepted from a file they cannot vouch for (docs/THREAT-MODEL.md "Contacts backups").
 */
export interface Contact {
  /** The application's name for the contact (a handle, an address-book id). */
  contactId: string;
  /** The verified Ed25519 identity key. */
  identityPublicKey: Uint8Array;
  displayName: string;
  /** When the key was verified, ms (an unverified contact: when it was added). */
  verifiedAt: number;
  /**
   * How: `sas` (compared live), `card` (checked against their printed card), `receipt` (a
   * hardware-signed verification receipt). Absent in records written before it existed: read as `sas`.
   * Ignored when `verification` is `unverified`.
   */
  verifiedBy?: VerificationMethod;
  /**
   * `unverified`: nothing the user did vouches for this key (a contact imported from someone
   * else's backup). Such a contact is never recognised without comparing the SAS, and its name
   * counts only as a claim (conversation.ts `judgePeer`). Absent: verified (`verifiedBy`).
   * Comparing the SAS, or checking their card, replaces it with a verified record.
   */
  verification?: 'unverified';
}

export type VerificationMethod = 'sas' | 'card' | 'receipt';
/** How a contact stands: verified by one of the methods, or `unverified`. */
export type VerificationState = VerificationMethod | 'unverified';

/**
 * How a contact was verified, read the one way every reader must: `unverified` wins over any
 * `verifiedBy`, and a record from before `verifiedBy` existed reads as `sas`.
 * @example verificationOf(contact) === 'unverified' // never recognised without a SAS
 */
export function verificationOf(c: Contact): VerificationState {
  return c.verification === 'unverified' ? 'unverified' : c.verifiedBy ?? 'sas';
}

/** Where contacts live (IndexedDB, a file…). Implementations copy what they store. */
export interface ContactStore {
  get(contactId: string): Promise<Contact | undefined>;
  /** Every contact (a presented name is compared with all of them). */
  all(): Promise<Contact[]>;
  put(contact: Contact): Promise<void>;
  delete(contactId: string): Promise<void>;
}

/** A ContactStore in memory. */
export class MemoryContactStore implements ContactStore {
  readonly #map = new Map<string, Contact>();
  /** @returns a copy of the stored contact */
  async get(contactId: string): Promise<Contact | undefined> {
    const c = this.#map.get(contactId);
    return c && { ...c, identityPublicKey: c.identityPublicKey.slice() };
  }
  /** @returns copies of every stored contact */
  async all(): Promise<Contact[]> {
    return [...this.#map.values()].map((c) => ({ ...c, identityPublicKey: c.identityPublicKey.slice() }));
  }
  async put(contact: Contact): Promise<void> {
    this.#map.set(contact.contactId, { ...contact, identityPublicKey: contact.identityPublicKey.slice() });
  }
  async delete(contactId: string): Promise<void> {
    this.#map.delete(contactId);
  }
}

/** queued: not yet on a wire; sent: encrypted and sent, not acknowledged; delivered: acknowledged; failed: expired. */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

/** One outgoing message, kept until acknowledged. */
export interface OutboxEntry {
  id: Uint8Array;
  /** The peer's did:key: the outbox is keyed by verified identity, not by connection. */
  peer: string;
  /** A text, a file (its description and the app's reference to its content), or a verification receipt. */
  content: { kind: 'text'; text: string } | FileContent | { kind: 'receipt'; bytes: Uint8Array };
  status: DeliveryStatus;
  createdAt: number;
}

/**
 * How many received ids a stored Outbox remembers per app (the newest; the oldest are forgotten
 * first): enough to drop any duplicate a resumed session re-sends, bounded so the store cannot grow
 * without end. The CLI's file outbox and the web app's IndexedDB outbox both keep this many.
 */
export const MAX_SEEN_IDS = 4096;

/** Outgoing messages and received ids (to drop duplicates re-sent after a reconnect). */
export interface Outbox {
  add(entry: OutboxEntry): Promise<void>;
  /** Entries for `peer` that are queued or sent, oldest first. */
  pending(peer: string): Promise<OutboxEntry[]>;
  setStatus(id: Uint8Array, status: DeliveryStatus): Promise<OutboxEntry | undefined>;
  /** Entries (any peer) still pending and created before `time`. */
  olderThan(time: number): Promise<OutboxEntry[]>;
  /** Records an incoming id; false if it was already seen (a duplicate). */
  markSeen(peer: string, id: Uint8Array): Promise<boolean>;
}

/** An Outbox in memory; delivered and failed entries are dropped. */
export class MemoryOutbox implements Outbox {
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #seen = new Map<string, Set<string>>();
  async add(entry: OutboxEntry): Promise<void> {
    this.#entries.set(toHex(entry.id), { ...entry });
  }
  async pending(peer: string): Promise<OutboxEntry[]> {
    return [...this.#entries.values()].filter((e) => e.peer === peer && (e.status === 'queued' || e.status === 'sent')).sort((a, b) => a.createdAt - b.createdAt);
  }
  async setStatus(id: Uint8Array, status: DeliveryStatus): Promise<OutboxEntry | undefined> {
    const e = this.#entries.get(toHex(id));
    if (!e) return undefined;
    e.status = status;
    if (status === 'delivered' || status === 'failed') this.#entries.delete(toHex(id));
    return { ...e };
  }
  async olderThan(time: number): Promise<OutboxEntry[]> {
    return [...this.#entries.values()].filter((e) => e.createdAt < time);
  }
  async markSeen(peer: string, id: Uint8Array): Promise<boolean> {
    let s = this.#seen.get(peer);
    if (!s) this.#seen.set(peer, (s = new Set()));
    const k = toHex(id);
    if (s.has(k)) return false;
    s.add(k);
    return true;
  }
  /** Number of entries still held (for tests and UI badges). */
  get size(): number { return this.#entries.size; }
}
