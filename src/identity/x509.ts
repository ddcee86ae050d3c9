// X.509 certificates for attestation: parsing (RFC 5280 §4.1, §4.2) and certification path
// validation (RFC 5280 §6.1, the subset attestation needs: signatures, validity at a given time,
// basicConstraints / pathLenConstraint, keyUsage keyCertSign, unknown critical extensions; no
// policies, name constraints or revocation). This is the only module that imports
// @peculiar/asn1-x509; the signed bytes are sliced out of the input with a strict DER reader, so
// a signature is always checked over exactly what was received.

import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, BasicConstraints, AuthorityKeyIdentifier, SubjectKeyIdentifier, Name } from '@peculiar/asn1-x509';
import { KeyprintError } from '../errors.js';
import { DerError, assertStrictDer, readChildren, readTlv, type Tlv } from '../core/der.js';
import { equalBytes, toHex } from './_bytes.js';
import { verifySignature, spkiInfo } from './_signature.js';

/** Codes a certificate or certification path can fail with. */
export type CertificateErrorCode =
  | 'malformed-certificate'
  | 'cert-expired'
  | 'cert-not-yet-valid'
  | 'chain-invalid-signature'
  | 'chain-untrusted'
  | 'bad-basic-constraints'
  | 'bad-key-usage'
  | 'unknown-critical-extension';

/** A certificate could not be parsed, or a certification path failed validation. */
export class CertificateError extends KeyprintError {
  declare readonly code: CertificateErrorCode;
  constructor(code: CertificateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';
/** id-fido-gen-ce-aaguid (WebAuthn §8.2.1): the authenticator's AAGUID, OCTET STRING in OCTET STRING. */
export const OID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';
/** id-fido-u2f-ce-transports (FIDO U2F Authenticator Transports Extension). */
export const OID_FIDO_U2F_TRANSPORTS = '1.3.6.1.4.1.45724.2.1.1';
/** Yubico's device-type extension (value: an OID naming the device family). */
export const OID_YUBICO_DEVICE_ID = '1.3.6.1.4.1.41482.2';

// Extensions this validator understands well enough that a critical instance does not make the
// certificate unusable. RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if
// it encounters a critical extension it does not recognize".
const RECOGNISED = new Set([
  OID_BASIC_CONSTRAINTS,
  OID_KEY_USAGE,
  OID_SUBJECT_KEY_ID,
  OID_AUTHORITY_KEY_ID,
  '2.5.29.37', // extKeyUsage: not used to restrict attestation certificates
  '2.5.29.17', // subjectAltName
  '2.5.29.32', // certificatePolicies: initial-any-policy, no explicit policy required (§6.1.1)
]);

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
};

/** A Name (RFC 5280 §4.1.2.4): its DER bytes and its attributes in order. */
export interface DistinguishedName {
  der: Uint8Array;
  attributes: Array<{ oid: string; type: string; value: string }>;
  /** `C=SE, O=Yubico AB, OU=Authenticator Attestation, CN=…` */
  text: string;
}

/** One extension (RFC 5280 §4.1.2.9). `value` is the contents of extnValue. */
export interface CertificateExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** A parsed certificate. All byte fields are views into `der`. */
export interface X509Certificate {
  der: Uint8Array;
  /** The exact TBSCertificate bytes the issuer signed. */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  serialNumber: string;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  /** Signature AlgorithmIdentifier OID. */
  signatureAlgorithm: string;
  signature: Uint8Array;
  extensions: CertificateExtension[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** keyUsage bits (RFC 5280 §4.2.1.3), when the extension is present. */
  keyUsage?: { digitalSignature: boolean; keyCertSign: boolean; cRLSign: boolean };
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
}

const malformed = (why: string, cause?: unknown) =>
  new CertificateError('malformed-certificate', `certificate is malformed: ${why}`, { cause });

function parseName(der: Uint8Array): DistinguishedName {
  const name = AsnConvert.parse(der, Name);
  const attributes: DistinguishedName['attributes'] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      attributes.push({ oid: atv.type, type: ATTRIBUTE_NAMES[atv.type] ?? atv.type, value: atv.value.toString() });
    }
  }
  return { der, attributes, text: attributes.map((a) => `${a.type}=${a.value}`).join(', ') };
}

