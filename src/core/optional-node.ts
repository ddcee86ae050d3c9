// Node-only: the native packages a light install leaves out (package.json optionalDependencies:
// node-hid, node-datachannel, @resvg/resvg-js). They load only where a /node entry or the CLI uses
// them, and a missing one is a KeyprintError `missing-package` that names it and the way out.

import { createRequire } from 'node:module';
import { KeyprintError } from '../errors.js';

/** The optional native packages and what needs each. */
export const OPTIONAL_PACKAGES = {
  'node-hid': 'USB security keys (keyprint devices/enroll/unlock over hid, keyprint/hardware)',
  'node-datachannel': 'keyprint chat (WebRTC data channels in Node)',
  '@resvg/resvg-js': 'PNG cards (renderPng in keyprint/card/node and the CLI)',
} as const;
export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** The error for a missing optional package: what needs it and the install command. */
export function missingPackage(name: OptionalPackage, cause?: unknown): KeyprintError {
  return new KeyprintError('missing-package', `${name} is not installed (${OPTIONAL_PACKAGES[name]} needs it): npm install ${name}`, { cause });
}

/** Whether `e` says that the optional package `name` itself is missing (not something inside it). */
export function isMissing(e: unknown, name: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && typeof err.message === 'string' && err.message.includes(`'${name}`);
}

const require = createRequire(import.meta.url);

/**
 * Loads an optional CommonJS package synchronously (for APIs that are synchronous, e.g. renderPng).
 * @throws KeyprintError `missing-package`
 */
export function requireOptional<T>(name: OptionalPackage): T {
  try {
    return require(name) as T;
  } catch (e) {
    if (isMissing(e, name)) throw missingPackage(name, e);
    throw e;
  }
}
