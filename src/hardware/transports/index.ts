// Report transports: node-hid (USB), UDP (SoloKeys simulator convention), in-memory.
export * from './memory.js';
export * from './udp.js';
export * from './node-hid.js';
