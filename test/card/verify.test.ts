// verifyCard (src/card/verify.ts): render → PNG → decode QR → verify round trips for identities from
// keyprint's software authenticator and from a Chromium-style packed attestation; robustness of the
// image path (rotation, downscaling to 300 dpi, JPEG, noise); tampering (printed text, payload bits,
// re-signed bundles and verdicts, expired and invalid attestations), each rejected with its reason;
// and the attacks of issue 16's review: a compact card's verdict is only its holder's claim (finding 1);
// an SVG's printed text counts only when the file is exactly what the renderer draws (finding 2).
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentityKeyPair, encodeBundle, signBundle, type IdentityBundle } from '../../src/identity/index.js';
import { decode, encode } from 'cborg';
import {
  CLAIM_LABEL, CardError, createCard, decodeCardPayload, encodeCardPayload, groupDigits, payloadToText, qrMatrix, renderPng, renderSvg, signVerdict,
  verifyCard, verifyCardPayload, type Card, type CardVerification,
} from '../../src/card/node.js';
import { KeyprintError } from '../../src/errors.js';
import {
  YUBIKEY_5_NFC_AAGUID, chromiumIdentity, forgedCompactCard, noise, readPng, rotate, rotate90, scaleTo, softEnrollment, writeJpeg, writePng, type ChromiumIdentity,
} from './_fixtures.js';
import { makeBinding, makeCredential } from '../identity/_fixtures.js';

const NOW = Date.UTC(2026, 10, 26, 12);
let soft: Awaited<ReturnType<typeof softEnrollment>>;
let softCard: Card;
let softPng: Uint8Array;
let chromium: ChromiumIdentity;
let chromiumCard: Card;

const failed = (r: CardVerification) => Object.fromEntries(r.checks.filter((c) => !c.ok).map((c) => [c.name, c.reason]));
const withPayload = (card: Card, payload: Uint8Array): Card => ({ ...card, payload, qr: qrMatrix(payload) });

beforeAll(async () => {
  soft = await softEnrollment('Ada Lovelace');
  softCard = await createCard(soft.bundle, { identity: soft.identity, now: NOW });
  softPng = renderPng(softCard);
  chromium = chromiumIdentity();
  chromiumCard = await createCard(chromium.bundle, { identity: chromium.identity, registrationClientDataJSON: chromium.registrationClientDataJSON, now: NOW });
}, 60_000);

