// keyprint's enrollment layer (Node): the CTAP enrollment ceremony over identity + hardware
// (enroll.ts; device errors mapped to EnrollError once, here). It does no I/O beyond the
// authenticator: the CLI keeps what it returns in its home directory (src/cli/_identity-store.ts).
export * from './enroll.js';
