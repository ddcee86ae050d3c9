// Types for web/build-hash.mjs (plain JS so that node can run it on a build directory without a build).
export const WORKER_ENTRY: string;
export function isPrecompressed(name: string): boolean;
export function buildHash(files: Map<string, string | Uint8Array>): { hash: string; names: string[] };
export function filesOf(dir: string): Map<string, Uint8Array>;
