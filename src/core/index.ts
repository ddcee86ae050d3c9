// keyprint/core — the WebAssembly crypto core's public API. Await `ready()` once; every function
// below is synchronous afterwards. Uint8Array in, Uint8Array out.

export { ready } from './_wasm.js';
export type { WasmSource } from './_wasm.js';
export { sha256, sha512, sha512Iterate, Sha2Hash } from './sha2.js';
export { sha3_256, sha3_512, shake128, shake256, Sha3Hash, Shake } from './sha3.js';
export { hmacSha256, hmacSha512, hmacSha256Verify, hmacSha512Verify } from './hmac.js';
export {
  hkdfSha256, hkdfSha512, hkdfExtractSha256, hkdfExtractSha512, hkdfExpandSha256, hkdfExpandSha512,
} from './hkdf.js';
export { KeyprintError, InputError, WasmError, CryptoError } from '../errors.js';

// X25519 / Ed25519
export { x25519, x25519PublicKey, x25519Keypair, type KeyPair } from './x25519.js';
export {
  ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519IsValidPublicKey, ed25519Keypair, Ed25519Signer,
} from './ed25519.js';

// P-256
export {
  p256PublicKey, p256Keypair, p256Ecdh, p256Sign, p256Verify, p256SignatureFromDer, p256SignatureToDer,
  p256PublicKeyFromSpki, p256PublicKeyToSpki, p256PublicKeyFromCose, p256PublicKeyToCose, p256PublicKeyFromCoseMap,
  p256PublicKeyToCoseMap,
} from './p256.js';
export type { P256Keypair } from './p256.js';
export { COSE_ALG_ES256, COSE_ALG_ECDH_ES_HKDF_256, type P256CoseAlg } from './cose-key.js';

// ML-KEM-768 and X-Wing
export { mlKem768Keypair, mlKem768Encapsulate, mlKem768Decapsulate, ML_KEM_768, type Encapsulation } from './mlkem.js';
export { xwingKeypair, xwingEncapsulate, xwingDecapsulate, XWingDecapsulator, X_WING } from './xwing.js';

// Byte helpers (one of each: constant-time equality, strict hex and base64url, concatenation, UUID)
export { equalBytes, concatBytes, toHex, fromHex, toBase64url, fromBase64url, uuidString, uuidBytes } from './bytes.js';
export { aesGcmKey, aesGcmSeal, aesGcmOpen } from './aes-gcm.js';
