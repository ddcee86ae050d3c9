// Reading a card file and saying what it proved, for `keyprint verify`, `contacts add` and
// `safety-number`.

import { readFile } from 'node:fs/promises';
import { KeyprintError } from '../errors.js';
import { toHex } from '../core/bytes.js';
import { CLAIM_LABEL, CardError, checkPrintedText, claimText, sniff, type CardClaim, type CardInput, type CardVerification } from '../card/node.js';
import { UsageError } from './output.js';

export const TRUST_LEVELS = ['hardware-attested', 'attested-unknown-vendor', 'self-attested', 'unattested'];

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
