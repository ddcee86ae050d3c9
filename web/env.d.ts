// src/core/_wasm.ts keeps a Node fallback (`import('node:fs/promises')` for file: URLs) that never
// runs in the page; the web build has no Node types, so declare just what that line uses.
declare module 'node:fs/promises' {
  export function readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
}
