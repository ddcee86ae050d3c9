// Decimal SAS: Matrix `m.sas.v1` "decimal" method (Matrix client-server API, "SAS method: decimal").
// The first 39 bits of the SAS bytes, big-endian, as three 13-bit numbers, each plus 1000, so every
// number has four digits (1000–9191). 3 × 13 = 39 bits: one bit under the 40 we ask of a session
// SAS; docs/THREAT-MODEL.md says why that is still acceptable with a commitment.

import { atLeast } from './_check.js';

/** Bytes read by `sasDecimal`: 39 bits round up to 5 bytes (the last bit is not used). */
export const SAS_DECIMAL_BYTES = 5;

/**
 * Renders SAS bytes as three numbers from 1000 to 9191 (Matrix `m.sas.v1` decimal).
 * @param bytes the SAS bytes; at least 5 (only the first 39 bits are used)
 * @returns `[n1, n2, n3]`
 * @throws InputError `invalid-type` / `invalid-length` for bad bytes
 * @example sasDecimal(new Uint8Array(5)) // [1000, 1000, 1000]
 */
export function sasDecimal(bytes: Uint8Array): [number, number, number] {
  const b = atLeast('bytes', bytes, SAS_DECIMAL_BYTES);
  // The spec's formulas, byte by byte: B0 B1[7:3] | B1[2:0] B2 B3[7:6] | B3[5:0] B4[7:1].
  return [
    ((b[0] << 5) | (b[1] >> 3)) + 1000,
    (((b[1] & 0x07) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000,
    (((b[3] & 0x3f) << 7) | (b[4] >> 1)) + 1000,
  ];
}
