// `keyprint verify FILE|-`: verifies a printed card offline (src/card/verify.ts) from a photo or
// scan (PNG/JPEG), an SVG card, or the payload (`kpcard1:` text or raw bytes). Exit codes: 0
// verified, 1 not verified, 2 unusable input (unreadable file, no QR code, not a keyprint card,
// bad flags or typed text of the wrong length; output.ts maps the errors). Prints one
// line; `--json` prints the whole result instead. A compact card's trust level and model are its
// holder's claim: every output shows them with CLAIM_LABEL, never as the verified level.

import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { toBase64url } from '../core/bytes.js';
import type { AttestationTrust } from '../identity/index.js';
import { groupDigits, verifyCards, type CardVerification } from '../card/node.js';
import { EXIT, UsageError, print, printJson } from './output.js';
import { readCardFile, claimJson, verdictLine, checkTypedText, TRUST_LEVELS } from './_card-file.js';
export { UnusableInput, readCardFile, trustText, claimNote, claimJson, NOT_COMPARED, notComparedText, verdictLine, checkTypedText } from './_card-file.js';

export const VERIFY_HELP = `Usage: keyprint verify FILE|- [--digits D] [--words W] [--require-trust LEVEL] [--index N] [--json]

Verifies a keyprint card offline: its QR code (from a PNG/JPEG photo or scan, an SVG or PDF card,
or the kpcard1: payload text), the bundle signature, the hardware binding, the attestation, and —
given --digits or --words (or an SVG card exactly as keyprint draws it, whose text is read) — that
the printed fingerprint matches. A compact card's trust level and model are its holder's claim.
An A4 sheet (keyprint card --layout a4: PNG, SVG, PDF, or a 300 dpi scan) has every card verified,
one line each.
  --digits D            the 30 digits printed on the card (spaces allowed)
  --words W             the 13 words printed on the card
  --index N             on a sheet, only card N (1 to 10, row by row)
  --require-trust LEVEL hardware-attested | attested-unknown-vendor | self-attested | unattested
  --json                print the full result as JSON
Exit status: 0 verified (every card of a sheet), 1 not verified, 2 unusable input (not a keyprint card,
unreadable, bad flags).`;

/**
 * Runs `keyprint verify`.
 * @param args the command's arguments
 * @returns 0 verified, 1 not verified, 2 unusable input
 */
export async function verify(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        digits: { type: 'string' }, words: { type: 'string' }, 'require-trust': { type: 'string' }, index: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`verify: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    print(VERIFY_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`verify: expected one FILE (or - for standard input), got ${positionals.length}`);
  const requireTrust = values['require-trust'];
  if (requireTrust !== undefined && !TRUST_LEVELS.includes(requireTrust)) {
    throw new UsageError(`verify: "--require-trust" expected one of ${TRUST_LEVELS.join(', ')}, got "${requireTrust}"`);
  }
  const index = values.index === undefined ? undefined : Number(values.index);
  if (index !== undefined && !(Number.isInteger(index) && index >= 1 && index <= 10)) throw new UsageError(`verify: "--index" expected a card number from 1 to 10, got "${values.index}"`);
  checkTypedText('verify', values);
  await ready();
  let cards = await verifyCards(await readCardFile(positionals[0]), {
    ...(values.digits !== undefined ? { digits: values.digits } : {}),
    ...(values.words !== undefined ? { words: values.words } : {}),
    ...(requireTrust ? { requireTrust: requireTrust as AttestationTrust } : {}),
  });
  const sheet = cards.length > 1;
  if (index !== undefined) {
    if (!sheet && index !== 1) throw new UsageError(`verify: "--index ${index}": ${positionals[0]} holds one card, not an A4 sheet`);
    cards = cards.filter((c) => c.index === index);
  }
  // One card (or --index): as ever — its verdict, or its error as the command's error.
  if (!sheet || index !== undefined) {
    const [c] = cards;
    if (c.error) throw c.error;
    if (values.json) printJson(resultJson(c.result!));
    else print(verdictLine(c.result!));
    return c.result!.verified ? EXIT.ok : EXIT.notVerified;
  }
  // A sheet: every card, one line each; 0 only when all verify.
  if (values.json) {
    printJson({ sheet: true, cards: cards.map((c) => ({ index: c.index, ...(c.result ? resultJson(c.result) as object : { error: { code: c.error!.code, message: c.error!.message } }) })) });
  } else {
    for (const c of cards) print(`card ${c.index} of ${cards.length}: ${c.result ? verdictLine(c.result) : `${c.error!.message} [${c.error!.code}]`}`);
  }
  if (cards.some((c) => c.result && !c.result.verified)) return EXIT.notVerified;
  return cards.every((c) => c.result?.verified) ? EXIT.ok : EXIT.unusable;
}

/** The JSON form of a verification (bytes as base64url, no bundle object). */
export function resultJson(r: CardVerification): unknown {
  const id = r.identity;
  return {
    verified: r.verified, trust: r.trust ?? null, claimed: r.claimed ? claimJson(r.claimed) : null, printedTextCompared: r.printedTextCompared,
    ...(r.svgTextRejected ? { svgTextRejected: r.svgTextRejected } : {}), checks: r.checks,
    identity: id ? {
      displayName: id.displayName, did: id.did, digits: groupDigits(id.digits), words: id.words, createdAt: new Date(id.createdAt).toISOString(),
      ...(id.expiresAt !== undefined ? { expiresAt: new Date(id.expiresAt).toISOString() } : {}),
      authenticator: id.authenticator, form: id.form, bundle: toBase64url(id.bundleBytes),
    } : null,
  };
}
