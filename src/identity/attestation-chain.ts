// Shared steps of the x5c-based attestation formats (WebAuthn Level 3 §8.2 packed, §8.6 fido-u2f,
// §8.8 apple): reading the x5c array, validating the certification path (RFC 5280 §6.1, via x509.ts) and
// turning the result into a trust level with vendor and model. Also the one helper that checks an
// attestation signature and maps signature-layer errors to attestation codes.

import { CryptoError, KeyprintError } from '../errors.js';
import { AttestationError, type AttestationErrorCode } from './attestation-error.js';
import { lookupAaguid, lookupYubicoDevice } from './aaguids.js';
import { verifySignature } from './_signature.js';
import { readTlv, type Tlv } from '../core/der.js';
import { equalBytes, uuidString } from './_bytes.js';
import {
  CertificateError,
  OID_FIDO_GEN_CE_AAGUID,
  certificateKeyId,
  OID_YUBICO_DEVICE_ID,
  getExtension,
  parseCertificate,
  validatePath,
  type TrustAnchor,
  type X509Certificate,
} from './x509.js';

const readTlvOrUndefined = (b: Uint8Array): Tlv | undefined => {
  try {
    const t = readTlv(b);
    return t.end === b.length ? t : undefined;
  } catch {
    return undefined;
  }
};

/** Trust levels, strongest first. */
export type AttestationTrust = 'hardware-attested' | 'attested-unknown-vendor' | 'self-attested' | 'unattested';

/** What a format verifier returns. */
export interface FormatResult {
  trust: AttestationTrust;
  vendor?: string;
  model?: string;
  /** The received x5c, DER, leaf first. */
  attestationCertificates?: Uint8Array[];
}

/** Everything a format verifier needs (already checked by the §7.1 steps in attestation.ts). */
export interface FormatContext {
  fmt: string;
  attStmt: Map<unknown, unknown>;
  authData: Uint8Array;
  rpIdHash: Uint8Array;
  clientDataHash: Uint8Array;
  aaguid: Uint8Array;
  aaguidString: string;
  credentialId: Uint8Array;
  credentialKey: { alg: number; kty: number; crv?: number; spki: Uint8Array; point?: Uint8Array };
  anchors: TrustAnchor[];
  /** Anchors scoped to this authenticator model (FIDO MDS3 entries of the installed trust store). */
  lookup?: (aaguid: string, certificateKeyId: string | undefined) => TrustAnchor[];
  intermediates: X509Certificate[];
  at: Date;
}

export const statementError = (why: string) =>
  new AttestationError('malformed-attestation-statement', `attestation statement is malformed: ${why}`);

/** Rejects attStmt keys other than `allowed` (keeps the statement unambiguous). */
export function onlyKeys(attStmt: Map<unknown, unknown>, allowed: readonly string[], fmt: string): void {
  for (const k of attStmt.keys()) {
    if (typeof k !== 'string' || !allowed.includes(k)) throw statementError(`unexpected key ${JSON.stringify(String(k))} in ${fmt} attStmt`);
  }
}

/** Reads attStmt.x5c: a non-empty array of DER certificates, leaf first. */
export function readX5c(attStmt: Map<unknown, unknown>, max = 8): { ders: Uint8Array[]; certs: X509Certificate[] } {
  const x5c = attStmt.get('x5c');
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > max) throw statementError(`x5c expected 1 to ${max} certificates`);
  if (!x5c.every((c) => c instanceof Uint8Array)) throw statementError('x5c entries must be byte strings');
  const ders = x5c as Uint8Array[];
  return { ders, certs: ders.map((d) => toAttestationError(() => parseCertificate(d))) };
}

/** Runs `f`, rethrowing a CertificateError as the AttestationError with the same code. */
export function toAttestationError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CertificateError) throw new AttestationError(e.code, e.message, { cause: e });
    throw e;
  }
}

/**
 * Verifies an attestation signature; a wrong signature is `bad-signature`.
 * @throws AttestationError `bad-signature`, `alg-mismatch`, `unsupported-algorithm`, or `keyError`
 *   when the key itself is unusable
 */
export async function checkAttestationSignature(params: {
  alg: number;
  publicKey: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
  keyError: AttestationErrorCode;
}): Promise<void> {
  let ok: boolean;
  try {
    ok = await verifySignature(params);
  } catch (e) {
    if (e instanceof CryptoError) {
      const code: AttestationErrorCode =
        e.code === 'unsupported-algorithm' ? 'unsupported-algorithm' : e.code === 'alg-key-mismatch' ? 'alg-mismatch' : params.keyError;
      throw new AttestationError(code, e.message, { cause: e });
    }
    if (e instanceof KeyprintError) throw e;
    throw new AttestationError(params.keyError, 'signature could not be checked', { cause: e });
  }
  if (!ok) throw new AttestationError('bad-signature', 'attestation signature does not verify');
}

