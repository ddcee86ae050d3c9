// Types for web/serve.mjs (plain JS so that node runs it without a build).
export const ENCODINGS: ReadonlyArray<{ suffix: string; coding: string; decode(bytes: Uint8Array): Buffer }>;
export function acceptedCodings(header: string | undefined): Set<string>;
export function serve(options?: { dir?: string; port?: number; host?: string }): Promise<{ port: number; url: string; close(): Promise<void> }>;
