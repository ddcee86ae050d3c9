// Card test fixtures: identities whose binding and attestation come from (1) keyprint's software
// authenticator, enrolled in-process over the in-memory CTAPHID link (as test/hardware does), and
// (2) a Chromium-virtual-authenticator-style packed attestation (self-signed "Batch Certificate",
// AAGUID 01020304-…) with a WebAuthn binding assertion, built with node:crypto; plus image helpers.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { Ctap2Client, CtapHidChannel, CtapHidDevice, MemoryReportTransport, SoftAuthenticator } from '../../src/hardware/index.js';
import { enroll, type Enrollment } from '../../src/enroll/index.js';
import { IdentityKeyPair, bindingChallenge, encodeBundle, signBundle, type IdentityBundle } from '../../src/identity/index.js';
import { cardFingerprint, encodeCardPayload, signVerdict, type AttestationVerdict } from '../../src/card/node.js';
import { makeBinding } from '../identity/_fixtures.js';
import {
  BATCH_SUBJECT, CHROMIUM_AAGUID, attestationObject, coseKey, ecKey, makeAuthData, makeCert, makeClientData, sha256, signWith, uuidBytes,
} from '../identity/fixtures/make-attestation.js';

/** Enrolls a fresh identity on a fresh software authenticator (in memory). */
export async function softEnrollment(displayName = 'Ada Lovelace'): Promise<Enrollment & { caCertificate: Uint8Array; authenticator: SoftAuthenticator }> {
  const authenticator = await SoftAuthenticator.create({});
  const device = new CtapHidDevice(authenticator);
  const transport = new MemoryReportTransport(device);
  try {
    const ctap = new Ctap2Client(await CtapHidChannel.open(transport));
    const e = await enroll({ ctap, displayName });
    return { ...e, caCertificate: authenticator.attestationCaCertificate, authenticator };
  } finally {
    await transport.close();
    device.close();
  }
}

export interface ChromiumIdentity {
  identity: IdentityKeyPair;
  bundle: IdentityBundle;
  registrationClientDataJSON: Uint8Array;
}

/** A WebAuthn-bound identity whose credential has a Chromium-style packed self-signed batch attestation. */
export function chromiumIdentity(o: { displayName?: string; notAfter?: Date; notBefore?: Date; createdAt?: number } = {}): ChromiumIdentity {
  const identity = IdentityKeyPair.generate();
  const createdAt = o.createdAt ?? Date.UTC(2026, 10, 1);
  const rpId = 'keyprint.example';
  const batch = ecKey();
  const batchCert = makeCert({ subject: BATCH_SUBJECT, publicKey: batch.publicKey, signingKey: batch.privateKey, ca: false, notBefore: o.notBefore, notAfter: o.notAfter });
  const cred = ecKey();
  const cose = coseKey(cred.publicKey);
  const credentialId = new Uint8Array(16).map((_, i) => i * 11 + 3);
  const authData = makeAuthData({ rpId, flags: 0x45, aaguid: uuidBytes(CHROMIUM_AAGUID), credentialId, credentialPublicKey: cose });
  const challenge = bindingChallenge({ identityPublicKey: identity.publicKey, createdAt });
  const registrationClientDataJSON = makeClientData({ challenge, origin: `https://${rpId}` });
  const sig = signWith(batch.privateKey, new Uint8Array(Buffer.concat([authData, sha256(registrationClientDataJSON)])));
  const att = attestationObject('packed', new Map<string, unknown>([['alg', -7], ['sig', sig], ['x5c', [batchCert]]]), authData);
  const binding = makeBinding(identity.publicKey, createdAt, { kind: 'webauthn', rpId, credential: { privateKey: cred.privateKey, cose, credentialId } });
  binding.attestationObject = att;
  const bundle = signBundle({ displayName: o.displayName ?? 'Grace Hopper', identityPublicKey: identity.publicKey, createdAt, binding }, identity);
  return { identity, bundle, registrationClientDataJSON };
}

/** The AAGUID of a YubiKey 5 NFC (what a forged verdict names). */
export const YUBIKEY_5_NFC_AAGUID = '2fc0579f-8113-47ea-b116-bb5a8db9202a';

/**
 * A compact card whose verdict claims "hardware-attested, Yubico, YubiKey 5 NFC", made by anyone:
 * a software P-256 credential binds a fresh identity key (no attestation at all), and the verdict is
 * signed by that same identity key (issue 16, review finding 1).
 */
export function forgedCompactCard(displayName = 'Mallory'): { identity: IdentityKeyPair; payload: Uint8Array; verdict: AttestationVerdict; did: string; digits: string; words: string[] } {
  const identity = IdentityKeyPair.generate();
  const createdAt = Date.UTC(2026, 10, 1);
  const bundle = encodeBundle(signBundle({ displayName, identityPublicKey: identity.publicKey, createdAt, binding: makeBinding(identity.publicKey, createdAt) }, identity));
  const verdict: AttestationVerdict = {
    trust: 'hardware-attested', fmt: 'packed', aaguid: uuidBytes(YUBIKEY_5_NFC_AAGUID), attestationHash: new Uint8Array(32).fill(0xaa),
    checkedAt: createdAt, vendor: 'Yubico', model: 'YubiKey 5 NFC',
  };
  const payload = encodeCardPayload({ version: 1, bundle, verdict, verdictSignature: signVerdict(bundle, verdict, identity) });
  return { identity, payload, verdict, ...cardFingerprint(identity.publicKey) };
}

