// A user's attestation trust, kept offline and extended only by the user: their own anchors
// (`keyprint trust add CERT.pem`, the web app's Settings) and the entries of a FIDO Metadata Service
// BLOB they downloaded themselves (mds.ts verifies it before any entry is kept). One plain data
// model — pure functions that return a new store — shared by the CLI (HOME/trust.json,
// src/cli/_trust-store.ts) and the web app (IndexedDB); `useTrustStore` puts it into effect for every
// later verifyAttestation (trust-anchors.ts). Browser-safe.
//
// What an entry vouches for: a user anchor, any authenticator whose chain reaches it (vendor = the
// name given, else the certificate's O or CN); an MDS3 entry, only the model it lists (by AAGUID, or
// attestation key id for U2F keys; FIDO MDS 3.0 §3.1.1), named by its description — and a model
// whose status report says compromised (§3.1.4) is refused outright (attestation-chain.ts).

import { sha256 } from '../core/index.js';
import { InputError, KeyprintError, describe } from '../errors.js';
import { fromBase64, pemCertificates, toHex } from './_bytes.js';
import { base64 } from '@scure/base';
import { compromiseOf, verifyMetadataBlob, type MetadataEntry } from './mds.js';
import { installTrust, type TrustAnchorInput } from './trust-anchors.js';
import { parseCertificate, type TrustAnchor, type X509Certificate } from './x509.js';

/** Codes: `trust-duplicate`, `trust-not-found`, `trust-ambiguous`, `trust-store-corrupt`, `mds-rollback`. */
export class TrustStoreError extends KeyprintError {}

/** An anchor the user added. */
export interface UserAnchor {
  /** The certificate, DER. */
  der: Uint8Array;
  /** The vendor name to report (default: the certificate's O, else CN). */
  vendor?: string;
  /** Where it came from, e.g. `file /home/ada/acme-root.pem`. */
  origin: string;
  /** When it was added (ms since the epoch). */
  addedAt: number;
}

/** An imported, verified FIDO MDS3 BLOB: its header facts and the entries keyprint uses. */
export interface StoredMetadata {
  no: number;
  nextUpdate: string;
  legalHeader?: string;
  signer: string;
  root: string;
  /** Where the BLOB came from, e.g. `file /tmp/blob.jwt`. */
  origin: string;
  importedAt: number;
  entries: MetadataEntry[];
}

/** Everything a user trusts beyond the bundled roots. */
export interface TrustStore {
  version: 1;
  anchors: UserAnchor[];
  metadata?: StoredMetadata;
}

/** One user anchor as listed. */
export interface TrustRow {
  /** The first 16 hex digits of the SHA-256 fingerprint: what `trust remove` takes. */
  id: string;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprint: string;
  subject: string;
  issuer: string;
  vendor: string;
  origin: string;
  addedAt: string;
  notAfter: string;
}

/** An imported BLOB as listed. */
export interface MetadataSummary {
  no: number;
  nextUpdate: string;
  /** Past nextUpdate: a newer BLOB exists — download and import it. */
  stale: boolean;
  entries: number;
  /** Entries whose status says compromised (refused). */
  compromised: number;
  signer: string;
  root: string;
  origin: string;
  importedAt: string;
  legalHeader?: string;
}

/**
 * A certificate file's contents as addAnchor and importMetadata's `roots` take them: PEM text when
 * the file is PEM (RFC 7468), else its bytes as DER.
 * @example addAnchor(store, certificateFile(await file.arrayBuffer()), { origin })
 */
export function certificateFile(contents: Uint8Array | ArrayBuffer): string | Uint8Array {
  const bytes = contents instanceof Uint8Array ? contents : new Uint8Array(contents);
  const text = new TextDecoder().decode(bytes.subarray(0, 4096));
  return text.trimStart().startsWith('-----BEGIN') || text.includes('\n-----BEGIN') ? new TextDecoder().decode(bytes) : bytes;
}

/** A store with nothing in it. */
export function emptyTrustStore(): TrustStore {
  return { version: 1, anchors: [] };
}

const fingerprint = (der: Uint8Array) => toHex(sha256(der));
const attr = (c: X509Certificate, type: string) => c.subject.attributes.find((a) => a.type === type)?.value;
const vendorOf = (c: X509Certificate, given?: string) => given ?? attr(c, 'O') ?? attr(c, 'CN') ?? c.subject.text;

function row(a: UserAnchor): TrustRow {
  const c = parseCertificate(a.der);
  const fp = fingerprint(a.der);
  return {
    id: fp.slice(0, 16), fingerprint: fp, subject: c.subject.text, issuer: c.issuer.text, vendor: vendorOf(c, a.vendor),
    origin: a.origin, addedAt: new Date(a.addedAt).toISOString(), notAfter: c.notAfter.toISOString(),
  };
}

