// Garbage-input tables: every argument of every public keyprint/sas function → InputError with the
// documented code, and a message that names the argument.
import { describe, it, expect } from 'vitest';
import * as sas from '../../src/sas/index.js';
import { InputError } from '../../src/errors.js';

type Code = 'invalid-type' | 'invalid-length' | 'invalid-value';
interface Row { fn: string; arg: string; value: string; call: () => unknown; code: Code }

const u8 = (n: number) => new Uint8Array(n);
const ok = { publicKey: u8(33), stableId: u8(12) };
const did = 'did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw';

/** Values that are not a Uint8Array at all. */
const notBytes: Array<[string, unknown]> = [
  ['undefined', undefined], ['null', null], ['string', 'abcdef'], ['number', 6], ['Array', [1, 2, 3, 4, 5, 6, 7, 8]],
  ['Uint16Array', new Uint16Array(40)], ['ArrayBuffer', new ArrayBuffer(40)], ['DataView', new DataView(new ArrayBuffer(40))],
  ['Uint8ClampedArray', new Uint8ClampedArray(40)], ['object', { length: 40 }],
];
/** Values that are not an integer in range (the core's integer check: all `invalid-value`). */
const notCount: Array<[string, unknown]> = [
  ['0', 0], ['-1', -1], ['65', 65], ['1.5', 1.5], ['NaN', NaN], ['Infinity', Infinity], ['"5"', '5'], ['undefined', undefined], ['null', null],
];
const notOptions: Array<[string, unknown]> = [['null', null], ['string', 'de'], ['number', 1], ['Array', []], ['Uint8Array', u8(1)]];
const notParty: Array<[string, unknown, Code]> = [
  ['undefined', undefined, 'invalid-type'], ['null', null, 'invalid-type'], ['string', 'alice', 'invalid-type'], ['Uint8Array', u8(33), 'invalid-type'],
  ['{}', {}, 'invalid-type'], ['publicKey string', { ...ok, publicKey: '05aa' }, 'invalid-type'], ['stableId string', { ...ok, stableId: '+1415' }, 'invalid-type'],
  ['empty publicKey', { ...ok, publicKey: u8(0) }, 'invalid-length'], ['empty stableId', { ...ok, stableId: u8(0) }, 'invalid-length'],
];
const badIterations: Array<[string, unknown]> = [['0', 0], ['-5200', -5200], ['1.5', 1.5], ['1000001', 1_000_001], ['"5200"', '5200'], ['null', null]];

const rows: Row[] = [];
const add = (fn: string, arg: string, value: string, call: () => unknown, code: Code) => rows.push({ fn, arg, value, call, code });

// Renderings of SAS bytes: wrong type, then one byte too short.
for (const [name, fn, min] of [['sasEmoji', sas.sasEmoji, 6], ['sasDecimal', sas.sasDecimal, 5], ['sasBase32', sas.sasBase32, 3]] as const) {
  for (const [label, v] of notBytes) add(fn.name || name, 'bytes', label, () => (fn as (b: unknown) => unknown)(v), 'invalid-type');
  add(name, 'bytes', `${min - 1} bytes`, () => (fn as (b: unknown) => unknown)(u8(min - 1)), 'invalid-length');
  add(name, 'bytes', '0 bytes', () => (fn as (b: unknown) => unknown)(u8(0)), 'invalid-length');
}
for (const [label, v] of notOptions) add('sasEmoji', 'options', label, () => sas.sasEmoji(u8(6), v as never), 'invalid-type');
for (const [label, v, code] of [['number', 7, 'invalid-type'], ['null', null, 'invalid-type'], ['"xx"', 'xx', 'invalid-value'], ['""', '', 'invalid-value'], ['"szl" (no names)', 'szl', 'invalid-value'], ['"EN"', 'EN', 'invalid-value']] as const) {
  add('sasEmoji', 'locale', label, () => sas.sasEmoji(u8(6), { locale: v as never }), code);
}

for (const [label, v] of notBytes) add('sasWords', 'bytes', label, () => sas.sasWords(v as never, 2), 'invalid-type');
add('sasWords', 'bytes', 'fewer than count', () => sas.sasWords(u8(4), 5), 'invalid-length');
add('sasWords', 'bytes', '0 bytes', () => sas.sasWords(u8(0), 1), 'invalid-length');
for (const [label, v] of notCount) add('sasWords', 'count', label, () => sas.sasWords(u8(80), v as never), 'invalid-value');

