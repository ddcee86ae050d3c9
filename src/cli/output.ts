// CLI output and exit codes: the only place that writes to the terminal or ends the process.
// A KeyprintError ends the run with its message and code, never a stack trace. Text for a person
// goes through `displayText` here, once for every command: names, file names, messages and error
// texts can come from a peer or a card, and a control, escape or bidi character in them must reach
// the terminal as a visible `\u{…}` escape, never act (docs/SECURITY.md "Names and peer-controlled
// text"). `--json` output keeps the exact text, JSON-escaped.

import { KeyprintError } from '../errors.js';
import { displayText } from '../session/display-text.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends KeyprintError {
  constructor(message: string) {
    super('usage', message);
  }
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

/** Prints an error as one line on stderr and returns the exit code it deserves. */
export function report(error: unknown): number {
  if (error instanceof UsageError) {
    printError(`keyprint: ${error.message}`);
    process.stderr.write('Run "keyprint help" for usage.\n');
    return EXIT.usage;
  }
  if (error instanceof KeyprintError) {
    printError(`keyprint: ${error.message} [${error.code}]`);
    return EXIT.failed;
  }
  printError(`keyprint: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}
