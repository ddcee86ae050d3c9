// `keyprint contacts add FILE`, `list`, `remove`. add verifies a card (src/card/verify.ts) and stores the identity as a
// contact verified by card in HOME/contacts.json (the trust level checked here; a compact card's
// claimed level only under `claimed`, with its label). A card contact is recognised without a SAS
// later, so it is stored only after the printed text was compared — typed with --digits/--words,
// or read from an SVG that is exactly what keyprint draws — as the web app requires the digits — written atomically (temporary file, fsync,
// rename) with mode 0600 in a 0700 home, so a crash never leaves half a file and other users cannot
// read or swap the contacts.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { verifyCard } from '../card/node.js';
import { readEnrollment } from './_identity-store.js';
import { judgePeer, sameName } from '../session/index.js';
import { equalBytes } from '../core/bytes.js';
import { checkTypedText, claimNote, notComparedText, readCardFile, verdictLine } from './_card-file.js';
import { forgetPeerFiles } from './_outbox-store.js';
import { resolveHome } from './_home.js';
import { EXIT, UsageError, print, printJson } from './output.js';
import { CONTACTS_FILE, readContacts, writeContacts, toContact, contactFromVerification, type ContactRecord } from './_contacts-store.js';
export { CONTACTS_FILE, readContacts, writeContacts, toContact, contactFromVerification, type ContactRecord, type ContactsFile } from './_contacts-store.js';

export const CONTACTS_HELP = `Usage: keyprint contacts add FILE (--digits D | --words W) [--home DIR] [--json]
       keyprint contacts list [--home DIR] [--json]
       keyprint contacts remove DID|NAME [--home DIR] [--json]

add     verifies a keyprint card (photo/scan, SVG or payload) and stores the identity in
        HOME/contacts.json as verified by card. The printed text must be compared: type the 30
        digits (--digits) or the 13 words (--words) printed on the card. Only an SVG card exactly as
        keyprint draws it has its text read without them; photos are not read. Your own card is
        not added.
list    everyone in HOME/contacts.json: name, did:key, how and when they were verified.
remove  forgets a contact (by did:key, or by name when only one has it) and deletes the messages
        still waiting for them in HOME/outbox/.
Exit status: 0 done, 1 the card did not verify, 2 unusable input (not a card, no digits or words typed, bad flags).`;

/**
 * Runs `keyprint contacts SUBCOMMAND`.
 * @param args the command's arguments
 * @returns the exit code
 */
export async function contacts(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    if (sub === undefined) throw new UsageError('contacts: expected a subcommand: add, list or remove');
    print(CONTACTS_HELP);
    return EXIT.ok;
  }
  if (sub === 'add') return add(rest);
  if (sub === 'list') return list(rest);
  if (sub === 'remove') return remove(rest);
  throw new UsageError(`contacts: unknown subcommand "${sub}" (expected add, list or remove)`);
}

function parse(command: string, args: string[], positionals: number, options: Record<string, { type: 'string' | 'boolean' }> = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { ...options, home: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    throw new UsageError(`contacts ${command}: ${(e as Error).message}`);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`contacts ${command}: expected ${positionals === 1 ? (command === 'add' ? 'one FILE' : 'one DID or NAME') : 'no arguments'}, got ${parsed.positionals.length}`);
  }
  return parsed as { values: { home?: string; json?: boolean; digits?: string; words?: string }; positionals: string[] };
}

