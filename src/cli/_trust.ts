// Puts the user's trust store (HOME/trust.json: their anchors, an imported FIDO MDS3 BLOB) into
// effect before a command that verifies attestations runs — enroll, whoami, card, verify, contacts,
// chat — so every verdict in one home agrees. The home is the command's `--home`, else the default.

import { useTrustStore } from '../identity/trust-store.js';
import { readTrustStore } from './_trust-store.js';
import { resolveHome } from './_home.js';

/** The `--home` value in raw arguments (`--home DIR` or `--home=DIR`), if any. */
export function homeArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return undefined;
    if (args[i] === '--home') return args[i + 1];
    if (args[i].startsWith('--home=')) return args[i].slice('--home='.length);
  }
  return undefined;
}

/**
 * Reads the trust store of the command's home and installs it.
 * @throws TrustStoreError `trust-store-corrupt` / `trust-store-io` — a damaged store is never ignored
 */
export async function applyTrustStore(args: readonly string[]): Promise<void> {
  const flag = homeArgument(args);
  if (flag !== undefined && flag.trim() === '') return; // the command reports the bad flag itself
  useTrustStore(await readTrustStore(resolveHome(flag)));
}
