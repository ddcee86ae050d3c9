// keyprint/hardware — FIDO2 security keys over USB HID (and UDP): CTAPHID framing, CTAP2 commands,
// PIN/UV auth protocols, hmac-secret, and a software authenticator for tests and demos.
// Layering (docs/HARDWARE.md): ctaphid/ (pure framing) → ctap2/ (CBOR commands, PIN protocols,
// extensions) → transports/ (node-hid, UDP, memory) → authenticator/ (software authenticator).

export * from './errors.js';
export * from './ctaphid/index.js';
export * from './ctap2/index.js';
export * from './transports/index.js';
export * from './authenticator/index.js';
export { prfSalt } from './webauthn/prf.js';
export { openAuthenticator, type OpenAuthenticator } from './open.js';
