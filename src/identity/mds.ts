// FIDO Metadata Service v3 (FIDO MDS 3.0, "Metadata BLOB" §3.1.7 and "Metadata BLOB object
// processing rules" §3.2): a BLOB the user downloaded themselves, verified offline before any entry is
// read. The BLOB is a JWS in compact serialization (RFC 7515 §3.1, §7.1); its header's x5c chain
// (RFC 7515 §4.1.6: base64, not base64url, DER) must lead to the FIDO Alliance's root — GlobalSign Root
// R46 since 2026-08, Root CA - R3 before, both bundled (trust-anchors.ts, provenance in
// test/vectors/SOURCES-sas-webauthn.md) — or to a root the caller names (a private metadata service);
// then the signature over ASCII(BASE64URL(header) ‖ "." ‖ BASE64URL(payload)) (RFC 7515 §5.2) is checked
// with the first certificate's key. Only then is the payload (MetadataBLOBPayload, §3.1.6) parsed into
// the entries keyprint uses: AAGUID or attestation key identifiers, description, attestation root
// certificates, status reports. No certificate revocation lists are fetched (§3.2 step 4 asks for
// them): keyprint never goes online for trust; the BLOB's own `no` and `nextUpdate` say how fresh it is.
// Browser-safe: WebCrypto for RSA, the WebAssembly core for P-256.

import { base64urlnopad } from '@scure/base';
import { KeyprintError } from '../errors.js';
import { fromBase64 } from './_bytes.js';
import { verifySignature } from './_signature.js';
import { fidoMdsRoots, toTrustAnchors, type TrustAnchorInput } from './trust-anchors.js';
import { CertificateError, parseCertificate, validatePath, type X509Certificate } from './x509.js';

/** Why a metadata BLOB was refused. */
export type MetadataErrorCode = 'mds-malformed' | 'mds-unsupported' | 'mds-untrusted' | 'mds-bad-signature';

