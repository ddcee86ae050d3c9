// Report transports that run anywhere: in-memory (a software authenticator in the same process).
// The Node transports — node-hid (USB) and UDP (SoloKeys simulator convention) — are in
// keyprint/hardware/node (hid-node.ts, udp-node.ts).
export * from './memory.js';
