// keyprint/hardware — FIDO2 security keys, the parts that run in a browser as well as in Node:
// CTAPHID framing, CTAP2 commands, PIN/UV auth protocols (AES-CBC over WebCrypto), hmac-secret, the
// WebAuthn PRF salt, an in-memory report transport and a software authenticator for tests and demos.
// The Node parts — USB HID (node-hid) and UDP transports, openAuthenticator, the file-backed
// DirectoryStore — are in keyprint/hardware/node (node.ts), which re-exports everything here.
// Layering (docs/HARDWARE.md): ctaphid/ (pure framing) → ctap2/ (CBOR commands, PIN protocols,
// extensions) → transports/ (memory; node-hid and UDP in *-node.ts) → authenticator/ (software authenticator).

export * from './errors.js';
export * from './ctaphid/index.js';
export * from './ctap2/index.js';
export * from './transports/index.js';
export * from './authenticator/index.js';
export { prfSalt } from './webauthn/prf.js';
