// Verification receipts (docs/PROTOCOL.md "Session protocol", "Verification receipt"): after a SAS
// match, the user's security key signs the session's transcript hash — a WebAuthn assertion
// (WebAuthn L3 §7.2) or a CTAP authenticatorGetAssertion (CTAP 2.1 §6.2) whose challenge /
// clientDataHash is the labelled hash receiptChallenge(TH), never TH itself: the same credential
// signs the identity's binding challenge (identity/binding.ts), and two bare 32-byte challenges
// could stand for each other. The receipt can later be checked offline against the credential
// public key in the contact's identity bundle, for a given transcript hash. The hardware call
// itself is injected.

import { base64urlnopad } from '@scure/base';
import { p256PublicKeyFromCose, p256Verify, sha256 } from '../core/index.js';
import { describe, KeyprintError } from '../errors.js';
import type { IdentityBundle } from '../identity/index.js';
import { bundleBindings } from '../identity/bundle.js';
import { originMatches } from '../identity/binding.js';
import { equalBytes, label, Reader, utf8Decode, Writer } from './_bytes.js';
import { SessionError } from './errors.js';

const MAGIC = Uint8Array.of(0x6b, 0x70, 0x72); // "kpr"
/** Version 2: the credential signs receiptChallenge(TH). Version 1 (the bare TH) is refused. */
export const RECEIPT_VERSION = 2;
const LABEL_RECEIPT = 'keyprint-receipt-v1';

/** What the injected authenticator call returns (fields as WebAuthn / CTAP give them). */
export interface ReceiptAssertion {
  kind: 'webauthn' | 'ctap';
  credentialId: Uint8Array;
  authenticatorData: Uint8Array;
  /** kind `webauthn`: the clientDataJSON the browser built. */
  clientDataJSON?: Uint8Array;
  /** ES256 signature, DER. */
  signature: Uint8Array;
}

/** A decoded receipt. */
export interface Receipt extends ReceiptAssertion { transcriptHash: Uint8Array }

function checkTranscriptHash(transcriptHash: unknown): Uint8Array {
  if (!(transcriptHash instanceof Uint8Array) || transcriptHash.length !== 32) {
    throw new SessionError('invalid-value', `"transcriptHash" expected 32 bytes, got ${describe(transcriptHash)}`);
  }
  return transcriptHash;
}

/**
 * What the security key signs for a receipt: `SHA-256(u16be(19) ‖ "keyprint-receipt-v1" ‖ TH)`
 * (a length-prefixed label, as every protocol label), so it can never equal a binding challenge
 * (`"keyprint-bind-v1"`) or any other 32-byte value the credential signs.
 * @param transcriptHash the session's transcript hash, 32 bytes
 * @returns the 32-byte WebAuthn challenge / CTAP clientDataHash
 * @throws SessionError `invalid-value` for anything but 32 bytes
 * @example receiptChallenge(th) // 01 02 … 20 → d92440ea…2b0f4755 (docs/PROTOCOL.md)
 */
export function receiptChallenge(transcriptHash: Uint8Array): Uint8Array {
  return sha256(new Writer().raw(label(LABEL_RECEIPT)).raw(checkTranscriptHash(transcriptHash)).bytes());
}

/**
 * Asks the security key to sign the receipt challenge of the transcript hash and encodes the receipt.
 * @param transcriptHash the session's transcript hash (the `confirmed` event's), 32 bytes
 * @param assert the hardware call, given `receiptChallenge(transcriptHash)`: WebAuthn
 *   `navigator.credentials.get({ publicKey: { challenge } })` or CTAP getAssertion with `clientDataHash = challenge`
 * @returns the encoded receipt
 * @throws SessionError `invalid-value` for a transcript hash that is not 32 bytes
 * @example const receipt = await createReceipt(e.transcriptHash, (challenge) => webauthnGet(challenge))
 */
export async function createReceipt(transcriptHash: Uint8Array, assert: (challenge: Uint8Array) => Promise<ReceiptAssertion>): Promise<Uint8Array> {
  const a = await assert(receiptChallenge(transcriptHash));
  return encodeReceipt({ ...a, transcriptHash });
}

/**
 * `"kpr" ‖ u8 version ‖ u8 kind ‖ transcriptHash[32] ‖ u16-prefixed credentialId, authenticatorData,
 * clientDataJSON (empty for ctap), signature`.
 * @throws SessionError `receipt` for an out-of-range field
 * @example const bytes = encodeReceipt({ ...assertion, transcriptHash })
 */
export function encodeReceipt(r: Receipt): Uint8Array {
  const bytes = new Writer().raw(MAGIC).u8(RECEIPT_VERSION).u8(r.kind === 'webauthn' ? 1 : 2).raw(r.transcriptHash)
    .var16(r.credentialId).var16(r.authenticatorData).var16(r.kind === 'webauthn' ? r.clientDataJSON ?? new Uint8Array(0) : new Uint8Array(0))
    .var16(r.signature).bytes();
  decodeReceipt(bytes);
  return bytes;
}

