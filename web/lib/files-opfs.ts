// The web app's FileStore (keyprint/session file-store.ts) over the origin-private file system,
// through the I/O worker (opfs-worker.ts). docs/WEB.md "Storage at rest", "Files".
//   out-<peer>-<random>   a file the user sends, copied here when chosen, sealed in 1 MiB blocks
//                         (iv ‖ AES-GCM under the storage key, associated data: label, name, block
//                         number), so it survives a reload until delivered, encrypted like the outbox
//   in-<peer>-<id>        a file being received, in the clear, written in place chunk by chunk: it
//                         survives a reload and resumes; never shown before its SHA-256 matched
//   done-<peer>-<id>      a received, verified file, offered as a download (or "Save to disk…")
//                         until the page locks or reloads
//   rec-<peer>-<id>       what we remember of an incoming transfer (name, type, size, state), sealed
// <peer> is 16 hex digits of SHA-256(peer did:key): files can be forgotten with their contact.
// Memory stays flat: a file is read and written one block or chunk at a time.
import { sha256 } from 'keyprint/core';
import type { FileContent, FileSink, FileSource, FileStore, IncomingRecord } from 'keyprint/session';
import { fields, type StorageKey } from './storage-key.js';
import { hex, unhex } from './record-codec.js';
import type { OpfsRequest } from './opfs-worker.js';
import { FILES_DIR } from './opfs-dir.js';

/** Plaintext bytes per sealed block of an outgoing copy. */
const BLOCK = 1 << 20;
/** A sealed block on disk: 12-byte IV, ciphertext, 16-byte tag. */
const SEALED = 12 + BLOCK + 16;

export const peerTag = (peer: string): string => hex(sha256(new TextEncoder().encode(peer))).slice(0, 16);
const randomHex = (n: number) => hex(crypto.getRandomValues(new Uint8Array(n)));

/** Whether this browser offers the origin-private file system to a worker (else files stay in memory). */
export async function opfsAvailable(): Promise<boolean> {
  try {
    if (typeof Worker === 'undefined' || !navigator.storage?.getDirectory) return false;
    await navigator.storage.getDirectory();
    return true;
  } catch {
    return false; // a private window, or storage refused
  }
}

/** Requests to the worker, answered in order. */
class Opfs {
  readonly #worker: Worker;
  #seq = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.#worker = new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module', name: FILES_DIR });
    this.#worker.onmessage = (e: MessageEvent<{ seq: number; ok: boolean; result?: unknown; error?: string }>) => {
      const p = this.#pending.get(e.data.seq);
      this.#pending.delete(e.data.seq);
      if (e.data.ok) p?.resolve(e.data.result);
      else p?.reject(new Error(`file storage: ${e.data.error}`));
    };
  }

  /** Ends the worker at once: its open files are released (a wipe can delete them); pending calls fail. */
  terminate(): void {
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(new Error('file storage: closed'));
    this.#pending.clear();
  }

  call<T>(req: OpfsRequest, transfer: Transferable[] = []): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ seq, req }, transfer);
    });
  }

  async read(handle: number, offset: number, length: number): Promise<Uint8Array> {
    const r = await this.call<{ data: ArrayBuffer; length: number }>({ op: 'read', handle, offset, length });
    return new Uint8Array(r.data, 0, r.length);
  }

  /** Writes `data` (its buffer is handed to the worker: the caller must not use it afterwards). */
  write(handle: number, offset: number, data: Uint8Array): Promise<void> {
    const buffer = data.buffer as ArrayBuffer;
    return this.call({ op: 'write', handle, offset, data: buffer, byteOffset: data.byteOffset, byteLength: data.byteLength }, [buffer]);
  }
}

const RECORD_LABEL = 'keyprint-web transfer v1';
const BLOCK_LABEL = 'keyprint-web file block v1';
interface StoredRecord { v: 1; peer: string; iv: string; ct: string }

/** The FileStore of the web app. */
export class OpfsFileStore implements FileStore {
  readonly #key: StorageKey;
  readonly #opfs = new Opfs();

  constructor(key: StorageKey) {
    this.#key = key;
  }