function parseKeyUsage(value: Uint8Array): X509Certificate['keyUsage'] {
  const t = readTlv(value);
  if (t.tag !== 0x03 || t.end !== value.length || t.body.length < 2 || t.body.length > 3 || t.body[0] > 7) {
    throw new DerError('keyUsage is not a BIT STRING');
  }
  const b = t.body[1];
  return { digitalSignature: (b & 0x80) !== 0, keyCertSign: (b & 0x04) !== 0, cRLSign: (b & 0x02) !== 0 };
}

const TIME_TAGS = [0x17, 0x18]; // UTCTime, GeneralizedTime
// §4.1.2.4: DirectoryString (TeletexString, PrintableString, UniversalString, UTF8String,
// BMPString), and IA5String (emailAddress, domainComponent) and NumericString attribute values.
const NAME_VALUE_TAGS = [0x14, 0x13, 0x1c, 0x0c, 0x1e, 0x16, 0x12];

function expectTag(t: Tlv | undefined, tags: number | number[], what: string): Tlv {
  const ok = Array.isArray(tags) ? tags : [tags];
  if (!t || !ok.includes(t.tag)) {
    const want = ok.map((x) => x.toString(16).padStart(2, '0')).join(' or ');
    throw new DerError(`${what} expected tag ${want}, got ${t ? t.tag.toString(16).padStart(2, '0') : 'nothing'}`);
  }
  return t;
}

/** Name (RFC 5280 §4.1.2.4): SEQUENCE OF RelativeDistinguishedName (SET SIZE (1..MAX) OF AttributeTypeAndValue). */
function checkName(name: Tlv, what: string): void {
  for (const rdn of readChildren(name.body)) {
    const atvs = readChildren(expectTag(rdn, 0x31, `${what} RDN`).body);
    if (atvs.length === 0) throw new DerError(`${what} RDN expected at least one attribute, got 0`);
    for (const atv of atvs) {
      const parts = readChildren(expectTag(atv, 0x30, `${what} attribute`).body);
      if (parts.length !== 2) throw new DerError(`${what} attribute expected type and value, got ${parts.length} fields`);
      expectTag(parts[0], 0x06, `${what} attribute type`);
      expectTag(parts[1], NAME_VALUE_TAGS, `${what} attribute value`);
    }
  }
}

/**
 * The shape of TBSCertificate (RFC 5280 §4.1), checked on the strict DER tree before the lenient
 * schema parser sees it: every field's tag, in order, nothing extra; Names, Validity and every
 * Extension (§4.1.2.9: SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }).
 */
function checkTbsStructure(parts: Tlv[]): void {
  let i = 0;
  if (parts[0]?.tag === 0xa0) {
    const v = readChildren(parts[0].body);
    if (v.length !== 1) throw new DerError(`version expected one INTEGER, got ${v.length} fields`);
    expectTag(v[0], 0x02, 'version');
    i = 1;
  }
  expectTag(parts[i++], 0x02, 'serialNumber');
  const alg = readChildren(expectTag(parts[i++], 0x30, 'signature').body);
  if (alg.length < 1 || alg.length > 2) throw new DerError(`signature AlgorithmIdentifier expected 1 or 2 fields, got ${alg.length}`);
  expectTag(alg[0], 0x06, 'signature algorithm');
  checkName(expectTag(parts[i++], 0x30, 'issuer'), 'issuer');
  const validity = readChildren(expectTag(parts[i++], 0x30, 'validity').body);
  if (validity.length !== 2) throw new DerError(`validity expected notBefore and notAfter, got ${validity.length} fields`);
  expectTag(validity[0], TIME_TAGS, 'notBefore');
  expectTag(validity[1], TIME_TAGS, 'notAfter');
  checkName(expectTag(parts[i++], 0x30, 'subject'), 'subject');
  expectTag(parts[i++], 0x30, 'subjectPublicKeyInfo');
  if (parts[i]?.tag === 0x81) i++; // issuerUniqueID [1] IMPLICIT
  if (parts[i]?.tag === 0x82) i++; // subjectUniqueID [2] IMPLICIT
  if (parts[i]?.tag === 0xa3) {
    const wrapped = readChildren(parts[i++].body);
    if (wrapped.length !== 1) throw new DerError(`extensions [3] expected one SEQUENCE, got ${wrapped.length} fields`);
    const list = readChildren(expectTag(wrapped[0], 0x30, 'Extensions').body);
    // §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension.
    if (list.length === 0) throw new DerError('Extensions expected at least one Extension, got 0');
    for (const e of list) {
      const f = readChildren(expectTag(e, 0x30, 'Extension').body);
      expectTag(f[0], 0x06, 'extnID');
      let j = 1;
      // X.690 §11.5 wants critical absent rather than an explicit FALSE; like OpenSSL and Go, an
      // explicit FALSE is tolerated (vendors have signed such certificates; the bytes are signed).
      if (f[j]?.tag === 0x01) j++;
      expectTag(f[j++], 0x04, 'extnValue');
      if (j !== f.length) throw new DerError(`Extension expected at most 3 fields, got ${f.length}`);
    }
  }
  if (i !== parts.length) throw new DerError(`TBSCertificate has ${parts.length - i} unexpected trailing field(s)`);
}