describe('round trip: card → PNG → QR → verify', () => {
  it('software authenticator: compact card, attested-unknown-vendor, QR ≤ version 20', async () => {
    expect(softCard.form).toBe('compact');
    expect(softCard.qr.version).toBeLessThanOrEqual(20);
    expect(softCard.trust).toBe('attested-unknown-vendor');
    expect(softCard.authenticator.model).toBe('keyprint software authenticator (emulator)');
    const r = await verifyCard({ image: softPng }, { digits: groupDigits(softCard.digits), words: softCard.words.join(' ') });
    expect(failed(r)).toEqual({});
    expect(r.verified).toBe(true);
    // A compact card's level is its maker's claim: verified here, it is unattested.
    expect(r.trust).toBe('unattested');
    expect(r.claimed).toMatchObject({ trust: 'attested-unknown-vendor', model: 'keyprint software authenticator (emulator)', label: CLAIM_LABEL });
    expect(r.printedTextCompared).toBe(true);
    expect(r.checks.map((c) => c.name)).toEqual(['payload', 'bundle-signature', 'expiry', 'binding', 'attestation', 'printed-text']);
    expect(r.identity!.did).toBe(soft.identity.did);
    expect(r.identity!.digits).toBe(softCard.digits);
    expect(r.identity!.form).toBe('compact');
  });

  it('without printed text: verified, printedTextCompared false', async () => {
    const r = await verifyCard({ image: softPng });
    expect(r.verified).toBe(true);
    expect(r.printedTextCompared).toBe(false);
    expect(r.checks.some((c) => c.name === 'printed-text')).toBe(false);
  });

  it('the payload text form verifies the same', async () => {
    const r = await verifyCard({ payload: payloadToText(softCard.payload) }, { digits: softCard.digits });
    expect(r.verified).toBe(true);
  });

  it('Chromium-style packed attestation (WebAuthn binding): compact card verifies', async () => {
    expect(chromiumCard.form).toBe('compact');
    expect(chromiumCard.trust).toBe('attested-unknown-vendor');
    const r = await verifyCard({ image: renderPng(chromiumCard) }, { digits: chromiumCard.digits });
    expect(failed(r)).toEqual({});
    expect(r.claimed!.aaguid).toBe('01020304-0506-0708-0102-030405060708');
    expect(r.identity!.authenticator.aaguid).toBeUndefined();
  });

  it('full cards (large QR allowed) verify the attestation itself', async () => {
    const full = await createCard(soft.bundle, { form: 'full', maxQrVersion: 40, now: NOW });
    expect(full.form).toBe('full');
    expect(full.qr.version).toBeGreaterThan(20);
    const r = await verifyCard({ payload: full.payload }, { digits: full.digits });
    expect(failed(r)).toEqual({});
    expect(r.trust).toBe('attested-unknown-vendor');
    // With the emulator's CA as anchor the same attestation is hardware-attested.
    const anchored = await verifyCard({ payload: full.payload }, { trustAnchors: [soft.caCertificate], requireTrust: 'hardware-attested' });
    expect(anchored.trust).toBe('hardware-attested');
    expect(anchored.verified).toBe(true);
    const c = await createCard(chromium.bundle, { form: 'full', maxQrVersion: 40, registrationClientDataJSON: chromium.registrationClientDataJSON });
    expect((await verifyCard({ payload: c.payload }, { registrationClientDataJSON: chromium.registrationClientDataJSON })).verified).toBe(true);
    // A WebAuthn enrollment's attestation cannot be checked without its registration clientDataJSON.
    expect(failed(await verifyCard({ payload: c.payload })).attestation).toMatch(/registration clientDataJSON/);
  });

  it('an identity with two security keys (bundle version 2): the compact card keeps the first key\'s binding and verifies; a too-large bundle is too-large-for-qr, not an argument error', async () => {
    const b = soft.bundle;
    const second = { ...makeBinding(b.identityPublicKey, b.createdAt + 60_000, { kind: 'ctap', rpId: 'keyprint.local', credential: { ...makeCredential(), credentialId: Uint8Array.of(7, 7, 7) } }), boundAt: b.createdAt + 60_000 };
    const two = signBundle({ displayName: b.displayName, identityPublicKey: b.identityPublicKey, createdAt: b.createdAt, binding: b.binding, additionalBindings: [second] }, soft.identity);
    expect(two.version).toBe(2);
    const card = await createCard(two, { identity: soft.identity, now: NOW });
    expect(card.form).toBe('compact');
    expect(card.bundle.version).toBe(1);
    expect(card.bundle.additionalBindings).toBeUndefined();
    expect(failed(await verifyCard({ payload: card.payload }, { digits: card.digits }))).toEqual({});
    // Both keys with their attestation: larger than any QR code holds.
    const big = signBundle({ ...two, version: undefined, additionalBindings: [{ ...second, attestationObject: b.binding!.attestationObject!.slice() }] } as never, soft.identity);
    await expect(createCard(big, { form: 'full', maxQrVersion: 40 })).rejects.toThrow(expect.objectContaining({ code: 'too-large-for-qr' }));
  });

  it('requireTrust reports a level below the requirement', async () => {
    const r = await verifyCard({ payload: softCard.payload }, { requireTrust: 'hardware-attested' });
    expect(r.verified).toBe(false);
    expect(failed(r)).toEqual({ trust: `required hardware-attested, got unattested: a compact card does not carry its attestation, so its "attested-unknown-vendor, keyprint software authenticator (emulator)" is ${CLAIM_LABEL} (verify a full card or the bundle itself)` });
    const full = await createCard(soft.bundle, { form: 'full', maxQrVersion: 40, now: NOW });
    expect(failed(await verifyCard({ payload: full.payload }, { requireTrust: 'hardware-attested' }))).toEqual({ trust: 'required hardware-attested, got attested-unknown-vendor' });
  });

  it('an SVG card is read back with its printed text', async () => {
    const r = await verifyCard({ svg: renderSvg(softCard) });
    expect(r.verified).toBe(true);
    expect(r.printedTextCompared).toBe(true);
    expect(r.svgTextRejected).toBeUndefined();
  });
});

