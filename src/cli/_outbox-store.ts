// The session's Outbox (src/session/contacts.ts) in files, so a message typed for a verified peer
// who is away survives a restart of `keyprint chat`:
//   HOME/outbox/<message id hex>.json   one pending entry: { version: 1, peer, status, createdAt, iv, ct }
//   HOME/outbox-seen.json               ids of received messages ("<peer did> <id hex>"), the newest
//                                       MAX_SEEN, so a message re-sent after a reconnect shows once
// The content (text, or file name, type and bytes) is sealed with AES-256-GCM under a key derived
// from the unlocked identity (src/session/storage-key.ts, the CLI's own HKDF labels), with the
// record layout the web app uses (src/session/outbox-record.ts); the associated data binds each
// record to our did, the peer's did and the message id, so a record renamed or edited to another
// peer does not open. In the clear: peer did, status, time. Every file is written atomically with
// mode 0600 in 0700 directories; delivered and expired entries are deleted.

import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyprintError } from '../errors.js';
import { fromBase64url as unb64u, toBase64url as b64u } from '../core/bytes.js';
import { syncDir, writeFileAtomic } from '../core/atomic-file-node.js';
import { MAX_SEEN_IDS, type DeliveryStatus, type Outbox, type OutboxEntry } from '../session/contacts.js';
import { decodeOutboxContent, encodeOutboxContent, fields, hex, unhex } from '../session/outbox-record.js';
import type { StorageKey } from '../session/storage-key.js';

/** The outbox directory and the seen-ids file inside the home directory. */
export const OUTBOX_DIR = 'outbox';
export const SEEN_FILE = 'outbox-seen.json';
/** How many received ids are remembered (oldest forgotten first): the session layer's bound, as the web app's. */
export const MAX_SEEN = MAX_SEEN_IDS;

/** One file in HOME/outbox/: the clear fields and the sealed content (base64url). */
export interface StoredEntry { version: 1; peer: string; status: DeliveryStatus; createdAt: number; iv: string; ct: string }

const isPending = (s: DeliveryStatus) => s === 'queued' || s === 'sent';
const ENTRY_NAME = /^([0-9a-f]{2,64})\.json$/;

/** A file in the outbox that cannot be used: not an entry, or one that does not open with this identity. */
export class OutboxFileError extends KeyprintError {}

/** Pending messages in HOME/outbox/, sealed under the identity's storage key. */
export class FileOutbox implements Outbox {
  readonly dir: string;
  readonly #seenPath: string;
  readonly #key: StorageKey;
  #seen?: string[];
  #seenSet?: Set<string>;
  #chain: Promise<unknown> = Promise.resolve();

  /**
   * @param home the keyprint home directory (no I/O until a method is called)
   * @param key the unlocked identity's storage key (`StorageKey.derive(identity, CLI_STORAGE_LABELS)`)
   */
  constructor(home: string, key: StorageKey) {
    this.dir = join(home, OUTBOX_DIR);
    this.#seenPath = join(home, SEEN_FILE);
    this.#key = key;
  }

  #aad(peer: string, id: Uint8Array): Uint8Array {
    return fields('keyprint-cli outbox v1', this.#key.did, peer, id);
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const r = this.#chain.then(f);
    this.#chain = r.catch(() => undefined);
    return r;
  }

