// Received files for `keyprint chat`: the peer chooses the name, so it is reduced to a plain file
// name (no directories, no "..", no control or reserved characters, bounded length) and written with
// O_EXCL into the download directory under a fresh name ("name (1).ext" …): never outside the
// directory, never over an existing file.

import { mkdir, open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KeyprintError } from '../errors.js';

const MAX_NAME = 120;

/**
 * A safe local file name for a name chosen by the peer.
 * @param name the peer's file name
 * @returns a name without path separators, never "", "." or ".."
 * @example safeFileName('../../etc/passwd') // 'passwd'
 */
export function safeFileName(name: string): string {
  const base = String(name).split(/[/\\]/).pop() ?? '';
  let s = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '_').trim();
  s = s.replace(/^\.+/, ''); // no hidden files, no "." or ".."
  if (s.length > MAX_NAME) {
    const ext = extname(s).slice(0, 16);
    s = s.slice(0, MAX_NAME - ext.length) + ext;
  }
  return s === '' ? 'file' : s;
}

/**
 * Writes a received file under a name that does not exist yet.
 * @returns the path written
 * @throws KeyprintError `file-io` when the directory cannot be written
 */
export async function saveReceivedFile(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const safe = safeFileName(name);
  const ext = extname(safe), stem = safe.slice(0, safe.length - ext.length);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 1000; i++) {
      const path = join(dir, i === 0 ? safe : `${stem} (${i})${ext}`);
      let fh;
      try {
        fh = await open(path, 'wx', 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      try { await fh.writeFile(bytes); } finally { await fh.close(); }
      return path;
    }
  } catch (e) {
    throw new KeyprintError('file-io', `cannot save the received file in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  throw new KeyprintError('file-io', `cannot save the received file in ${dir}: 1000 files named like "${safe}" already`);
}
