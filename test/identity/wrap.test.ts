// Key wrapping: AES-256-GCM (NIST SP 800-38D) under HKDF-SHA-256 (RFC 5869) of a PRF output, or
// PBKDF2-HMAC-SHA-256 (RFC 8018) of a passphrase. The envelope format is checked byte for byte by
// an independent node:crypto decryption and the docs/PROTOCOL.md vectors; every failure is the one
// opaque `unwrap-failed`.
import { describe, expect, it } from 'vitest';
import { createDecipheriv, hkdfSync, pbkdf2Sync } from 'node:crypto';
import fc from 'fast-check';
import { InputError, KeyprintError } from '../../src/core/index.js';
import {
  wrapSecret, unwrapSecret, wrapSecretWithPassphrase, unwrapSecretWithPassphrase, unwrapIdentity, envelopeInfo,
  MIN_PASSPHRASE_ITERATIONS, V1_PRF_INPUT, newPrfInput,
} from '../../src/identity/wrap.js';
import { nodeWrap } from './_envelopes.js';
import { IdentityError, IdentityKeyPair } from '../../src/identity/identity.js';
import { hex, unhex, utf8, fcSeed } from '../_util.js';

const PRF = unhex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const CRED = utf8('credential-id-0001');
const SECRET = unhex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const PASS = 'correct horse battery staple';
const INPUT = unhex('a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf');
/** The wrap options of a version-2 envelope for PRF output `prfOutput`. */
const opts = (prfOutput = PRF, credentialId = CRED, userVerified = true) => ({ prfOutput, credentialId, prfInput: INPUT, userVerified });

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
    return `${e.code}: ${e.message}`;
  }
  return 'accepted';
}
const UNWRAP_FAILED = 'unwrap-failed: could not unwrap the secret: wrong key material, another credential, or a damaged envelope';

/** Independent decryption of a version-2 prf envelope with node:crypto, following docs/PROTOCOL.md. */
function nodeUnwrap(env: Uint8Array, prf: Uint8Array, credentialId: Uint8Array): Uint8Array {
  const header = env.subarray(0, 82), salt = env.subarray(38, 70), nonce = env.subarray(70, 82);
  const ct = env.subarray(82, env.length - 16), tag = env.subarray(env.length - 16);
  const key = Buffer.from(hkdfSync('sha256', prf, salt, 'keyprint-wrap-v2', 32));
  const aad = Buffer.concat([Buffer.from([0, 16]), Buffer.from('keyprint-wrap-v2'), header, Buffer.from([credentialId.length >> 8, credentialId.length & 0xff]), credentialId]);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
}

// docs/PROTOCOL.md "Wrapped secret": the seed of RFC 8032 §7.1 TEST 1 under PRF output 00…1f,
// credential ID "credential-id-0001", salt 30…4f, nonce 60…6b.
const VECTOR = {
  salt: unhex('303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f'),
  nonce: unhex('606162636465666768696a6b'),
  v2: '6b7077020101a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f606162636465666768696a6b'
    + 'ee9ea667977fd7cf8a91b906a7b4b2c8e6e764b4fb998ccfed5395c282a2e0c0b22de9da0e35440f5eedbd17ac638933',
  v1: '6b70770101303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f606162636465666768696a6b'
    + 'a40874afe0422ccd47ea066d5d00a6d89d48d2cb9759fd1668cdfe6cd6d6ed7f15a13e72dc205c7def3a16c1421ede40',
};

describe('docs/PROTOCOL.md envelope vectors', () => {
  it('version 2 (PRF input a0…bf, user-verified): node:crypto makes these bytes and unwrapSecret opens them', async () => {
    const env = nodeWrap(SECRET, PRF, CRED, { version: 2, prfInput: INPUT, userVerified: true, salt: VECTOR.salt, nonce: VECTOR.nonce });
    expect(hex(env)).toBe(VECTOR.v2);
    expect(hex(await unwrapSecret(env, { prfOutput: PRF, credentialId: CRED }))).toBe(hex(SECRET));
    expect(envelopeInfo(env)).toEqual({ version: 2, kind: 'prf', weak: false, prfInput: INPUT, userVerified: true });
  });

  it('version 1 (before per-enrollment inputs): still opens, and says its PRF input is "keyprint-wrap-v1"', async () => {
    const env = nodeWrap(SECRET, PRF, CRED, { version: 1, salt: VECTOR.salt, nonce: VECTOR.nonce });
    expect(hex(env)).toBe(VECTOR.v1);
    expect(hex(await unwrapSecret(env, { prfOutput: PRF, credentialId: CRED }))).toBe(hex(SECRET));
    expect(envelopeInfo(env)).toEqual({ version: 1, kind: 'prf', weak: false, prfInput: utf8(V1_PRF_INPUT) });
  });
});

