// keyprint/card — printed verification cards: model, layout, SVG/PDF/PNG renderers, decoding and verification.
// Pipeline (docs/PROTOCOL.md "Card payload"; docs/THREAT-MODEL.md "Printed cards: what a card proves"):
//   createCard(bundle) → layoutCard → renderSvg / renderPdf / renderPng;  image|payload → verifyCard.
// Node only: renderPng (resvg) and image decoding (pngjs, jpeg-js) are Node modules; browser.ts is
// the same minus those (the web app decodes pixels from a canvas and calls readQr / verifyCardPayload).

export { CardError } from './errors.js';
export {
  CARD_VERSION, CARD_TEXT_PREFIX, MAX_CARD_PAYLOAD_BYTES, encodeCardPayload, decodeCardPayload, payloadToText, payloadFromText,
  signVerdict, verifyVerdict, verdictSigningInput,
} from './payload.js';
export type { CardPayload, AttestationVerdict } from './payload.js';
export { checkBundleAttestation, defaultRegistrationClientData, authenticatorModel } from './attestation.js';
export { EMULATOR_AAGUID } from '../identity/index.js';
export type { AttestationCheck, AttestationCheckOptions } from './attestation.js';
export { createCard, cardFingerprint, groupDigits, shortDid, describeAuthenticator, DEFAULT_MAX_QR_VERSION } from './model.js';
export type { Card, CardAuthenticator, CreateCardOptions } from './model.js';
export { qrMatrix, qrRuns } from './qr.js';
export type { QrMatrix, QrRun } from './qr.js';
export { layoutCard, pageLayout, textWidth, CARD_WIDTH, CARD_HEIGHT, A4, QR_BOX } from './layout.js';
export type { Primitive, PageLayout, FontRole } from './layout.js';
export { renderSvg, SVG_FONTS } from './render-svg.js';
export { renderPdf, PDF_FONTS } from './render-pdf.js';
export { renderPng, svgToPng, resvgFontOptions, DEJAVU_DIR } from './render-png.js';
export { decodeImage, readQr, readCardImage, printedTextFromSvg, sniff, MAX_IMAGE_PIXELS } from './decode.js';
export type { RgbaImage, InputKind } from './decode.js';
export { verifyCard, readCardInput, verifyCardPayload } from './verify.js';
export type { CardVerification, CardCheck, CardCheckName, CardIdentity, CardInput, VerifyCardOptions } from './verify.js';