/**
 * Parses a DER certificate (RFC 5280 §4.1). Rejects BER-only encodings and non-DER contents
 * (assertStrictDer: non-minimal INTEGERs, 0x80-padded OID subidentifiers, invalid UTF-8, …), a
 * TBSCertificate, Name or Extension of the wrong shape (checkTbsStructure), trailing bytes, a
 * signatureAlgorithm that differs from tbsCertificate.signature (§4.1.1.2), duplicate extensions
 * (§4.2) and extensions in a v1/v2 certificate.
 * @param der the certificate's DER bytes
 * @returns the parsed certificate; its byte fields are views into `der`
 * @throws CertificateError `malformed-certificate`
 * @example const leaf = parseCertificate(x5c[0]); leaf.subject.text
 */
export function parseCertificate(der: Uint8Array): X509Certificate {
  if (!(der instanceof Uint8Array)) throw malformed('expected Uint8Array');
  let cert: Certificate;
  let tbsTlv: Tlv, sigAlgTlv: Tlv, sigTlv: Tlv, tbsParts: Tlv[], outer: Uint8Array;
  try {
    assertStrictDer(der);
    const top = readTlv(der);
    outer = top.body;
    const parts = readChildren(top.body);
    if (top.tag !== 0x30 || parts.length !== 3) throw new DerError('Certificate is not a SEQUENCE of 3');
    [tbsTlv, sigAlgTlv, sigTlv] = parts;
    if (tbsTlv.tag !== 0x30 || sigAlgTlv.tag !== 0x30 || sigTlv.tag !== 0x03) throw new DerError('Certificate fields');
    if (sigTlv.body.length < 1 || sigTlv.body[0] !== 0) throw new DerError('signature BIT STRING has unused bits');
    tbsParts = readChildren(tbsTlv.body);
    checkTbsStructure(tbsParts);
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    if (e instanceof KeyprintError) throw e;
    throw malformed(e instanceof Error ? e.message : 'unparseable', e);
  }
  const off = tbsParts[0]?.tag === 0xa0 ? 1 : 0;
  if (tbsParts.length < off + 6) throw malformed('TBSCertificate too short');
  const tbsSigAlg = tbsParts[off + 1];
  const issuerTlv = tbsParts[off + 2];
  const subjectTlv = tbsParts[off + 4];
  const spkiTlv = tbsParts[off + 5];
  const slice = (t: { start: number; end: number }, base: Uint8Array) => base.subarray(t.start, t.end);
  const tbsBytes = outer.subarray(tbsTlv.start, tbsTlv.end);
  const inner = tbsBytes.subarray(tbsTlv.headerLength);
  if (!equalBytes(slice(tbsSigAlg, inner), outer.subarray(sigAlgTlv.start, sigAlgTlv.end))) {
    throw malformed('signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)');
  }
  const tbs = cert.tbsCertificate;
  const version = (tbs.version ?? 0) + 1;
  if (version < 1 || version > 3) throw malformed(`unknown version ${version}`);
  if (off === 1 && tbs.version === 0) throw malformed('DER forbids an explicit default version');

  let issuer: DistinguishedName, subject: DistinguishedName, notBefore: Date, notAfter: Date;
  const extensions: CertificateExtension[] = [];
  let basicConstraints: X509Certificate['basicConstraints'];
  let keyUsage: X509Certificate['keyUsage'];
  let subjectKeyId: Uint8Array | undefined;
  let authorityKeyId: Uint8Array | undefined;
  try {
    issuer = parseName(slice(issuerTlv, inner));
    subject = parseName(slice(subjectTlv, inner));
    notBefore = tbs.validity.notBefore.getTime();
    notAfter = tbs.validity.notAfter.getTime();
    if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new DerError('invalid validity time');
    if (tbs.extensions && version !== 3) throw new DerError('extensions require a v3 certificate');
    const seen = new Set<string>();
    for (const ext of tbs.extensions ?? []) {
      if (seen.has(ext.extnID)) throw new DerError(`duplicate extension ${ext.extnID}`);
      seen.add(ext.extnID);
      const value = new Uint8Array(ext.extnValue.buffer);
      extensions.push({ oid: ext.extnID, critical: ext.critical === true, value });
      if (ext.extnID === OID_BASIC_CONSTRAINTS) {
        const bc = AsnConvert.parse(value, BasicConstraints);
        const pl = bc.pathLenConstraint;
        if (pl !== undefined && (typeof pl !== 'number' || pl < 0)) throw new DerError('bad pathLenConstraint');
        basicConstraints = { ca: bc.cA === true, pathLength: pl };
      } else if (ext.extnID === OID_KEY_USAGE) {
        keyUsage = parseKeyUsage(value);
      } else if (ext.extnID === OID_SUBJECT_KEY_ID) {
        subjectKeyId = new Uint8Array(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
      } else if (ext.extnID === OID_AUTHORITY_KEY_ID) {
        const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
        if (aki.keyIdentifier) authorityKeyId = new Uint8Array(aki.keyIdentifier.buffer);
      }
    }
    spkiInfo(slice(spkiTlv, inner));
  } catch (e) {
    if (e instanceof CertificateError) throw e;
    throw malformed(e instanceof Error ? e.message : 'unparseable', e);
  }
  return {
    der,
    tbs: tbsBytes,
    version,
    serialNumber: toHex(new Uint8Array(tbs.serialNumber)),
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: slice(spkiTlv, inner),
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    signature: sigTlv.body.subarray(1),
    extensions,
    basicConstraints,
    keyUsage,
    subjectKeyId,
    authorityKeyId,
  };
}

/**
 * Finds an extension.
 * @param cert a parsed certificate
 * @param oid the extension's OID, e.g. `1.3.6.1.4.1.45724.1.1.4`
 * @returns the extension, or undefined
 * @example getExtension(leaf, OID_FIDO_GEN_CE_AAGUID)?.critical
 */
export function getExtension(cert: X509Certificate, oid: string): CertificateExtension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

/**
 * The key identifier of a certificate's public key — RFC 5280 §4.2.1.2 method (1): SHA-1 of the
 * subjectPublicKey BIT STRING value — as FIDO MDS3 lists U2F attestation certificates
 * (attestationCertificateKeyIdentifiers). An identifier, not a security check.
 * @param cert a parsed certificate
 * @returns 40 lowercase hex digits
 * @example await certificateKeyId(leaf) // 'c8b4e0…'
 */
export async function certificateKeyId(cert: X509Certificate): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new Uint8Array(spkiInfo(cert.spki).key));
  return toHex(new Uint8Array(digest));
}

