// CLI output and exit codes: the only place that writes to the terminal or ends the process.
// A KeyprintError ends the run with its message and code, never a stack trace; with `--json` an
// error is one JSON object on stdout (`{"error":{"code","message"}}`) and nothing else. Exit codes
// (README "Exit codes"): 0 done or verified; 1 a verdict that something real does not verify (a
// card, a bundle, an identity and the key it is tried with); 2 no verdict — usage, input that is
// not what the command reads, or anything that stopped it before it could decide. Text for a person
// goes through `displayText` here, once for every command: names, file names, messages and error
// texts can come from a peer or a card, and a control, escape or bidi character in them must reach
// the terminal as a visible `\u{…}` escape, never act (docs/SECURITY.md "Names and peer-controlled
// text"). `--json` output keeps the exact text, JSON-escaped.

import { KeyprintError } from '../errors.js';
import { displayText } from '../session/display-text.js';
import { cliHint } from './_hints.js';

/** Exit codes shared by every command: done or verified, a negative verdict, no verdict. */
export const EXIT = { ok: 0, notVerified: 1, unusable: 2 } as const;

/**
 * Error codes that are a verdict — a real card, bundle or identity checked and found not to
 * verify — and so exit 1. Every other error exits 2: the command could not reach a verdict.
 */
const NOT_VERIFIED_CODES: ReadonlySet<string> = new Set([
  'card-not-verified', 'wrong-key', 'binding-invalid',
  // a security key or metadata BLOB checked and refused: its attestation, or the BLOB's signature
  'attestation-invalid', 'authenticator-compromised', 'mds-bad-signature', 'mds-untrusted',
]);

export class UsageError extends KeyprintError {
  constructor(message: string) {
    super('usage', message);
  }
}

let jsonErrors = false;

/**
 * Makes `report` print errors as one JSON object on stdout (for `--json`). main.ts sets it from
 * the arguments before a command runs, so even a flag the command rejects is reported so.
 */
export function reportAsJson(on: boolean): void {
  jsonErrors = on;
}

/** The exit code an error deserves (see EXIT). */
export function exitCodeOf(error: unknown): number {
  return error instanceof KeyprintError && NOT_VERIFIED_CODES.has(error.code) ? EXIT.notVerified : EXIT.unusable;
}

/** The transient line (a progress bar) on a terminal, redrawn below whatever is printed. */
let statusLine = '';

/** Prints text for a person (line breaks kept; other controls, escapes and bidi made visible). */
export function print(line = ''): void {
  const clear = statusLine ? '\r\x1b[2K' : '';
  process.stdout.write(clear + displayText(line, { multiline: true }) + '\n' + statusLine);
}

/**
 * Shows a transient status line on a terminal (stdout a TTY), replacing the previous one; '' clears
 * it. Made safe like `print`, cut to the terminal's width. Not a TTY: nothing is written.
 */
export function printStatus(line: string): void {
  if (!process.stdout.isTTY) return;
  const width = Math.max(20, (process.stdout.columns || 80) - 1);
  const safe = [...displayText(line)].slice(0, width).join('');
  process.stdout.write('\r\x1b[2K' + safe);
  statusLine = safe;
}

/**
 * Prints one JSON value on one line: the exact text, with every character JSON or a terminal could
 * mistake (C0, DEL, C1, bidi and line separators) written as a `\uXXXX` escape.
 */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value).replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
}

/** One line on stderr, made safe like `print` (a message can quote what a peer or a card said). */
export function printError(line: string): void {
  process.stderr.write(displayText(line) + '\n');
}

/**
 * Prints an error — one line on stderr, or with `--json` one `{"error":{"code","message"}}` object
 * on stdout, with the CLI's way out for its code (`cliHint`) — and returns the exit code it deserves.
 */
export function report(error: unknown): number {
  const code = error instanceof KeyprintError ? error.code : 'unexpected';
  const message = error instanceof KeyprintError ? error.message + cliHint(error) : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  if (jsonErrors) printJson({ error: { code, message } });
  else if (error instanceof UsageError) {
    printError(`keyprint: ${message}`);
    process.stderr.write('Run "keyprint help" for usage.\n');
  } else printError(`keyprint: ${message}${error instanceof KeyprintError ? ` [${code}]` : ''}`);
  return exitCodeOf(error);
}
