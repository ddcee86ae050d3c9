// Card errors: one class with stable codes for everything src/card/ throws (malformed input throws;
// a card that decodes but does not verify is a result, not an error — see verify.ts).

import { KeyprintError } from '../errors.js';

/**
 * Codes: `payload-malformed` (not the card payload's deterministic CBOR), `payload-version`,
 * `payload-too-large`, `payload-text` (the text form is not `kpcard1:` + base64url),
 * `image-unreadable` (not a PNG/JPEG, a header that cannot be measured, or it does not decode),
 * `image-too-large` (its header, or an SVG's size, declares more than MAX_IMAGE_PIXELS), `no-qr`
 * (no readable QR code in the image), `too-large-for-qr` (the payload does not fit the QR size limit), `needs-identity-key`
 * (a compact card must be signed by the identity key, and none was given), `key-mismatch`,
 * `attestation-invalid` (the attestation does not verify at print time), `input` (an unusable file),
 * `not-a-card` (the QR code or file holds something else), `printed-text-input` (typed digits or
 * words of the wrong count).
 */
export class CardError extends KeyprintError {}
