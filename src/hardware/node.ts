// keyprint/hardware/node — FIDO2 security keys in Node: everything in keyprint/hardware (index.ts)
// plus the Node-only parts: the USB HID transport (node-hid, an optional dependency loaded on use),
// the UDP transport and server (node:dgram; the SoloKeys simulator convention), openAuthenticator
// over either, and DirectoryStore, the software authenticator's state in a file (node:fs).

export * from './index.js';
export * from './transports/hid-node.js';
export * from './transports/udp-node.js';
export { DirectoryStore } from './authenticator/state-node.js';
export { openAuthenticator, type OpenAuthenticator } from './open-node.js';