  /**
   * Copies a file the user chose into this store, sealed block by block, so it can be sent (and
   * resumed after a reload) without holding it in memory.
   * @param onProgress bytes copied so far
   * @returns the description and `ref` for Conversation.sendFile
   */
  async prepare(file: File, peer: string, onProgress?: (bytes: number) => void): Promise<Omit<FileContent, 'kind'>> {
    const ref = `out-${peerTag(peer)}-${randomHex(8)}`;
    const { handle } = await this.#opfs.call<{ handle: number }>({ op: 'open', name: ref, create: true });
    try {
      // Two blocks in flight: the next one is read while this one is sealed and written.
      let reading = file.slice(0, BLOCK).arrayBuffer();
      for (let i = 0, offset = 0; offset < file.size; i++, offset += BLOCK) {
        const plain = new Uint8Array(await reading);
        if (offset + BLOCK < file.size) reading = file.slice(offset + BLOCK, offset + 2 * BLOCK).arrayBuffer();
        const { iv, ct } = await this.#key.seal(fields(BLOCK_LABEL, ref, String(i)), plain);
        const record = new Uint8Array(12 + ct.length);
        record.set(iv);
        record.set(ct, 12);
        await this.#opfs.write(handle, i * SEALED, record);
        onProgress?.(Math.min(offset + BLOCK, file.size));
      }
      await this.#opfs.call({ op: 'flush', handle });
    } catch (e) {
      await this.#opfs.call({ op: 'remove', name: ref }).catch(() => undefined);
      throw e;
    } finally {
      await this.#opfs.call({ op: 'close', handle }).catch(() => undefined);
    }
    return { name: file.name, mime: file.type || 'application/octet-stream', size: file.size, ref };
  }

  async source(content: FileContent): Promise<FileSource> {
    if (!content.ref.startsWith('out-')) throw new Error(`"${content.name}" is not kept in this browser any more`);
    const opened = await this.#opfs.call<{ handle: number; size: number }>({ op: 'open', name: content.ref, create: false })
      .catch(() => { throw new Error(`"${content.name}" is not kept in this browser any more (the site's storage was cleared?)`); });
    const { handle } = opened;
    const expected = Math.ceil(content.size / BLOCK) * 28 + content.size;
    if (opened.size !== expected) {
      await this.#opfs.call({ op: 'close', handle });
      throw new Error(`the copy of "${content.name}" kept in this browser is incomplete`);
    }
    let cached: { index: number; plain: Uint8Array } | undefined;
    const block = async (index: number): Promise<Uint8Array> => {
      if (cached?.index === index) return cached.plain;
      const length = Math.min(BLOCK, content.size - index * BLOCK);
      const record = await this.#opfs.read(handle, index * SEALED, 12 + length + 16);
      const plain = await this.#key.open(fields(BLOCK_LABEL, content.ref, String(index)), { iv: record.subarray(0, 12), ct: record.subarray(12) });
      cached = { index, plain };
      return plain;
    };
    const opfs = this.#opfs;
    return {
      size: content.size,
      async read(offset, length) {
        const out = new Uint8Array(length);
        for (let done = 0; done < length;) {
          const index = Math.floor((offset + done) / BLOCK), within = (offset + done) % BLOCK;
          const plain = await block(index);
          const n = Math.min(length - done, plain.length - within);
          out.set(plain.subarray(within, within + n), done);
          done += n;
        }
        return out;
      },
      close: () => opfs.call({ op: 'close', handle }),
    };
  }

  async release(content: FileContent): Promise<void> {
    if (content.ref.startsWith('out-')) await this.#opfs.call({ op: 'remove', name: content.ref });
  }

