// The CLI's words for the ways out that library errors name only by code (issue 19: a library
// error never carries a CLI flag; the web app offers the same ways out as buttons and screens).

import { EnrollError, type EnrollRemedy } from '../enroll/index.js';

const ENROLL_HINTS: Record<EnrollRemedy, string> = {
  'give-pin': ': pass --pin PIN',
  'no-pin': ': set one first, or leave out --pin',
  'other-key': ' (keyprint keys lists them)',
  'add-key': ' (keyprint enroll --add)',
  'remove-key': ' (keyprint keys remove)',
  'pin-next-time': ', or enroll with --pin next time so keyprint removes it',
};

/**
 * The flag or command that is the way out of `error`, to append to its message ('' when none).
 * @example `${e.message}${cliHint(e)}` // 'this security key has a PIN: pass --pin PIN'
 */
export function cliHint(error: unknown): string {
  return error instanceof EnrollError && error.remedy ? ENROLL_HINTS[error.remedy] : '';
}