/**
 * Name matching for path building (RFC 5280 §7.1, simplified): byte-equal DER, or the same
 * attribute types and values in the same order after case folding and whitespace collapsing.
 * Matching only selects candidates; the issuer's signature decides.
 * @param a a Name
 * @param b another Name
 * @returns whether they name the same entity
 * @example namesMatch(leaf.issuer, root.subject)
 */
export function namesMatch(a: DistinguishedName, b: DistinguishedName): boolean {
  if (equalBytes(a.der, b.der)) return true;
  if (a.attributes.length !== b.attributes.length || a.attributes.length === 0) return false;
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.attributes.every((x, i) => x.oid === b.attributes[i].oid && norm(x.value) === norm(b.attributes[i].value));
}

/** A certificate the caller trusts, with an optional vendor label (e.g. `Yubico`). */
export interface TrustAnchor {
  certificate: X509Certificate;
  vendor?: string;
  /** Where this anchor came from (file, URL); informational. */
  source?: string;
  /** Attestation formats this anchor may vouch for (e.g. `['apple']`); all formats when absent. */
  formats?: readonly string[];
  /**
   * Authenticator models this anchor may vouch for — AAGUIDs (dashed lowercase) or, for U2F keys,
   * attestation certificate key identifiers (hex SHA-1 of the subjectPublicKey) — as a FIDO MDS3
   * entry scopes its attestationRootCertificates. Any authenticator when both are absent.
   */
  aaguids?: readonly string[];
  certificateKeyIds?: readonly string[];
  /** The model name this anchor attests (FIDO MDS3 metadataStatement.description). */
  model?: string;
  /** A status report that makes every attestation of this model unacceptable (FIDO MDS3 §3.1.4). */
  compromised?: { status: string; effectiveDate?: string; certificate?: Uint8Array };
}

