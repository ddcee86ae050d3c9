// Randomness for key generation: the platform CSPRNG (Web Crypto `crypto.getRandomValues`, global in
// Node ≥ 19 and every browser). No fallback: without a CSPRNG there is no safe key to generate.

/** `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}