/**
 * Adds the certificates in `input` (PEM with one or more blocks, or DER) as the user's anchors.
 * @param store the current store (not modified)
 * @param input PEM text or DER bytes
 * @param options.origin where it came from; options.vendor the name to report; options.now
 * @returns the new store and the rows added
 * @throws CertificateError `malformed-certificate`; TrustStoreError `trust-duplicate`; InputError for
 *   input with no certificate
 * @example const { store: next } = addAnchor(store, pem, { origin: 'file acme.pem', vendor: 'Acme' })
 */
export function addAnchor(store: TrustStore, input: string | Uint8Array, options: { origin: string; vendor?: string; now?: number }): { store: TrustStore; added: TrustRow[] } {
  const ders = typeof input === 'string' ? pemCertificates(input) : [input];
  if (ders.length === 0) throw new InputError('invalid-value', '"certificate" expected a PEM CERTIFICATE block or DER, got none');
  if (options.vendor !== undefined && (typeof options.vendor !== 'string' || options.vendor.trim() === '' || options.vendor.length > 64)) {
    throw new InputError('invalid-value', `"vendor" expected 1 to 64 characters, got ${describe(options.vendor)}`);
  }
  const added: UserAnchor[] = [];
  for (const der of ders) {
    parseCertificate(der); // refuse what would not parse later
    const fp = fingerprint(der);
    if ([...store.anchors, ...added].some((a) => fingerprint(a.der) === fp)) {
      throw new TrustStoreError('trust-duplicate', `this certificate is already trusted (id ${fp.slice(0, 16)})`);
    }
    added.push({ der: der.slice(), ...(options.vendor ? { vendor: options.vendor.trim() } : {}), origin: options.origin, addedAt: options.now ?? Date.now() });
  }
  return { store: { ...store, anchors: [...store.anchors, ...added] }, added: added.map(row) };
}

/**
 * Removes one user anchor by id (a prefix of its SHA-256 fingerprint, at least 8 hex digits).
 * @returns the new store and the removed row
 * @throws TrustStoreError `trust-not-found`, `trust-ambiguous`
 * @example removeAnchor(store, '3f2a9c01d4e5b6a7')
 */
export function removeAnchor(store: TrustStore, id: string): { store: TrustStore; removed: TrustRow } {
  const want = typeof id === 'string' ? id.trim().toLowerCase().replace(/:/g, '') : '';
  if (!/^[0-9a-f]{8,64}$/.test(want)) throw new InputError('invalid-value', `"id" expected at least 8 hex digits of a fingerprint, got ${describe(id)}`);
  const hits = store.anchors.filter((a) => fingerprint(a.der).startsWith(want));
  if (hits.length === 0) throw new TrustStoreError('trust-not-found', `no trusted certificate has the id ${want} (see the list of trust anchors)`);
  if (hits.length > 1) throw new TrustStoreError('trust-ambiguous', `${hits.length} trusted certificates start with ${want}: give more digits`);
  return { store: { ...store, anchors: store.anchors.filter((a) => a !== hits[0]) }, removed: row(hits[0]) };
}

/**
 * Verifies a FIDO MDS3 BLOB (mds.ts) and makes its entries part of the store, replacing an older
 * import. §3.2 step 5: a BLOB whose `no` is lower than the one imported before is refused (a stale
 * BLOB could hide a later compromise report).
 * @param options.origin where the BLOB came from; options.roots instead of the FIDO Alliance's roots
 *   (a private metadata service); options.now the verification time
 * @returns the new store and the summary of what was imported
 * @throws MetadataError (see verifyMetadataBlob); TrustStoreError `mds-rollback`
 * @example const { store: next, metadata } = await importMetadata(store, blobText, { origin: 'file blob.jwt' })
 */
export async function importMetadata(
  store: TrustStore, blob: string | Uint8Array, options: { origin: string; roots?: readonly TrustAnchorInput[]; now?: Date },
): Promise<{ store: TrustStore; metadata: MetadataSummary }> {
  const now = options.now ?? new Date();
  const verified = await verifyMetadataBlob(blob, { roots: options.roots, at: now });
  if (store.metadata && verified.no < store.metadata.no) {
    throw new TrustStoreError('mds-rollback', `this metadata BLOB (no. ${verified.no}) is older than the one imported before (no. ${store.metadata.no}): download the current one`);
  }
  const metadata: StoredMetadata = {
    no: verified.no, nextUpdate: verified.nextUpdate, ...(verified.legalHeader ? { legalHeader: verified.legalHeader } : {}),
    signer: verified.signer, root: verified.root, origin: options.origin, importedAt: now.getTime(), entries: verified.entries,
  };
  return { store: { ...store, metadata }, metadata: summary(metadata, now) };
}

