// The loader: one instance, lazily; a clear error before ready() and for a module that cannot load.
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';

async function freshCore() {
  vi.resetModules();
  return import('../../src/core/index.js');
}

describe('ready()', () => {
  it('refuses calls before ready() with a not-ready error that says what to do', async () => {
    const core = await freshCore();
    expect(() => core.sha256(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'not-ready' }));
    expect(() => core.sha256(new Uint8Array(1))).toThrow(/await ready\(\)/);
  });
  it('loads once: concurrent and repeated calls share one instance', async () => {
    const core = await freshCore();
    const a = core.ready(), b = core.ready();
    expect(a).toBe(b);
    await a;
    expect(core.ready()).toBe(a);
    expect(core.sha256(new Uint8Array(0)).length).toBe(32);
  });
  it('accepts the module as bytes or as a compiled WebAssembly.Module', async () => {
    const bytes = readFileSync(new URL('../../dist/core.wasm', import.meta.url));
    const fromBytes = await freshCore();
    await fromBytes.ready(new Uint8Array(bytes));
    const fromModule = await freshCore();
    await fromModule.ready(new WebAssembly.Module(bytes));
    expect(fromBytes.sha256(new Uint8Array(3))).toEqual(fromModule.sha256(new Uint8Array(3)));
  });
  it('reports a module that cannot be loaded as wasm-load, and can be retried', async () => {
    const core = await freshCore();
    await expect(core.ready(new URL('file:///nonexistent/core.wasm'))).rejects.toMatchObject({ code: 'wasm-load', name: 'WasmError' });
    await expect(core.ready(new Uint8Array([0, 1, 2, 3]))).rejects.toThrow(/could not load the keyprint WebAssembly core/);
    await core.ready();
    expect(core.sha512(new Uint8Array(0)).length).toBe(64);
  });
});
