// Identity certificate: the identity as a self-signed X.509 v3 certificate (RFC 5280 §4.1) with an
// Ed25519 key and signature (RFC 8410 §3–§6: id-Ed25519 1.3.101.112, parameters absent, the
// signature over the DER TBSCertificate). For tools that speak X.509 (TLS client certificates,
// S/MIME, openssl): it names the identity by its did:key in subjectAltName (URI) and pins the
// identity bundle by hash in a private, non-critical extension.
//
// The private arc is PROVISIONAL: a UUID-derived OID (ITU-T X.667 / RFC 4122 §4.4 "2.25.<uuid as
// an integer>", which needs no registration), uuid d4c7f8d0-edbc-499b-8b8e-686311d43a6f:
//   id-keyprint                 = 2.25.282834648771865677318733026198782491247
//   id-keyprint-bundle-binding  = id-keyprint.1
//     KeyprintBundleBinding ::= SEQUENCE { version INTEGER (1), bundleSha256 OCTET STRING (SIZE (32)) }
// It may move under a registered enterprise arc (1.3.6.1.4.1.*) before 1.0.

import { equalBytes } from '../core/bytes.js';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, BasicConstraints, Certificate, Extension, Extensions,
  GeneralName, KeyUsage, KeyUsageFlags, Name, RelativeDistinguishedName, SubjectAlternativeName, SubjectPublicKeyInfo,
  TBSCertificate, Validity, Version, id_ce_basicConstraints, id_ce_keyUsage, id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import { sha256, ed25519Verify } from '../core/index.js';
import { InputError, describe } from '../errors.js';
import { bundleHash, type IdentityBundle } from './bundle.js';
import { didKeyFromPublicKey } from './did-key.js';
import { IdentityError } from './errors.js';
import { IdentityKeyPair } from './identity.js';
import { assertStrictDer } from '../core/der.js';

/** id-Ed25519 (RFC 8410 §3). */
export const OID_ED25519 = '1.3.101.112';
/** keyprint's provisional private arc (see the file comment). */
export const OID_KEYPRINT = '2.25.282834648771865677318733026198782491247';
/** The bundle-binding extension (provisional). */
export const OID_KEYPRINT_BUNDLE_BINDING = `${OID_KEYPRINT}.1`;
const OID_CN = '2.5.4.3';

// RFC 5280 §4.1.2.5: "no well-defined expiration date" is 99991231235959Z.
const NO_EXPIRY = Date.UTC(9999, 11, 31, 23, 59, 59);

/** KeyprintBundleBinding DER: 30 25 02 01 01 04 20 ‖ bundleSha256. */
function bindingExtensionValue(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(39);
  out.set([0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20]);
  out.set(hash, 7);
  return out;
}

// asn1js prints arcs above 2^53 in its own hex form ("2.25.{…}.1"), so the parsed spelling of
// our OID is learnt once by a round trip instead of assumed.
let parsedOid: string | undefined;
function parsedBindingOid(): string {
  parsedOid ??= AsnConvert.parse(
    AsnConvert.serialize(new Extension({ extnID: OID_KEYPRINT_BUNDLE_BINDING, extnValue: new OctetString(0) })), Extension,
  ).extnID;
  return parsedOid;
}

const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/**
 * The identity's self-signed X.509 v3 certificate, DER. Deterministic for a given identity and
 * bundle: the serial number is derived from the bundle hash and Ed25519 signing is deterministic.
 * Subject = issuer = CN=<displayName> (shortened to 64 characters); validity from `createdAt` (to the second) to `expiresAt`
 * or 99991231235959Z; extensions basicConstraints (critical, cA FALSE), keyUsage (critical,
 * digitalSignature), subjectAltName (URI = did:key), and the keyprint bundle binding.
 * @param identity the identity key pair (signs the certificate)
 * @param bundle the identity's signed bundle; its `identityPublicKey` must be `identity.publicKey`
 * @returns the certificate, DER
 * @throws InputError if the bundle belongs to another key, a field is invalid, or createdAt is after
 *   9999-12-31T23:59:59Z (an expiresAt after it is clamped to 99991231235959Z)
 * @example writeFileSync('me.crt', identityCertificate(identity, bundle))
 */
