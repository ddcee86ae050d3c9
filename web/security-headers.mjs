// The web app's security policy in one place: the HTTP response headers web/serve.mjs sends, and the
// <meta http-equiv="Content-Security-Policy"> copy that the Vite build (vite.config.ts) writes into
// dist-web/index.html for static hosts that cannot set headers. The app talks to no one but the
// peer: everything it loads comes from its own origin; WebRTC is not governed by CSP (see
// docs/SECURITY.md) and contacts STUN/TURN servers only when the user configured them.

/** CSP Level 3 directives, in the order they are sent. */
const CSP = [
  // Anything not named below (fonts, frames, objects, …) is refused: default-src is the fallback (CSP3 §6.1.3).
  ['default-src', "'none'"],
  // Our bundle only, no inline script and no eval(); 'wasm-unsafe-eval' allows compiling the WebAssembly core and nothing else (CSP3, 'wasm-unsafe-eval').
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  // The built stylesheet only: no <style> elements, no style="" attributes (Svelte sets dynamic styles through the CSSOM, which CSP does not govern).
  ['style-src', "'self'"],
  // data:/blob: for QR codes and card images drawn or picked in the page; mediastream: for the camera preview when scanning a card.
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob: mediastream:"],
  // fetch/XHR/WebSocket/EventSource: the app origin only (the core's .wasm). RTCPeerConnection is not a connect-src fetch.
  ['connect-src', "'self'"],
  // The service worker (web/sw.js) and the manifest.
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  // No <base> to re-point relative URLs, no form submissions anywhere.
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  // No other site may frame the app (clickjacking the "They match" button). Header only: CSP3 §6.4.2.
  ['frame-ancestors', "'none'"],
];

// A <meta> policy cannot carry these (CSP3 §3.3: "Neither are the report-uri, frame-ancestors, and sandbox
// directives"); Chromium logs an error if it tries.
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/**
 * The Content-Security-Policy value.
 * @param {{ meta?: boolean }} [options] meta: leave out the directives a <meta> element cannot deliver.
 * @returns {string}
 * @example contentSecurityPolicy({ meta: true }) // "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; …"
 */
export function contentSecurityPolicy({ meta = false } = {}) {
  return CSP.filter(([name]) => !(meta && HEADER_ONLY.has(name))).map(([name, value]) => `${name} ${value}`).join('; ');
}

// Permissions Policy: the three powerful features the app uses, for its own origin only; everything
// else named here is switched off, for the page and any frame. Only names Chromium recognises:
// an unknown one is a console error. (microphone stays off: loopback/LAN ICE candidates need a
// media permission, and camera=(self) already is one.)
const PERMISSIONS = [
  'camera=(self)', 'publickey-credentials-get=(self)', 'publickey-credentials-create=(self)', 'clipboard-write=(self)',
  'microphone=()', 'geolocation=()', 'display-capture=()', 'usb=()', 'hid=()', 'serial=()', 'midi=()',
  'payment=()', 'accelerometer=()', 'gyroscope=()', 'magnetometer=()', 'fullscreen=()', 'autoplay=()', 'encrypted-media=()',
  'picture-in-picture=()', 'screen-wake-lock=()', 'idle-detection=()', 'browsing-topics=()', 'local-fonts=()',
  'otp-credentials=()', 'identity-credentials-get=()', 'window-management=()', 'storage-access=()',
];

/** Headers for every response of the static server (web/serve.mjs). */
export const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'permissions-policy': PERMISSIONS.join(', '),
  // The app's URL (and its #/route) is nobody's business, not even a link target's.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // Its own browsing-context group: a window it opens, or that opened it, gets no handle to it (HTML, cross-origin opener policies).
  'cross-origin-opener-policy': 'same-origin',
  // Its files are not embeddable by other sites (Fetch, Cross-Origin-Resource-Policy).
  'cross-origin-resource-policy': 'same-origin',
};