/**
 * Decodes a receipt; every field is range-checked.
 * @throws SessionError `version` for another receipt version (version 1 signed the bare transcript
 *   hash and is no longer accepted), `receipt` for anything else malformed
 * @example const { transcriptHash } = decodeReceipt(bytes)
 */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  try {
    if (!(bytes instanceof Uint8Array) || bytes.length > 16384) throw new SessionError('malformed', 'receipt expected at most 16384 bytes');
    const r = new Reader(bytes, 'receipt');
    if (!equalBytes(r.fixed('magic', 3), MAGIC)) throw new SessionError('malformed', 'receipt expected magic "kpr"');
    const version = r.u8('version');
    if (version !== RECEIPT_VERSION) {
      throw new SessionError('version', `receipt expected version ${RECEIPT_VERSION}, got ${version}${version === 1
        ? ': version 1 signed the bare transcript hash, which a binding assertion could stand in for; ask the sender for a new receipt' : ''}`);
    }
    const k = r.u8('kind');
    if (k !== 1 && k !== 2) throw new SessionError('malformed', `receipt kind expected 1 or 2, got ${k}`);
    const transcriptHash = r.fixed('transcriptHash', 32);
    const credentialId = r.sized('credentialId', 16, 1, 1023);
    const authenticatorData = r.sized('authenticatorData', 16, 37, 4096);
    const clientDataJSON = r.sized('clientDataJSON', 16, k === 1 ? 2 : 0, k === 1 ? 4096 : 0);
    const signature = r.sized('signature', 16, 8, 72);
    r.end();
    return k === 1
      ? { kind: 'webauthn', transcriptHash, credentialId, authenticatorData, clientDataJSON, signature }
      : { kind: 'ctap', transcriptHash, credentialId, authenticatorData, signature };
  } catch (e) {
    if (e instanceof SessionError && e.code !== 'version') throw new SessionError('receipt', e.message, { cause: e });
    throw e;
  }
}

export type ReceiptResult =
  | { valid: true; transcriptHash: Uint8Array; userVerified: boolean }
  | { valid: false; reason: 'no-binding' | 'credential' | 'transcript' | 'client-data' | 'type' | 'challenge' | 'origin' | 'rp-id' | 'user-presence' | 'signature' };

/**
 * Checks a receipt offline against the signer's identity bundle for one session: one of the
 * bundle's bound credentials (the first security key or any added later — whichever the signer
 * touched) must have signed `receiptChallenge(transcriptHash)`.
 * @param receipt the encoded receipt
 * @param bundle the signer's decoded (signature-checked) identity bundle
 * @param transcriptHash the session the receipt must be for, 32 bytes (required: a receipt proves
 *   something only about a transcript the verifier holds)
 * @param options `origins`: allowed WebAuthn origins
 * @returns `{ valid: true, … }` or `{ valid: false, reason }`
 * @throws SessionError `receipt` for a malformed receipt, `version` for another receipt version,
 *   `invalid-value` for a transcript hash that is not 32 bytes
 * @example verifyReceipt(receipt, decodeBundle(peer.bundleBytes), transcriptHash)
 */
export function verifyReceipt(receipt: Uint8Array, bundle: IdentityBundle, transcriptHash: Uint8Array, options: { origins?: readonly string[] } = {}): ReceiptResult {
  const challenge = receiptChallenge(transcriptHash);
  const r = decodeReceipt(receipt);
  const fail = (reason: Extract<ReceiptResult, { valid: false }>['reason']): ReceiptResult => ({ valid: false, reason });
  const bindings = bundleBindings(bundle);
  if (bindings.length === 0) return fail('no-binding');
  const b = bindings.find((x) => equalBytes(r.credentialId, x.credentialId));
  if (!b) return fail('credential');
  if (!equalBytes(transcriptHash, r.transcriptHash)) return fail('transcript');
  let clientDataHash: Uint8Array;
  if (r.kind === 'webauthn') {
    let cd: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
    try { cd = JSON.parse(utf8Decode(r.clientDataJSON!, 'clientDataJSON')); } catch { return fail('client-data'); }
    if (typeof cd !== 'object' || cd === null) return fail('client-data');
    if (cd.type !== 'webauthn.get') return fail('type'); // WebAuthn §7.2 step 11
    if (cd.challenge !== base64urlnopad.encode(challenge)) return fail('challenge'); // step 12
    if (typeof cd.origin !== 'string' || !originMatches(cd.origin, b.rpId, options.origins)) return fail('origin'); // step 13
    if (cd.crossOrigin !== undefined && cd.crossOrigin !== false) return fail('origin');
    clientDataHash = sha256(r.clientDataJSON!);
  } else {
    clientDataHash = challenge; // CTAP: the client passes the challenge as clientDataHash
  }
  const ad = r.authenticatorData;
  if (!equalBytes(ad.subarray(0, 32), sha256(new TextEncoder().encode(b.rpId)))) return fail('rp-id'); // step 15
  if ((ad[32] & 0x01) === 0) return fail('user-presence'); // step 16
  let ok = false;
  try {
    const key = p256PublicKeyFromCose(b.credentialPublicKey);
    ok = p256Verify(key, sha256(new Writer().raw(ad).raw(clientDataHash).bytes()), r.signature); // step 20
  } catch (e) {
    if (!(e instanceof KeyprintError)) throw e;
  }
  if (!ok) return fail('signature');
  return { valid: true, transcriptHash: r.transcriptHash, userVerified: (ad[32] & 0x04) !== 0 };
}