export function identityCertificate(identity: IdentityKeyPair, bundle: IdentityBundle): Uint8Array {
  if (!(identity instanceof IdentityKeyPair)) throw new InputError('invalid-type', `"identity" expected IdentityKeyPair, got ${describe(identity)}`);
  const hash = bundleHash(bundle);
  if (!equalBytes(bundle.identityPublicKey, identity.publicKey)) {
    throw new InputError('invalid-value', '"bundle" expected the bundle of "identity", got a bundle of another key');
  }
  // X.509 times stop at 9999-12-31 (RFC 5280 §4.1.2.5.2, four-digit GeneralizedTime years).
  if (bundle.createdAt > NO_EXPIRY) {
    throw new InputError('invalid-value', `"bundle.createdAt" expected a time before 9999-12-31T23:59:59Z for X.509, got ${bundle.createdAt}`);
  }
  const notAfter = Math.min(bundle.expiresAt ?? NO_EXPIRY, NO_EXPIRY);
  // RFC 5280 Appendix A: CommonName is at most ub-common-name = 64 characters; a longer display
  // name is shortened to 63 + "…" (the bundle keeps the full name; the SAN names the identity).
  const chars = [...bundle.displayName];
  const cn = chars.length <= 64 ? bundle.displayName : chars.slice(0, 63).join('') + '…';
  const name = new Name([
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type: OID_CN, value: new AttributeValue({ utf8String: cn }) })]),
  ]);
  // RFC 5280 §4.1.2.2: a positive INTEGER of at most 20 octets; 16 bytes of the hash, top bits 01.
  const serial = hash.slice(0, 16);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  const algorithm = new AlgorithmIdentifier({ algorithm: OID_ED25519 }); // RFC 8410 §3: parameters absent
  const keyUsage = new KeyUsage(KeyUsageFlags.digitalSignature);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: ab(serial),
    signature: algorithm,
    issuer: name,
    validity: new Validity({ notBefore: new Date(bundle.createdAt), notAfter: new Date(notAfter) }),
    subject: name,
    subjectPublicKeyInfo: new SubjectPublicKeyInfo({ algorithm, subjectPublicKey: ab(identity.publicKey) }),
    extensions: new Extensions([
      new Extension({ extnID: id_ce_basicConstraints, critical: true, extnValue: new OctetString(AsnConvert.serialize(new BasicConstraints({ cA: false }))) }),
      new Extension({ extnID: id_ce_keyUsage, critical: true, extnValue: new OctetString(AsnConvert.serialize(keyUsage)) }),
      new Extension({
        extnID: id_ce_subjectAltName, critical: false,
        extnValue: new OctetString(AsnConvert.serialize(new SubjectAlternativeName([
          new GeneralName({ uniformResourceIdentifier: didKeyFromPublicKey(identity.publicKey) }),
        ]))),
      }),
      new Extension({ extnID: OID_KEYPRINT_BUNDLE_BINDING, critical: false, extnValue: new OctetString(ab(bindingExtensionValue(hash))) }),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = identity.sign(tbsDer);
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: ab(signature) });
  return new Uint8Array(AsnConvert.serialize(cert));
}

/** What readIdentityCertificate found in a certificate. */
export interface IdentityCertificateInfo {
  did: string;
  publicKey: Uint8Array;
  /** SHA-256 of the identity bundle the certificate pins. */
  bundleSha256: Uint8Array;
}

/**
 * Reads and checks a keyprint identity certificate: Ed25519 self-signature valid, SAN did:key equal
 * to the certified key, bundle-binding extension present.
 * @param der the certificate
 * @returns `{ did, publicKey, bundleSha256 }`
 * @throws InputError `invalid-type`; IdentityError `certificate-invalid` for anything else
 * @example const { did } = readIdentityCertificate(der)
 */
