// The CLI's one writer (src/cli/output.ts): text for a person never carries a control, escape or
// bidi character to the terminal, whichever command printed it; --json keeps the exact text and
// escapes what a terminal or a JSON reader could mistake.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyprintError } from '../../src/errors.js';
import { print, printError, printJson, report, reportAsJson } from '../../src/cli/output.js';

const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const hostile = 'Bob\u200B \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202Egnp.exe\r\x08\x9b2J';

function capture(stream: 'stdout' | 'stderr'): string[] {
  const out: string[] = [];
  vi.spyOn(process[stream], 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true; });
  return out;
}

afterEach(() => { vi.restoreAllMocks(); });

describe('cli output', () => {
  it('print: line breaks kept, every other control, escape and bidi character shown as a visible escape', () => {
    const out = capture('stdout');
    print(`first line\n${hostile}`);
    const text = out.join('');
    expect(text.split('\n')[0]).toBe('first line');
    expect(text.slice(0, -1)).not.toMatch(ACTIVE);
    expect(text).toContain('\\u{1B}[31mred');
    expect(text).toContain('\\u{202E}');
    expect(text).toContain('\\u{200B}');
  });

  it('errors (report, printError): one line, made safe the same way', () => {
    const out = capture('stderr');
    expect(report(new KeyprintError('card-not-verified', `card of "${hostile}" does not verify`))).toBe(1);
    printError(`keyprint: ${hostile}`);
    for (const line of out) expect(line.slice(0, -1)).not.toMatch(ACTIVE);
    expect(out[0]).toMatch(/^keyprint: card of ".*" does not verify \[card-not-verified\]\n$/);
  });

  it('exit codes: 1 only for a verdict that something real does not verify; 2 for every other error (README "Exit codes")', () => {
    capture('stderr');
    expect(report(new KeyprintError('wrong-key', 'this security key does not unlock the identity'))).toBe(1);
    for (const code of ['not-a-card', 'image-unreadable', 'no-qr', 'not-found', 'cancelled', 'output', 'usage', 'unprintable']) expect(report(new KeyprintError(code, 'x')), code).toBe(2);
    expect(report(new Error('a bug'))).toBe(2);
  });

  it('with --json an error is one {"error":{"code","message"}} object on stdout, nothing on stderr', () => {
    const out = capture('stdout');
    const err = capture('stderr');
    reportAsJson(true);
    try {
      expect(report(new KeyprintError('not-a-card', `not a keyprint card: it holds the text "${hostile}"`))).toBe(2);
      expect(report(new TypeError('x is undefined'))).toBe(2);
    } finally {
      reportAsJson(false);
    }
    expect(err).toEqual([]);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      { error: { code: 'not-a-card', message: `not a keyprint card: it holds the text "${hostile}"` } },
      { error: { code: 'unexpected', message: 'unexpected error: x is undefined' } },
    ]);
  });

  it('printJson: the exact text back after JSON.parse, no active character on the line', () => {
    const out = capture('stdout');
    printJson({ name: hostile, n: 1 });
    expect(out).toHaveLength(1);
    expect(out[0].slice(0, -1)).not.toMatch(ACTIVE);
    expect(JSON.parse(out[0])).toEqual({ name: hostile, n: 1 });
  });
});
