// A light install (npm i --omit=optional) leaves out node-hid, node-datachannel and @resvg/resvg-js:
// a missing one is `missing-package`, naming it and the install command (issue 19 item 8).
import { describe, expect, it } from 'vitest';
import { isMissing, missingPackage } from '../../src/core/optional-node.js';

describe('optional native packages', () => {
  it('a missing package is recognised from Node\'s own error and named with its way out', async () => {
    const e = await import('keyprint-no-such-package-' + 'x').catch((err: unknown) => err);
    expect(isMissing(e, 'keyprint-no-such-package-x')).toBe(true);
    expect(isMissing(new Error('boom'), 'node-hid')).toBe(false);
    const m = missingPackage('@resvg/resvg-js', e);
    expect(m.code).toBe('missing-package');
    expect(m.message).toBe('@resvg/resvg-js is not installed (PNG cards (renderPng in keyprint/card/node and the CLI) needs it): npm install @resvg/resvg-js');
  });
});