for (const [label, v] of notBytes) add('zrtpSas', 'sashash', label, () => sas.zrtpSas(v as never), 'invalid-type');
for (const n of [0, 4, 31, 33, 64]) add('zrtpSas', 'sashash', `${n} bytes`, () => sas.zrtpSas(u8(n)), 'invalid-length');

for (const [label, v] of notBytes) {
  add('fingerprintDigits', 'publicKey', label, () => sas.fingerprintDigits(v as never, u8(12)), 'invalid-type');
  add('fingerprintDigits', 'stableId', label, () => sas.fingerprintDigits(u8(33), v as never), 'invalid-type');
  add('fingerprintWords', 'publicKey', label, () => sas.fingerprintWords(v as never, u8(12)), 'invalid-type');
  add('fingerprintWords', 'stableId', label, () => sas.fingerprintWords(u8(33), v as never), 'invalid-type');
}
add('fingerprintDigits', 'publicKey', '0 bytes', () => sas.fingerprintDigits(u8(0), u8(12)), 'invalid-length');
add('fingerprintDigits', 'stableId', '0 bytes', () => sas.fingerprintDigits(u8(33), u8(0)), 'invalid-length');
add('fingerprintWords', 'publicKey', '0 bytes', () => sas.fingerprintWords(u8(0), u8(12)), 'invalid-length');
add('fingerprintWords', 'stableId', '0 bytes', () => sas.fingerprintWords(u8(33), u8(0)), 'invalid-length');
for (const [label, v] of notOptions) {
  add('fingerprintDigits', 'options', label, () => sas.fingerprintDigits(u8(33), u8(12), v as never), 'invalid-type');
  add('fingerprintWords', 'options', label, () => sas.fingerprintWords(u8(33), u8(12), v as never), 'invalid-type');
  add('safetyNumber', 'options', label, () => sas.safetyNumber(ok, ok, v as never), 'invalid-type');
  add('scannableFingerprint', 'options', label, () => sas.scannableFingerprint(ok, ok, v as never), 'invalid-type');
}
for (const [label, v] of badIterations) {
  add('fingerprintDigits', 'iterations', label, () => sas.fingerprintDigits(u8(33), u8(12), { iterations: v as never }), 'invalid-value');
  add('fingerprintWords', 'iterations', label, () => sas.fingerprintWords(u8(33), u8(12), { iterations: v as never }), 'invalid-value');
  add('safetyNumber', 'iterations', label, () => sas.safetyNumber(ok, ok, { iterations: v as never }), 'invalid-value');
  add('scannableFingerprint', 'iterations', label, () => sas.scannableFingerprint(ok, ok, { version: 2, iterations: v as never }), 'invalid-value');
}
for (const [label, v, code] of notParty) {
  add('safetyNumber', 'local', label, () => sas.safetyNumber(v as never, ok), code);
  add('safetyNumber', 'remote', label, () => sas.safetyNumber(ok, v as never), code);
  add('scannableFingerprint', 'local', label, () => sas.scannableFingerprint(v as never, ok, { version: 2 }), code);
  add('scannableFingerprint', 'remote', label, () => sas.scannableFingerprint(ok, v as never, { version: 2 }), code);
}
for (const [label, v] of [['missing', undefined], ['0', 0], ['2^32', 2 ** 32], ['1.5', 1.5], ['-1', -1], ['"2"', '2']] as const) {
  add('scannableFingerprint', 'version', label, () => sas.scannableFingerprint(ok, ok, { version: v as never }), 'invalid-value');
}
add('scannableFingerprint', 'version', 'no options at all', () => (sas.scannableFingerprint as (a: unknown, b: unknown) => unknown)(ok, ok), 'invalid-value');

