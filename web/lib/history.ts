// Opt-in message history ("keyprint-web" / "history"). Off by default: then nothing of a
// conversation is stored except undelivered messages (the outbox). When on, each message is sealed
// with the StorageKey like the outbox (associated data: peer did and record key); files are kept
// as name, type and size only, not their bytes. Turning it off deletes what was stored.
import { req, tx } from './db.js';
import { decodeRecord, encodeRecord } from './record-codec.js';
import { fields, type Sealed, type StorageKey } from './storage-key.js';

const SETTING = 'keyprint-web.history';

export interface HistoryItem {
  /** Unique per message and direction: `out-<hex id>` or `in-<hex id>`. */
  key: string;
  peer: string;
  from: 'me' | 'them';
  at: number;
  text?: string;
  file?: { name: string; mime: string; size: number };
  status?: 'queued' | 'sent' | 'delivered' | 'failed';
}

interface StoredItem extends Sealed { peer: string; at: number }
type Header = Omit<HistoryItem, 'key' | 'peer' | 'at'>;

const aad = (peer: string, key: string) => fields('keyprint-web history v1', peer, key);
const recordKey = (peer: string, key: string) => `${peer} ${key}`;

export const historyEnabled = (): boolean => globalThis.localStorage?.getItem(SETTING) === 'on';

/** Turns history on or off; off deletes all stored history. */
export async function setHistoryEnabled(on: boolean): Promise<void> {
  if (on) localStorage.setItem(SETTING, 'on');
  else {
    localStorage.removeItem(SETTING);
    await tx('history', 'readwrite', (s) => req(s.clear()));
  }
}

export class HistoryStore {
  readonly #key: StorageKey;
  constructor(key: StorageKey) {
    this.#key = key;
  }

  /** Stores (or replaces) one message, if history is on. */
  async put(item: HistoryItem): Promise<void> {
    if (!historyEnabled()) return;
    const { key, peer, at, ...header } = item;
    const sealed = await this.#key.seal(aad(peer, key), encodeRecord(header satisfies Header));
    await tx('history', 'readwrite', (s) => req(s.put({ ...sealed, peer, at } satisfies StoredItem, recordKey(peer, key))));
  }

  /** Every stored message that opens with this key, oldest first. */
  async all(): Promise<HistoryItem[]> {
    if (!historyEnabled()) return [];
    const rows = await tx('history', 'readonly', async (s) => {
      const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
      return keys.map((k, i) => [String(k), values[i] as StoredItem] as const);
    }, []);
    const out: HistoryItem[] = [];
    for (const [k, v] of rows) {
      const key = k.slice(v.peer.length + 1);
      // Another identity's records (enrolled again in this browser) do not open: skip them.
      const plain = await this.#key.open(aad(v.peer, key), v).catch(() => undefined);
      if (plain) out.push({ ...decodeRecord<Header>(plain).header, key, peer: v.peer, at: v.at });
    }
    return out.sort((a, b) => a.at - b.at);
  }
}

/** Deletes the history of these peers (forget a contact). Needs no key: peers are stored in the clear. */
export async function deleteHistoryOf(peers: string[]): Promise<void> {
  await tx('history', 'readwrite', async (s) => {
    const keys = await req(s.getAllKeys());
    await Promise.all(keys.filter((k) => peers.some((p) => String(k).startsWith(`${p} `))).map((k) => req(s.delete(k))));
  });
}
