// keyprint's enrollment layer (Node): the CTAP enrollment ceremony over identity + hardware
// (enroll.ts; device errors mapped to EnrollError once, here) and the home directory (home-node.ts).
export * from './enroll.js';
export * from './home-node.js';