/** A metadata BLOB could not be parsed, or did not verify. */
export class MetadataError extends KeyprintError {
  declare readonly code: MetadataErrorCode;
  constructor(code: MetadataErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** One status report of an entry (§3.1.3 StatusReport), the fields keyprint reads. */
export interface MetadataStatusReport {
  /** AuthenticatorStatus (§3.1.4), e.g. `FIDO_CERTIFIED_L1`, `ATTESTATION_KEY_COMPROMISE`. */
  status: string;
  /** ISO 8601 date the status took effect. */
  effectiveDate?: string;
  /** The certificate the status is about (DER), if the report names one. */
  certificate?: Uint8Array;
}

/** The part of a MetadataBLOBPayloadEntry (§3.1.1) keyprint keeps. */
export interface MetadataEntry {
  /** Dashed lowercase AAGUID (FIDO2 authenticators). */
  aaguid?: string;
  /** Lowercase hex SHA-1 key identifiers of attestation certificates (U2F authenticators). */
  attestationCertificateKeyIdentifiers?: string[];
  /** metadataStatement.description: the model's name. */
  description: string;
  /** metadataStatement.attestationRootCertificates (DER): the model's trust anchors. */
  attestationRootCertificates: Uint8Array[];
  statusReports: MetadataStatusReport[];
  timeOfLastStatusChange?: string;
}

/** A verified BLOB. */
export interface MetadataBlob {
  /** The BLOB's serial number (§3.1.6 `no`): a later BLOB has a larger one. */
  no: number;
  /** When the next BLOB is due (`YYYY-MM-DD`). */
  nextUpdate: string;
  legalHeader?: string;
  /** Subject of the signing certificate, and of the root it chains to. */
  signer: string;
  root: string;
  /** FIDO2 and U2F entries with at least one usable root certificate. */
  entries: MetadataEntry[];
  /** Entries left out: UAF-only (no AAGUID, no key identifiers), malformed, or without a usable root certificate. */
  skipped: number;
}

/**
 * AuthenticatorStatus values (§3.1.4) after which no attestation of that model is accepted:
 * its user verification can be bypassed, or an attestation or user key is compromised, or FIDO revoked it.
 */
export const COMPROMISED_STATUSES: readonly string[] = Object.freeze([
  'USER_VERIFICATION_BYPASS', 'ATTESTATION_KEY_COMPROMISE', 'USER_KEY_REMOTE_COMPROMISE', 'USER_KEY_PHYSICAL_COMPROMISE', 'REVOKED',
]);

/**
 * The first status report of an entry that makes its attestations unacceptable, if any.
 * @example compromiseOf(entry)?.status // 'ATTESTATION_KEY_COMPROMISE'
 */
export function compromiseOf(entry: Pick<MetadataEntry, 'statusReports'>): MetadataStatusReport | undefined {
  return entry.statusReports.find((r) => COMPROMISED_STATUSES.includes(r.status));
}

// JWS "alg" (RFC 7518 §3.1) → the COSE number verifySignature knows.
const JWS_ALGS: Readonly<Record<string, number>> = Object.freeze({
  ES256: -7, ES384: -35, ES512: -36, RS256: -257, RS384: -258, RS512: -259, PS256: -37, PS384: -38, PS512: -39,
});

/** Upper bound on a BLOB (FIDO's is a few MB with its icons). */
export const MAX_METADATA_BLOB_BYTES = 64 * 1024 * 1024;

const malformed = (why: string, cause?: unknown) => new MetadataError('mds-malformed', `metadata BLOB is malformed: ${why}`, { cause });
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function b64url(part: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw malformed(`${what} is not base64url`);
  try {
    return base64urlnopad.decode(part);
  } catch (e) {
    throw malformed(`${what} is not base64url`, e);
  }
}

function json(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw malformed(`${what} is not UTF-8 JSON`, e);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function der(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw malformed(`${what} is not base64 DER`);
  return fromBase64(text);
}

/** The JOSE header (RFC 7515 §4): alg, x5c; `crit` is refused (§4.1.11: no extension is understood here). */
function header(h: Record<string, unknown>): { alg: number; algName: string; chain: Uint8Array[] } {
  const algName = h.alg;
  if (typeof algName !== 'string' || JWS_ALGS[algName] === undefined) {
    throw new MetadataError('mds-unsupported', `metadata BLOB signature algorithm ${JSON.stringify(algName)} is not supported (ES256/384/512, RS256/384/512, PS256/384/512)`);
  }
  if (h.crit !== undefined) throw new MetadataError('mds-unsupported', 'metadata BLOB header has "crit" extensions keyprint does not understand');
  if (!Array.isArray(h.x5c) || h.x5c.length === 0 || h.x5c.length > 8) {
    // §3.2 step 3 also allows x5u; fetching it would put keyprint online.
    throw new MetadataError('mds-unsupported', 'metadata BLOB header has no x5c certificate chain (an x5u URL is not fetched)');
  }
  return { alg: JWS_ALGS[algName], algName, chain: h.x5c.map((c, i) => der(c, `x5c[${i}]`)) };
}

function statusReports(v: unknown, where: string): MetadataStatusReport[] {
  if (!Array.isArray(v)) throw malformed(`${where}.statusReports is not an array`);
  return v.map((r, i) => {
    if (typeof r !== 'object' || r === null || typeof (r as { status?: unknown }).status !== 'string') {
      throw malformed(`${where}.statusReports[${i}] has no status`);
    }
    const o = r as Record<string, unknown>;
    return {
      status: o.status as string,
      ...(typeof o.effectiveDate === 'string' ? { effectiveDate: o.effectiveDate } : {}),
      ...(o.certificate !== undefined ? { certificate: der(o.certificate, `${where}.statusReports[${i}].certificate`) } : {}),
    };
  });
}

/** One payload entry → MetadataEntry, or undefined for an entry keyprint cannot use. */
function entry(v: unknown, i: number): MetadataEntry | undefined {
  const where = `entries[${i}]`;
  if (typeof v !== 'object' || v === null) throw malformed(`${where} is not an object`);
  const e = v as Record<string, unknown>;
  const reports = statusReports(e.statusReports, where);
  const aaguid = typeof e.aaguid === 'string' ? e.aaguid.toLowerCase() : undefined;
  if (aaguid !== undefined && !AAGUID.test(aaguid)) throw malformed(`${where}.aaguid is not a UUID`);
  const ids = e.attestationCertificateKeyIdentifiers;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((x) => typeof x === 'string' && /^[0-9a-fA-F]{40}$/.test(x)))) {
    throw malformed(`${where}.attestationCertificateKeyIdentifiers expected hex SHA-1 strings`);
  }
  const keyIds = (ids as string[] | undefined)?.map((x) => x.toLowerCase());
  if (aaguid === undefined && !keyIds?.length) return undefined; // UAF (aaid): not a WebAuthn authenticator
  const ms = e.metadataStatement;
  if (typeof ms !== 'object' || ms === null) return undefined;
  const statement = ms as Record<string, unknown>;
  const description = typeof statement.description === 'string' ? statement.description : '';
  const roots: Uint8Array[] = [];
  for (const [j, c] of (Array.isArray(statement.attestationRootCertificates) ? statement.attestationRootCertificates : []).entries()) {
    try {
      roots.push(parseCertificate(der(c, `${where}.attestationRootCertificates[${j}]`)).der);
    } catch (err) {
      if (!(err instanceof KeyprintError)) throw err; // one unusable root does not spoil the others
    }
  }
  if (roots.length === 0 || description === '') return undefined;
  return {
    ...(aaguid ? { aaguid } : {}),
    ...(keyIds?.length ? { attestationCertificateKeyIdentifiers: keyIds } : {}),
    description: description.slice(0, 200),
    attestationRootCertificates: roots,
    statusReports: reports,
    ...(typeof e.timeOfLastStatusChange === 'string' ? { timeOfLastStatusChange: e.timeOfLastStatusChange } : {}),
  };
}

/**
 * Verifies a FIDO MDS3 BLOB and returns its entries (§3.2): the x5c chain is validated (RFC 5280
 * §6.1) to one of `roots` at `at` — it must reach one: a self-signed or unknown top is refused — the
 * JWS signature is checked with the first certificate's key, and only then is the payload read.
 * @param blob the BLOB as downloaded (the JWS compact text, or its bytes)
 * @param options.roots roots to accept instead of the FIDO Alliance's (a private metadata service; tests)
 * @param options.at the time the certificates must be valid at (default now)
 * @returns the verified BLOB
 * @throws MetadataError `mds-malformed`, `mds-unsupported`, `mds-untrusted` (the chain reaches no root,
 *   or a certificate is expired / broken), `mds-bad-signature`
 * @example const blob = await verifyMetadataBlob(await file.text()); blob.entries.length
 */
export async function verifyMetadataBlob(blob: string | Uint8Array, options: { roots?: readonly TrustAnchorInput[]; at?: Date } = {}): Promise<MetadataBlob> {
  if (typeof blob !== 'string' && !(blob instanceof Uint8Array)) throw malformed('expected the JWS text or its bytes');
  if (blob.length > MAX_METADATA_BLOB_BYTES) throw malformed(`larger than ${MAX_METADATA_BLOB_BYTES} bytes`);
  let text: string;
  try {
    text = typeof blob === 'string' ? blob : new TextDecoder('utf-8', { fatal: true }).decode(blob);
  } catch (e) {
    throw malformed('not UTF-8 text', e);
  }
  const parts = text.trim().split('.');
  if (parts.length !== 3) throw malformed(`a JWS has 3 dot-separated parts, got ${parts.length}`);
  const [h64, p64, s64] = parts;
  const h = header(json(b64url(h64, 'header'), 'header'));
  const signature = b64url(s64, 'signature');

  // §3.2 step 3: the chain to the root, before anything in the payload is believed.
  let certs: X509Certificate[];
  try {
    certs = h.chain.map((d) => parseCertificate(d));
  } catch (e) {
    throw malformed(`x5c: ${(e as Error).message}`, e);
  }
  const anchors = options.roots ? toTrustAnchors(options.roots) : fidoMdsRoots();
  let anchorSubject: string;
  try {
    const path = await validatePath({ leaf: certs[0], intermediates: certs.slice(1), anchors, at: options.at ?? new Date() });
    if (!path.anchor) throw new CertificateError('chain-untrusted', `the chain ends at "${path.path[path.path.length - 1].subject.text}", not at a FIDO Metadata Service root`);
    anchorSubject = path.anchor.certificate.subject.text;
  } catch (e) {
    if (e instanceof CertificateError) throw new MetadataError('mds-untrusted', `metadata BLOB signer "${certs[0].subject.text}" is not trusted: ${e.message} [${e.code}]`, { cause: e });
    throw e;
  }
  // RFC 7515 §5.2 step 8: the signature over the first two parts exactly as received.
  const signingInput = new TextEncoder().encode(`${h64}.${p64}`);
  let ok: boolean;
  try {
    ok = await verifySignature({ alg: h.alg, publicKey: certs[0].spki, data: signingInput, signature, ecdsaEncoding: 'raw' });
  } catch (e) {
    throw new MetadataError('mds-bad-signature', `metadata BLOB signature (${h.algName}) cannot be checked with its certificate: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) throw new MetadataError('mds-bad-signature', `metadata BLOB signature (${h.algName}) does not verify`);

  const payload = json(b64url(p64, 'payload'), 'payload');
  if (!Number.isSafeInteger(payload.no) || (payload.no as number) < 0) throw malformed('"no" is not a serial number');
  if (typeof payload.nextUpdate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(payload.nextUpdate)) throw malformed('"nextUpdate" is not YYYY-MM-DD');
  if (!Array.isArray(payload.entries)) throw malformed('"entries" is not an array');
  const entries: MetadataEntry[] = [];
  let skipped = 0;
  payload.entries.forEach((v, i) => {
    // One malformed entry (FIDO's mistake, under FIDO's signature) costs only that entry: it vouches
    // for nothing, and every other model stays usable.
    let e: MetadataEntry | undefined;
    try {
      e = entry(v, i);
    } catch (err) {
      if (!(err instanceof MetadataError)) throw err;
    }
    if (e) entries.push(e);
    else skipped++;
  });
  return {
    no: payload.no as number,
    nextUpdate: payload.nextUpdate,
    ...(typeof payload.legalHeader === 'string' ? { legalHeader: payload.legalHeader } : {}),
    signer: certs[0].subject.text,
    root: anchorSubject,
    entries,
    skipped,
  };
}
