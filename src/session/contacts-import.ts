// Contacts from a file (the web app's contacts backup, docs/PROTOCOL.md "Contacts backup"): what
// the file may add to the user's contacts — the one rule for every import (docs/THREAT-MODEL.md
// "Contacts backups"). A file is a claim. Only a backup the user's own identity signed restores
// "verified"; any other file adds its contacts `unverified` (never recognised without a SAS:
// conversation.ts `judgePeer`). Either way an entry must be well formed — its id is its key's
// did:key, its key a valid Ed25519 identity key, its name follows the bundle's rules (bundle.ts:
// NFC, 1–128 bytes, no control or bidi character) — and a file never replaces or downgrades a
// contact the user has, nor adds a name another contact already has (names.ts `sameName`).
// Pure: the caller shows the plan as a preview (added / changed / unchanged / refused), then stores it.

import { checkBundleDisplayName } from '../identity/bundle.js';
import { didKeyFromPublicKey, identityKeyProblem } from '../identity/did-key.js';
import { equalBytes, toHex } from './_bytes.js';
import { verificationOf, type Contact } from './contacts.js';
import { displayText } from './display-text.js';
import { sameName } from './names.js';

/** What an import does with one entry of the file. */
export type ImportOutcome = 'added' | 'changed' | 'unchanged' | 'refused';

export interface ImportItem {
  outcome: ImportOutcome;
  /** `added`, `changed`: the record to store; `unchanged`: the one already here; `refused`: the entry as the file has it. */
  contact: Contact;
  /** The entry's name, display-safe (for the preview). */
  name: string;
  /** Why it is refused, or what changes (display-safe). */
  reason?: string;
}

export interface ImportPlan {
  /** Whether the file's verified states are kept (the user's own signed backup). */
  keepsVerification: boolean;
  items: ImportItem[];
  counts: Record<ImportOutcome, number>;
}

const refused = (contact: Contact, reason: string): ImportItem => ({ outcome: 'refused', contact, name: displayText(String(contact.displayName)), reason });

/**
 * What importing `incoming` into `existing` does, entry by entry.
 * @param existing every contact stored now
 * @param incoming the file's contacts, in order
 * @param options `keepVerification`: the file is the user's own backup, its signature checked (else
 *   every added contact is `unverified`); `now`: the time an unverified contact is added, ms
 * @returns the plan: store the `added` and `changed` items' contacts
 * @example
 * const plan = planContactsImport(await store.all(), fromFile, { keepVerification: false, now: Date.now() })
 * for (const i of plan.items) if (i.outcome === 'added' || i.outcome === 'changed') await store.put(i.contact)
 */
export function planContactsImport(existing: readonly Contact[], incoming: readonly Contact[], options: { keepVerification: boolean; now: number }): ImportPlan {
  const items: ImportItem[] = [];
  // Contacts as they will be after the entries accepted so far (for duplicate keys and names).
  const after: Contact[] = [...existing];
  const taken = new Set<string>();
  for (const c of incoming) {
    const problem = entryProblem(c);
    if (problem) {
      items.push(refused(c, problem));
      continue;
    }
    if (taken.has(toHex(c.identityPublicKey))) {
      items.push(refused(c, 'the file holds this key twice'));
      continue;
    }
    taken.add(toHex(c.identityPublicKey));
    const here = existing.find((x) => equalBytes(x.identityPublicKey, c.identityPublicKey));
    const verified = options.keepVerification && verificationOf(c) !== 'unverified';
    const record: Contact = verified
      ? { contactId: c.contactId, identityPublicKey: c.identityPublicKey.slice(), displayName: c.displayName, verifiedAt: c.verifiedAt, verifiedBy: verificationOf(c) as Contact['verifiedBy'] }
      : { contactId: c.contactId, identityPublicKey: c.identityPublicKey.slice(), displayName: c.displayName, verifiedAt: options.now, verification: 'unverified' };
    // A contact here keeps its record (a file never replaces a key, a name or a verification),
    // except that the user's own backup restores "verified" to one that is unverified here.
    if (here && !(verified && verificationOf(here) === 'unverified')) {
      items.push({ outcome: 'unchanged', contact: here, name: displayText(here.displayName) });
      continue;
    }
    const namesake = after.find((x) => !equalBytes(x.identityPublicKey, c.identityPublicKey) && sameName(x.displayName, c.displayName));
    if (namesake) {
      items.push(refused(c, `"${displayText(namesake.displayName)}" is already the name of a contact with another key`));
      continue;
    }
    if (here) {
      const stored = { ...record, contactId: here.contactId };
      after.splice(after.indexOf(here), 1, stored);
      items.push({ outcome: 'changed', contact: stored, name: displayText(c.displayName), reason: 'verified again, as in your backup' });
    } else {
      after.push(record);
      items.push({ outcome: 'added', contact: record, name: displayText(c.displayName) });
    }
  }
  const counts = { added: 0, changed: 0, unchanged: 0, refused: 0 };
  for (const i of items) counts[i.outcome]++;
  return { keepsVerification: options.keepVerification, items, counts };
}

/** Why an entry cannot be imported at all, or undefined (display-safe text). */
function entryProblem(c: Contact): string | undefined {
  if (!(c.identityPublicKey instanceof Uint8Array) || c.identityPublicKey.length !== 32) return 'its key is not 32 bytes';
  const keyProblem = identityKeyProblem(c.identityPublicKey);
  if (keyProblem) return `its key is not ${keyProblem}`;
  if (c.contactId !== didKeyFromPublicKey(c.identityPublicKey)) return `its id "${displayText(String(c.contactId))}" is not its key's did:key`;
  try {
    checkBundleDisplayName(c.displayName);
  } catch (e) {
    return `its name ${displayText((e as Error).message.replace(/^"displayName" /, ''))}`;
  }
  return undefined;
}
