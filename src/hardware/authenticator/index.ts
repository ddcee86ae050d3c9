// Software authenticator: CTAP 2.1 subset behind a device-side CTAPHID layer.
export * from './attestation.js';
export * from './state.js';
export * from './authenticator.js';
export * from './ctaphid-device.js';
