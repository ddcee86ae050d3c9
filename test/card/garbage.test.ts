// Garbage-input tables for the public functions of keyprint/card: every wrong type throws a typed
// KeyprintError (InputError or CardError) with a stable code, never a TypeError from deep inside.
import { describe, expect, it } from 'vitest';
import { KeyprintError } from '../../src/errors.js';
import {
  createCard, decodeCardPayload, decodeImage, encodeCardPayload, payloadFromText, payloadToText, readCardImage, readCardInput, sniff, verifyCard,
} from '../../src/card/node.js';

const garbage: unknown[] = [undefined, null, 0, 'x', [], {}, new ArrayBuffer(4), new Uint16Array(2)];

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof KeyprintError) return e.code;
    return `untyped ${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'ok';
}

describe('garbage in, typed errors out', () => {
  it.each(garbage.map((g) => [Object.prototype.toString.call(g), g]))('%s', async (_, g) => {
    const results = {
      decodeCardPayload: await codeOf(() => decodeCardPayload(g as never)),
      encodeCardPayload: await codeOf(() => encodeCardPayload(g as never)),
      payloadToText: await codeOf(() => payloadToText(g as never)),
      payloadFromText: await codeOf(() => payloadFromText(g as never)),
      sniff: await codeOf(() => sniff(g as never)),
      createCard: await codeOf(() => createCard(g as never)),
      readCardInput: await codeOf(() => readCardInput(g as never)),
      verifyCardImage: await codeOf(() => verifyCard({ image: g as never })),
      verifyCardPayload: await codeOf(() => verifyCard({ payload: g as never })),
    };
    for (const [name, code] of Object.entries(results)) {
      if (name === 'payloadFromText' && g === 'x') expect(code).toBe('payload-text');
      else expect(code, name).not.toMatch(/^(ok|untyped)/);
    }
  });
  it('images that are not images', async () => {
    expect(await codeOf(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0, 0, 0])))).toBe('image-unreadable');
    expect(await codeOf(() => readCardImage(new TextEncoder().encode('GIF89a')))).toBe('image-unreadable');
    expect(await codeOf(() => verifyCard({ payload: new Uint8Array(0) }))).toBe('not-a-card');
  });
});