describe('robustness of the image path', () => {
  const img = () => readPng(softPng);
  const decodes = async (png: Uint8Array) => (await verifyCard({ image: png }, { digits: softCard.digits })).verified;

  it('rotated 90°, 180°, 270°', async () => {
    let i = img();
    for (let k = 0; k < 3; k++) {
      i = rotate90(i);
      expect(await decodes(writePng(i))).toBe(true);
    }
  });
  it('rotated by small angles (3°, −7°, 15°)', async () => {
    for (const a of [3, -7, 15]) expect(await decodes(writePng(rotate(img(), a)))).toBe(true);
  });
  it('rendered at 600 dpi and scaled down to 300 dpi business-card size', async () => {
    const big = readPng(renderPng(softCard, { dpi: 600 }));
    const small = scaleTo(big, 1004);
    expect(small.height).toBe(650);
    expect(await decodes(writePng(small))).toBe(true);
  });
  it('JPEG at quality 60 and 30', async () => {
    expect(await decodes(writeJpeg(img(), 60))).toBe(true);
    expect(await decodes(writeJpeg(img(), 30))).toBe(true);
  });
  it('noise ±60 then JPEG, rotated 5°', async () => {
    expect(await decodes(writeJpeg(noise(rotate(img(), 5), 60), 50))).toBe(true);
  });
  it('no QR code / not an image: CardError, not a result', async () => {
    const blank = writePng({ width: 200, height: 120, data: new Uint8Array(200 * 120 * 4).fill(255) });
    await expect(verifyCard({ image: blank })).rejects.toMatchObject({ code: 'no-qr' });
    await expect(verifyCard({ image: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]) })).rejects.toMatchObject({ code: 'image-unreadable' });
    await expect(verifyCard({ image: new Uint8Array([1, 2, 3]) })).rejects.toBeInstanceOf(CardError);
  });
});

