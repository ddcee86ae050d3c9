// keyprint/card/node — printed verification cards in Node: keyprint/card plus PNG/PDF renderers and files.
// Pipeline (docs/PROTOCOL.md "Card payload"; docs/THREAT-MODEL.md "Printed cards: what a card proves"):
//   createCard(bundle) → layoutCard → renderSvg / renderPdf / renderPng;  image|payload → verifyCard.
// Everything browser-safe comes from index.ts (keyprint/card); this entry adds the Node-only parts: renderPng
// (resvg), image decoding (pngjs, jpeg-js), verifyCard on files and images, and renderPdf.

export * from './index.js';
export { renderPdf } from './render-pdf.js';
export { renderPng, svgToPng, resvgFontOptions } from './render-png.js';
export { FONT_DIR, fontBytes } from './fonts-node.js';
export { decodeImage, readCardImage } from './decode.js';
export { verifyCard, verifyCards, readCardInput, readCardInputs } from './verify.js';
export type { CardInput, ReadCard } from './verify.js';
export { pdfPage } from './read-pdf.js';
