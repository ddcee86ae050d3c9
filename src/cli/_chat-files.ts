// Received files for `keyprint chat`: the peer chooses the name, so it is reduced to a plain file
// name (src/session/file-name.ts: no directories, no "..", no control, bidi, invisible or reserved
// characters, bounded length — the web app's download name follows the same rule) and written with
// O_EXCL into the download directory under a fresh name ("name (1).ext" …): never outside the
// directory, never over an existing file.

import { mkdir, open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KeyprintError } from '../errors.js';
import { safeFileName } from '../session/file-name.js';

export { safeFileName };

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
