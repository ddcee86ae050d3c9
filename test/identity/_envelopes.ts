// Envelopes built with node:crypto from docs/PROTOCOL.md ("Wrapped secret"), independently of
// src/identity/wrap.ts: the version-2 layout, and version-1 envelopes as keyprint wrote them before
// per-enrollment PRF inputs (for the migration tests).
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** A prf envelope of `version` made with node:crypto (salt, nonce random unless given). */
export function nodeWrap(
  secret: Uint8Array, prfOutput: Uint8Array, credentialId: Uint8Array,
  o: { version: 1 | 2; prfInput?: Uint8Array; userVerified?: boolean; salt?: Uint8Array; nonce?: Uint8Array },
): Uint8Array {
  const salt = o.salt ?? randomBytes(32), nonce = o.nonce ?? randomBytes(12);
  const info = `keyprint-wrap-v${o.version}`;
  const fields = o.version === 2 ? Buffer.concat([Buffer.from([o.userVerified ? 1 : 0]), o.prfInput!]) : Buffer.alloc(0);
  const header = Buffer.concat([Buffer.from('kpw'), Buffer.from([o.version, 1]), fields, salt, nonce]);
  const key = Buffer.from(hkdfSync('sha256', prfOutput, salt, info, 32));
  const aad = Buffer.concat([Buffer.from([0, info.length]), Buffer.from(info), header, Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]), credentialId]);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(secret), c.final(), c.getAuthTag()]);
  return new Uint8Array(Buffer.concat([header, ct]));
}