  #aad(peer: string, id: Uint8Array): Uint8Array {
    return fields(RECORD_LABEL, peer, id);
  }

  async record(peer: string, id: Uint8Array): Promise<IncomingRecord | undefined> {
    return this.#readRecord(`rec-${peerTag(peer)}-${hex(id)}`, peer);
  }

  async #readRecord(name: string, peer?: string): Promise<IncomingRecord | undefined> {
    const raw = await this.#opfs.call<ArrayBuffer | null>({ op: 'readAll', name });
    if (!raw) return undefined;
    const s = JSON.parse(new TextDecoder().decode(raw)) as StoredRecord;
    if (s.v !== 1 || (peer !== undefined && s.peer !== peer)) return undefined;
    const id = unhex(name.slice(-32));
    const plain = await this.#key.open(this.#aad(s.peer, id), { iv: unhex(s.iv), ct: unhex(s.ct) });
    const r = JSON.parse(new TextDecoder().decode(plain)) as Omit<IncomingRecord, 'peer' | 'id'>;
    return { ...r, peer: s.peer, id };
  }

  async records(): Promise<IncomingRecord[]> {
    const out: IncomingRecord[] = [];
    for (const name of (await this.#names()).filter((n) => n.startsWith('rec-'))) {
      const r = await this.#readRecord(name).catch(() => undefined); // another identity's, or damaged: skipped
      if (r) out.push(r);
    }
    return out;
  }

  async putRecord(r: IncomingRecord): Promise<void> {
    const plain = new TextEncoder().encode(JSON.stringify({ name: r.name, mime: r.mime, size: r.size, state: r.state, at: r.at }));
    const { iv, ct } = await this.#key.seal(this.#aad(r.peer, r.id), plain);
    const stored: StoredRecord = { v: 1, peer: r.peer, iv: hex(iv), ct: hex(ct) };
    const data = new TextEncoder().encode(JSON.stringify(stored)).buffer as ArrayBuffer;
    await this.#opfs.call({ op: 'writeAll', name: `rec-${peerTag(r.peer)}-${hex(r.id)}`, data }, [data]);
  }

  async deleteRecord(peer: string, id: Uint8Array): Promise<void> {
    await this.#opfs.call({ op: 'remove', name: `rec-${peerTag(peer)}-${hex(id)}` });
  }

  async held(r: IncomingRecord): Promise<number> {
    if (!(await this.#names()).includes(`in-${peerTag(r.peer)}-${hex(r.id)}`)) return 0;
    const sink = await this.sink(r);
    await sink.close();
    return sink.written;
  }

  async sink(r: IncomingRecord): Promise<FileSink> {
    const name = `in-${peerTag(r.peer)}-${hex(r.id)}`;
    const { handle, size } = await this.#opfs.call<{ handle: number; size: number }>({ op: 'open', name, create: true });
    const opfs = this.#opfs;
    let closed = false;
    const close = async () => { if (!closed) { closed = true; await opfs.call({ op: 'close', handle }); } };
    return {
      written: size,
      write: (offset, data) => opfs.write(handle, offset, data),
      read: (offset, length) => opfs.read(handle, offset, length),
      async complete() {
        await opfs.call({ op: 'flush', handle });
        await close();
        return opfs.call<string>({ op: 'move', from: name, to: `done-${name.slice(3)}` });
      },
      async discard() {
        closed = true;
        await opfs.call({ op: 'remove', name });
      },
      close,
    };
  }

  /** A received file, as a File backed by the disk (for a download link or "Save to disk…"). */
  async file(location: string): Promise<File> {
    const root = await navigator.storage.getDirectory();
    return (await (await (await root.getDirectoryHandle(FILES_DIR)).getFileHandle(location)).getFile());
  }

  /** Deletes received files already offered (done-*): the page that offered them is gone or locked. */
  async forgetReceived(): Promise<void> {
    for (const name of (await this.#names()).filter((n) => n.startsWith('done-'))) await this.#opfs.call({ op: 'remove', name });
  }

  /**
   * The identity locked: the worker ends (releasing its files, so a wipe that follows can delete
   * them) and the received files already offered (done-*) are deleted, as they went with the page
   * when they were held in memory.
   */
  async close(): Promise<void> {
    this.#opfs.terminate();
    await deleteNames((name) => name.startsWith('done-'));
  }

  async #names(): Promise<string[]> {
    return this.#opfs.call<string[]>({ op: 'list' });
  }
}

/** Deletes the files whose names match, from this thread (no worker, no key needed). */
async function deleteNames(match: (name: string) => boolean): Promise<void> {
  if (!(await opfsAvailable())) return;
  let dir: FileSystemDirectoryHandle;
  try {
    dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(FILES_DIR);
  } catch {
    return; // nothing stored yet
  }
  const names: string[] = [];
  for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) if (match(name)) await dir.removeEntry(name).catch(() => undefined);
}

/** Deletes every file of these peers (forget a contact): partial, received, to be sent, records. No key needed. */
export async function deleteFilesOf(peers: string[]): Promise<void> {
  const tags = new Set(peers.map(peerTag));
  await deleteNames((name) => tags.has(name.split('-')[1]));
}