/** The outcome of validatePath. `anchor` is undefined for a chain that ends self-signed. */
export interface PathResult {
  /** Leaf first; the last element is the anchor's certificate or the self-signed top. */
  path: X509Certificate[];
  anchor?: TrustAnchor;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  if (!namesMatch(child.issuer, issuer.subject)) return false;
  // RFC 5280 §4.2.1.1: AKI keyIdentifier is the issuer's SKI; when both are present they must agree.
  if (child.authorityKeyId && issuer.subjectKeyId && !equalBytes(child.authorityKeyId, issuer.subjectKeyId)) return false;
  return true;
}

async function checkSignature(child: X509Certificate, issuer: X509Certificate): Promise<void> {
  let ok: boolean;
  try {
    ok = await verifySignature({ alg: child.signatureAlgorithm, publicKey: issuer.spki, data: child.tbs, signature: child.signature });
  } catch (e) {
    throw new CertificateError(
      'chain-invalid-signature',
      `signature of "${child.subject.text}" cannot be checked with the key of "${issuer.subject.text}"`,
      { cause: e },
    );
  }
  if (!ok) {
    throw new CertificateError('chain-invalid-signature', `signature of "${child.subject.text}" by "${issuer.subject.text}" is invalid`);
  }
}

function checkValidity(cert: X509Certificate, at: Date): void {
  // RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the current time.
  if (at.getTime() < cert.notBefore.getTime()) {
    throw new CertificateError('cert-not-yet-valid', `"${cert.subject.text}" is not valid before ${cert.notBefore.toISOString()}`);
  }
  if (at.getTime() > cert.notAfter.getTime()) {
    throw new CertificateError('cert-expired', `"${cert.subject.text}" expired at ${cert.notAfter.toISOString()}`);
  }
}

function checkCriticalExtensions(cert: X509Certificate, alsoRecognised: readonly string[]): void {
  for (const ext of cert.extensions) {
    if (ext.critical && !RECOGNISED.has(ext.oid) && !alsoRecognised.includes(ext.oid)) {
      throw new CertificateError('unknown-critical-extension', `"${cert.subject.text}" has an unrecognised critical extension ${ext.oid}`);
    }
  }
}

/** RFC 5280 §6.1.4 (k), (l), (m), (n) for a certificate that issues `below` non-self-issued CAs. */
function checkIssuer(cert: X509Certificate, intermediatesBelow: number, isAnchor: boolean): void {
  const bc = cert.basicConstraints;
  if (!bc) {
    // Trust anchors are trusted by configuration (§6.1.1 (d)); everything else must say it is a CA.
    if (isAnchor) return;
    throw new CertificateError('bad-basic-constraints', `"${cert.subject.text}" issues certificates but has no basicConstraints`);
  }
  if (!bc.ca) throw new CertificateError('bad-basic-constraints', `"${cert.subject.text}" issues certificates but is not a CA`);
  if (bc.pathLength !== undefined && intermediatesBelow > bc.pathLength) {
    throw new CertificateError(
      'bad-basic-constraints',
      `"${cert.subject.text}" allows ${bc.pathLength} intermediate CA(s) below it, the path has ${intermediatesBelow}`,
    );
  }
  if (cert.keyUsage && !cert.keyUsage.keyCertSign) {
    throw new CertificateError('bad-key-usage', `"${cert.subject.text}" issues certificates but keyUsage lacks keyCertSign`);
  }
}

const selfIssued = (c: X509Certificate) => namesMatch(c.issuer, c.subject);

/** Upper bound on candidate paths visited by validatePath (each anchored one costs signatures). */
const MAX_PATH_BUILDING_STEPS = 64;

/**
 * Checks one complete path (leaf first). `topIsAnchor` false: the top is not trusted — its
 * self-signature is checked when it is self-issued; otherwise its issuer is simply unknown.
 */
async function checkPath(path: X509Certificate[], topIsAnchor: boolean, at: Date, leafExtensions: readonly string[]): Promise<void> {
  const top = path[path.length - 1];
  // Signatures first: nothing else a certificate says is worth reading before its issuer vouches for it.
  for (let i = 0; i + 1 < path.length; i++) await checkSignature(path[i], path[i + 1]);
  if (!topIsAnchor && selfIssued(top)) await checkSignature(top, top);
  let intermediates = 0;
  for (let i = 0; i < path.length; i++) {
    const cert = path[i];
    checkValidity(cert, at);
    checkCriticalExtensions(cert, i === 0 ? leafExtensions : []);
    if (i > 0) {
      checkIssuer(cert, intermediates, topIsAnchor && i === path.length - 1);
      if (!selfIssued(cert)) intermediates++;
    }
  }
}

