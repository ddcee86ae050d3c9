// The states of every screen but Identity (contacts, connection, settings, trust), in a chunk of their
// own: they pull in keyprint/session (the conversation layer, names and their confusables table,
// signaling) and the trust store's certificates, none of which the Identity screen needs, so the
// first load stays small (docs/WEB.md "First load"). App.svelte imports this module once the
// Identity screen is usable, and every other screen waits for it.
import type { IdentityState } from './identity.svelte.js';
import { ContactsState } from './contacts.svelte.js';
import { SettingsState } from './settings.svelte.js';
import { TrustState } from './trust.svelte.js';
import { ConnectionState } from './connection.svelte.js';

export interface LaterStores { contacts: ContactsState; settings: SettingsState; trust: TrustState; connection: ConnectionState }

/** Creates the later states around the identity (the trust store re-checks its attestation on change). */
export function laterStores(identity: IdentityState): LaterStores {
  const contacts = new ContactsState();
  const settings = new SettingsState();
  const trust = new TrustState();
  const connection = new ConnectionState(identity, contacts, settings);
  trust.onChange(() => identity.recheckTrust());
  return { contacts, settings, trust, connection };
}
