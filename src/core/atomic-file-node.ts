// Node-only: write a file so that readers see either the old bytes or the new ones, never a part.
// Temp file in the same directory, created exclusively with mode 0600 (a planted file or symlink at
// the temporary name fails the write), flushed, renamed over the target, then the directory flushed
// so the rename itself survives a crash. syncDir is also for deletions. The one atomic write of
// keyprint (the synchronous form is for the software authenticator's state, saved inside a CTAP call).

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);

/** Atomically replaces `path` with `data`, mode 0600 (or `mode`; the umask can only narrow it). */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = tempName(path);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    await syncDir(dir);
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {});
  }
}

/** Flushes a directory, so a rename or unlink in it is durable. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** writeFileAtomic, synchronously. */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, mode = 0o600): void {
  const dir = dirname(path);
  const tmp = tempName(path);
  let renamed = false;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
    if (process.platform !== 'win32') {
      const d = openSync(dir, 'r');
      try { fsyncSync(d); } finally { closeSync(d); }
    }
  } finally {
    if (!renamed) try { rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}