describe('prf envelopes', () => {
  it('layout: "kpw" 02 01 ‖ flags ‖ prfInput[32] ‖ salt[32] ‖ nonce[12] ‖ ciphertext ‖ tag[16], and node:crypto decrypts it', async () => {
    const env = await wrapSecret(SECRET, opts());
    expect(env.length).toBe(5 + 1 + 32 + 32 + 12 + 32 + 16);
    expect(hex(env.subarray(0, 6))).toBe('6b7077020101');
    expect(hex(env.subarray(6, 38))).toBe(hex(INPUT));
    expect(hex(nodeUnwrap(env, PRF, CRED))).toBe(hex(SECRET));
    expect(envelopeInfo(env)).toEqual({ version: 2, kind: 'prf', weak: false, prfInput: INPUT, userVerified: true });
    const noUv = await wrapSecret(SECRET, opts(PRF, CRED, false));
    expect(noUv[5]).toBe(0);
    expect(envelopeInfo(noUv).userVerified).toBe(false);
  });

  it('newPrfInput: 32 fresh random bytes each time', () => {
    const a = newPrfInput(), b = newPrfInput();
    expect(a.length).toBe(32);
    expect(hex(a)).not.toBe(hex(b));
  });

  it('the PRF input and the UV flag are authenticated: a changed one does not open, whichever output is offered', async () => {
    const env = await wrapSecret(SECRET, opts());
    const flipped = env.slice(); flipped[5] ^= 1; // claims "without UV"
    const otherInput = env.slice(); otherInput[6] ^= 1;
    for (const t of [flipped, otherInput]) expect(await failure(unwrapSecret(t, { prfOutput: PRF, credentialId: CRED }))).toBe(UNWRAP_FAILED);
  });

  it('round trip; fresh salt and nonce each time', async () => {
    const a = await wrapSecret(SECRET, opts());
    const b = await wrapSecret(SECRET, opts());
    expect(hex(a)).not.toBe(hex(b));
    expect(hex(await unwrapSecret(a, { prfOutput: PRF, credentialId: CRED }))).toBe(hex(SECRET));
    expect(hex(await unwrapSecret(b, { prfOutput: PRF, credentialId: CRED }))).toBe(hex(SECRET));
  });

  it('property: any secret of 1–1024 bytes, PRF output and credential id round-trip', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 1, maxLength: 1024 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }),
      async (secret, prfOutput, credentialId) => {
        const env = await wrapSecret(secret, { prfOutput, credentialId, prfInput: INPUT, userVerified: false });
        expect(hex(await unwrapSecret(env, { prfOutput, credentialId }))).toBe(hex(secret));
      }), { seed: fcSeed, numRuns: 1000 });
  });

  it('wrong PRF output, wrong credential id, and a passphrase envelope: the same unwrap-failed', async () => {
    const env = await wrapSecret(SECRET, opts());
    const wrongPrf = PRF.slice(); wrongPrf[31] ^= 1;
    const wrongCred = CRED.slice(); wrongCred[0] ^= 1;
    expect(await failure(unwrapSecret(env, { prfOutput: wrongPrf, credentialId: CRED }))).toBe(UNWRAP_FAILED);
    expect(await failure(unwrapSecret(env, { prfOutput: PRF, credentialId: wrongCred }))).toBe(UNWRAP_FAILED);
    expect(await failure(unwrapSecret(env, { prfOutput: PRF, credentialId: CRED.subarray(1) }))).toBe(UNWRAP_FAILED);
    expect(await failure(unwrapSecret(env, { prfOutput: PRF, credentialId: new Uint8Array([...CRED, 0]) }))).toBe(UNWRAP_FAILED);
  });

  it('every single-byte change anywhere (header, flags, PRF input, salt, nonce, ciphertext, tag) → unwrap-failed', async () => {
    const env = await wrapSecret(SECRET, opts());
    for (let i = 0; i < env.length; i++) {
      const t = env.slice();
      t[i] ^= 0x01;
      expect(await failure(unwrapSecret(t, { prfOutput: PRF, credentialId: CRED })), `byte ${i}`).toBe(UNWRAP_FAILED);
    }
  });

  it('fuzz: random mutations of an envelope → unwrap-failed, never another error', async () => {
    const env = await wrapSecret(SECRET, opts());
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: env.length + 4 }), fc.integer({ min: -1, max: 255 })), { minLength: 1, maxLength: 4 }), async (ops) => {
      const b = Array.from(env);
      for (const [at, v] of ops) {
        if (v < 0) b.splice(Math.min(at, b.length), 1);
        else if (at >= b.length) b.push(v);
        else b[at] = v;
      }
      if (hex(new Uint8Array(b)) === hex(env)) return;
      expect(await failure(unwrapSecret(new Uint8Array(b), { prfOutput: PRF, credentialId: CRED }))).toBe(UNWRAP_FAILED);
    }), { seed: fcSeed, numRuns: 1000 });
  });

  it('truncated, extended, empty, or a raw secret → unwrap-failed', async () => {
    const env = await wrapSecret(SECRET, opts());
    for (const bad of [env.subarray(0, env.length - 1), new Uint8Array([...env, 0]), new Uint8Array(0), SECRET, env.subarray(0, 82), env.subarray(0, 30)]) {
      expect(await failure(unwrapSecret(bad, { prfOutput: PRF, credentialId: CRED }))).toBe(UNWRAP_FAILED);
    }
  });

  it('unwrapIdentity gives the key pair', async () => {
    const id = IdentityKeyPair.fromSecretKey(SECRET);
    const env = await wrapSecret(id.exportSecretKey(), opts());
    expect((await unwrapIdentity(env, { prfOutput: PRF, credentialId: CRED })).did).toBe(id.did);
    const short = await wrapSecret(new Uint8Array(31), opts());
    expect(await failure(unwrapIdentity(short, { prfOutput: PRF, credentialId: CRED }))).toBe(UNWRAP_FAILED);
  });
});

