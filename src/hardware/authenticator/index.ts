// Software authenticator: CTAP 2.1 subset behind a device-side CTAPHID layer.
export * from './attestation.js';
export { MemoryStore, type StoredCredential, type AuthenticatorStateData, type AuthenticatorStore } from './state.js';
export { DirectoryStore } from './state-node.js';
export * from './authenticator.js';
export * from './ctaphid-device.js';
