// Shared state instances, handed to screens through Svelte context.
import { getContext, setContext } from 'svelte';
import type { AppState } from './lib/app.svelte.js';
import type { IdentityState } from './lib/identity.svelte.js';
import type { ConnectionState } from './lib/connection.svelte.js';
import type { ContactsState } from './lib/contacts.svelte.js';
import type { SettingsState } from './lib/settings.svelte.js';
import type { TrustState } from './lib/trust.svelte.js';
import type { UpdateState } from './lib/update.svelte.js';
import type { IdleLock } from './lib/idle-lock.svelte.js';

export interface Stores {
  app: AppState; identity: IdentityState; connection: ConnectionState; contacts: ContactsState; settings: SettingsState; trust: TrustState;
  update: UpdateState; idle: IdleLock;
}
const KEY = Symbol('keyprint');
export const provide = (s: Stores): Stores => setContext(KEY, s);
export const stores = (): Stores => getContext<Stores>(KEY);