describe('tampering', () => {
  it('a changed digit in the printed text', async () => {
    const d = softCard.digits.split('');
    d[17] = String((Number(d[17]) + 1) % 10);
    const r = await verifyCard({ image: softPng }, { digits: d.join('') });
    expect(r.verified).toBe(false);
    expect(failed(r)).toEqual({ 'printed-text': 'printed digit group 4 differs from the QR code\'s identity' });
  });


  it('a flipped bit in the QR payload (read from the image)', async () => {
    const p = softCard.payload.slice();
    p[40] ^= 0x04; // inside the display name / key region of the bundle
    const r = await verifyCard({ image: renderPng(withPayload(softCard, p)) });
    expect(r.verified).toBe(false);
  });

  it('any single flipped bit in the payload is rejected (every 5th byte, each bit)', async () => {
    for (let i = 0; i < softCard.payload.length; i += 5) {
      for (let bit = 0; bit < 8; bit++) {
        const p = softCard.payload.slice();
        p[i] ^= 1 << bit;
        // A flip in the card's first bytes (map header, version key) makes it no card at all.
        const r = await verifyCard({ payload: p }).catch((e: CardError) => ({ verified: false, code: e.code }));
        if (r.verified) throw new Error(`flip at byte ${i} bit ${bit} verified`);
        if ('code' in r && (i > 2 || !['not-a-card', 'payload-version'].includes(r.code))) throw new Error(`flip at byte ${i} bit ${bit}: ${r.code}`);
      }
    }
  }, 60_000);

  it('issue 20: bytes that are not a card payload are refused as such (not-a-card), a newer version is said', async () => {
    const url = new TextEncoder().encode('https://example.org/x');
    await expect(verifyCard({ payload: url })).rejects.toMatchObject({ code: 'not-a-card', message: 'not a keyprint card: it holds the text "https://example.org/x"' });
    await expect(verifyCard({ image: renderPng(withPayload(softCard, url)) })).rejects.toMatchObject({ code: 'not-a-card' });
    const v2 = softCard.payload.slice();
    v2[2] = 2;
    await expect(verifyCard({ payload: v2 })).rejects.toMatchObject({ code: 'payload-version', message: 'a keyprint card of version 2: this keyprint reads version 1 — use a newer keyprint' });
    await expect(verifyCard({ payload: softCard.payload }, { digits: '12345' })).rejects.toMatchObject({ code: 'printed-text-input', message: '"digits" expected 30 digits, got 5' });
  });

  it('a bundle re-signed by another key (binding challenge fails), and a verdict signed by another key', async () => {
    const p = decodeCardPayload(softCard.payload);
    const attacker = IdentityKeyPair.generate();
    const b = soft.bundle;
    const { attestationObject: _, ...binding } = b.binding!;
    const forged = encodeBundle(signBundle({ displayName: b.displayName, identityPublicKey: attacker.publicKey, createdAt: b.createdAt, binding }, attacker));
    const r = await verifyCard({ payload: encodeCardPayload({ version: 1, bundle: forged, verdict: p.verdict, verdictSignature: signVerdict(forged, p.verdict!, attacker) }) });
    expect(failed(r)).toEqual({ binding: 'the hardware binding does not verify (challenge)' });
    // The victim's bundle with a verdict upgraded to hardware-attested and signed by someone else.
    const upgraded = { ...p.verdict!, trust: 'hardware-attested' as const, vendor: 'Yubico', model: 'YubiKey 5 NFC' };
    const r2 = await verifyCard({ payload: encodeCardPayload({ version: 1, bundle: p.bundle, verdict: upgraded, verdictSignature: signVerdict(p.bundle, upgraded, attacker) }) });
    expect(failed(r2)).toEqual({ attestation: 'the attestation verdict is not signed by this identity key for this bundle' });
    // A bundle whose self-signature is by another key.
    const decoded = decode(p.bundle, { useMaps: true }) as Map<number, unknown>;
    decoded.set(6, attacker.sign(new Uint8Array(1)));
    const r3 = await verifyCard({ payload: encodeCardPayload({ version: 1, bundle: encode(decoded), verdict: p.verdict, verdictSignature: p.verdictSignature }) });
    expect(failed(r3)['bundle-signature']).toMatch(/does not verify/);
  });

  it('an expired attestation certificate: no card is made, and a full payload fails verification', async () => {
    const expired = chromiumIdentity({ notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    await expect(createCard(expired.bundle, { identity: expired.identity, registrationClientDataJSON: expired.registrationClientDataJSON }))
      .rejects.toMatchObject({ code: 'attestation-invalid', message: expect.stringMatching(/cert-expired/) });
    const r = await verifyCard({ payload: encodeCardPayload({ version: 1, bundle: encodeBundle(expired.bundle) }) }, { registrationClientDataJSON: expired.registrationClientDataJSON });
    expect(failed(r).attestation).toMatch(/cert-expired/);
  });

  it('an invalid attestation signature (the holder re-signed the bundle around it)', async () => {
    const c = chromiumIdentity();
    const att = decode(c.bundle.binding!.attestationObject!, { useMaps: true }) as Map<string, any>;
    const sig: Uint8Array = att.get('attStmt').get('sig');
    sig[sig.length - 3] ^= 0x01;
    const bundle: IdentityBundle = signBundle({ ...c.bundle, binding: { ...c.bundle.binding!, attestationObject: encode(att) } }, c.identity);
    await expect(createCard(bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON })).rejects.toMatchObject({ code: 'attestation-invalid' });
    const r = await verifyCard({ payload: encodeCardPayload({ version: 1, bundle: encodeBundle(bundle) }) }, { registrationClientDataJSON: c.registrationClientDataJSON });
    expect(failed(r).attestation).toMatch(/bad-signature|statement/);
  });

  it('an expired identity', async () => {
    const id = IdentityKeyPair.generate();
    const c = chromiumIdentity();
    const bundle = signBundle({ ...c.bundle, expiresAt: c.bundle.createdAt + 1000 }, c.identity);
    const card = await createCard(bundle, { identity: c.identity, registrationClientDataJSON: c.registrationClientDataJSON });
    const r = await verifyCard({ payload: card.payload });
    expect(Object.keys(failed(r))).toEqual(['expiry']);
    void id;
  });
});

describe('issue 16 finding 1: a compact card\'s verdict is its holder\'s claim', () => {
  it('"hardware-attested, Yubico, YubiKey 5 NFC" signed with a software identity satisfies no requireTrust above unattested', async () => {
    const f = forgedCompactCard();
    for (const level of ['hardware-attested', 'attested-unknown-vendor', 'self-attested'] as const) {
      const r = await verifyCardPayload(f.payload, { requireTrust: level, digits: f.digits });
      expect(r.verified, level).toBe(false);
      expect(failed(r)).toEqual({
        trust: `required ${level}, got unattested: a compact card does not carry its attestation, so its "hardware-attested, YubiKey 5 NFC" is ${CLAIM_LABEL} (verify a full card or the bundle itself)`,
      });
    }
    const r = await verifyCardPayload(f.payload, { requireTrust: 'unattested', digits: f.digits });
    expect(failed(r)).toEqual({});
    expect(r.trust).toBe('unattested');
    expect(r.claimed).toEqual({
      trust: 'hardware-attested', model: 'YubiKey 5 NFC', vendor: 'Yubico', aaguid: YUBIKEY_5_NFC_AAGUID, fmt: 'packed',
      attestationHash: f.verdict.attestationHash, checkedAt: f.verdict.checkedAt, label: CLAIM_LABEL,
    });
    // What the result states as checked names nothing the card only claims.
    expect(JSON.stringify(r.identity!.authenticator)).not.toMatch(/YubiKey|Yubico/);
    expect(r.identity!.authenticator.model).toBe('unknown authenticator (compact card: its attestation is not on the card)');
    expect(r.checks.find((c) => c.name === 'attestation')!.reason).toBe(
      `unattested here: the card carries only its maker's verdict "hardware-attested, YubiKey 5 NFC" (checked 2026-11-01), signed by the identity key — ${CLAIM_LABEL}`,
    );
  });

  it('the same card read from a PNG through verifyCard', async () => {
    const f = forgedCompactCard();
    const png = renderPng({ ...softCard, payload: f.payload, qr: qrMatrix(f.payload) });
    const r = await verifyCard({ image: png }, { requireTrust: 'hardware-attested', digits: f.digits });
    expect(r.verified).toBe(false);
    expect(Object.keys(failed(r))).toEqual(['trust']);
    expect(r.claimed?.trust).toBe('hardware-attested');
  });

  it('a full card carries its attestation: its level is checked here, and there is no claim', async () => {
    const full = await createCard(soft.bundle, { form: 'full', maxQrVersion: 40, now: NOW });
    const r = await verifyCard({ payload: full.payload }, { trustAnchors: [soft.caCertificate], requireTrust: 'hardware-attested' });
    expect(failed(r)).toEqual({});
    expect(r.trust).toBe('hardware-attested');
    expect(r.claimed).toBeUndefined();
  });
});

describe('issue 16 finding 2: an SVG\'s printed text counts only when the SVG is exactly what the renderer draws', () => {
  // Ada's card is "Bob" (what the person sees), Grace's is Mallory's (the key in the QR code).
  const textOf = (card: Card) => {
    const g = groupDigits(card.digits).split(' ');
    const lines = renderSvg(card).match(/<text class="kp-words-\d"[^>]*>[^<]*<\/text>/g)!;
    return `<text class="kp-digits-0">${g.slice(0, 3).join(' ')}</text><text class="kp-digits-1">${g.slice(3).join(' ')}</text>${lines.join('')}`;
  };
  /** Bob's card with Mallory's QR code in place of Bob's. */
  const bobWithMalloryQr = () => {
    const qr = /<path transform=[^>]*\/>/;
    return renderSvg(softCard).replace(qr, renderSvg(chromiumCard).match(qr)![0]);
  };
  const notCompared = (r: CardVerification) => {
    expect(r.printedTextCompared).toBe(false);
    expect(r.svgTextRejected).toMatch(/^the SVG is not exactly what keyprint draws for this card \(first difference at line \d+\)$/);
    expect(r.checks.some((c) => c.name === 'printed-text')).toBe(false);
  };

  it('Mallory\'s printed text in an XML comment, Bob\'s visible: not compared', async () => {
    const svg = bobWithMalloryQr().replace('<title>', `<!-- ${textOf(chromiumCard)} -->\n<title>`);
    const r = await verifyCard({ svg });
    expect(r.identity!.did).toBe(chromium.identity.did);
    notCompared(r);
  });

  it('Mallory\'s printed text in hidden <text> elements before Bob\'s: not compared', async () => {
    const hidden = textOf(chromiumCard).replace(/<text /g, '<text visibility="hidden" ').replace(/<text visibility="hidden" class="([^"]+)"/g, '<text class="$1" visibility="hidden"');
    const svg = bobWithMalloryQr().replace('<title>', `${hidden}\n<title>`);
    notCompared(await verifyCard({ svg }));
  });

  it('an extra element: Mallory\'s honest card with Bob\'s digits drawn over its own: not compared', async () => {
    const over = `<rect x="3" y="15" width="40" height="30" fill="#ffffff"/><text x="4" y="19.6" font-size="3.3">${groupDigits(softCard.digits)}</text>`;
    const svg = renderSvg(chromiumCard).replace('\n</svg>\n', `\n${over}\n</svg>\n`);
    notCompared(await verifyCard({ svg }));
  });

  it('an edited digit group or word: not compared (type the digits to compare them)', async () => {
    const svg = renderSvg(softCard);
    const g = groupDigits(softCard.digits).split(' ');
    const altered = g[0].slice(0, 4) + String((Number(g[0][4]) + 1) % 10);
    notCompared(await verifyCard({ svg: svg.replace(`>${g.slice(0, 3).join(' ')}<`, `>${[altered, g[1], g[2]].join(' ')}<`) }));
    notCompared(await verifyCard({ svg: svg.replace(`>${softCard.words[0]} `, '>banjo ') }));
    // The typed digits are compared as always, whatever the file.
    const typed = await verifyCard({ svg: svg.replace(`>${softCard.words[0]} `, '>banjo ') }, { digits: softCard.digits.replace(/^./, (d) => String((Number(d) + 1) % 10)) });
    expect(failed(typed)).toEqual({ 'printed-text': 'printed digit group 1 differs from the QR code\'s identity' });
  });

  it('the honest SVG is compared: as rendered, with CRLF line endings, a full card', async () => {
    for (const svg of [renderSvg(softCard), renderSvg(chromiumCard).replace(/\n/g, '\r\n')]) {
      const r = await verifyCard({ svg });
      expect(failed(r)).toEqual({});
      expect(r.printedTextCompared).toBe(true);
      expect(r.checks.find((c) => c.name === 'printed-text')!.reason).toBe('the printed fingerprint matches the QR code');
    }
    const id = IdentityKeyPair.generate();
    const full = await createCard(signBundle({ displayName: 'Pat', identityPublicKey: id.publicKey, createdAt: NOW, binding: null }, id), { now: NOW + 86_400_000 });
    expect(full.form).toBe('full');
    const r = await verifyCard({ svg: renderSvg(full) });
    expect(r.printedTextCompared).toBe(true);
    expect(Object.keys(failed(r))).toEqual(['binding', 'attestation']);
  });
});