/** A model name for a hardware-attested chain: from the AAGUID, else Yubico's device-id extension. */
function modelFor(vendor: string | undefined, aaguidString: string, leaf: X509Certificate): string | undefined {
  if (!vendor) return undefined;
  // U2F authenticators report an all-zero AAGUID; the vendor-signed certificate may still carry one.
  if (/^[0-]+$/.test(aaguidString)) {
    const ext = getExtension(leaf, OID_FIDO_GEN_CE_AAGUID);
    const t = ext && !ext.critical ? readTlvOrUndefined(ext.value) : undefined;
    if (t && t.tag === 0x04 && t.body.length === 16) aaguidString = uuidString(t.body);
  }
  const byAaguid = lookupAaguid(aaguidString);
  // An AAGUID is only a claim; report it only when the anchor belongs to the same vendor.
  if (byAaguid) return byAaguid.vendor === vendor ? byAaguid.model : undefined;
  if (vendor !== 'Yubico') return undefined;
  const ext = getExtension(leaf, OID_YUBICO_DEVICE_ID);
  let device = ext ? lookupYubicoDevice(new TextDecoder().decode(ext.value)) : undefined;
  for (const e of leaf.extensions) device ??= lookupYubicoDevice(e.oid);
  return device?.model;
}

/**
 * Validates the certification path of an attestation certificate and derives the trust level:
 * a path to an anchor is `hardware-attested`; otherwise the received chain is checked as far as it
 * goes (each certificate signed by the next, validity, CA constraints; a self-signed top's own
 * signature) and is `attested-unknown-vendor` — WebAuthn §8.2 lets x5c hold the leaf alone, and a
 * CA nobody here knows proves no more than a self-signed one would. Anything broken throws.
 * @throws AttestationError with the CertificateError's code (`chain-untrusted`, `cert-expired`, …)
 */
export async function chainTrust(
  ctx: FormatContext,
  certs: X509Certificate[],
  ders: Uint8Array[],
  leafCriticalExtensions: readonly string[] = [],
): Promise<FormatResult> {
  // U2F keys have no AAGUID: FIDO MDS3 names them by their attestation certificate's key id.
  const unscoped = /^[0-]+$/.test(ctx.aaguidString);
  const keyId = (ctx.lookup && unscoped) || ctx.anchors.some((a) => a.certificateKeyIds) ? await certificateKeyId(certs[0]) : undefined;
  const inScope = (a: TrustAnchor) =>
    (!a.aaguids && !a.certificateKeyIds) || a.aaguids?.includes(ctx.aaguidString) || (keyId !== undefined && a.certificateKeyIds?.includes(keyId));
  // Model-scoped anchors first: when one is also a general anchor (a vendor root), its model name wins.
  const anchors = [...(ctx.lookup?.(ctx.aaguidString, keyId) ?? []), ...ctx.anchors]
    .filter((a) => (!a.formats || a.formats.includes(ctx.fmt)) && inScope(a));
  let result;
  try {
    result = await validatePath({
      leaf: certs[0],
      intermediates: [...certs.slice(1), ...ctx.intermediates],
      anchors,
      at: ctx.at,
      leafCriticalExtensions,
      unanchored: 'any-issuer',
    });
  } catch (e) {
    if (e instanceof CertificateError) throw new AttestationError(e.code, e.message, { cause: e });
    throw e;
  }
  refuseCompromised(anchors, [...ders, ...result.path.map((c) => c.der)]);
  if (!result.anchor) return { trust: 'attested-unknown-vendor', attestationCertificates: ders };
  const vendor = result.anchor.vendor;
  const model = result.anchor.model ?? modelFor(vendor, ctx.aaguidString, certs[0]);
  return { trust: 'hardware-attested', vendor, model, attestationCertificates: ders };
}

/**
 * FIDO MDS3 §3.1.4: a model whose status report says its user verification can be bypassed, a key
 * is compromised or FIDO revoked it is refused outright — whether or not this chain reaches its root,
 * since whoever holds a leaked attestation key can make any chain. A report naming one certificate
 * refuses only chains that contain it.
 * @throws AttestationError `authenticator-compromised`
 */
export function refuseCompromised(anchors: readonly TrustAnchor[], chain: readonly Uint8Array[]): void {
  for (const a of anchors) {
    const c = a.compromised;
    if (!c || (c.certificate && !chain.some((d) => equalBytes(d, c.certificate!)))) continue;
    const model = a.model ?? 'this authenticator model';
    throw new AttestationError('authenticator-compromised',
      `the FIDO Metadata Service reports ${c.status}${c.effectiveDate ? ` since ${c.effectiveDate}` : ''} for ${model}: its attestation cannot be relied on`);
  }
}
