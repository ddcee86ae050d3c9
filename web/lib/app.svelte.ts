// App-wide state: which screen is shown (kept in location.hash so reload and back work) and
// whether the WebAssembly core has loaded.
import { ready } from 'keyprint/core';
import { WIPED_QUERY } from './wipe.js';

export const SCREENS = [
  { id: 'identity', label: 'Identity' },
  { id: 'connect', label: 'Connect' },
  { id: 'chat', label: 'Chat' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'card', label: 'Card' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ScreenId = (typeof SCREENS)[number]['id'];

const isScreen = (s: string): s is ScreenId => SCREENS.some((x) => x.id === s);

export class AppState {
  screen = $state<ScreenId>('identity');
  core = $state<'loading' | 'ready' | 'failed'>('loading');
  coreError = $state<string | null>(null);
  /** This page is the one "wipe everything" reloaded into (web/lib/wipe.ts): it registers no service worker. */
  readonly wiped: boolean = false;

  constructor() {
    if (typeof location !== 'undefined') {
      this.wiped = new URLSearchParams(location.search).has(WIPED_QUERY);
      // The next reload is an ordinary visit again.
      if (this.wiped) history.replaceState(null, '', location.pathname + location.hash);
      this.#fromHash();
      addEventListener('hashchange', () => this.#fromHash());
    }
  }

  #fromHash(): void {
    const id = location.hash.replace(/^#\/?/, '');
    this.screen = isScreen(id) ? id : 'identity';
  }

  go(screen: ScreenId): void {
    this.screen = screen;
    if (location.hash !== `#/${screen}`) history.replaceState(null, '', `#/${screen}`);
  }

  /** Loads dist/core.wasm (a Vite asset) once. */
  async loadCore(): Promise<void> {
    try {
      await ready();
      this.core = 'ready';
    } catch (e) {
      this.core = 'failed';
      this.coreError = (e as Error).message;
    }
  }
}
