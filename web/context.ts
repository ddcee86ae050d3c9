// Shared state instances, handed to screens through Svelte context.
import { getContext, setContext } from 'svelte';
import type { AppState } from './lib/app.svelte.js';
import type { IdentityState } from './lib/identity.svelte.js';
import type { UpdateState } from './lib/update.svelte.js';
import type { IdleLock } from './lib/idle-lock.svelte.js';
import type { LaterStores } from './lib/later-stores.js';

/** The states the Identity screen needs: they are there from the start. */
export interface FirstStores { app: AppState; identity: IdentityState; update: UpdateState; idle: IdleLock }
/**
 * Every state. The LaterStores (web/lib/later-stores.ts) join the same object when their chunk has
 * loaded; the screens that use them mount only then (App.svelte), so they find them at init.
 */
export type Stores = FirstStores & LaterStores;
const KEY = Symbol('keyprint');
export const provide = (s: FirstStores): Stores => setContext(KEY, s as Stores);
export const stores = (): Stores => getContext<Stores>(KEY);
/**
 * For what shows before the later states load (the Identity screen): they are undefined until then.
 * Read them through this object, not destructured, so the reads follow their arrival (App.svelte
 * provides a $state object).
 */
export const firstStores = (): FirstStores & Partial<LaterStores> => getContext<Stores>(KEY);
