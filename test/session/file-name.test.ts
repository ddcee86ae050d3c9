// src/session/file-name.ts: a peer's file name as a download / saved-file name (issue 18 item 7).
// The disguises of the review ("invoice\u202Efdp.exe") and every character class displayText escapes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeFileName } from '../../src/session/index.js';
import { fcSeed } from '../_util.js';

describe('safeFileName', () => {
  it('paths, dot files, empty names (the CLI rule, kept)', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\win.ini')).toBe('win.ini');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('a\u0000b\nc\u202egpj.exe')).toBe('a_b_c_gpj.exe');
  });

  it('bidi controls, marks and invisible characters become "_" (the review: invoice\\u202Efdp.exe)', () => {
    const cases: Array<[string, string]> = [
      ['invoice\u202Efdp.exe', 'invoice_fdp.exe'], // RLO
      ['report\u2067exe.pdf\u2069', 'report_exe.pdf_'], // RLI … PDI
      ['\u200Fphoto.jpg', '_photo.jpg'], // RLM
      ['a\u061Cb.txt', 'a_b.txt'], // ALM
      ['pay\u200Bpal.pdf', 'pay_pal.pdf'], // zero-width space
      ['x\uFEFF.txt', 'x_.txt'], // BOM
      ['tag\u{E0041}.txt', 'tag_.txt'], // tag character
      ['line\u2028break.txt', 'line_break.txt'],
      ['a<b>:c"d|e?f*.txt', 'a_b__c_d_e_f_.txt'],
      ['name.txt. . ', 'name.txt'], // Windows drops trailing dots and spaces
    ];
    for (const [name, safe] of cases) expect(safeFileName(name), JSON.stringify(name)).toBe(safe);
  });

  it('long names keep their extension and never split a surrogate pair', () => {
    expect(safeFileName('x'.repeat(300) + '.txt')).toHaveLength(120);
    expect(safeFileName('x'.repeat(300) + '.txt').endsWith('.txt')).toBe(true);
    const emoji = safeFileName('😀'.repeat(100) + '.png');
    expect(emoji.endsWith('.png')).toBe(true);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('property: no separator, control, bidi or invisible character; bounded; never empty or hidden', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
      const s = safeFileName(name);
      expect(s.length).toBeGreaterThan(0);
      expect(s.length).toBeLessThanOrEqual(120);
      expect(s).not.toMatch(/[/\\\p{Cc}\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]/u);
      expect(s.startsWith('.')).toBe(false);
      expect(s).not.toMatch(/[. ]$/);
    }), { seed: fcSeed, numRuns: 2000 });
  });
});
