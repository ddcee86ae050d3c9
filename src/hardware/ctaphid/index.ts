// CTAPHID (CTAP 2.1 §11.2): pure packet framing and the client-side channel.
export * from './constants.js';
export * from './packets.js';
export * from './channel.js';
