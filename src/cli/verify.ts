// `keyprint verify FILE|-`: verifies a printed card offline (src/card/verify.ts) from a photo or
// scan (PNG/JPEG), an SVG card, or the payload (`kpcard1:` text or raw bytes). Exit codes: 0
// verified, 1 not verified, 2 unusable input (unreadable file, no QR code, not a keyprint card,
// bad flags or typed text of the wrong length; output.ts maps the errors). Prints one
// line; `--json` prints the whole result instead. A compact card's trust level and model are its
// holder's claim: every output shows them with CLAIM_LABEL, never as the verified level.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { toBase64url, toHex } from '../core/bytes.js';
import type { AttestationTrust } from '../identity/index.js';
import {
  CLAIM_LABEL, CardError, checkPrintedText, claimText, groupDigits, sniff, verifyCards, type CardClaim, type CardInput, type CardVerification,
} from '../card/index.js';
import { EXIT, UsageError, print, printJson } from './output.js';

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

const TRUST_LEVELS = ['hardware-attested', 'attested-unknown-vendor', 'self-attested', 'unattested'];

/** Thrown for input the verifier cannot use at all (exit 2). */
export class UnusableInput extends KeyprintError {}

/**
 * Reads FILE (or stdin for `-`) and turns it into a verifyCard input by sniffing its first bytes.
 * @param path a file path, or `-`
 * @returns the card input
 * @throws UnusableInput `input` for unreadable and empty files
 * @example await verifyCard(await readCardFile('card.png'))
 */
export async function readCardFile(path: string): Promise<CardInput> {
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : new Uint8Array(await readFile(path));
  } catch (e) {
    throw new UnusableInput('input', `cannot read ${path === '-' ? 'standard input' : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (bytes.length === 0) throw new UnusableInput('input', `${path === '-' ? 'standard input' : path} is empty`);
  switch (sniff(bytes)) {
    case 'png': case 'jpeg': return { image: bytes };
    case 'svg': return { svg: new TextDecoder().decode(bytes) };
    case 'payload-text': return { payload: new TextDecoder().decode(bytes) };
    case 'pdf': return { pdf: bytes };
    default: return { payload: bytes };
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The trust level checked here and the authenticator, with a compact card's claim labelled:
 * `attested-unknown-vendor, keyprint software authenticator (emulator)` or
 * `unattested (the card claims hardware-attested, YubiKey 5 NFC: claimed by the card's holder, not checked here)`.
 */
export function trustText(r: CardVerification): string {
  if (r.claimed) return `${r.trust} (${claimNote(r.claimed)})`;
  return `${r.trust ?? 'no trust level'}, ${r.identity?.authenticator.model ?? 'unknown authenticator'}`;
}

/** `the card claims hardware-attested, YubiKey 5 NFC: claimed by the card's holder, not checked here`. */
export const claimNote = (c: CardClaim): string => `the card claims ${claimText(c)}: ${CLAIM_LABEL}`;

/** A claim for JSON output and contacts.json (dates ISO 8601, bytes hex), its label included. */
export function claimJson(c: CardClaim): Record<string, unknown> {
  return {
    trust: c.trust, model: c.model, ...(c.vendor !== undefined ? { vendor: c.vendor } : {}), aaguid: c.aaguid, fmt: c.fmt,
    checkedAt: new Date(c.checkedAt).toISOString(), attestationHash: toHex(c.attestationHash), label: c.label,
  };
}

/** What every command says when the printed text was not compared (the person must type it). */
export const NOT_COMPARED = 'printed text not compared: type the digits or words with --digits/--words';

/** NOT_COMPARED, with why an SVG's own text was not read. */
export const notComparedText = (r: CardVerification): string => `${NOT_COMPARED}${r.svgTextRejected ? ` — ${r.svgTextRejected}` : ''}`;

/** The one-line summary of a verification. */
export function verdictLine(r: CardVerification): string {
  const id = r.identity;
  if (!r.verified) {
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.reason}`).join('; ');
    return `NOT VERIFIED${id ? ` (${id.displayName}, ${id.did})` : ''}: ${failed}`;
  }
  // The digits are not shown: they must be read from the card, not copied from the screen.
  const text = r.printedTextCompared ? 'printed fingerprint matches' : notComparedText(r);
  return `VERIFIED: ${id!.displayName} ${id!.did} — ${trustText(r)}; ${text}`;
}

/**
 * Checks `--digits` / `--words` as typed before any file is read: a wrong count is a usage error.
 * @throws UsageError `"--digits" expected 30 digits, got 5`
 */
export function checkTypedText(command: string, values: { digits?: string; words?: string }): void {
  try {
    checkPrintedText(values);
  } catch (e) {
    if (e instanceof CardError) throw new UsageError(`${command}: ${e.message.replace(/^"(digits|words)"/, '"--$1"')}`);
    throw e;
  }
}

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
