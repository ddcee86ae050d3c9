// keyprint/identity — identities bound to hardware: did:key, identity bundles, hardware binding
// proofs, attestation verification, key wrapping and key stores.

// --- attestation and X.509 (attestation work) ---
export { verifyAttestation, AttestationError } from './attestation.js';
export type { VerifyAttestationOptions, AttestationResult, CollectedClientData, AttestationTrust, AttestationErrorCode } from './attestation.js';
export { parseAuthenticatorData, parseCoseKey } from './authenticator-data.js';
export type { AuthenticatorData, AuthenticatorFlags, AttestedCredentialData, CoseKey } from './authenticator-data.js';
export { parseCertificate, validatePath, certificateKeyId, CertificateError } from './x509.js';
export type { X509Certificate, DistinguishedName, CertificateExtension, TrustAnchor, PathResult, CertificateErrorCode } from './x509.js';
export { addTrustAnchor, removeTrustAnchor, defaultTrustAnchors, bundledIntermediates, toTrustAnchors, fidoMdsRoots, metadataAnchors } from './trust-anchors.js';
export type { TrustAnchorInput } from './trust-anchors.js';
export { verifyMetadataBlob, compromiseOf, MetadataError, COMPROMISED_STATUSES, MAX_METADATA_BLOB_BYTES } from './mds.js';
export type { MetadataBlob, MetadataEntry, MetadataStatusReport, MetadataErrorCode } from './mds.js';
// The user's trust store (their anchors and an imported MDS3 BLOB); the CLI keeps it in HOME/trust.json (src/cli/_trust-store.ts).
export {
  emptyTrustStore, certificateFile, addAnchor, removeAnchor, importMetadata, removeMetadata, listTrust, useTrustStore, encodeTrustStore, decodeTrustStore,
  TrustStoreError,
} from './trust-store.js';
export type { TrustStore, UserAnchor, StoredMetadata, TrustRow, MetadataSummary } from './trust-store.js';
export { lookupAaguid, lookupYubicoDevice } from './aaguids.js';
export { authenticatorModel, currentAuthenticator, describeAuthenticator, EMULATOR_AAGUID } from './authenticator-model.js';
export type { AuthenticatorSummary } from './authenticator-model.js';
export type { AuthenticatorModel } from './aaguids.js';

// --- did:key, bundles, binding, wrapping, stores, identity certificate (identity work) ---
export { IdentityKeyPair } from './identity.js';
export { IdentityError } from './errors.js';
export { didKeyFromPublicKey, publicKeyFromDidKey, isDidKey } from './did-key.js';
export {
  signBundle, encodeBundle, decodeBundle, verifyBundleSignature, bundleSigningInput, bundleHash, bundleBindings, bindingTime,
  BUNDLE_VERSION, MAX_BUNDLE_BYTES, MAX_DISPLAY_NAME_BYTES, MAX_BINDINGS,
} from './bundle.js';
export type { BundleFields, IdentityBundle, HardwareBinding } from './bundle.js';
export { bindingChallenge, registrationClientData, verifyBinding } from './binding.js';
export type { BindingResult, BindingFailure, VerifyBindingOptions } from './binding.js';
export {
  wrapSecret, unwrapSecret, wrapSecretWithPassphrase, unwrapSecretWithPassphrase, unwrapIdentity, envelopeInfo, newPrfInput,
  WRAP_VERSION, PRF_INPUT_BYTES, V1_PRF_INPUT, MIN_PASSPHRASE_ITERATIONS, MAX_PASSPHRASE_ITERATIONS, MAX_SECRET_BYTES,
} from './wrap.js';
export type { EnvelopeInfo } from './wrap.js';
export { checkKeyName, checkWrapped } from './key-store.js';
export type { KeyStore } from './key-store.js';
// The IndexedDB store touches `indexedDB` only when used, so importing it in Node is harmless.
// NodeKeyStore (key-store-node.ts) is deliberately NOT re-exported here: this entry point must
// stay browser-safe; Node code imports './key-store-node.js' directly.
export { BrowserKeyStore } from './key-store-browser.js';
export {
  identityCertificate, readIdentityCertificate, certificateToPem, certificateFingerprint,
  OID_ED25519, OID_KEYPRINT, OID_KEYPRINT_BUNDLE_BINDING,
} from './identity-certificate.js';
export type { IdentityCertificateInfo } from './identity-certificate.js';
