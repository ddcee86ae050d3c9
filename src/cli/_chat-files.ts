// Files for `keyprint chat`: the session's FileStore (src/session/file-store.ts) over Node files.
// Received: the peer chooses the name, so it is reduced to a plain file name (src/session/
// file-name.ts: no directories, no "..", no control, bidi, invisible or reserved characters,
// bounded length — the web app's download name follows the same rule). Chunks are written into a
// hidden temporary file in the files directory (`.keyprint-<peer>-<id>.part`, mode 0600), which
// survives a dropped connection or a restart so the transfer resumes; once the SHA-256 matched, it
// is flushed and renamed onto a name reserved with O_EXCL ("name (1).ext" …): never outside the
// directory, never over an existing file. What the receiver remembers of each transfer (name, size,
// state) is kept in HOME/incoming/. Sent: the outbox keeps the path, size and modification time;
// the file is read by offset when the transfer runs, and refused if it changed meanwhile.

import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { sha256 } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { syncDir, writeFileAtomic } from '../core/atomic-file-node.js';
import type { FileContent, FileSink, FileSource, FileStore, IncomingRecord } from '../session/index.js';
import { safeFileName } from '../session/file-name.js';

export { safeFileName };

/** Where the records of incoming transfers are kept, in the home directory. */
export const INCOMING_DIR = 'incoming';

const fileIo = (what: string, e: unknown) => new KeyprintError('file-io', `${what}: ${(e as Error).message}`, { cause: e });

/**
 * Moves `from` onto a fresh name in `dir` for `name`: the name is reserved with O_EXCL (so nothing
 * existing is replaced, and a file planted meanwhile is skipped), then `from` is renamed onto it.
 * @returns the path
 * @throws KeyprintError `file-io`
 */
