// keyprint/group — groups over MLS (RFC 9420) with ts-mls. So far: keyprint's core as ts-mls's crypto
// provider for ciphersuite 0x0001 (docs/GROUPS.md).
export { keyprintCryptoProvider, KEYPRINT_MLS_SUITE } from './crypto-provider.js';
export { GroupError } from './errors.js';
export type { GroupErrorCode } from './errors.js';
