// Software authenticator: CTAP 2.1 subset behind a device-side CTAPHID layer. State in memory here;
// on disk (DirectoryStore, state-node.ts) from keyprint/hardware/node.
export * from './attestation.js';
export { MemoryStore, type StoredCredential, type AuthenticatorStateData, type AuthenticatorStore } from './state.js';
export * from './authenticator.js';
export * from './ctaphid-device.js';
