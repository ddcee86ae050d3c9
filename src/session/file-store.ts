// Where file contents live, as the file sub-protocol (transfer.ts, docs/PROTOCOL.md "Files") sees
// them: the apps implement `FileStore` over their own storage — Node files in `keyprint chat`
// (src/cli/_chat-files.ts: a temporary name in the files directory, renamed once verified), the
// origin-private file system in the web app (web/lib/files-opfs.ts) — and `MemoryFileStore` keeps
// everything in memory (tests, and a browser without file storage). Reads and writes are by
// offset, so nothing here ever holds a whole file unless the store itself is in memory.

import { toHex } from './_bytes.js';
import { SessionError } from './errors.js';

/** An outgoing file as the outbox keeps it: its description and the app's reference to the content. */
export interface FileContent {
  kind: 'file';
  name: string;
  mime: string;
  size: number;
  /** The app's reference to the content (a path, an OPFS name…), opened with `FileStore.source`. */
  ref: string;
  /** Content kept inline: only records written by version 1, which stored the whole file. */
  bytes?: Uint8Array;
}

/** The content of an outgoing file, read by offset. */
export interface FileSource {
  readonly size: number;
  /**
   * @returns exactly `length` bytes from `offset` (the caller stays within `size`)
   * @throws when the content cannot be read or has changed since it was offered
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A file being received: written by offset into a partial file, then made visible once verified. */
export interface FileSink {
  /** Bytes held already (0 for a new file; a partial file's length when resumed). */
  readonly written: number;
  /** Writes `data` at `offset`; the next write may start before this one resolves (each at its own offset). */
  write(offset: number, data: Uint8Array): Promise<void>;
  /** Reads back what is held (a resumed transfer hashes it again). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * The file is whole and its SHA-256 matched: moves it to where the user finds it.
   * @returns where it is (a path, an OPFS name…): the `location` of the `file` event
   */
  complete(): Promise<string>;
  /** Deletes the partial file (declined, cancelled, damaged). */
  discard(): Promise<void>;
  /** Closes without deleting (the connection ended: the transfer resumes next time). */
  close(): Promise<void>;
}

/**
 * What the receiver remembers about an incoming file, across connections and restarts: `receiving`
 * (accepted; a partial file exists), `done` (verified and kept: a re-offer after a lost ack is
 * acknowledged, not received again), `declined` / `cancelled` (a re-offer is refused again).
 */
export interface IncomingRecord {
  peer: string;
  id: Uint8Array;
  name: string;
  mime: string;
  size: number;
  state: 'receiving' | 'done' | 'declined' | 'cancelled';
  /** When the record was last written, ms. */
  at: number;
}

/** An app's file storage for the file sub-protocol. */
export interface FileStore {
  /** Opens an outgoing file's content. @throws when it is gone or changed (the transfer fails with the message) */
  source(content: FileContent): Promise<FileSource>;
  /** The outgoing file is delivered, declined, cancelled or failed: the app's own copy (if any) can go. */
  release(content: FileContent): Promise<void>;
  record(peer: string, id: Uint8Array): Promise<IncomingRecord | undefined>;
  records(): Promise<IncomingRecord[]>;
  putRecord(record: IncomingRecord): Promise<void>;
  deleteRecord(peer: string, id: Uint8Array): Promise<void>;
  /** Opens the partial file of a record: created empty the first time, as it was afterwards. */
  sink(record: IncomingRecord): Promise<FileSink>;
  /**
   * The bytes the partial file of a record holds, without opening or creating it: 0 when there is
   * none here (listing paused files must leave no file behind).
   */
  held(record: IncomingRecord): Promise<number>;
}

/** Bytes of an outgoing file kept in memory. */
export function memorySource(bytes: Uint8Array): FileSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
    close: async () => undefined,
  };
}

const key = (peer: string, id: Uint8Array) => `${peer} ${toHex(id)}`;

/**
 * A FileStore in memory: outgoing contents are registered with `add`, received files are kept
 * under their location (`received`). For tests, and for a browser that offers no file storage.
 * @example const files = new MemoryFileStore(); const ref = files.add(bytes)
 */
export class MemoryFileStore implements FileStore {
  readonly #sources = new Map<string, Uint8Array>();
  readonly #records = new Map<string, IncomingRecord>();
  readonly #partials = new Map<string, { parts: Uint8Array; length: number }>();
  readonly #received = new Map<string, Uint8Array>();
  readonly #maxBytes: number;
  #next = 0;

  /** @param maxBytes largest file received (memory is the limit); default 2 GiB */
  constructor(maxBytes = 2 ** 31) {
    this.#maxBytes = maxBytes;
  }

  /** Registers an outgoing file's bytes. @returns the `ref` of its FileContent */
  add(bytes: Uint8Array): string {
    const ref = `mem:${this.#next++}`;
    this.#sources.set(ref, bytes);
    return ref;
  }

  /** A received, verified file by its location. */
  received(location: string): Uint8Array | undefined {
    return this.#received.get(location);
  }

  /** Partial files held (for tests: nothing is left behind by a decline or a cancel). */
  get partials(): number {
    return this.#partials.size;
  }

  async source(content: FileContent): Promise<FileSource> {
    const bytes = content.bytes ?? this.#sources.get(content.ref);
    if (!bytes) throw new SessionError('invalid-value', `the content of "${content.name}" is no longer here`);
    return memorySource(bytes);
  }

  async release(content: FileContent): Promise<void> {
    this.#sources.delete(content.ref);
  }

  async record(peer: string, id: Uint8Array): Promise<IncomingRecord | undefined> {
    const r = this.#records.get(key(peer, id));
    return r && { ...r, id: r.id.slice() };
  }

  async records(): Promise<IncomingRecord[]> {
    return [...this.#records.values()].map((r) => ({ ...r, id: r.id.slice() }));
  }

  async putRecord(record: IncomingRecord): Promise<void> {
    this.#records.set(key(record.peer, record.id), { ...record, id: record.id.slice() });
  }

  async deleteRecord(peer: string, id: Uint8Array): Promise<void> {
    this.#records.delete(key(peer, id));
  }

  async held(record: IncomingRecord): Promise<number> {
    return this.#partials.get(key(record.peer, record.id))?.length ?? 0;
  }

  async sink(record: IncomingRecord): Promise<FileSink> {
    if (record.size > this.#maxBytes) throw new SessionError('invalid-value', `files over ${this.#maxBytes} bytes cannot be received here (kept in memory)`);
    const k = key(record.peer, record.id);
    let p = this.#partials.get(k);
    if (!p) this.#partials.set(k, (p = { parts: new Uint8Array(0), length: 0 }));
    const part = p;
    const store = this;
    return {
      get written() { return part.length; },
      async write(offset, data) {
        if (offset + data.length > part.parts.length) {
          const grown = new Uint8Array(Math.min(record.size, Math.max(offset + data.length, part.parts.length * 2)));
          grown.set(part.parts.subarray(0, part.length));
          part.parts = grown;
        }
        part.parts.set(data, offset);
        part.length = Math.max(part.length, offset + data.length);
      },
      async read(offset, length) {
        return part.parts.slice(offset, offset + length);
      },
      async complete() {
        store.#partials.delete(k);
        const location = `mem:${k}`;
        store.#received.set(location, part.parts.subarray(0, part.length));
        return location;
      },
      async discard() {
        store.#partials.delete(k);
      },
      async close() {},
    };
  }
}