/**
 * Certification path validation (RFC 5280 §6.1, attestation subset). Builds paths from `leaf`
 * through `intermediates` to one of `anchors` (matching issuer/subject names and AKI/SKI), and
 * accepts the first path on which every signature verifies, every certificate is valid at `at`,
 * every issuer is a CA (basicConstraints cA, pathLenConstraint, keyUsage keyCertSign) and no
 * certificate has an unrecognised critical extension. If no path reaches an anchor, the chain as
 * given (`leaf`, then `intermediates` in order, as far as each issues the one before) is checked the
 * same way and accepted without an `anchor` if it ends in a certificate whose self-signature
 * verifies — or, with `unanchored: 'any-issuer'`, in any certificate (its issuer is unknown: nothing
 * vouches for the top, which is what "no anchor" says). Otherwise it is `chain-untrusted`.
 * @param params.leaf the end-entity certificate
 * @param params.intermediates candidate issuers, in the order received (x5c[1..]) then any others
 * @param params.anchors trusted certificates
 * @param params.at the time every certificate must be valid at
 * @param params.leafCriticalExtensions extension OIDs the caller processes itself on the leaf
 * @param params.unanchored what an unanchored chain may end in: `'self-signed'` (default) or `'any-issuer'`
 * @returns the validated path and the anchor it ends at
 * @throws CertificateError `chain-invalid-signature`, `cert-expired`, `cert-not-yet-valid`,
 *   `bad-basic-constraints`, `bad-key-usage`, `unknown-critical-extension`, `chain-untrusted`
 * @example const { anchor } = await validatePath({ leaf, intermediates: [], anchors, at: new Date() })
 */
export async function validatePath(params: {
  leaf: X509Certificate;
  intermediates: X509Certificate[];
  anchors: TrustAnchor[];
  at: Date;
  leafCriticalExtensions?: readonly string[];
  maxLength?: number;
  unanchored?: 'self-signed' | 'any-issuer';
}): Promise<PathResult> {
  const { leaf, intermediates, anchors, at } = params;
  const leafExt = params.leafCriticalExtensions ?? [];
  const maxLength = params.maxLength ?? 6;
  const anchorOf = (c: X509Certificate) => anchors.find((a) => equalBytes(a.certificate.der, c.der));
  const pool: X509Certificate[] = [];
  for (const c of [...anchors.map((a) => a.certificate), ...intermediates]) {
    if (!pool.some((p) => equalBytes(p.der, c.der))) pool.push(c);
  }

  // Depth-first path building; every complete candidate path is checked in full. The budget bounds
  // the work a received x5c full of look-alike names can cause.
  let firstError: CertificateError | undefined;
  let budget = MAX_PATH_BUILDING_STEPS;
  const search = async (path: X509Certificate[]): Promise<PathResult | undefined> => {
    if (--budget < 0) return undefined;
    const last = path[path.length - 1];
    const anchor = anchorOf(last);
    if (anchor) {
      try {
        await checkPath(path, true, at, leafExt);
        return { path, anchor };
      } catch (e) {
        if (!(e instanceof CertificateError)) throw e;
        firstError ??= e;
        return undefined;
      }
    }
    if (path.length >= maxLength) return undefined;
    for (const next of pool) {
      if (path.some((p) => equalBytes(p.der, next.der))) continue;
      if (!issuedBy(last, next)) continue;
      const found = await search([...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  const anchored = await search([leaf]);
  if (anchored) return anchored;
  if (firstError) throw firstError;

  // No anchor: accept the received chain only if it is internally consistent (and, by default, ends self-signed).
  const chain = [leaf, ...intermediates];
  let n = 1;
  while (n < chain.length && issuedBy(chain[n - 1], chain[n]) && !selfIssued(chain[n - 1])) n++;
  const given = chain.slice(0, n);
  const top = given[given.length - 1];
  if (!selfIssued(top) && params.unanchored !== 'any-issuer') {
    throw new CertificateError(
      'chain-untrusted',
      `no trust anchor issued "${top.issuer.text}" and the chain does not end in a self-signed certificate`,
    );
  }
  await checkPath(given, false, at, leafExt);
  return { path: given };
}
