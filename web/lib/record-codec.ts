// Plaintext layout of an encrypted record (outbox entry, history item) before sealing:
// u32be(length of the JSON header) ‖ UTF-8 JSON header ‖ raw bytes (a file's content, if any).
// Shared with the CLI's file outbox: the layout lives in src/session/outbox-record.ts.
export { decodeRecord, encodeRecord } from 'keyprint/session';
export { toHex as hex, fromHex as unhex } from 'keyprint/core';
