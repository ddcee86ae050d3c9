// keyprint/sas — short authentication strings and fingerprints. Renderings of SAS bytes (Matrix
// m.sas.v1 emoji and decimal, PGP words, ZRTP B32/B256; RFC 6189), Signal-compatible safety
// numbers, and keyprint's own session SAS derivation. Pure renderings need nothing; the hashing
// functions are synchronous after `await ready()` from keyprint/core.

export { sasEmoji, sasLocales, SAS_EMOJI_BYTES } from './emoji.js';
export type { SasEmoji } from './emoji.js';
export { sasDecimal, SAS_DECIMAL_BYTES } from './decimal.js';
export { sasWords, SAS_WORDS_MAX } from './words.js';
export { sasBase32, zrtpSas, SAS_BASE32_BYTES, ZRTP_SASHASH_BYTES } from './zrtp.js';
export type { ZrtpSas } from './zrtp.js';
export {
  fingerprintDigits, safetyNumber, scannableFingerprint, compareScannable, fingerprintWords, keyprintParty,
  FINGERPRINT_ITERATIONS, FINGERPRINT_ITERATIONS_MAX, FINGERPRINT_WORDS, KEYPRINT_ED25519_KEY_TYPE,
} from './safety-number.js';
export type { FingerprintParty } from './safety-number.js';
export { deriveSas, SAS_LABEL, SAS_BYTES } from './derive.js';
export { KeyprintError, InputError } from '../errors.js';
