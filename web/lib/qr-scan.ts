// Reading QR codes in the browser: an uploaded picture (PNG/JPEG via createImageBitmap, measured
// from its header first with keyprint/card's checkImageSize — the same reader as the CLI — so a
// file declaring more than MAX_IMAGE_PIXELS is never decoded; SVG via an <img>) or camera frames
// (getUserMedia) are drawn to a canvas, and the canvas pixels go to keyprint/card's readQr (jsQR,
// ISO/IEC 18004). The QR codec is jsQR for every source, because
// BarcodeDetector hands back `rawValue` as a string, which loses the bytes of a binary (card) code.
import { KeyprintError } from 'keyprint/core';
import { CardError, MAX_IMAGE_PIXELS, checkImageSize, readQr, sniff, type RgbaImage } from 'keyprint/card';

/**
 * Codes: `image-unreadable` (not an image the browser can decode), `no-qr`, `not-text` (a binary
 * code where text was expected), `too-large` (file or pixels), `camera-unavailable` (no camera API
 * or device), `camera-denied` (permission refused).
 */
export class ScanError extends KeyprintError {}

/** Largest picture file accepted (a phone photo is 2–8 MB). */
export const MAX_FILE_BYTES = 25_000_000;
/** Pictures are scaled so the longer side is at most this (jsQR's cost grows with pixels; a card at 300 dpi is 1004 px). */
const MAX_SIDE = 2000;
/** An SVG card is rasterised so its longer side is this: ~4 px per module for a version-20 code. */
const SVG_SIDE = 1600;

function pixels(source: CanvasImageSource, width: number, height: number, scale: number): RgbaImage {
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  if (w * h > MAX_IMAGE_PIXELS) throw new ScanError('too-large', `picture expected at most ${MAX_IMAGE_PIXELS} pixels, got ${w * h}`);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ScanError('image-unreadable', 'this browser cannot draw the picture (no 2D canvas)');
  // White first: a transparent PNG or SVG background must read as paper, not as black.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(source, 0, 0, w, h);
  const d = ctx.getImageData(0, 0, w, h).data;
  return { width: w, height: h, data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength) };
}

async function svgPixels(text: string): Promise<RgbaImage> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  try {
    await img.decode();
  } catch (e) {
    throw new ScanError('image-unreadable', 'the SVG file does not render as an image', { cause: e });
  }
  const w = img.naturalWidth || 321;
  const h = img.naturalHeight || 208;
  return pixels(img, w, h, SVG_SIDE / Math.max(w, h));
}

/** The header check's refusal as a ScanError (the picture was not decoded). */
function measured(bytes: Uint8Array): void {
  try {
    checkImageSize(bytes);
  } catch (e) {
    if (!(e instanceof CardError)) throw e;
    if (e.code === 'image-too-large') throw new ScanError('too-large', e.message, { cause: e });
    throw new ScanError('image-unreadable', `expected a PNG or JPEG picture, or an SVG card (${e.message}): convert the picture, or paste the card's text instead`, { cause: e });
  }
}

/**
 * Reads a picture file (photo, scan, screenshot or an SVG card) into RGBA pixels. PNG and JPEG are
 * measured from their headers before the browser decodes them.
 * @param file the picked file
 * @returns the pixels, scaled to at most 2000 px on the longer side
 * @throws ScanError `too-large`, `image-unreadable`
 */
export async function picturePixels(file: Blob): Promise<RgbaImage> {
  if (file.size > MAX_FILE_BYTES) throw new ScanError('too-large', `picture expected at most ${MAX_FILE_BYTES / 1e6} MB, got ${(file.size / 1e6).toFixed(1)} MB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new ScanError('image-unreadable', 'the file is empty');
  if (sniff(bytes) === 'svg') return svgPixels(new TextDecoder().decode(bytes));
  measured(bytes);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes.buffer as ArrayBuffer]));
  } catch (e) {
    throw new ScanError('image-unreadable', `expected a picture (PNG, JPEG or SVG), got a file this browser cannot decode${file.type ? ` (${file.type})` : ''}`, { cause: e });
  }
  try {
    return pixels(bitmap, bitmap.width, bitmap.height, Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height)));
  } finally {
    bitmap.close();
  }
}

function noQr(e: unknown): never {
  if (e instanceof CardError && e.code === 'no-qr') throw new ScanError('no-qr', 'no readable QR code in the picture: use a sharper, closer picture with the whole code in it, or paste the text instead', { cause: e });
  throw e;
}

/**
 * Finds the QR code in a picture file and returns its bytes.
 * @param file the picked file
 * @returns the QR code's byte content
 * @throws ScanError `too-large`, `image-unreadable`, `no-qr`
 * @example const bytes = await scanFile(input.files[0])
 */
export async function scanFile(file: Blob): Promise<Uint8Array> {
  const img = await picturePixels(file);
  try {
    return readQr(img);
  } catch (e) {
    return noQr(e);
  }
}

/** Whether this browser can open a camera at all (the page must be a secure context). */
export const cameraAvailable = (): boolean => typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

/**
 * Opens the camera into `video` and reads frames (about five a second) until one holds a QR code.
 * @param video the element that shows the preview
 * @param onCode called once with the code's bytes; the camera is then stopped
 * @param onError called if reading frames fails for another reason than "no code yet"; the camera is then stopped
 * @returns stop(): closes the camera (call it when the user cancels or the view goes away)
 * @throws ScanError `camera-unavailable`, `camera-denied`
 */
export async function startCamera(video: HTMLVideoElement, onCode: (bytes: Uint8Array) => void, onError: (e: unknown) => void): Promise<() => void> {
  if (!cameraAvailable()) throw new ScanError('camera-unavailable', 'this browser offers no camera here (it needs https or localhost)');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false });
  } catch (e) {
    const name = (e as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new ScanError('camera-denied', 'camera permission was refused: allow the camera for this page, or upload a picture instead', { cause: e });
    throw new ScanError('camera-unavailable', `no camera could be opened (${name || 'unknown error'}): upload a picture instead`, { cause: e });
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play().catch(() => undefined);
  const tick = () => {
    if (stopped) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
      try {
        const bytes = readQr(pixels(video, video.videoWidth, video.videoHeight, scale), { rescale: false });
        stop();
        onCode(bytes);
        return;
      } catch (e) {
        if (!(e instanceof CardError && e.code === 'no-qr')) {
          stop();
          onError(e);
          return;
        }
      }
    }
    timer = setTimeout(tick, 200);
  };
  tick();
  return stop;
}

/**
 * The text a scanned QR code carries (invitations are ASCII; anything that is not UTF-8 text is not one).
 * @throws ScanError `not-text`
 */
export function textFromQr(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch (e) {
    throw new ScanError('not-text', `expected a QR code holding text, got ${bytes.length} bytes of binary data (a keyprint card? check it on the Card screen)`, { cause: e });
  }
}
