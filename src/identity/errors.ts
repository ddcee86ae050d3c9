// The identity layer's error class, in a module of its own so that did-key.ts and identity.ts need
// not import each other (identity.ts uses did:key; did-key.ts throws IdentityError).

import { KeyprintError } from '../errors.js';

/**
 * Errors of the identity layer (did:key, bundles, bindings, key wrapping, key stores). `code` is
 * stable: `did-invalid`, `bundle-*`, `binding-*`, `unwrap-failed`, `envelope-invalid`,
 * `key-store-*`.
 */
export class IdentityError extends KeyprintError {}
