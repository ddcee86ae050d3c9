/**
 * keyprint's error family. Every error thrown by the library is a KeyprintError with a stable
 * `code` (safe to switch on) and a message that says what was expected and what was found.
 * Messages never contain secret bytes.
 */
export class KeyprintError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A caller passed an argument of the wrong type, length or range. */
export class InputError extends KeyprintError {
  constructor(code: 'invalid-type' | 'invalid-length' | 'invalid-value', message: string) {
    super(code, message);
  }
}

/** The WebAssembly core could not be loaded, or was used before `ready()` resolved. */
export class WasmError extends KeyprintError {
  constructor(code: 'not-ready' | 'wasm-load', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A cryptographic operation rejected its (well-formed) input: an invalid point, a low-order key… */
export class CryptoError extends KeyprintError {}

/** Names a value's type for error messages: `Uint8Array(31)`, `string`, `null`, `Array(3)`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.constructor.name;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
