// CTAP2 (CTAP 2.1 §6, §8, §12): canonical CBOR, commands, PIN/UV auth protocols, extensions, client.
export * from './cbor.js';
export * from './auth-data.js';
export * from './commands.js';
export * from './pin-protocol.js';
export * from './extensions.js';
export * from './client.js';
