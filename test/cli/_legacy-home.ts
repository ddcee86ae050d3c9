// A home as keyprint wrote it before envelope version 2 — credential.json version 1 (one key, PRF
// input "keyprint-wrap-v1") and a version-1 envelope made with node:crypto (test/identity/_envelopes.ts)
// from the hmac-secret output for prfSalt("keyprint-wrap-v1"), the fixed salt every version-1
// enrollment used — for the migration tests against the emulator and the Solo simulation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { base64urlnopad } from '@scure/base';
import { PinUvAuthTokenPermission, prfSalt, type Ctap2Client } from '../../src/hardware/index.js';
import { KEYPRINT_RP_ID, enroll } from '../../src/enroll/index.js';
import { HOME_FILES, writeEnrollment } from '../../src/cli/_identity-store.js';
import { nodeWrap } from '../identity/_envelopes.js';
import { utf8 } from '../_util.js';

/**
 * Enrolls `name` on the key behind `ctap` (with `pin` when it has one), then rewrites the home in
 * the version-1 layout. @returns the identity's did:key
 */
export async function legacyHome(ctap: Ctap2Client, home: string, name: string, pin?: string): Promise<string> {
  const e = await enroll({ ctap, displayName: name, pin });
  try {
    await writeEnrollment(home, e);
    const id = e.credential.credentialId;
    const token = pin === undefined ? undefined : await ctap.getPinToken(pin, undefined, { permissions: PinUvAuthTokenPermission.ga, rpId: KEYPRINT_RP_ID });
    const { first } = await ctap.hmacSecret({
      rpId: KEYPRINT_RP_ID, clientDataHash: new Uint8Array(32), allowList: [{ type: 'public-key', id }], salt1: prfSalt(utf8('keyprint-wrap-v1')), pinToken: token,
    });
    token?.wipe();
    const seed = e.identity.exportSecretKey();
    writeFileSync(join(home, 'keys', 'identity.kpw'), nodeWrap(seed, first, id, { version: 1 }), { mode: 0o600 });
    seed.fill(0);
    const c = e.credential;
    writeFileSync(join(home, HOME_FILES.credential), JSON.stringify({
      version: 1, rpId: c.rpId, credentialId: base64urlnopad.encode(id), userVerified: c.userVerified, prfInput: 'keyprint-wrap-v1',
      registrationClientDataJSON: base64urlnopad.encode(c.registrationClientDataJSON), authenticator: c.authenticator, enrolledAt: c.enrolledAt,
    }), { mode: 0o600 });
    return e.identity.did;
  } finally {
    e.identity.destroy();
  }
}
