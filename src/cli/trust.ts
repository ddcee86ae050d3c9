// `keyprint trust`: the attestation trust the user adds themselves, offline — their own anchors and
// a FIDO Metadata Service (MDS3) BLOB they downloaded — kept in HOME/trust.json (the library's
// trust-store.ts decides everything; this file parses flags, reads files and prints). Every command
// that verifies an attestation uses it (main.ts → _trust.ts).

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import {
  addAnchor, certificateFile, importMetadata, listTrust, removeAnchor, type MetadataSummary, type TrustRow,
} from '../identity/trust-store.js';
import { readTrustStore, writeTrustStore, TRUST_FILE } from './_trust-store.js';
import { resolveHome } from './_home.js';
import { EXIT, UsageError, print, printJson } from './output.js';

export const TRUST_HELP = `Usage: keyprint trust list [--home DIR] [--json]
       keyprint trust add CERT.pem [--vendor NAME] [--home DIR] [--json]
       keyprint trust remove ID [--home DIR] [--json]
       keyprint trust import-mds BLOB.jwt [--root CERT.pem] [--home DIR] [--json]

Which security keys count as hardware-attested, beyond the bundled Yubico and Apple roots. Kept in
HOME/${TRUST_FILE} (default $KEYPRINT_HOME or ~/.config/keyprint); nothing is downloaded.
  list         your anchors (id, vendor, subject, where they came from) and the imported BLOB
  add          trust a vendor's root (or a key's own attestation certificate): PEM or DER file
  --vendor N   the vendor name to show (default: the certificate's O or CN)
  remove ID    forget an anchor (ID: 8 or more hex digits from "list")
  import-mds   import a FIDO Metadata Service BLOB you downloaded (https://mds3.fidoalliance.org/):
               its signature and certificate chain are checked against the FIDO Alliance's root
               first; then every model it lists is attested with its name, and a model it reports
               compromised is refused. An older BLOB than the imported one is refused.
  --root CERT  check the BLOB against this root instead (a private metadata service)`;

const date = (iso: string) => iso.slice(0, 10);

function anchorLine(r: TrustRow): string {
  return `  ${r.id}  ${r.vendor}: ${r.subject}  (${r.origin}, added ${date(r.addedAt)}, valid to ${date(r.notAfter)})`;
}

function metadataLines(m: MetadataSummary): string[] {
  return [
    `FIDO Metadata Service BLOB no. ${m.no}: ${m.entries} authenticator models, ${m.compromised} reported compromised (refused); next update ${m.nextUpdate}`,
    `  from ${m.origin}, imported ${date(m.importedAt)}; signed by ${m.signer} under ${m.root}`,
    ...(m.stale ? [`  past its next update: download the current BLOB (https://mds3.fidoalliance.org/) and import it`] : []),
  ];
}

async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new KeyprintError('input', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Runs `keyprint trust`.
 * @param args the command's arguments
 * @returns the exit code
 */
export async function trust(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    print(TRUST_HELP);
    return sub === undefined ? EXIT.unusable : EXIT.ok;
  }
  if (!['list', 'add', 'remove', 'import-mds'].includes(sub)) throw new UsageError(`trust: expected list, add, remove or import-mds, got "${sub}"`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: {
        home: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        ...(sub === 'add' ? { vendor: { type: 'string' } } : {}), ...(sub === 'import-mds' ? { root: { type: 'string' } } : {}),
      },
    });
  } catch (e) {
    throw new UsageError(`trust ${sub}: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed as { values: { home?: string; json?: boolean; help?: boolean; vendor?: string; root?: string }; positionals: string[] };
  if (values.help) {
    print(TRUST_HELP);
    return EXIT.ok;
  }
  const wants = sub === 'list' ? 0 : 1;
  if (positionals.length !== wants) {
    const what = { list: 'nothing', add: 'one CERT file', remove: 'one ID', 'import-mds': 'one BLOB file' }[sub];
    throw new UsageError(`trust ${sub}: expected ${what}, got ${positionals.length} argument(s)`);
  }
  const home = resolveHome(values.home);
  await ready();
  const store = await readTrustStore(home);

  if (sub === 'list') {
    const l = listTrust(store);
    if (values.json) {
      printJson({ home, ...l });
      return EXIT.ok;
    }
    if (l.anchors.length === 0) print(`No trust anchors of your own in ${home} (add one: keyprint trust add CERT.pem).`);
    else {
      print(`Trust anchors in ${home} (besides the bundled Yubico and Apple roots):`);
      l.anchors.forEach((r) => print(anchorLine(r)));
    }
    if (l.metadata) metadataLines(l.metadata).forEach((line) => print(line));
    else print('No FIDO Metadata Service BLOB imported (keyprint trust import-mds BLOB.jwt).');
    return EXIT.ok;
  }

  if (sub === 'add') {
    const path = resolve(positionals[0]);
    const input = certificateFile(await readInput(path, 'certificate'));
    const { store: next, added } = addAnchor(store, input, { origin: `file ${path}`, vendor: values.vendor });
    const file = await writeTrustStore(home, next);
    if (values.json) printJson({ added, file });
    else added.forEach((r) => print(`trusted: ${r.id}  ${r.vendor}: ${r.subject}`));
    return EXIT.ok;
  }

  if (sub === 'remove') {
    const { store: next, removed } = removeAnchor(store, positionals[0]);
    const file = await writeTrustStore(home, next);
    if (values.json) printJson({ removed, file });
    else print(`removed: ${removed.id}  ${removed.vendor}: ${removed.subject}`);
    return EXIT.ok;
  }

  const path = resolve(positionals[0]);
  const blob = await readInput(path, 'metadata BLOB');
  const roots = values.root === undefined ? undefined : [certificateFile(await readInput(resolve(values.root), 'root certificate'))];
  const { store: next, metadata } = await importMetadata(store, blob, {
    origin: `file ${path}${values.root ? ` (root ${resolve(values.root)})` : ''}`, roots,
  });
  const file = await writeTrustStore(home, next);
  if (values.json) printJson({ imported: metadata, file });
  else metadataLines(metadata).forEach((line) => print(line.startsWith('FIDO') ? `imported ${line}` : line));
  return EXIT.ok;
}