/** Forgets the imported BLOB. */
export function removeMetadata(store: TrustStore): TrustStore {
  return { version: 1, anchors: store.anchors };
}

function summary(m: StoredMetadata, now: Date): MetadataSummary {
  return {
    no: m.no, nextUpdate: m.nextUpdate, stale: now.toISOString().slice(0, 10) > m.nextUpdate, entries: m.entries.length,
    compromised: m.entries.filter((e) => compromiseOf(e)).length, signer: m.signer, root: m.root, origin: m.origin,
    importedAt: new Date(m.importedAt).toISOString(), ...(m.legalHeader ? { legalHeader: m.legalHeader } : {}),
  };
}

/**
 * What the store holds, for display: the user's anchors, and the imported BLOB's summary.
 * @example listTrust(store).anchors.map((r) => `${r.id} ${r.subject}`)
 */
export function listTrust(store: TrustStore, now = new Date()): { anchors: TrustRow[]; metadata?: MetadataSummary } {
  return { anchors: store.anchors.map(row), ...(store.metadata ? { metadata: summary(store.metadata, now) } : {}) };
}

/** The TrustAnchors of one MDS3 entry: scoped to its model, named by its description. */
function entryAnchors(e: MetadataEntry, source: string): TrustAnchor[] {
  const bad = compromiseOf(e);
  return e.attestationRootCertificates.map((der) => {
    const certificate = parseCertificate(der);
    return {
      certificate, vendor: vendorOf(certificate), source, model: e.description,
      ...(e.aaguid ? { aaguids: [e.aaguid] } : {}),
      ...(e.attestationCertificateKeyIdentifiers ? { certificateKeyIds: e.attestationCertificateKeyIdentifiers } : {}),
      ...(bad ? { compromised: bad } : {}),
    };
  });
}

/**
 * Puts a store into effect for every later verifyAttestation in this process (or page) that does
 * not pass its own trustAnchors: its anchors join the bundled ones, its MDS3 entries vouch for their
 * models. Certificates of an entry are parsed only when that model is met. Replaces the store
 * installed before; undefined removes it.
 * @example useTrustStore(await readTrustStore(home))
 */
export function useTrustStore(store: TrustStore | undefined): void {
  if (!store) return installTrust(undefined);
  const anchors: TrustAnchor[] = store.anchors.map((a) => {
    const certificate = parseCertificate(a.der);
    return { certificate, vendor: vendorOf(certificate, a.vendor), source: a.origin };
  });
  const m = store.metadata;
  const byAaguid = new Map<string, MetadataEntry[]>();
  const byKeyId = new Map<string, MetadataEntry[]>();
  for (const e of m?.entries ?? []) {
    const put = (map: Map<string, MetadataEntry[]>, k: string) => map.set(k, [...(map.get(k) ?? []), e]);
    if (e.aaguid) put(byAaguid, e.aaguid);
    for (const k of e.attestationCertificateKeyIdentifiers ?? []) put(byKeyId, k);
  }
  const cache = new Map<MetadataEntry, TrustAnchor[]>();
  const source = m ? `FIDO Metadata Service BLOB no. ${m.no} (${m.origin})` : '';
  installTrust({
    anchors,
    lookup(aaguid, keyId) {
      const entries = [...(byAaguid.get(aaguid) ?? []), ...(keyId ? byKeyId.get(keyId) ?? [] : [])];
      return entries.flatMap((e) => {
        if (!cache.has(e)) cache.set(e, entryAnchors(e, source));
        return cache.get(e)!;
      });
    },
  });
}

// ---- serialization: JSON, bytes as base64 ----------------------------------------------------------

/**
 * The store as JSON text (certificates base64 DER).
 * @example await writeFile(path, encodeTrustStore(store))
 */
export function encodeTrustStore(store: TrustStore): string {
  const b = (d: Uint8Array) => base64.encode(d);
  return JSON.stringify({
    version: 1,
    anchors: store.anchors.map((a) => ({ der: b(a.der), ...(a.vendor ? { vendor: a.vendor } : {}), origin: a.origin, addedAt: a.addedAt })),
    ...(store.metadata ? {
      metadata: {
        ...store.metadata,
        entries: store.metadata.entries.map((e) => ({
          ...e,
          attestationRootCertificates: e.attestationRootCertificates.map(b),
          statusReports: e.statusReports.map((r) => ({ ...r, ...(r.certificate ? { certificate: b(r.certificate) } : {}) })),
        })),
      },
    } : {}),
  });
}

