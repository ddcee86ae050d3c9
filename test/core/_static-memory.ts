// Stronger than scanning for known values: every byte of the core's static memory (tables,
// contexts, scratch) is the same after a secret-handling call as before it, so no intermediate
// value survives. The call must use fresh secrets each time: with the same inputs twice, scratch
// left behind would be identical after both calls and go unnoticed.
import { expect } from 'vitest';
import { core } from '../../src/core/_wasm.js';

/** The core's static memory, below the I/O area. */
export const staticBytes = (): Buffer => Buffer.from(new Uint8Array(core().memory.buffer, 0, core().ioBase()));

/** Runs `call` twice and expects static memory unchanged by the second run. */
export function expectStaticMemoryUnchanged(call: () => unknown): void {
  call();
  const before = staticBytes();
  call();
  const after = staticBytes();
  const at = before.findIndex((b, i) => b !== after[i]);
  expect(at, `first changed byte at ${at}`).toBe(-1);
}
