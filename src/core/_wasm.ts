// The only module that touches the WebAssembly instance: load once, lazily; lay inputs out in the
// I/O area; copy results out; wipe what was secret. See assembly/index.ts for the ABI.
//
// Loading: `new URL('../../dist/core.wasm', import.meta.url)` resolves to the built module both from
// src/ (tests) and from dist/ (the package); `file:` URLs are read with node:fs, anything else is
// fetched, so the same code runs in Node, vitest and the browser (Vite bundles the URL as an asset).

import { WasmError } from '../errors.js';

/** The core's exports, as declared in assembly/index.ts (pointers and lengths are numbers). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  ioBase(): number;
  [name: string]: unknown;
}

/** Where to load the core from: a URL, the module's bytes, or a compiled module. */
export type WasmSource = URL | string | BufferSource | WebAssembly.Module;

let exports_: CoreExports | undefined;
let loading: Promise<void> | undefined;
let heap: Uint8Array = new Uint8Array(0);
let base = 0;
let cursor = 0;
let high = 0;

async function instantiate(source: WasmSource): Promise<CoreExports> {
  if (source instanceof WebAssembly.Module) {
    return (await WebAssembly.instantiate(source, {})).exports as unknown as CoreExports;
  }
  let bytes: BufferSource;
  if (typeof source === 'string' || source instanceof URL) {
    const url = new URL(source);
    if (url.protocol === 'file:') {
      const fs = await import(/* @vite-ignore */ 'node:fs/promises');
      bytes = await fs.readFile(url);
    } else {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url.href}`);
      bytes = await response.arrayBuffer();
    }
  } else {
    bytes = source;
  }
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return instance.exports as unknown as CoreExports;
}

/**
 * Loads and instantiates the WebAssembly core once. Every core function is synchronous after the
 * returned promise resolves; calling one before throws `WasmError{code:'not-ready'}`.
 * @param source where to load the module from (default: the package's own `dist/core.wasm`).
 * @throws WasmError `wasm-load` when the module cannot be fetched or instantiated.
 * @example await ready(); const digest = sha256(new TextEncoder().encode('abc'));
 */
export function ready(source?: WasmSource): Promise<void> {
  loading ??= instantiate(source ?? new URL('../../dist/core.wasm', import.meta.url)).then(
    (e) => {
      exports_ = e;
      base = e.ioBase();
      heap = new Uint8Array(e.memory.buffer);
    },
    (cause: unknown) => {
      loading = undefined;
      throw new WasmError('wasm-load', `could not load the keyprint WebAssembly core: ${String(cause)}`, { cause });
    },
  );
  return loading;
}

/** The instance's exports; throws if `ready()` has not resolved. */
export function core(): CoreExports {
  if (exports_ === undefined) {
    throw new WasmError('not-ready', 'the keyprint core is not loaded: await ready() from keyprint/core first');
  }
  return exports_;
}

/**
 * Starts laying out a call's inputs and outputs: `size` is the total of everything `put`/`alloc`
 * will place (each rounded up to 16 bytes). Grows memory when needed.
 */
export function frame(size: number): void {
  const e = core();
  const end = base + size + 16 * 8;
  if (end > e.memory.buffer.byteLength) {
    e.memory.grow(Math.ceil((end - e.memory.buffer.byteLength) / 65536));
  }
  if (heap.buffer !== e.memory.buffer) heap = new Uint8Array(e.memory.buffer);
  cursor = base;
}

/** Copies `data` into the frame and returns its address. */
export function put(data: Uint8Array): number {
  const p = cursor;
  heap.set(data, p);
  cursor = (p + data.length + 15) & ~15;
  if (cursor > high) high = cursor;
  return p;
}

/** Reserves `length` bytes in the frame and returns their address. */
export function alloc(length: number): number {
  const p = cursor;
  cursor = (p + length + 15) & ~15;
  if (cursor > high) high = cursor;
  return p;
}

/** Copies `length` bytes out of linear memory. */
export function take(p: number, length: number): Uint8Array {
  return heap.slice(p, p + length);
}

/** Direct view of linear memory (valid until the next `frame`). */
export function view(): Uint8Array {
  return heap;
}

/** Zeroes the frame: call after any call whose inputs or outputs were secret. */
export function wipeFrame(): void {
  heap.fill(0, base, high);
  high = base;
}