describe('passphrase envelopes (weak)', () => {
  it('layout, ≥ 600,000 iterations, weak label, round trip, node:crypto PBKDF2 cross-check', async () => {
    const env = await wrapSecretWithPassphrase(SECRET, { passphrase: PASS });
    expect(hex(env.subarray(0, 9))).toBe('6b70770102' + '000927c0'); // 600000 = 0x000927c0
    expect(envelopeInfo(env)).toEqual({ version: 1, kind: 'passphrase', weak: true, iterations: 600_000 });
    expect(MIN_PASSPHRASE_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(hex(await unwrapSecretWithPassphrase(env, { passphrase: PASS }))).toBe(hex(SECRET));
    // Independent decryption: PBKDF2 key, AAD without a credential id.
    const key = pbkdf2Sync(PASS, env.subarray(9, 41), 600_000, 32, 'sha256');
    const d = createDecipheriv('aes-256-gcm', key, env.subarray(41, 53));
    d.setAAD(Buffer.concat([Buffer.from([0, 16]), Buffer.from('keyprint-wrap-v1'), env.subarray(0, 53), Buffer.from([0, 0])]));
    d.setAuthTag(env.subarray(env.length - 16));
    expect(hex(Buffer.concat([d.update(env.subarray(53, env.length - 16)), d.final()]))).toBe(hex(SECRET));
  });

  it('wrong passphrase, altered iteration count, and prf/passphrase mix-ups → unwrap-failed', async () => {
    const env = await wrapSecretWithPassphrase(SECRET, { passphrase: PASS });
    expect(await failure(unwrapSecretWithPassphrase(env, { passphrase: PASS + '!' }))).toBe(UNWRAP_FAILED);
    const lowered = env.slice(); lowered.set([0x00, 0x09, 0x27, 0xbf], 5); // 599,999: below the minimum, refused before any work
    expect(await failure(unwrapSecretWithPassphrase(lowered, { passphrase: PASS }))).toBe(UNWRAP_FAILED);
    expect(() => envelopeInfo(lowered)).toThrow(expect.objectContaining({ code: 'envelope-invalid' }));
    const huge = env.slice(); huge.set([0xff, 0xff, 0xff, 0xff], 5); // 4 billion: refused, no hour-long PBKDF2
    expect(await failure(unwrapSecretWithPassphrase(huge, { passphrase: PASS }))).toBe(UNWRAP_FAILED);
    expect(await failure(unwrapSecret(env, { prfOutput: PRF, credentialId: CRED }))).toBe(UNWRAP_FAILED);
    const prfEnv = await wrapSecret(SECRET, opts());
    expect(await failure(unwrapSecretWithPassphrase(prfEnv, { passphrase: PASS }))).toBe(UNWRAP_FAILED);
  });

  it('the passphrase is NFC-normalised (NFD input unwraps an NFC-wrapped envelope)', async () => {
    const env = await wrapSecretWithPassphrase(SECRET, { passphrase: 'Zo\u00eb-passphrase' });
    expect(hex(await unwrapSecretWithPassphrase(env, { passphrase: 'Zoe\u0308-passphrase' }))).toBe(hex(SECRET));
  });

  it('refuses fewer than 600,000 iterations and short passphrases', async () => {
    await expect(wrapSecretWithPassphrase(SECRET, { passphrase: PASS, iterations: 599_999 })).rejects.toThrow(InputError);
    await expect(wrapSecretWithPassphrase(SECRET, { passphrase: PASS, iterations: 1e9 })).rejects.toThrow(InputError);
    await expect(wrapSecretWithPassphrase(SECRET, { passphrase: 'short' })).rejects.toThrow('"passphrase" expected at least 8 characters, got 5');
  });
});

describe('envelopeInfo and garbage input', () => {
  it('a raw secret, other magic, version, kind or flags → envelope-invalid', async () => {
    const env = await wrapSecret(SECRET, opts());
    const v3 = env.slice(); v3[3] = 3;
    const k2 = env.slice(); k2[4] = 2; // version 2 is for prf envelopes only
    const flags = env.slice(); flags[5] = 2;
    const v1 = env.slice(); v1[3] = 1; v1[4] = 3;
    for (const [bad, msg] of [
      [SECRET, /start with "kpw"/], [v3, /expected version 1 or 2, got 3/], [k2, /version 2 expected kind 1 \(prf\), got 2/],
      [flags, /expected flags 0 or 1, got 2/], [v1, /expected kind 1 \(prf\) or 2 \(passphrase\), got 3/], [env.subarray(0, 90), /ciphertext/],
      [env.subarray(0, 20), /truncated/],
    ] as const) {
      expect(() => envelopeInfo(bad)).toThrow(IdentityError);
      expect(() => envelopeInfo(bad)).toThrow(msg);
    }
  });

  const junk: unknown[] = [undefined, null, 1, 'x', [], {}, new Uint16Array(16)];
  it.each(junk.map((j) => [Object.prototype.toString.call(j), j]))('%s as secret / options / envelope → InputError', async (_n, j) => {
    await expect(wrapSecret(j as Uint8Array, opts())).rejects.toThrow(InputError);
    await expect(wrapSecret(SECRET, j as never)).rejects.toThrow(InputError);
    await expect(wrapSecret(SECRET, { ...opts(), prfOutput: j as Uint8Array })).rejects.toThrow(InputError);
    await expect(wrapSecret(SECRET, { ...opts(), credentialId: j as Uint8Array })).rejects.toThrow(InputError);
    await expect(wrapSecret(SECRET, { ...opts(), prfInput: j as Uint8Array })).rejects.toThrow(InputError);
    await expect(wrapSecret(SECRET, { ...opts(), userVerified: j as boolean })).rejects.toThrow(InputError);
    await expect(unwrapSecret(j as Uint8Array, { prfOutput: PRF, credentialId: CRED })).rejects.toThrow(InputError);
    await expect(wrapSecretWithPassphrase(SECRET, { passphrase: j as string })).rejects.toThrow(InputError);
    await expect(unwrapSecretWithPassphrase(SECRET, j as never)).rejects.toThrow(InputError);
    expect(() => envelopeInfo(j as Uint8Array)).toThrow(InputError);
  });

  it.each([
    ['empty secret', new Uint8Array(0), PRF, CRED], ['secret 1025 bytes', new Uint8Array(1025), PRF, CRED],
    ['prf 31 bytes', SECRET, PRF.subarray(1), CRED], ['prf 64 bytes', SECRET, new Uint8Array(64), CRED],
    ['empty credential id', SECRET, PRF, new Uint8Array(0)], ['credential id 1024 bytes', SECRET, PRF, new Uint8Array(1024)],
  ])('%s → InputError', async (_n, secret, prfOutput, credentialId) => {
    await expect(wrapSecret(secret, { ...opts(), prfOutput, credentialId })).rejects.toThrow(InputError);
  });

  it.each([['31', 31], ['33', 33], ['0', 0]])('a PRF input of %s bytes → InputError', async (_n, n) => {
    await expect(wrapSecret(SECRET, { ...opts(), prfInput: new Uint8Array(n) })).rejects.toThrow(`"prfInput" expected 32 bytes, got ${n}`);
  });
});
