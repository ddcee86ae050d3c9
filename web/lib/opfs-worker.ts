// The web app's file I/O worker (WHATWG File System, origin-private file system): files are read
// and written in place, by offset, through synchronous access handles, which only a dedicated
// worker may hold. A write goes straight into the file (no swap copy, unlike a writable stream), so
// a partly received file survives a reload and the transfer resumes. Everything lives in the
// directory "keyprint-files"; names are made by web/lib/files-opfs.ts, never by a peer.
import { FILES_DIR } from './opfs-dir.js';

interface SyncHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
interface FileHandle { createSyncAccessHandle(): Promise<SyncHandle>; move?(name: string): Promise<void> }

export type OpfsRequest =
  | { op: 'open'; name: string; create: boolean }
  | { op: 'read'; handle: number; offset: number; length: number }
  | { op: 'write'; handle: number; offset: number; data: ArrayBuffer; byteOffset: number; byteLength: number }
  | { op: 'flush'; handle: number }
  | { op: 'close'; handle: number }
  | { op: 'remove'; name: string }
  | { op: 'move'; from: string; to: string }
  | { op: 'list' }
  | { op: 'readAll'; name: string }
  | { op: 'writeAll'; name: string; data: ArrayBuffer };


let dir: Promise<FileSystemDirectoryHandle> | undefined;
const directory = () => (dir ??= navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(FILES_DIR, { create: true })));

/** Open handles by name (one sync handle per file: a second open shares it). */
const open = new Map<string, { id: number; handle: SyncHandle; count: number }>();
const byId = new Map<number, { name: string; handle: SyncHandle }>();
let next = 1;

async function fileHandle(name: string, create: boolean): Promise<FileHandle> {
  return (await (await directory()).getFileHandle(name, { create })) as unknown as FileHandle;
}

async function handle(req: OpfsRequest): Promise<{ result?: unknown; transfer?: Transferable[] }> {
  switch (req.op) {
    case 'open': {
      const o = open.get(req.name);
      if (o) { o.count++; return { result: { handle: o.id, size: o.handle.getSize() } }; }
      const h = await (await fileHandle(req.name, req.create)).createSyncAccessHandle();
      const id = next++;
      open.set(req.name, { id, handle: h, count: 1 });
      byId.set(id, { name: req.name, handle: h });
      return { result: { handle: id, size: h.getSize() } };
    }
    case 'read': {
      const buf = new Uint8Array(req.length);
      const n = get(req.handle).read(buf, { at: req.offset });
      return { result: { data: buf.buffer, length: n }, transfer: [buf.buffer] };
    }
    case 'write': {
      const data = new Uint8Array(req.data, req.byteOffset, req.byteLength);
      let done = 0;
      while (done < data.length) done += get(req.handle).write(data.subarray(done), { at: req.offset + done });
      return {};
    }
    case 'flush': get(req.handle).flush(); return {};
    case 'close': {
      const e = byId.get(req.handle);
      if (!e) return {};
      const o = open.get(e.name)!;
      if (--o.count === 0) { o.handle.flush(); o.handle.close(); open.delete(e.name); byId.delete(req.handle); }
      return {};
    }
    case 'remove': {
      const o = open.get(req.name);
      if (o) { o.handle.close(); open.delete(req.name); byId.delete(o.id); }
      await (await directory()).removeEntry(req.name).catch((e: DOMException) => { if (e.name !== 'NotFoundError') throw e; });
      return {};
    }
    case 'move': {
      const h = await fileHandle(req.from, false);
      if (!h.move) return { result: req.from }; // no rename here: it keeps its name
      await h.move(req.to);
      return { result: req.to };
    }
    case 'list': {
      const names: string[] = [];
      for await (const name of (await directory() as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return { result: names };
    }
    case 'readAll': {
      let h: SyncHandle;
      try {
        h = await (await fileHandle(req.name, false)).createSyncAccessHandle();
      } catch (e) {
        if ((e as DOMException).name === 'NotFoundError') return { result: null };
        throw e;
      }
      try {
        const buf = new Uint8Array(h.getSize());
        h.read(buf, { at: 0 });
        return { result: buf.buffer, transfer: [buf.buffer] };
      } finally {
        h.close();
      }
    }
    case 'writeAll': {
      const h = await (await fileHandle(req.name, true)).createSyncAccessHandle();
      try {
        h.truncate(0);
        h.write(new Uint8Array(req.data), { at: 0 });
        h.flush();
      } finally {
        h.close();
      }
      return {};
    }
  }
}

function get(id: number): SyncHandle {
  const e = byId.get(id);
  if (!e) throw new Error(`file handle ${id} is closed`);
  return e.handle;
}

// Requests are handled one at a time, in order (a write is never overtaken by a later read).
let queue: Promise<void> = Promise.resolve();
const scope = self as unknown as { onmessage: ((e: MessageEvent<{ seq: number; req: OpfsRequest }>) => void) | null; postMessage(m: unknown, transfer?: Transferable[]): void };
scope.onmessage = (e) => {
  const { seq, req } = e.data;
  queue = queue.then(async () => {
    try {
      const { result, transfer } = await handle(req);
      scope.postMessage({ seq, ok: true, result }, transfer ?? []);
    } catch (err) {
      scope.postMessage({ seq, ok: false, error: `${(err as Error).name ?? 'Error'}: ${(err as Error).message ?? String(err)}` });
    }
  });
};
