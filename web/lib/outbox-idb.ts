// The library's Outbox (src/session/contacts.ts) in IndexedDB ("keyprint-web" / "outbox" and
// "seen"), so a reload or a dropped connection loses nothing: a message stays until the peer
// acknowledges it, then its record is deleted. Content is sealed with the StorageKey (AES-GCM);
// the associated data binds each record to its peer's did:key and its message id, so a record
// copied under another peer or id does not open. Stored in the clear: peer did, status, time.
// "seen" keeps `${peer did} ${message id}` of received messages (random ids: no content) so a
// message re-sent after a reconnect is shown once, even across a reload: the newest MAX_SEEN_IDS
// (4,096, as the CLI), each stored with the time it was seen so the oldest go first.
import { MAX_SEEN_IDS, type DeliveryStatus, type Outbox, type OutboxEntry } from 'keyprint/session';
import { req, tx } from './db.js';
import { decodeOutboxContent, encodeOutboxContent } from 'keyprint/session';
import { hex, unhex } from './record-codec.js';
import { fields, type Sealed, type StorageKey } from './storage-key.js';

interface StoredEntry extends Sealed { peer: string; status: DeliveryStatus; createdAt: number }

const aad = (peer: string, id: Uint8Array) => fields('keyprint-web outbox v1', peer, id);
const isPending = (s: DeliveryStatus) => s === 'queued' || s === 'sent';

export class IdbOutbox implements Outbox {
  readonly #key: StorageKey;
  constructor(key: StorageKey) {
    this.#key = key;
  }

  async add(entry: OutboxEntry): Promise<void> {
    const sealed = await this.#key.seal(aad(entry.peer, entry.id), encodeOutboxContent(entry.content));
    const value: StoredEntry = { ...sealed, peer: entry.peer, status: entry.status, createdAt: entry.createdAt };
    await tx('outbox', 'readwrite', (s) => req(s.put(value, hex(entry.id))));
  }

  async pending(peer: string): Promise<OutboxEntry[]> {
    const all = await this.#all();
    const mine = all.filter(([, v]) => v.peer === peer && isPending(v.status)).sort((a, b) => a[1].createdAt - b[1].createdAt);
    return this.#openAll(mine);
  }

  /** Every pending entry of every peer, oldest first (the Chat screen after a reload). */
  async allPending(): Promise<OutboxEntry[]> {
    return this.#openAll((await this.#all()).filter(([, v]) => isPending(v.status)).sort((a, b) => a[1].createdAt - b[1].createdAt));
  }

  async setStatus(id: Uint8Array, status: DeliveryStatus): Promise<OutboxEntry | undefined> {
    const k = hex(id);
    const v = await tx('outbox', 'readonly', (s) => req(s.get(k)) as Promise<StoredEntry | undefined>, undefined);
    if (!v) return undefined;
    const opened = await this.#open(k, v).catch(() => undefined);
    // Delivered or expired: nothing left to send, so nothing is kept.
    await tx('outbox', 'readwrite', (s) => (isPending(status) ? req(s.put({ ...v, status }, k)) : req(s.delete(k))));
    return opened && { ...opened, status };
  }

  async olderThan(time: number): Promise<OutboxEntry[]> {
    const old = (await this.#all()).filter(([, v]) => isPending(v.status) && v.createdAt < time);
    return this.#openAll(old);
  }

  async markSeen(peer: string, id: Uint8Array): Promise<boolean> {
    const k = `${peer} ${hex(id)}`;
    return tx('seen', 'readwrite', async (s) => {
      if ((await req(s.getKey(k))) !== undefined) return false;
      await req(s.put(Date.now(), k));
      const count = await req(s.count());
      if (count > MAX_SEEN_IDS) {
        // Records from before the bound hold 1: they are the oldest.
        const [keys, seenAt] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
        const old = keys.map((key, i) => ({ key, at: Number(seenAt[i]) })).filter((r) => r.key !== k).sort((a, b) => a.at - b.at);
        await Promise.all(old.slice(0, count - MAX_SEEN_IDS).map((r) => req(s.delete(r.key))));
      }
      return true;
    });
  }

  async #all(): Promise<Array<[string, StoredEntry]>> {
    return tx('outbox', 'readonly', async (s) => {
      const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
      return keys.map((k, i) => [String(k), values[i] as StoredEntry] as [string, StoredEntry]);
    }, []);
  }

  /** A record of another identity (enrolled again in this browser) does not open: it is skipped. */
  async #openAll(list: Array<[string, StoredEntry]>): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    for (const [k, v] of list) {
      const e = await this.#open(k, v).catch(() => undefined);
      if (e) out.push(e);
    }
    return out;
  }

  async #open(k: string, v: StoredEntry): Promise<OutboxEntry> {
    const id = unhex(k);
    const content = decodeOutboxContent(await this.#key.open(aad(v.peer, id), v));
    return { id, peer: v.peer, content, status: v.status, createdAt: v.createdAt };
  }
}

/** Deletes a peer's outbox and seen records (forget a contact). Needs no key: peers are stored in the clear. */
export async function deleteOutboxOf(peers: string[]): Promise<void> {
  await tx('outbox', 'readwrite', async (s) => {
    const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
    await Promise.all(keys.filter((_, i) => peers.includes((values[i] as StoredEntry).peer)).map((k) => req(s.delete(k))));
  });
  await tx('seen', 'readwrite', async (s) => {
    const keys = await req(s.getAllKeys());
    await Promise.all(keys.filter((k) => peers.includes(String(k).split(' ')[0])).map((k) => req(s.delete(k))));
  });
}