/**
 * Reads what encodeTrustStore wrote, checking every field.
 * @throws TrustStoreError `trust-store-corrupt` naming what is wrong
 * @example decodeTrustStore(await readFile(path, 'utf8'))
 */
export function decodeTrustStore(text: string): TrustStore {
  const bad = (why: string): never => { throw new TrustStoreError('trust-store-corrupt', `the trust store is damaged: ${why}`); };
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return bad('not JSON');
  }
  if (typeof o !== 'object' || o === null || o.version !== 1 || !Array.isArray(o.anchors)) return bad('expected { "version": 1, "anchors": [...] }');
  const bytes = (v: unknown, what: string) => {
    if (typeof v !== 'string') return bad(`${what} is not base64`);
    try {
      return fromBase64(v);
    } catch {
      return bad(`${what} is not base64`);
    }
  };
  const str = (v: unknown, what: string, optional = false): string | undefined => {
    if (v === undefined && optional) return undefined;
    return typeof v === 'string' ? v : bad(`${what} is not a string`);
  };
  const num = (v: unknown, what: string) => (Number.isSafeInteger(v) ? (v as number) : bad(`${what} is not an integer`));
  const anchors = (o.anchors as unknown[]).map((v, i): UserAnchor => {
    const a = (typeof v === 'object' && v !== null ? v : bad(`anchors[${i}] is not an object`)) as Record<string, unknown>;
    const der = bytes(a.der, `anchors[${i}].der`);
    try {
      parseCertificate(der);
    } catch {
      bad(`anchors[${i}] is not a certificate`);
    }
    const vendor = str(a.vendor, `anchors[${i}].vendor`, true);
    return { der, ...(vendor ? { vendor } : {}), origin: str(a.origin, `anchors[${i}].origin`)!, addedAt: num(a.addedAt, `anchors[${i}].addedAt`) };
  });
  if (o.metadata === undefined) return { version: 1, anchors };
  const m = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : bad('metadata is not an object')) as Record<string, unknown>;
  if (!Array.isArray(m.entries)) bad('metadata.entries is not an array');
  const entries = (m.entries as unknown[]).map((v, i): MetadataEntry => {
    const e = (typeof v === 'object' && v !== null ? v : bad(`metadata.entries[${i}] is not an object`)) as Record<string, unknown>;
    const where = `metadata.entries[${i}]`;
    const ids = e.attestationCertificateKeyIdentifiers;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((x) => typeof x === 'string'))) bad(`${where}.attestationCertificateKeyIdentifiers`);
    if (!Array.isArray(e.attestationRootCertificates) || !Array.isArray(e.statusReports)) bad(`${where} lacks roots or status reports`);
    const aaguid = str(e.aaguid, `${where}.aaguid`, true);
    const changed = str(e.timeOfLastStatusChange, `${where}.timeOfLastStatusChange`, true);
    return {
      ...(aaguid ? { aaguid } : {}),
      ...(ids ? { attestationCertificateKeyIdentifiers: ids as string[] } : {}),
      description: str(e.description, `${where}.description`)!,
      attestationRootCertificates: (e.attestationRootCertificates as unknown[]).map((c, j) => bytes(c, `${where}.attestationRootCertificates[${j}]`)),
      statusReports: (e.statusReports as unknown[]).map((r, j) => {
        const s = (typeof r === 'object' && r !== null ? r : bad(`${where}.statusReports[${j}]`)) as Record<string, unknown>;
        const date = str(s.effectiveDate, `${where}.statusReports[${j}].effectiveDate`, true);
        return {
          status: str(s.status, `${where}.statusReports[${j}].status`)!,
          ...(date ? { effectiveDate: date } : {}),
          ...(s.certificate !== undefined ? { certificate: bytes(s.certificate, `${where}.statusReports[${j}].certificate`) } : {}),
        };
      }),
      ...(changed ? { timeOfLastStatusChange: changed } : {}),
    };
  });
  const legalHeader = str(m.legalHeader, 'metadata.legalHeader', true);
  return {
    version: 1, anchors,
    metadata: {
      no: num(m.no, 'metadata.no'), nextUpdate: str(m.nextUpdate, 'metadata.nextUpdate')!, ...(legalHeader ? { legalHeader } : {}),
      signer: str(m.signer, 'metadata.signer')!, root: str(m.root, 'metadata.root')!, origin: str(m.origin, 'metadata.origin')!,
      importedAt: num(m.importedAt, 'metadata.importedAt'), entries,
    },
  };
}