  async add(entry: OutboxEntry): Promise<void> {
    const sealed = await this.#key.seal(this.#aad(entry.peer, entry.id), encodeOutboxContent(entry.content));
    const stored: StoredEntry = { version: 1, peer: entry.peer, status: entry.status, createdAt: entry.createdAt, iv: b64u(sealed.iv), ct: b64u(sealed.ct) };
    await this.#serial(async () => {
      await this.#mkdir();
      await this.#write(hex(entry.id), stored);
    });
  }

  async pending(peer: string): Promise<OutboxEntry[]> {
    return (await this.scan((s) => s.peer === peer && isPending(s.status))).entries;
  }

  async setStatus(id: Uint8Array, status: DeliveryStatus): Promise<OutboxEntry | undefined> {
    return this.#serial(async () => {
      const name = hex(id);
      let stored: StoredEntry;
      try {
        stored = await this.#readStored(name);
      } catch (e) {
        if (e instanceof OutboxFileError && e.code === 'outbox-missing') return undefined;
        throw e;
      }
      const opened = await this.#open(name, stored);
      if (isPending(status)) await this.#write(name, { ...stored, status });
      else {
        // Delivered or expired: nothing left to send, so nothing is kept.
        await unlink(join(this.dir, `${name}.json`)).catch((e) => { if (e.code !== 'ENOENT') throw e; });
        await syncDir(this.dir);
      }
      return { ...opened, status };
    });
  }

  async olderThan(time: number): Promise<OutboxEntry[]> {
    return (await this.scan((s) => isPending(s.status) && s.createdAt < time)).entries;
  }

  async markSeen(peer: string, id: Uint8Array): Promise<boolean> {
    return this.#serial(async () => {
      await this.#loadSeen();
      const k = `${peer} ${hex(id)}`;
      if (this.#seenSet!.has(k)) return false;
      this.#seen!.push(k);
      this.#seenSet!.add(k);
      while (this.#seen!.length > MAX_SEEN) this.#seenSet!.delete(this.#seen!.shift()!);
      await writeFileAtomic(this.#seenPath, JSON.stringify({ version: 1, seen: this.#seen }) + '\n');
      return true;
    });
  }

  /**
   * Every pending entry (oldest first) and the files that could not be used — a damaged file is
   * reported, left in place and skipped, never deleted.
   * @param which decrypt only the entries whose clear fields match (default all)
   */
  async scan(which: (s: StoredEntry) => boolean = () => true): Promise<{ entries: OutboxEntry[]; damaged: OutboxFileError[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], damaged: [] };
      throw new OutboxFileError('outbox-io', `cannot read ${this.dir}: ${(e as Error).message}`, { cause: e });
    }
    const entries: OutboxEntry[] = [], damaged: OutboxFileError[] = [];
    for (const file of names.sort()) {
      if (file.startsWith('.') && file.endsWith('.tmp')) continue; // an interrupted atomic write
      const m = ENTRY_NAME.exec(file);
      try {
        if (!m) throw new OutboxFileError('outbox-damaged', `${join(this.dir, file)} is not an outbox entry (expected <message id>.json)`);
        const stored = await this.#readStored(m[1]);
        if (which(stored)) entries.push(await this.#open(m[1], stored));
      } catch (e) {
        if (e instanceof OutboxFileError && e.code === 'outbox-missing') continue; // delivered meanwhile
        damaged.push(e instanceof OutboxFileError ? e : new OutboxFileError('outbox-damaged', String((e as Error).message), { cause: e }));
      }
    }
    return { entries: entries.sort((a, b) => a.createdAt - b.createdAt), damaged };
  }

  async #mkdir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async #write(name: string, stored: StoredEntry): Promise<void> {
    try {
      await writeFileAtomic(join(this.dir, `${name}.json`), JSON.stringify(stored) + '\n');
    } catch (e) {
      throw new OutboxFileError('outbox-io', `cannot write ${join(this.dir, `${name}.json`)}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** @throws OutboxFileError `outbox-missing`, `outbox-io`, `outbox-damaged` */
  async #readStored(name: string): Promise<StoredEntry> {
    const path = join(this.dir, `${name}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new OutboxFileError('outbox-missing', `${path} does not exist`);
      throw new OutboxFileError('outbox-io', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
    let s: StoredEntry;
    try {
      s = JSON.parse(text) as StoredEntry;
    } catch {
      throw new OutboxFileError('outbox-damaged', `${path} is not JSON: move it away or delete it`);
    }
    if (typeof s !== 'object' || s === null || s.version !== 1 || typeof s.peer !== 'string' || !['queued', 'sent'].includes(s.status)
      || typeof s.createdAt !== 'number' || typeof s.iv !== 'string' || typeof s.ct !== 'string') {
      throw new OutboxFileError('outbox-damaged', `${path} expected { "version": 1, "peer", "status": "queued"|"sent", "createdAt", "iv", "ct" }: move it away or delete it`);
    }
    return s;
  }

  /** @throws OutboxFileError `outbox-damaged` when the entry does not decrypt (another identity's, or altered) */
  async #open(name: string, s: StoredEntry): Promise<OutboxEntry> {
    const id = unhex(name);
    try {
      const content = decodeOutboxContent(await this.#key.open(this.#aad(s.peer, id), { iv: unb64u(s.iv), ct: unb64u(s.ct) }));
      return { id, peer: s.peer, content, status: s.status, createdAt: s.createdAt };
    } catch (e) {
      throw new OutboxFileError('outbox-damaged', `${join(this.dir, `${name}.json`)} does not decrypt with this identity (written by another identity, or altered): move it away or delete it`, { cause: e });
    }
  }

  async #loadSeen(): Promise<void> {
    if (this.#seen) return;
    let list: string[] = [];
    try {
      const f = JSON.parse(await readFile(this.#seenPath, 'utf8')) as { version?: number; seen?: unknown };
      if (f?.version === 1 && Array.isArray(f.seen)) list = f.seen.filter((x): x is string => typeof x === 'string').slice(-MAX_SEEN);
    } catch {
      // Absent or unreadable: start afresh. At worst a message re-sent after a reconnect shows twice.
    }
    this.#seen = list;
    this.#seenSet = new Set(list);
  }
}

/**
 * Deletes what HOME keeps for one peer without opening any content (the peer is in the clear):
 * its pending outbox files and its received ids. Used when a contact is removed.
 * @param home the keyprint home directory
 * @param peer the peer's did:key
 * @returns how many pending messages were deleted
 */
export async function forgetPeerFiles(home: string, peer: string): Promise<number> {
  const dir = join(home, OUTBOX_DIR);
  let deleted = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!ENTRY_NAME.test(name)) continue;
    try {
      const s = JSON.parse(await readFile(join(dir, name), 'utf8')) as Partial<StoredEntry>;
      if (s.peer !== peer) continue;
      await unlink(join(dir, name));
      deleted++;
    } catch { /* a damaged file is left for keyprint chat to report */ }
  }
  const seenPath = join(home, SEEN_FILE);
  try {
    const f = JSON.parse(await readFile(seenPath, 'utf8')) as { version?: number; seen?: unknown };
    if (f?.version === 1 && Array.isArray(f.seen)) {
      const kept = f.seen.filter((x) => typeof x === 'string' && !x.startsWith(`${peer} `));
      if (kept.length !== f.seen.length) await writeFileAtomic(seenPath, JSON.stringify({ version: 1, seen: kept }) + '\n');
    }
  } catch { /* no seen file */ }
  if (deleted > 0) await syncDir(dir);
  return deleted;
}
