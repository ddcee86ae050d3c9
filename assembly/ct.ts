// Constant-time helpers shared by the primitives. Nothing here branches on or indexes by its inputs.

/** Zero `len` bytes at `p`. Wasm has no dead-store elimination across exported calls, so this stays. */
export function wipe(p: usize, len: usize): void {
  memory.fill(p, 0, len);
}

/** All-ones mask (0xffffffff) when `bit` is 1, zero when it is 0. `bit` must be 0 or 1. */
// @ts-ignore: decorator
@inline export function mask32(bit: u32): u32 {
  return 0 - bit;
}

/** 1 if the `len` bytes at `a` and `b` are equal, else 0 — reads every byte whatever they hold. */
export function ctEqual(a: usize, b: usize, len: usize): u32 {
  let d: u32 = 0;
  for (let i: usize = 0; i < len; i++) d |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return 1 & ((d - 1) >>> 8);
}

/** 1 if all `len` bytes at `p` are zero, else 0, in time that depends only on `len`. */
export function ctIsZero(p: usize, len: usize): u32 {
  let d: u32 = 0;
  for (let i: usize = 0; i < len; i++) d |= <u32>load<u8>(p + i);
  return 1 & ((d - 1) >>> 8);
}
