// CLI output and exit codes: the only place that writes to the terminal or ends the process.
// A KeyprintError ends the run with its message and code, never a stack trace.

import { KeyprintError } from '../errors.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends KeyprintError {
  constructor(message: string) {
    super('usage', message);
  }
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Prints an error as one line on stderr and returns the exit code it deserves. */
export function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`keyprint: ${error.message}\nRun "keyprint help" for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof KeyprintError) {
    process.stderr.write(`keyprint: ${error.message} [${error.code}]\n`);
    return EXIT.failed;
  }
  process.stderr.write(`keyprint: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}
