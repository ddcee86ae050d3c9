// Fuzz campaign, printed cards: the payload decoder, its text form, and the whole offline verifier
// (verifyCardPayload: payload, bundle signature, binding, attestation or verdict). Seeds: a full
// card and a compact card (signed verdict) of a software-authenticator enrollment, and a
// passphrase-only card.
import { beforeAll, describe } from 'vitest';
import { createCard, decodeCardPayload, encodeCardPayload, payloadFromText, payloadToText, verifyCardPayload } from '../../src/card/node.js';
import { IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import { softEnrollment } from '../card/_fixtures.js';
import { equalBytes, expectTyped, fuzz, fuzzBytes, fuzzText, hexOf, FUZZ_RUNS } from './_mutate.js';

const seeds = { payloads: [] as Uint8Array[], trustAnchors: [] as Uint8Array[], now: 0 };

beforeAll(async () => {
  const soft = await softEnrollment();
  const bare = IdentityKeyPair.generate();
  const options = { trustAnchors: [soft.caCertificate], identity: soft.identity };
  seeds.trustAnchors = [soft.caCertificate];
  seeds.now = soft.bundle.createdAt + 1000;
  seeds.payloads = [
    (await createCard(soft.bundle, { ...options, form: 'full', maxQrVersion: 40 })).payload,
    (await createCard(soft.bundle, { ...options, form: 'compact' })).payload,
    (await createCard(signBundle({ displayName: 'Bare', identityPublicKey: bare.publicKey, createdAt: 1, binding: null }, bare))).payload,
  ];
}, 60_000);

describe('card fuzz', () => {
  fuzz('decodeCardPayload: typed errors; accepted ⇒ re-encodes to the same bytes', () => fuzzBytes(seeds.payloads, 3000), (bytes) => {
    let p;
    try { p = decodeCardPayload(bytes); } catch (e) { expectTyped(e); return false; }
    if (!equalBytes(encodeCardPayload(p), bytes)) throw new Error(`two encodings of one card payload: ${hexOf(bytes)}`);
    return true;
  });

  fuzz('payloadFromText: typed errors; accepted ⇒ payloadToText gives the same text back', () => fuzzText(seeds.payloads.map(payloadToText), 4000), (text) => {
    let bytes;
    try { bytes = payloadFromText(text); } catch (e) { expectTyped(e); return false; }
    if (payloadToText(bytes) !== text.trim()) throw new Error(`two texts for one payload: ${JSON.stringify(text)}`);
    return true;
  });

  // The verifier never throws on bad bytes (it reports checks); verified ⇒ the bytes are an original card.
  // Each case verifies signatures and an attestation chain: 20,000 cases by default
  // (KEYPRINT_FUZZ_CARD_VERIFY_RUNS raises it).
  let known: Set<string>;
  fuzz('verifyCardPayload: never throws; verified ⇒ payload unmodified', () => fuzzBytes(seeds.payloads, 3000), async (bytes) => {
    known ??= new Set(seeds.payloads.map(hexOf));
    const r = await verifyCardPayload(bytes, { trustAnchors: seeds.trustAnchors, now: seeds.now });
    if (r.verified && !known.has(hexOf(bytes))) throw new Error(`a modified card verifies: ${hexOf(bytes)}`);
    return r.verified;
  }, { runs: Math.min(FUZZ_RUNS, Number(process.env.KEYPRINT_FUZZ_CARD_VERIFY_RUNS ?? 20_000)) });
});