const scanned = sas.scannableFingerprint(ok, ok, { version: 2, iterations: 1 });
for (const [label, v] of notBytes) {
  add('compareScannable', 'mine', label, () => sas.compareScannable(v as never, scanned), 'invalid-type');
  add('compareScannable', 'theirs', label, () => sas.compareScannable(scanned, v as never), 'invalid-type');
}
add('compareScannable', 'mine', '0 bytes', () => sas.compareScannable(u8(0), scanned), 'invalid-length');
add('compareScannable', 'theirs', '0 bytes', () => sas.compareScannable(scanned, u8(0)), 'invalid-length');
const edit = (f: (b: Uint8Array) => Uint8Array) => f(scanned.slice());
for (const [label, v] of [
  ['one byte short', scanned.subarray(0, scanned.length - 1)], ['one byte long', Uint8Array.of(...scanned, 0)], ['version 0', edit((b) => { b[1] = 0; return b; })],
  ['wrong first key', edit((b) => { b[0] = 0x10; return b; })], ['wrong field 2 key', edit((b) => { b[2] = 0x1a; return b; })],
  ['wrong content length', edit((b) => { b[5] = 31; return b; })], ['fields swapped', edit((b) => { b[2] = 0x1a; b[38] = 0x12; return b; })],
  ['non-canonical varint 82 00', Uint8Array.of(0x08, 0x82, 0x00, ...scanned.subarray(2))], ['unterminated varint', Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, ...scanned.subarray(2))],
  ['all zero', u8(74)],
] as const) {
  add('compareScannable', 'theirs', label, () => sas.compareScannable(scanned, v as Uint8Array), 'invalid-value');
  add('compareScannable', 'mine', label, () => sas.compareScannable(v as Uint8Array, scanned), 'invalid-value');
}
add('compareScannable', 'theirs', 'other version', () => sas.compareScannable(scanned, sas.scannableFingerprint(ok, ok, { version: 3, iterations: 1 })), 'invalid-value');

for (const [label, v] of notBytes) {
  add('keyprintParty', 'ed25519PublicKey', label, () => sas.keyprintParty(v as never, did), 'invalid-type');
  add('deriveSas', 'sharedSecret', label, () => sas.deriveSas(v as never, u8(32)), 'invalid-type');
  add('deriveSas', 'transcriptHash', label, () => sas.deriveSas(u8(32), v as never), 'invalid-type');
}
for (const n of [0, 31, 33]) add('keyprintParty', 'ed25519PublicKey', `${n} bytes`, () => sas.keyprintParty(u8(n), did), 'invalid-length');
for (const [label, v, code] of [
  ['undefined', undefined, 'invalid-type'], ['bytes', u8(48), 'invalid-type'], ['""', '', 'invalid-value'], ['did:web', 'did:web:example.com', 'invalid-value'],
  ['not base58', 'did:key:z6Mk0OIl', 'invalid-value'], ['no multibase z', 'did:key:6MktwupdmLXVVqTzCw4i46r4uGy', 'invalid-value'], ['trailing space', `${did} `, 'invalid-value'],
] as const) add('keyprintParty', 'did', label, () => sas.keyprintParty(u8(32), v as never), code);
for (const n of [0, 16, 31]) add('deriveSas', 'sharedSecret', `${n} bytes`, () => sas.deriveSas(u8(n), u8(32)), 'invalid-length');
for (const n of [0, 31, 33, 64]) add('deriveSas', 'transcriptHash', `${n} bytes`, () => sas.deriveSas(u8(32), u8(n)), 'invalid-length');

describe('garbage input → InputError', () => {
  it.each(rows.map((r) => [`${r.fn}(${r.arg} = ${r.value}) → ${r.code}`, r] as const))('%s', (_, r) => {
    let thrown: unknown;
    try { r.call(); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).code).toBe(r.code);
    // One message form: the argument's name in quotes, then what was expected and what was found.
    const name = r.arg === 'options' ? 'options' : r.arg;
    expect((thrown as Error).message).toMatch(new RegExp(`^"(local\\.|remote\\.)?${name}(\\.publicKey|\\.stableId)?" expected .+, got .+`));
  });

  it('covers every public function', () => {
    const fns = Object.entries(sas).filter(([, v]) => typeof v === 'function' && !/Error$/.test(v.name)).map(([k]) => k).sort();
    const noArgs = ['sasLocales'];
    expect(fns.filter((f) => !noArgs.includes(f))).toEqual([...new Set(rows.map((r) => r.fn))].sort());
  });

  it('valid edge inputs are accepted (so the table does not reject everything)', () => {
    expect(sas.sasWords(u8(64), 64)).toHaveLength(64);
    expect(sas.sasWords(u8(1), 1)).toHaveLength(1);
    expect(sas.sasEmoji(Buffer.alloc(6))).toHaveLength(7);
    expect(sas.fingerprintDigits(u8(1), u8(1), { iterations: 1 })).toMatch(/^\d{30}$/);
    // uint32 max as a varint: ff ff ff ff 0f; 1 + 5 + 2 × (2 + 2 + 32) = 78 bytes.
    const s = sas.scannableFingerprint(ok, ok, { version: 0xffffffff, iterations: 1 });
    expect([...s.subarray(0, 6)]).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(s).toHaveLength(78);
    expect(sas.keyprintParty(u8(32), did).publicKey).toHaveLength(33);
    expect(sas.deriveSas(u8(64), u8(32))).toHaveLength(8);
  });
});