async function add(args: string[]): Promise<number> {
  const parsed = parse('add', args, 1, { digits: { type: 'string' }, words: { type: 'string' } });
  const { digits, words, json } = parsed.values;
  checkTypedText('contacts add', parsed.values);
  const home = resolveHome(parsed.values.home);
  await ready();
  const r = await verifyCard(await readCardFile(parsed.positionals[0]), { ...(digits !== undefined ? { digits } : {}), ...(words !== undefined ? { words } : {}) });
  if (!r.verified) throw new KeyprintError('card-not-verified', verdictLine(r));
  // Without a comparison a swapped QR code would be stored as verified (issue 16, finding 4).
  if (!r.printedTextCompared) throw new KeyprintError('printed-text-not-compared', notComparedText(r));
  const mine = await readEnrollment(home).catch(() => undefined);
  if (mine && equalBytes(mine.bundle.identityPublicKey, r.identity!.identityPublicKey)) {
    // As the web app: your own card is not a contact (a chat with your own key is refused anyway).
    const text = `this is your own card (the identity in ${home}): not added — you do not need to verify yourself`;
    if (json) printJson({ added: false, updated: false, own: true, warning: { kind: 'own-card', text } });
    else print(`WARNING: ${text}`);
    return EXIT.ok;
  }
  const file = await readContacts(home);
  // The same name rules as a chat (src/session/conversation.ts judgePeer): a known key keeps the
  // name stored for it; a card using another contact's name is said loudly.
  const judged = judgePeer(file.contacts.map(toContact), r.identity!, { via: 'card' });
  const existing = file.contacts.findIndex((c) => c.did === r.identity!.did);
  const record = { ...contactFromVerification(r), ...(existing >= 0 ? { displayName: file.contacts[existing].displayName } : {}) };
  if (existing >= 0) file.contacts[existing] = record;
  else file.contacts.push(record);
  await writeContacts(home, file);
  const warning = judged.warning ? { kind: judged.warning.kind, text: judged.warning.text, contact: judged.warning.contact.contactId } : undefined;
  if (json) printJson({ added: existing < 0, updated: existing >= 0, contact: record, file: join(home, CONTACTS_FILE), ...(warning ? { warning } : {}) });
  else {
    if (warning) print(`WARNING: ${warning.text}`);
    const presents = judged.peer.presentsAs !== undefined ? ` (the card says "${judged.peer.presentsAs}")` : '';
    print(`${existing >= 0 ? 'updated' : 'added'} contact ${record.displayName}${presents} ${record.did} (verified by card, ${record.trust}${r.claimed ? `; ${claimNote(r.claimed)}` : ''})`);
  }
  return EXIT.ok;
}

const HOW: Record<ContactRecord['verifiedBy'], string> = { sas: 'by comparing the code', card: 'with their printed card', receipt: 'with a signed receipt' };

async function list(args: string[]): Promise<number> {
  const parsed = parse('list', args, 0);
  const home = resolveHome(parsed.values.home);
  const { contacts: all } = await readContacts(home);
  if (parsed.values.json) {
    printJson({ contacts: all.map((c) => ({ did: c.did, name: c.displayName, verifiedBy: c.verifiedBy, verifiedAt: c.verifiedAt, ...(c.trust !== undefined ? { trust: c.trust } : {}) })), file: join(home, CONTACTS_FILE) });
    return EXIT.ok;
  }
  if (all.length === 0) print(`no contacts in ${join(home, CONTACTS_FILE)}: verify someone in keyprint chat, or add a card with keyprint contacts add FILE --digits D`);
  for (const c of all) print(`${c.displayName}  ${c.did}  verified ${HOW[c.verifiedBy]} on ${c.verifiedAt.slice(0, 10)}`);
  return EXIT.ok;
}

async function remove(args: string[]): Promise<number> {
  const parsed = parse('remove', args, 1);
  const home = resolveHome(parsed.values.home);
  const which = parsed.positionals[0];
  const file = await readContacts(home);
  const byDid = file.contacts.filter((c) => c.did === which);
  const matches = byDid.length > 0 ? byDid : file.contacts.filter((c) => sameName(c.displayName, which));
  if (matches.length === 0) throw new KeyprintError('no-contact', `no contact "${which}" in ${join(home, CONTACTS_FILE)} (keyprint contacts list shows them)`);
  if (matches.length > 1) throw new KeyprintError('ambiguous-contact', `${matches.length} contacts are named "${which}": give the did:key instead (${matches.map((c) => c.did).join(', ')})`);
  const gone = matches[0];
  await writeContacts(home, { ...file, contacts: file.contacts.filter((c) => c !== gone) });
  const messages = await forgetPeerFiles(home, gone.did);
  if (parsed.values.json) printJson({ removed: { did: gone.did, name: gone.displayName }, messagesDeleted: messages });
  else print(`removed contact ${gone.displayName} ${gone.did}${messages ? `, and ${messages} undelivered message${messages === 1 ? '' : 's'} to them` : ''}`);
  return EXIT.ok;
}
