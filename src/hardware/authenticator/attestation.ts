// The software authenticator's attestation PKI — WebAuthn L3 §8.2.1 "Certificate Requirements for
// Packed Attestation Statements": a self-signed CA and a batch attestation certificate (X.509 v3;
// subject C, O, OU = "Authenticator Attestation", CN; basicConstraints CA = false; the non-critical
// id-fido-gen-ce-aaguid 1.3.6.1.4.1.45724.1.1.4 extension carrying the AAGUID). Keys are P-256 from
// the WebAssembly core; certificates are built with @peculiar/asn1-x509 and signed ecdsa-with-SHA256.

import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, BasicConstraints, Certificate,
  Extension, Extensions, KeyUsage, KeyUsageFlags, Name, RelativeDistinguishedName, SubjectKeyIdentifier,
  SubjectPublicKeyInfo, TBSCertificate, Validity, Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
  id_ce_keyUsage, id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { p256Keypair, p256PublicKeyToSpki, p256Sign, p256SignatureToDer, sha256 } from '../../core/index.js';

import { OID_FIDO_GEN_CE_AAGUID } from '../../identity/x509.js';

/** id-fido-gen-ce-aaguid (FIDO Metadata / WebAuthn §8.2.1), defined once in identity/x509.ts. */
export { OID_FIDO_GEN_CE_AAGUID };
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;

/** The attestation material an authenticator keeps: CA and batch certificates (DER) and the batch key. */
export interface AttestationMaterial {
  caCertificate: Uint8Array;
  caSecretKey: Uint8Array;
  certificate: Uint8Array;
  secretKey: Uint8Array;
}

function name(parts: Array<[keyof typeof OID, string]>): Name {
  return new Name(parts.map(([k, v]) => new RelativeDistinguishedName([
    new AttributeTypeAndValue({
      type: OID[k],
      // X.520: countryName is a PrintableString; the others UTF8String.
      value: new AttributeValue(k === 'C' ? { printableString: v } : { utf8String: v }),
    }),
  ])));
}

function extension(extnID: string, value: unknown, critical = false): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function sign(tbs: TBSCertificate, secretKey: Uint8Array): Uint8Array {
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = p256SignatureToDer(p256Sign(secretKey, sha256(tbsDer)));
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 }),
    signatureValue: signature.slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(cert));
}

function serial(): Uint8Array {
  const s = crypto.getRandomValues(new Uint8Array(16));
  s[0] &= 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  s[0] |= 0x01;
  return s;
}

const keyId = (publicKey: Uint8Array) => sha256(publicKey).slice(0, 20);

/**
 * Generates a CA and a batch attestation certificate for `aaguid`.
 * @param aaguid the authenticator's 16-byte AAGUID, embedded in the batch certificate
 * @param subject organisation names for the certificates
 * @returns DER certificates and the two P-256 secret keys
 * @example const material = generateAttestation(AAGUID)
 */
export function generateAttestation(
  aaguid: Uint8Array,
  subject: { country?: string; organization?: string; commonName?: string } = {},
): AttestationMaterial {
  const country = subject.country ?? 'US';
  const organization = subject.organization ?? 'keyprint';
  const ca = p256Keypair();
  const batch = p256Keypair();
  const now = Date.now();
  const validity = new Validity({ notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 20 * 365 * 86_400_000) });
  const caName = name([['C', country], ['O', organization], ['CN', 'keyprint software authenticator CA']]);
  const spki = (pub: Uint8Array) => AsnConvert.parse(p256PublicKeyToSpki(pub), SubjectPublicKeyInfo);
  const alg = new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 });

  const caTbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial().buffer as ArrayBuffer,
    signature: alg,
    issuer: caName,
    validity,
    subject: caName,
    subjectPublicKeyInfo: spki(ca.publicKey),
    extensions: new Extensions([
      extension(id_ce_basicConstraints, new BasicConstraints({ cA: true, pathLenConstraint: 0 }), true),
      extension(id_ce_keyUsage, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign), true),
      extension(id_ce_subjectKeyIdentifier, new SubjectKeyIdentifier(keyId(ca.publicKey))),
    ]),
  });
  const caCertificate = sign(caTbs, ca.secretKey);

  const batchTbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial().buffer as ArrayBuffer,
    signature: alg,
    issuer: caName,
    validity,
    // §8.2.1: Subject-C, Subject-O, Subject-OU = "Authenticator Attestation", Subject-CN.
    subject: name([
      ['C', country], ['O', organization], ['OU', 'Authenticator Attestation'],
      ['CN', subject.commonName ?? 'keyprint software authenticator batch 1'],
    ]),
    subjectPublicKeyInfo: spki(batch.publicKey),
    extensions: new Extensions([
      // §8.2.1: "The Basic Constraints extension MUST have the CA component set to false."
      extension(id_ce_basicConstraints, new BasicConstraints({ cA: false }), true),
      extension(id_ce_keyUsage, new KeyUsage(KeyUsageFlags.digitalSignature), true),
      extension(id_ce_subjectKeyIdentifier, new SubjectKeyIdentifier(keyId(batch.publicKey))),
      extension(id_ce_authorityKeyIdentifier, new AuthorityKeyIdentifier({ keyIdentifier: new OctetString(keyId(ca.publicKey)) })),
      // §8.2.1: id-fido-gen-ce-aaguid "MUST NOT be marked as critical"; value = OCTET STRING(aaguid).
      extension(OID_FIDO_GEN_CE_AAGUID, new OctetString(aaguid), false),
    ]),
  });
  const certificate = sign(batchTbs, ca.secretKey);
  return { caCertificate, caSecretKey: ca.secretKey, certificate, secretKey: batch.secretKey };
}
