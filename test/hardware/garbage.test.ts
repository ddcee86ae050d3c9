// Garbage-input table for the public hardware functions: every wrong type or length is a typed
// KeyprintError (InputError for caller mistakes, CtapError/CtapHidError for malformed protocol data),
// never a TypeError or a crash. Async functions (the PIN protocols' encrypt/decrypt, the hmac-secret
// helpers) count their rejections the same way.
import { describe, expect, it } from 'vitest';
import {
  MessageAssembler, coseKeyAgreement, decodeCbor, decodeCborPrefix, decryptHmacSecretOutput, encodeMessage, hmacSecretInput,
  parseAuthData, pinBlocks, pinProtocolV1, pinProtocolV2, pointFromCoseKeyAgreement, prfSalt, decodePacket,
} from '../../src/hardware/index.js';
import { KeyprintError } from '../../src/errors.js';
import { p256PublicKey } from '../../src/core/index.js';

const GARBAGE: unknown[] = [undefined, null, 0, 1.5, 'abc', {}, [], [1, 2], new Uint16Array(4), new ArrayBuffer(8), new Uint8Array(0), new Uint8Array(7)];
// A valid point: coseKeyAgreement validates it (core's COSE_Key codec).
const ka = coseKeyAgreement(p256PublicKey(new Uint8Array(32).fill(1)));
const s1 = pinProtocolV1.kdf(new Uint8Array(32)), s2 = pinProtocolV2.kdf(new Uint8Array(32));

const CASES: Array<[string, (x: any) => unknown]> = [
  ['encodeMessage(cid)', (x) => encodeMessage(x, 1, new Uint8Array(0))],
  ['encodeMessage(cmd)', (x) => encodeMessage(1, x, new Uint8Array(0))],
  ['encodeMessage(payload)', (x) => encodeMessage(1, 1, x)],
  ['new MessageAssembler(cid)', (x) => new MessageAssembler(x)],
  ['MessageAssembler.push(report)', (x) => new MessageAssembler(1).push(x)],
  ['decodePacket(report)', (x) => decodePacket(x)],
  ['decodeCbor(input)', (x) => decodeCbor(x)],
  ['decodeCborPrefix(input)', (x) => decodeCborPrefix(x)],
  ['parseAuthData(data)', (x) => parseAuthData(x)],
  ['prfSalt(input)', (x) => (x instanceof Uint8Array ? (() => { throw new KeyprintError('ok', 'bytes are fine'); })() : prfSalt(x))],
  ['pinBlocks(pin)', (x) => pinBlocks(x)],
  ['coseKeyAgreement(publicKey)', (x) => coseKeyAgreement(x)],
  ['pointFromCoseKeyAgreement(cose)', (x) => pointFromCoseKeyAgreement(x)],
  ['pinProtocolV1.encrypt(key)', (x) => pinProtocolV1.encrypt(x, new Uint8Array(16))],
  ['pinProtocolV1.encrypt(plaintext)', (x) => pinProtocolV1.encrypt(s1, x instanceof Uint8Array && x.length === 0 ? new Uint8Array(1) : x)],
  ['pinProtocolV2.decrypt(key)', (x) => pinProtocolV2.decrypt(x, new Uint8Array(32))],
  ['pinProtocolV2.decrypt(ciphertext)', (x) => pinProtocolV2.decrypt(s2, x)],
  ['pinProtocolV2.authenticate(key)', (x) => pinProtocolV2.authenticate(x, new Uint8Array(1))],
  ['hmacSecretInput(salt1)', (x) => hmacSecretInput(pinProtocolV2, ka, s2, x)],
  ['hmacSecretInput(salt2)', (x) => hmacSecretInput(pinProtocolV2, ka, s2, new Uint8Array(32), x ?? 0)],
  ['decryptHmacSecretOutput(output)', (x) => decryptHmacSecretOutput(pinProtocolV2, s2, x)],
];

describe('garbage inputs → typed errors', () => {
  for (const [name, call] of CASES) {
    it(name, async () => {
      for (const g of GARBAGE) {
        try {
          await call(g);
        } catch (e) {
          if (!(e instanceof KeyprintError)) throw new Error(`${name} with ${String(g)} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
          continue;
        }
        // Some garbage is acceptable input (e.g. an empty payload): it must then not have thrown at all.
        expect(['encodeMessage(payload)', 'prfSalt(input)', 'pinProtocolV2.authenticate(key)', 'decodeCborPrefix(input)', 'decodeCbor(input)']
          .some((ok) => name === ok) || g instanceof Uint8Array || typeof g === 'number', `${name} accepted ${String(g)}`).toBe(true);
      }
    });
  }
});
