// keyprint/card — printed verification cards, browser-safe: everything that needs no Node module — the model, payload,
// layout, SVG renderer, QR matrices, reading a QR code from RGBA pixels (jsQR) and verifying a
// payload. In keyprint/card/node (node.ts): renderPng (resvg, node:fs), decodeImage / readCardImage /
// verifyCard / readCardInput (pngjs, jpeg-js, resvg) and renderPdf (pdf-lib with the font files). A browser draws the image to a canvas, passes its ImageData to readQr, and
// the bytes to verifyCardPayload.

export { CardError } from './errors.js';
export {
  CARD_VERSION, CARD_TEXT_PREFIX, MAX_CARD_PAYLOAD_BYTES, encodeCardPayload, decodeCardPayload, payloadToText, payloadFromText,
  signVerdict, verifyVerdict, verdictSigningInput, checkCardPayload,
} from './payload.js';
export type { CardPayload, AttestationVerdict } from './payload.js';
export { checkBundleAttestation, defaultRegistrationClientData } from './attestation.js';
export { EMULATOR_AAGUID } from '../identity/index.js';
export type { AttestationCheck, AttestationCheckOptions } from './attestation.js';
export { createCard, cardFingerprint, groupDigits, shortDid, cardAuthenticator, DEFAULT_MAX_QR_VERSION } from './model.js';
export type { Card, CardAuthenticator, CreateCardOptions } from './model.js';
export { qrMatrix, qrRuns } from './qr.js';
export type { QrMatrix, QrRun } from './qr.js';
export { layoutCard, pageLayout, textWidth, CARD_WIDTH, CARD_HEIGHT, A4, QR_BOX, QR_AT } from './layout.js';
export type { Primitive, PageLayout, FontRole } from './layout.js';
export { renderSvg, SVG_FONTS } from './render-svg.js';
export { FONT_CHAIN, CARD_FONT_FILES, checkPrintable, fontFor, textRuns, unprintable } from './fonts.js';
export type { TextRun } from './fonts.js';
export { readCards, readQr, sniff } from './decode-qr.js';
export { MAX_IMAGE_PIXELS, imageHeader, checkImageSize } from './image-size.js';
export type { ImageHeader } from './image-size.js';
export type { RgbaImage, InputKind, SheetCard } from './decode-qr.js';
export { verifyCardPayload, checkPrintedText, claimText, CLAIM_LABEL } from './verify-payload.js';
export type { CardVerification, CardCheck, CardCheckName, CardClaim, CardIdentity, VerifyCardOptions } from './verify-payload.js';
