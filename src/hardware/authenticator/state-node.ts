// The software authenticator's state on disk (Node only): DirectoryStore keeps dir/state.json,
// written atomically (core/atomic-file-node.ts). The format and MemoryStore are state.ts.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../core/atomic-file-node.js';
import { HardwareError } from '../errors.js';
import { fromJson, toJson, type AuthenticatorStateData, type AuthenticatorStore } from './state.js';

/**
 * Keeps state in `dir/state.json` (mode 0600, atomic replace).
 * @example const store = new DirectoryStore('/var/lib/keyprint-emulator')
 */
export class DirectoryStore implements AuthenticatorStore {
  readonly file: string;
  constructor(readonly dir: string) {
    this.file = join(dir, 'state.json');
  }

  /** @throws HardwareError `state` if the file exists but cannot be read or parsed */
  load(): AuthenticatorStateData | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      return fromJson(readFileSync(this.file, 'utf8'));
    } catch (e) {
      if (e instanceof HardwareError) throw e;
      throw new HardwareError('state', `cannot read authenticator state ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** @throws HardwareError `state` if the directory or file cannot be written */
  save(state: AuthenticatorStateData): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // A crash leaves either the old state or the new one, never half a file (core/atomic-file-node.ts).
      writeFileAtomicSync(this.file, toJson(state));
    } catch (e) {
      throw new HardwareError('state', `cannot write authenticator state ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }

  toString(): string {
    return `DirectoryStore(${this.dir})`;
  }
}
