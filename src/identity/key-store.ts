// Key stores: where wrapped identity secrets live between sessions. The interface only takes
// envelopes (wrap.ts), so an unwrapped secret cannot be stored by mistake: `put` parses the bytes
// as an envelope and refuses anything else. Implementations: key-store-node.ts (files, Node only)
// and key-store-browser.ts (IndexedDB).

import { InputError, describe } from '../errors.js';
import { IdentityError } from './errors.js';
import { envelopeInfo } from './wrap.js';

/** A place to keep wrapped secrets by name. Every method is asynchronous and fails with typed errors. */
export interface KeyStore {
  /** Stores (or replaces, atomically) the envelope under `name`. Throws `key-store-not-wrapped` for non-envelopes. */
  put(name: string, envelope: Uint8Array): Promise<void>;
  /** The envelope stored under `name`, or undefined. Throws `key-store-corrupt` for unreadable contents. */
  get(name: string): Promise<Uint8Array | undefined>;
  /** Removes `name`; true if it existed. */
  delete(name: string): Promise<boolean>;
  /** Every stored name, sorted. */
  list(): Promise<string[]>;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Checks a key name: 1–64 characters of `a-z 0-9 _ -`, starting with a letter or digit (safe as a
 * file name on every platform and as an IndexedDB key).
 * @param name the key name
 * @returns the name
 * @throws InputError `invalid-type` / `invalid-value`
 * @example checkKeyName('default')
 */
export function checkKeyName(name: unknown): string {
  if (typeof name !== 'string') throw new InputError('invalid-type', `"name" expected string, got ${describe(name)}`);
  if (!NAME.test(name)) {
    throw new InputError('invalid-value', `"name" expected 1 to 64 characters of a-z 0-9 _ - starting with a letter or digit, got ${JSON.stringify(name.slice(0, 70))}`);
  }
  return name;
}

/**
 * Checks that `envelope` is a wrapped secret (a version-1 envelope), never a raw key.
 * @param envelope bytes to store
 * @returns the envelope
 * @throws InputError `invalid-type`; IdentityError `key-store-not-wrapped`
 * @example await store.put('default', checkWrapped(envelope))
 */
export function checkWrapped(envelope: unknown): Uint8Array {
  if (!(envelope instanceof Uint8Array)) throw new InputError('invalid-type', `"envelope" expected Uint8Array, got ${describe(envelope)}`);
  try {
    envelopeInfo(envelope);
  } catch (e) {
    throw new IdentityError('key-store-not-wrapped', 'key store accepts only wrapped secrets (wrapSecret envelopes), got other bytes', { cause: e });
  }
  return envelope;
}

/** The error for stored bytes that are not an envelope. */
export function corrupt(name: string, cause?: unknown): IdentityError {
  return new IdentityError('key-store-corrupt', `key "${name}" is not a valid envelope; the stored data is damaged`, { cause });
}
