// The user's attestation trust in this browser — their own anchors and an imported FIDO Metadata
// Service BLOB — the same store the CLI keeps in HOME/trust.json (keyprint/identity trust-store.ts
// decides everything: what a certificate or BLOB is worth, when one is refused). Kept in IndexedDB
// ("keyprint-web" / "trust", wiped with everything else) and put into effect with useTrustStore, so
// every attestation this page checks — enrollment, cards — uses it. Components render the rows and
// call these methods.
import {
  addAnchor, certificateFile, decodeTrustStore, emptyTrustStore, encodeTrustStore, importMetadata, listTrust, removeAnchor, removeMetadata,
  useTrustStore, type MetadataSummary, type TrustRow, type TrustStore,
} from 'keyprint/identity';
import { run } from './db.js';

const KEY = 'store';

export class TrustState {
  anchors = $state.raw<TrustRow[]>([]);
  metadata = $state.raw<MetadataSummary | null>(null);
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  /** The last change, for a status line ("Trusted …", "Imported …"). */
  notice = $state<string | null>(null);

  #store: TrustStore = emptyTrustStore();
  #listeners: Array<() => void> = [];

  /** Called after every change (e.g. to re-check the identity's attestation). */
  onChange(fn: () => void): void {
    this.#listeners.push(fn);
  }

  async load(): Promise<void> {
    try {
      const text = await run('trust', 'readonly', (s) => s.get(KEY)) as string | undefined;
      this.#apply(text ? decodeTrustStore(text) : emptyTrustStore(), false);
    } catch (e) {
      this.error = `The saved trust settings are unusable and are not applied: ${(e as Error).message}. Remove them below or add your anchors again.`;
    }
  }

  #apply(store: TrustStore, changed = true): void {
    this.#store = store;
    useTrustStore(store);
    const l = listTrust(store);
    this.anchors = l.anchors;
    this.metadata = l.metadata ?? null;
    if (changed) for (const fn of this.#listeners) fn();
  }

  async #change(message: string, f: (store: TrustStore) => Promise<{ store: TrustStore; notice: string }>): Promise<boolean> {
    this.error = null;
    this.notice = null;
    this.busy = message;
    try {
      const { store, notice } = await f(this.#store);
      await run('trust', 'readwrite', (s) => s.put(encodeTrustStore(store), KEY));
      this.#apply(store);
      this.notice = notice;
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Trusts the certificate(s) in a PEM or DER file. */
  add(file: File, vendor: string): Promise<boolean> {
    return this.#change('Reading the certificate…', async (store) => {
      const { store: next, added } = addAnchor(store, certificateFile(await file.arrayBuffer()), {
        origin: `file ${file.name}`, ...(vendor.trim() ? { vendor: vendor.trim() } : {}),
      });
      return { store: next, notice: `Trusted: ${added.map((r) => `${r.vendor} (${r.subject})`).join(', ')}` };
    });
  }

  remove(id: string): Promise<boolean> {
    return this.#change('Removing…', async (store) => {
      const { store: next, removed } = removeAnchor(store, id);
      return { store: next, notice: `Removed: ${removed.vendor} (${removed.subject})` };
    });
  }

  /**
   * Imports a FIDO MDS3 BLOB the user downloaded; `root` (a PEM/DER file) replaces the FIDO
   * Alliance's root for a private metadata service.
   */
  importBlob(file: File, root?: File): Promise<boolean> {
    return this.#change('Checking the metadata BLOB\'s signature…', async (store) => {
      const roots = root ? [certificateFile(await root.arrayBuffer())] : undefined;
      const { store: next, metadata } = await importMetadata(store, new Uint8Array(await file.arrayBuffer()), {
        origin: `file ${file.name}${root ? ` (root ${root.name})` : ''}`, ...(roots ? { roots } : {}),
      });
      return { store: next, notice: `Imported metadata BLOB no. ${metadata.no}: ${metadata.entries} authenticator models.` };
    });
  }

  forgetBlob(): Promise<boolean> {
    return this.#change('Removing…', async (store) => ({ store: removeMetadata(store), notice: 'The metadata BLOB was removed.' }));
  }
}