export interface Rgba { width: number; height: number; data: Uint8Array }

export const readPng = (bytes: Uint8Array): Rgba => {
  const p = PNG.sync.read(Buffer.from(bytes));
  return { width: p.width, height: p.height, data: new Uint8Array(p.data) };
};
export const writePng = (img: Rgba): Uint8Array => {
  const p = new PNG({ width: img.width, height: img.height });
  p.data = Buffer.from(img.data);
  return new Uint8Array(PNG.sync.write(p));
};
export const writeJpeg = (img: Rgba, quality: number): Uint8Array => new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: Buffer.from(img.data) }, quality).data);

/** Rotates by an arbitrary angle (degrees) about the centre, bilinear, onto a white canvas large enough to hold it. */
export function rotate(img: Rgba, degrees: number): Rgba {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const width = Math.ceil(Math.abs(img.width * cos) + Math.abs(img.height * sin));
  const height = Math.ceil(Math.abs(img.width * sin) + Math.abs(img.height * cos));
  const data = new Uint8Array(width * height * 4).fill(255);
  const cx = img.width / 2, cy = img.height / 2, ox = width / 2, oy = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - ox, dy = y - oy;
      const sx = cos * dx + sin * dy + cx;
      const sy = -sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= img.width || y0 + 1 >= img.height) continue;
      const fx = sx - x0, fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const p = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 4 + c];
        const v = p(x0, y0) * (1 - fx) * (1 - fy) + p(x0 + 1, y0) * fx * (1 - fy) + p(x0, y0 + 1) * (1 - fx) * fy + p(x0 + 1, y0 + 1) * fx * fy;
        data[(y * width + x) * 4 + c] = Math.round(v);
      }
    }
  }
  return { width, height, data };
}

/** Exact 90° clockwise rotation. */
export function rotate90(img: Rgba): Rgba {
  const width = img.height, height = img.width;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
    const s = (y * img.width + x) * 4;
    const d = (x * width + (width - 1 - y)) * 4;
    data.set(img.data.subarray(s, s + 4), d);
  }
  return { width, height, data };
}

/** Box-filter downscale by a rational factor (target width). */
export function scaleTo(img: Rgba, width: number): Rgba {
  const f = img.width / width;
  const height = Math.round(img.height / f);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const sx0 = Math.floor(x * f), sx1 = Math.max(sx0 + 1, Math.floor((x + 1) * f));
    const sy0 = Math.floor(y * f), sy1 = Math.max(sy0 + 1, Math.floor((y + 1) * f));
    for (let c = 0; c < 4; c++) {
      let sum = 0, n = 0;
      for (let yy = sy0; yy < Math.min(sy1, img.height); yy++) for (let xx = sx0; xx < Math.min(sx1, img.width); xx++) { sum += img.data[(yy * img.width + xx) * 4 + c]; n++; }
      data[(y * width + x) * 4 + c] = Math.round(sum / n);
    }
  }
  return { width, height, data };
}

/** Adds deterministic uniform noise of ±amplitude to RGB (xorshift32 from a seed). */
export function noise(img: Rgba, amplitude: number, seed = 0x6b657970): Rgba {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
  const data = img.data.slice();
  for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(data[i + c] + (next() * 2 - 1) * amplitude)));
  return { ...img, data };
}

// Hostile images (issue 16, "hostile input"): headers that declare far more pixels than the data
// holds. Built byte by byte, so the header is exactly what a test says it is.
const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** A PNG chunk: length, type, data, CRC-32 over type ‖ data (ISO/IEC 15948 §5.3). */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const td = cat(new TextEncoder().encode(type), data);
  return cat(be32(data.length), td, be32(crc32(td)));
}

/** An IHDR for 8-bit RGBA. */
export const ihdr = (width: number, height: number) => pngChunk('IHDR', cat(be32(width), be32(height), Uint8Array.of(8, 6, 0, 0, 0)));
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** A valid PNG header of width × height with a small zlib stream (zero rows for the first `rows` rows only). */
export function hostilePng(width = 30000, height = 30000, rows = 8): Uint8Array {
  const idat = deflateSync(Buffer.alloc(rows * (width * 4 + 1)), { level: 9 });
  return cat(PNG_SIGNATURE, ihdr(width, height), pngChunk('IDAT', new Uint8Array(idat)), pngChunk('IEND', new Uint8Array(0)));
}

/** A JPEG marker segment: FF m, length (2 + data), data (ITU-T T.81 §B.1.1.4). */
export const jpegSegment = (marker: number, data: Uint8Array) => cat(Uint8Array.of(0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 255), data);

/** A baseline frame header (SOF0) for three components. */
export const sof0 = (width: number, height: number) =>
  jpegSegment(0xc0, Uint8Array.of(8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1));

/** SOI, an APP0 (JFIF), then `segments`, then EOI. */
export function jpegOf(...segments: Uint8Array[]): Uint8Array {
  const jfif = jpegSegment(0xe0, Uint8Array.of(0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0));
  return cat(Uint8Array.of(0xff, 0xd8), jfif, ...segments, Uint8Array.of(0xff, 0xd9));
}

/** A JPEG whose frame header declares width × height and that holds no image data. */
export const hostileJpeg = (width = 30000, height = 30000) => jpegOf(sof0(width, height));
