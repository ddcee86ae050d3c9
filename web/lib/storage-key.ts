// The key that protects what the app keeps at rest (outbox, opt-in history): derived from the
// unlocked identity with the web app's own HKDF labels. Shared with the CLI: the class lives in
// src/session/storage-key.ts, the error and the associated-data layout in src/session/outbox-record.ts.
// Relative imports (not the `keyprint/*` aliases) so vitest can load it; they name the same modules.
export { StorageKey, StorageError, fields, type Sealed } from 'keyprint/session';