export async function moveToFreshName(dir: string, name: string, from: string): Promise<string> {
  const safe = safeFileName(name);
  const ext = extname(safe), stem = safe.slice(0, safe.length - ext.length);
  try {
    for (let i = 0; i < 1000; i++) {
      const path = join(dir, i === 0 ? safe : `${stem} (${i})${ext}`);
      try {
        await (await open(path, 'wx', 0o600)).close();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      await rename(from, path);
      await syncDir(dir);
      return path;
    }
  } catch (e) {
    throw fileIo(`cannot save the received file in ${dir}`, e);
  }
  throw new KeyprintError('file-io', `cannot save the received file in ${dir}: 1000 files named like "${safe}" already`);
}

/** What the outbox keeps of a file sent from this machine (FileContent.ref). */
interface SentRef { path: string; size: number; mtimeMs: number }

/**
 * The description of a local file to send: name, a media type guessed from its extension, size, and
 * the reference the outbox keeps.
 * @throws KeyprintError `file` when it is not a readable regular file
 */
export async function describeFile(path: string): Promise<Omit<FileContent, 'kind'>> {
  const full = resolve(path);
  let s;
  try {
    s = await stat(full);
  } catch (e) {
    throw new KeyprintError('file', `cannot read "${path}": ${(e as Error).message}`, { cause: e });
  }
  if (!s.isFile()) throw new KeyprintError('file', `"${path}" expected a regular file`);
  const ref: SentRef = { path: full, size: s.size, mtimeMs: s.mtimeMs };
  const name = full.split(/[/\\]/).pop() ?? 'file';
  return { name, mime: MIME[extname(name).toLowerCase()] ?? 'application/octet-stream', size: s.size, ref: JSON.stringify(ref) };
}

const MIME: Record<string, string> = {
  '.txt': 'text/plain', '.md': 'text/markdown', '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.svg': 'image/svg+xml', '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.mp3': 'audio/mpeg',
  '.zip': 'application/zip', '.gz': 'application/gzip', '.tar': 'application/x-tar', '.iso': 'application/x-iso9660-image', '.json': 'application/json',
};

interface StoredRecord { version: 1; peer: string; id: string; name: string; mime: string; size: number; state: IncomingRecord['state']; at: number }

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The peer as a file-name part: a did:key has ':' and is long; 16 hex digits of its SHA-256 name it. */
const peerTag = (peer: string) => hex(sha256(new TextEncoder().encode(peer))).slice(0, 16);
const RECORD_NAME = /^[0-9a-f]{16}-[0-9a-f]{32}\.json$/;

/**
 * The FileStore of `keyprint chat`.
 * @example new NodeFileStore(join(home, 'received'), home)
 */
export class NodeFileStore implements FileStore {
  readonly #dir: string;
  readonly #records: string;

  /**
   * @param filesDir where received files go (created 0700 when the first one arrives)
   * @param home the keyprint home (records in HOME/incoming/)
   */
  constructor(filesDir: string, home: string) {
    this.#dir = filesDir;
    this.#records = join(home, INCOMING_DIR);
  }

  async source(content: FileContent): Promise<FileSource> {
    let ref: SentRef;
    try {
      ref = JSON.parse(content.ref) as SentRef;
    } catch {
      throw new KeyprintError('file', `"${content.name}": the outbox does not say where the file is`);
    }
    let fh: FileHandle;
    try {
      fh = await open(ref.path, 'r');
    } catch (e) {
      throw new KeyprintError('file', `${ref.path} cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    const s = await fh.stat();
    if (s.size !== ref.size || s.mtimeMs !== ref.mtimeMs) {
      await fh.close();
      throw new KeyprintError('file', `${ref.path} changed since it was sent (now ${s.size} bytes, modified ${new Date(s.mtimeMs).toISOString()})`);
    }
    return {
      size: s.size,
      async read(offset, length) {
        const buf = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === length ? buf : buf.subarray(0, got);
      },
      close: () => fh.close().catch(() => undefined),
    };
  }

  async release(): Promise<void> {
    // The user's own file: nothing of ours to delete.
  }

  #recordPath(peer: string, id: Uint8Array): string {
    return join(this.#records, `${peerTag(peer)}-${hex(id)}.json`);
  }

  #partPath(peer: string, id: Uint8Array): string {
    return join(this.#dir, `.keyprint-${peerTag(peer)}-${hex(id)}.part`);
  }

  async record(peer: string, id: Uint8Array): Promise<IncomingRecord | undefined> {
    return this.#read(this.#recordPath(peer, id), peer);
  }

  async #read(path: string, peer?: string): Promise<IncomingRecord | undefined> {
    let r: StoredRecord;
    try {
      r = JSON.parse(await readFile(path, 'utf8')) as StoredRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KeyprintError('file-io', `${path} is not a transfer record (move it away or delete it): ${(e as Error).message}`, { cause: e });
    }
    if (r?.version !== 1 || typeof r.peer !== 'string' || !/^[0-9a-f]{32}$/.test(r.id) || (peer !== undefined && r.peer !== peer)) {
      throw new KeyprintError('file-io', `${path} is not a transfer record of this peer (move it away or delete it)`);
    }
    return { peer: r.peer, id: new Uint8Array(Buffer.from(r.id, 'hex')), name: r.name, mime: r.mime, size: r.size, state: r.state, at: r.at };
  }

  async records(): Promise<IncomingRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.#records);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fileIo(`cannot read ${this.#records}`, e);
    }
    const out: IncomingRecord[] = [];
    for (const n of names.filter((x) => RECORD_NAME.test(x)).sort()) {
      const r = await this.#read(join(this.#records, n)).catch(() => undefined); // a damaged record: left alone
      if (r) out.push(r);
    }
    return out;
  }

  async putRecord(r: IncomingRecord): Promise<void> {
    const stored: StoredRecord = { version: 1, peer: r.peer, id: hex(r.id), name: r.name, mime: r.mime, size: r.size, state: r.state, at: r.at };
    try {
      await mkdir(this.#records, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.#recordPath(r.peer, r.id), JSON.stringify(stored) + '\n');
    } catch (e) {
      throw fileIo(`cannot write ${this.#recordPath(r.peer, r.id)}`, e);
    }
  }

  async deleteRecord(peer: string, id: Uint8Array): Promise<void> {
    await unlink(this.#recordPath(peer, id)).catch((e) => { if (e.code !== 'ENOENT') throw fileIo('cannot delete a transfer record', e); });
  }

  async held(r: IncomingRecord): Promise<number> {
    const part = this.#partPath(r.peer, r.id);
    try {
      return (await stat(part)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw fileIo(`cannot read ${part}`, e);
    }
  }

  async sink(r: IncomingRecord): Promise<FileSink> {
    const part = this.#partPath(r.peer, r.id);
    let fh: FileHandle;
    try {
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      // An existing partial file is the one we started (its name is ours alone); else a new one, exclusively.
      fh = await open(part, 'r+').catch((e) => {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        return open(part, 'wx+', 0o600);
      });
    } catch (e) {
      throw fileIo(`cannot write in ${this.#dir}`, e);
    }
    const written = (await fh.stat()).size;
    let closed = false;
    const close = async () => { if (!closed) { closed = true; await fh.close(); } };
    const dir = this.#dir;
    return {
      written,
      async write(offset, data) {
        let done = 0;
        while (done < data.length) done += (await fh.write(data, done, data.length - done, offset + done)).bytesWritten;
      },
      async read(offset, length) {
        const buf = new Uint8Array(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      },
      async complete() {
        await fh.sync();
        await close();
        return moveToFreshName(dir, r.name, part);
      },
      async discard() {
        await close();
        await unlink(part).catch((e) => { if (e.code !== 'ENOENT') throw fileIo(`cannot delete ${part}`, e); });
      },
      close,
    };
  }
}