export function readIdentityCertificate(der: Uint8Array): IdentityCertificateInfo {
  if (!(der instanceof Uint8Array)) throw new InputError('invalid-type', `"der" expected Uint8Array, got ${describe(der)}`);
  const bad = (why: string, cause?: unknown): never => {
    throw new IdentityError('certificate-invalid', `identity certificate ${why}`, { cause });
  };
  let cert: Certificate;
  try {
    // Strict DER first (minimal lengths, no trailing bytes); then the schema.
    assertStrictDer(der);
    cert = AsnConvert.parse(der, Certificate);
  } catch (e) {
    return bad('expected DER X.509, got bytes that do not parse', e);
  }
  const tbs = cert.tbsCertificate;
  const spki = tbs.subjectPublicKeyInfo;
  if (cert.signatureAlgorithm.algorithm !== OID_ED25519 || tbs.signature.algorithm !== OID_ED25519 || spki.algorithm.algorithm !== OID_ED25519) {
    bad(`expected Ed25519 (${OID_ED25519}) key and signature, got ${spki.algorithm.algorithm} / ${cert.signatureAlgorithm.algorithm}`);
  }
  const publicKey = new Uint8Array(spki.subjectPublicKey);
  const signature = new Uint8Array(cert.signatureValue);
  if (publicKey.length !== 32 || signature.length !== 64) bad('expected a 32-byte key and a 64-byte signature');
  // The signature is checked over the TBSCertificate bytes exactly as received (re-serialising the
  // parsed object is not guaranteed to reproduce them).
  if (!cert.tbsCertificateRaw) bad('expected a TBSCertificate, got none');
  const tbsDer = new Uint8Array(cert.tbsCertificateRaw!);
  // The outer structure must be exactly SEQUENCE { tbs, id-Ed25519 (no parameters), BIT STRING
  // with 0 unused bits ‖ 64-byte signature }: the schema parser would accept other unused-bit
  // counts, which would give one signature several encodings.
  const tail = new Uint8Array([0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x41, 0x00, ...signature]);
  const body = tbsDer.length + tail.length;
  const outerHeader = body < 0x80 ? [0x30, body] : body < 0x100 ? [0x30, 0x81, body] : [0x30, 0x82, body >> 8, body & 0xff];
  const expected = new Uint8Array([...outerHeader, ...tbsDer, ...tail]);
  if (!equalBytes(expected, der)) bad('expected the canonical Certificate structure (RFC 5280 §4.1, RFC 8410 §6), got another encoding');
  if (!ed25519Verify(publicKey, tbsDer, signature)) bad('self-signature does not verify');
  const did = didKeyFromPublicKey(publicKey);
  let sanDid: string | undefined;
  let bundleSha256: Uint8Array | undefined;
  for (const ext of tbs.extensions ?? []) {
    if (ext.extnID === id_ce_subjectAltName) {
      const san = AsnConvert.parse(ext.extnValue, SubjectAlternativeName);
      sanDid = san.find((g) => g.uniformResourceIdentifier?.startsWith('did:key:'))?.uniformResourceIdentifier;
    } else if (ext.extnID === OID_KEYPRINT_BUNDLE_BINDING || ext.extnID === parsedBindingOid()) {
      const v = new Uint8Array(ext.extnValue.buffer);
      if (v.length !== 39 || !equalBytes(v.subarray(0, 7), new Uint8Array([0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20]))) {
        bad('bundle-binding extension expected SEQUENCE { 1, OCTET STRING (32) }');
      }
      bundleSha256 = v.slice(7);
    }
  }
  if (sanDid !== did) bad(`subjectAltName expected ${did}, got ${sanDid ?? 'none'}`);
  if (!bundleSha256) bad('expected the keyprint bundle-binding extension, got none');
  return { did, publicKey, bundleSha256: bundleSha256! };
}

/**
 * PEM armour (RFC 7468 §5) for a DER certificate.
 * @param der certificate bytes
 * @returns `-----BEGIN CERTIFICATE-----…`
 * @example console.log(certificateToPem(identityCertificate(identity, bundle)))
 */
export function certificateToPem(der: Uint8Array): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** SHA-256 of the certificate DER (its fingerprint as openssl prints it with -sha256). */
export function certificateFingerprint(der: Uint8Array): Uint8Array {
  return sha256(der);
}
