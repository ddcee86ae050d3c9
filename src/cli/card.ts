// `keyprint card`: renders the printed verification card of an identity (src/card/) as SVG, PDF or
// PNG, one business card or an A4 sheet of ten. From `--bundle FILE` the full bundle must fit the QR
// size limit; from `--home DIR` (the enroll command's identity.bundle), a bundle too large for a
// clean QR code becomes a compact card, which the identity key must sign — so the security key is
// touched once to unlock it (--device, --pin as for `keyprint unlock`).

import { open, rename, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { syncDir } from '../core/atomic-file-node.js';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { readEnrollment, unlockHome } from './_identity-store.js';
import { CardError, DEFAULT_MAX_QR_VERSION, createCard, groupDigits, renderPdf, renderPng, renderSvg, type Card, type CreateCardOptions } from '../card/node.js';
import { openDevice, parseDevice } from './_device.js';
import { resolveHome } from './_home.js';
import { touchPrompt } from './_prompt.js';
import { EXIT, UsageError, print, printError, printJson } from './output.js';

export const CARD_HELP = `Usage: keyprint card --out FILE [--format svg|pdf|png] [--layout card|a4] [--bundle FILE | --home DIR]

Renders your printed verification card: name, did:key, your 30-digit half of the safety number,
the same fingerprint as 13 words, authenticator and trust, and a QR code with your signed bundle.
  --out FILE          where to write: FILE.svg, FILE.pdf or FILE.png (the extension names the format)
  --format F          svg (vector), pdf, or png (300 dpi); must agree with the extension when both are given
  --layout L          card (85 x 55 mm, default) or a4 (ten cards on a sheet)
  --bundle FILE       an identity bundle file (its full bundle must fit the QR code)
  --home DIR          the enrolled identity (default $KEYPRINT_HOME or ~/.config/keyprint); a bundle
                      too large for the QR code is printed compact, signed after one touch of the key
  --device DEV --pin PIN   the security key, for a compact card (as for keyprint unlock)
  --max-qr-version N  largest QR version (default ${DEFAULT_MAX_QR_VERSION}; up to 40 for big sheets)
  --json              print one JSON object`;

type Format = 'svg' | 'pdf' | 'png';

/**
 * Runs `keyprint card`.
 * @param args the command's arguments
 * @returns the exit code
 */
export async function card(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args, strict: true, allowPositionals: false,
      options: {
        out: { type: 'string' }, format: { type: 'string' }, layout: { type: 'string' }, bundle: { type: 'string' }, home: { type: 'string' },
        device: { type: 'string' }, pin: { type: 'string' }, 'max-qr-version': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw new UsageError(`card: ${(e as Error).message}`);
  }
  if (values.help) {
    print(CARD_HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError('card: "--out FILE" is required');
  if (values.bundle !== undefined && values.home !== undefined) throw new UsageError('card: give --bundle FILE or --home DIR, not both');
  const format = cardFormat(values.out, values.format);
  const layout = values.layout ?? 'card';
  if (layout !== 'card' && layout !== 'a4') throw new UsageError(`card: "--layout" expected card or a4, got "${layout}"`);
  const maxQrVersion = values['max-qr-version'] === undefined ? DEFAULT_MAX_QR_VERSION : Number(values['max-qr-version']);
  if (!Number.isInteger(maxQrVersion) || maxQrVersion < 1 || maxQrVersion > 40) {
    throw new UsageError(`card: "--max-qr-version" expected an integer from 1 to 40, got "${values['max-qr-version']}"`);
  }
  if (values.pin === '') throw new UsageError('card: "--pin" expected a PIN, got ""');
  await ready();

  // Every local check before the security key is touched: the output file can be created.
  const out = await openOut(values.out);
  try {
    const made = await makeCard(values, maxQrVersion);
    const bytes = format === 'svg' ? new TextEncoder().encode(renderSvg(made, { layout }))
      : format === 'pdf' ? await renderPdf(made, { layout })
        : renderPng(made, { layout });
    await out.commit(bytes);
    printResult(made, values, format, layout);
  } finally {
    await out.abandon();
  }
  return EXIT.ok;
}

/** Writes what `keyprint card` made. */
function printResult(made: Card, values: { out?: string; json?: boolean }, format: Format, layout: string): void {
  if (values.json) {
    printJson({
      out: values.out, format, layout, form: made.form, qrVersion: made.qr.version, payloadBytes: made.payload.length,
      name: made.displayName, did: made.did, digits: groupDigits(made.digits), words: made.words, trust: made.trust,
    });
  } else {
    print(`card written to ${values.out} (${format}, ${layout}; ${made.form} QR payload ${made.payload.length} bytes, QR version ${made.qr.version})`);
    print(`  ${made.displayName}  ${made.did}`);
    print(`  ${groupDigits(made.digits)}   trust: ${made.trust}`);
  }
}

const FORMATS: readonly Format[] = ['svg', 'pdf', 'png'];

/**
 * The output format: `--format`, or the file's extension — which must agree, so `--out card.jpg`
 * or `--format svg --out card.png` never writes a file whose name lies about its content.
 * @throws UsageError for an unsupported extension or format, or a mismatch
 */
export function cardFormat(out: string, flag: string | undefined): Format {
  const ext = extname(out).slice(1).toLowerCase();
  if (flag !== undefined && !FORMATS.includes(flag as Format)) throw new UsageError(`card: "--format" expected svg, pdf or png, got "${flag}"`);
  if (ext === '') return (flag as Format | undefined) ?? 'svg';
  if (!FORMATS.includes(ext as Format)) {
    throw new UsageError(`card: "--out" expected a file ending in .svg, .pdf or .png, got ".${ext}" (keyprint does not write ${ext.toUpperCase()})`);
  }
  if (flag !== undefined && flag !== ext) throw new UsageError(`card: "--format ${flag}" and "--out …${extname(out)}" disagree: name the file .${flag}, or drop --format`);
  return ext as Format;
}

/** The card for --bundle, or for the identity in HOME (compact: one touch to sign it). */
async function makeCard(values: { bundle?: string; home?: string; device?: string; pin?: string; json?: boolean }, maxQrVersion: number): Promise<Card> {
  const base: CreateCardOptions = { maxQrVersion };
  if (values.bundle !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(values.bundle));
    } catch (e) {
      throw new KeyprintError('input', `cannot read ${values.bundle}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      return await createCard(bytes, base);
    } catch (e) {
      if (e instanceof CardError && e.code === 'needs-identity-key') {
        throw new CardError('needs-identity-key', `${e.message}: use --home DIR (and your security key) to print a compact card, or --max-qr-version 40 for a large QR code`);
      }
      throw e;
    }
  }
  const home = resolveHome(values.home);
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll, or pass --bundle FILE`);
  const options: CreateCardOptions = { ...base, registrationClientDataJSON: enrolled.keys[0].credential.registrationClientDataJSON };
  try {
    return await createCard(enrolled.bundle, options);
  } catch (e) {
    if (!(e instanceof CardError && e.code === 'needs-identity-key')) throw e;
  }
  // Compact card: say why the key is needed and how to do without, then one touch to sign.
  const fits40 = maxQrVersion < 40 && await createCard(enrolled.bundle, { ...options, maxQrVersion: 40 }).then(() => true, () => false);
  const why = `your full identity bundle does not fit a QR code of version ${maxQrVersion}, so this card is compact: its attestation verdict is signed by your identity key, which needs one touch of your security key`;
  const instead = fits40 ? ' (or --max-qr-version 40: the full bundle on a denser QR code, no touch)' : '';
  let device;
  try {
    device = await openDevice(parseDevice(values.device));
  } catch (e) {
    throw new KeyprintError((e as KeyprintError).code ?? 'not-found', `${why}; ${(e as Error).message}: plug it in or pass --device${instead}`, { cause: e });
  }
  if (!values.json) printError(`${why[0].toUpperCase()}${why.slice(1)}${instead}.`);
  const prompt = touchPrompt({ quiet: values.json, message: 'Touch your security key to sign the card…' });
  let identity: IdentityKeyPair | undefined;
  try {
    identity = (await unlockHome({ ctap: device.ctap, enrolled, pin: values.pin, onKeepalive: (s) => prompt.onKeepalive(s) }).finally(() => prompt.done())).identity;
    return await createCard(enrolled.bundle, { ...options, identity });
  } finally {
    identity?.destroy();
    await device.close();
  }
}

/**
 * Opens the output's temporary file before anything else happens (so an unwritable directory is
 * said before the security key is touched); `commit` writes it and renames it into place, so a
 * reader never sees half a card; `abandon` removes it if it was not committed.
 * @throws KeyprintError `output`: `cannot write /nonexistent/card.png: ENOENT`
 */
async function openOut(path: string): Promise<{ commit(bytes: Uint8Array): Promise<void>; abandon(): Promise<void> }> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fail = (e: unknown) => new KeyprintError('output', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx', 0o644);
  } catch (e) {
    throw fail(e);
  }
  let done = false;
  return {
    async commit(bytes) {
      try {
        await handle!.writeFile(bytes);
        await handle!.sync();
        await handle!.close();
        handle = undefined;
        await rename(tmp, path);
        done = true;
        await syncDir(dirname(path)); // the rename survives a crash (core/atomic-file-node.ts)
      } catch (e) {
        throw fail(e);
      }
    },
    async abandon() {
      await handle?.close().catch(() => {});
      if (!done) await unlink(tmp).catch(() => {});
    },
  };
}
