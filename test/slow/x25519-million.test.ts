// RFC 7748 §5.2: the 1,000,000-iteration X25519 loop. Opt-in (about two minutes): `npm run test:slow`
// (vitest.slow.config.ts; skipped unless KEYPRINT_SLOW=1).
import { describe, expect, it } from 'vitest';
import { x25519 } from '../../src/core/index.js';
import { hex, unhex } from '../_util.js';

describe.skipIf(process.env.KEYPRINT_SLOW !== '1')('RFC 7748 §5.2 (slow)', () => {
  it('after 1,000,000 iterations', () => {
    let k = unhex('0900000000000000000000000000000000000000000000000000000000000000');
    let u = k;
    for (let i = 0; i < 1_000_000; i++) [k, u] = [x25519(k, u), k];
    expect(hex(k)).toBe('7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424');
  }, 3_600_000);
});
