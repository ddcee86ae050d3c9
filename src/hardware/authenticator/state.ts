// Persistent state of the software authenticator: PIN hash and retry counter (CTAP 2.1 §6.5.2
// "authenticator configuration": pinRetries starts at 8), credentials (resident or not) with their
// hmac-secret CredRandom values (§12.5) and credProtect level (§12.1), the signature counter, and the
// attestation material. Browser-safe: the JSON format and MemoryStore. The directory store (a JSON file
// written atomically, mode 0600, directory 0700) is state-node.ts, in keyprint/hardware/node. Secret
// fields are hidden from toString/inspect/JSON of the store.

import { base64url } from '@scure/base';
import { HardwareError } from '../errors.js';
import type { AttestationMaterial } from './attestation.js';

/** One credential the authenticator created. */
export interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userId: Uint8Array;
  userName?: string;
  userDisplayName?: string;
  secretKey: Uint8Array;
  credRandomWithUV: Uint8Array;
  credRandomWithoutUV: Uint8Array;
  credProtect: number;
  discoverable: boolean;
  hmacSecret: boolean;
  createdAt: number;
}

/** Everything the authenticator keeps across runs. */
export interface AuthenticatorStateData {
  pinHash?: Uint8Array;
  pinRetries: number;
  signCount: number;
  credentials: StoredCredential[];
  attestation?: AttestationMaterial;
}

/** Where state lives. */
export interface AuthenticatorStore {
  load(): AuthenticatorStateData | undefined;
  save(state: AuthenticatorStateData): void;
}

const BYTE_FIELDS = new Set(['id', 'userId', 'secretKey', 'credRandomWithUV', 'credRandomWithoutUV', 'pinHash', 'caCertificate', 'caSecretKey', 'certificate']);

export function toJson(state: AuthenticatorStateData): string {
  return JSON.stringify({ version: 1, ...state }, (_key, value) => (value instanceof Uint8Array ? base64url.encode(value) : value), 2);
}

export function fromJson(text: string): AuthenticatorStateData {
  const data = JSON.parse(text, (key, value) => (BYTE_FIELDS.has(key) && typeof value === 'string' ? base64url.decode(value) : value)) as AuthenticatorStateData & { version?: number };
  if (data.version !== 1 || !Array.isArray(data.credentials) || typeof data.pinRetries !== 'number') {
    throw new HardwareError('state', 'authenticator state file has an unknown format');
  }
  delete (data as { version?: number }).version;
  return data;
}

/** Keeps state in memory only (tests; `keyprint emulator` without `--state`). */
export class MemoryStore implements AuthenticatorStore {
  private json: string | undefined;
  load(): AuthenticatorStateData | undefined {
    return this.json === undefined ? undefined : fromJson(this.json);
  }
  save(state: AuthenticatorStateData): void {
    this.json = toJson(state);
  }
  toString(): string {
    return 'MemoryStore';
  }
  toJSON(): string {
    return 'MemoryStore';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'MemoryStore';
  }
}