describe('createCard refusals', () => {
  it('needs the identity key for a compact card, and the right one', async () => {
    await expect(createCard(soft.bundle)).rejects.toMatchObject({ code: 'needs-identity-key' });
    await expect(createCard(soft.bundle, { identity: IdentityKeyPair.generate() })).rejects.toMatchObject({ code: 'key-mismatch' });
    await expect(createCard(soft.bundle, { form: 'full' })).rejects.toMatchObject({ code: 'too-large-for-qr' });
    await expect(createCard(soft.bundle, { identity: soft.identity, maxQrVersion: 10 })).rejects.toMatchObject({ code: 'too-large-for-qr' });
    await expect(createCard(soft.bundle, { maxQrVersion: 41 })).rejects.toBeInstanceOf(KeyprintError);
  });
  it('a passphrase-only bundle makes a full card that does not verify (no hardware binding)', async () => {
    const id = IdentityKeyPair.generate();
    const card = await createCard(signBundle({ displayName: 'Pat', identityPublicKey: id.publicKey, createdAt: NOW, binding: null }, id));
    expect(card.form).toBe('full');
    expect(card.authenticator.model).toMatch(/passphrase-only/);
    const r = await verifyCard({ payload: card.payload });
    expect(Object.keys(failed(r))).toEqual(['binding', 'attestation']);
  });
});
