// Types for web/security-headers.mjs (plain JS so that node can run web/serve.mjs without a build).
export function contentSecurityPolicy(options?: { meta?: boolean }): string;
export const SECURITY_HEADERS: Readonly<Record<string, string>>;
