// keyprint/card/browser — kept for existing imports: keyprint/card itself is browser-safe now.
export * from './index.js';
