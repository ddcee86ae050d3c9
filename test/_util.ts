// Small helpers shared by the tests.
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Reads a file under test/vectors/. */
export function vectorText(path: string): string {
  return readFileSync(new URL(`./vectors/${path}`, import.meta.url), 'utf8');
}
export function vectorJson<T = any>(path: string): T {
  return JSON.parse(vectorText(path)) as T;
}

/** A Wycheproof test file (testvectors_v1 schema): groups of tests with result valid/acceptable/invalid. */
export interface WycheproofFile<G = Record<string, unknown>, T = Record<string, unknown>> {
  algorithm: string;
  numberOfTests: number;
  testGroups: Array<G & { tests: Array<T & { tcId: number; comment: string; result: 'valid' | 'acceptable' | 'invalid'; flags: string[] }> }>;
}
export function wycheproof<G = any, T = any>(name: string): WycheproofFile<G, T> {
  return vectorJson(`wycheproof/${name}.json`);
}

/** Fixed seed for fast-check properties, so a failure reproduces (override with FC_SEED). */
export const fcSeed = Number(process.env.FC_SEED ?? 0x6b657970);

/**
 * The garbage-input table for a byte-string argument of `n` bytes: [name, value, expected error code]
 * for wrong types and wrong lengths. `optional` drops `undefined` (for arguments that may be omitted).
 */
export function garbageBytes(n: number, { optional = false } = {}): Array<[string, unknown, string]> {
  const rows: Array<[string, unknown, string]> = [
    ['undefined', undefined, 'invalid-type'], ['null', null, 'invalid-type'], ['string', 'a'.repeat(n), 'invalid-type'],
    ['number array', Array(n).fill(1), 'invalid-type'], ['ArrayBuffer', new ArrayBuffer(n), 'invalid-type'],
    ['Uint16Array', new Uint16Array(n), 'invalid-type'], [`${n - 1} bytes`, new Uint8Array(n - 1), 'invalid-length'],
    [`${n + 1} bytes`, new Uint8Array(n + 1), 'invalid-length'], ['0 bytes', new Uint8Array(0), 'invalid-length'],
  ];
  return optional ? rows.filter(([name]) => name !== 'undefined') : rows;
}

/** A UDP port on 127.0.0.1 that nothing listens on (bound once, then released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
