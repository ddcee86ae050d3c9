// Which build this page runs, and a newer one waiting for the user's consent (issue 18 item 8;
// docs/WEB.md "Updates you can see"). Registers the service worker (web/sw.js) and asks it: the
// worker serves the build the user accepted, so `running` is the build hash of the files this page
// came from (web/build-hash.mjs, recomputable from the source), and `available` a newer build that
// is installed but not used until the user chooses "Update now".

/** What a worker answers: its own build and the one it serves (the accepted one). */
interface BuildInfo { version: string; serving: string }

const ANSWER_MS = 5_000;

function ask(worker: ServiceWorker, type: 'keyprint-build' | 'keyprint-accept'): Promise<BuildInfo> {
  return new Promise((resolve, reject) => {
    const channel = new MessageChannel();
    const t = setTimeout(() => reject(new Error('the service worker did not answer')), ANSWER_MS);
    channel.port1.onmessage = (e) => { clearTimeout(t); resolve(e.data as BuildInfo); };
    worker.postMessage({ type }, [channel.port2]);
  });
}

export class UpdateState {
  /** The build hash of the files this page runs (null until the worker answers, or without one). */
  running = $state<string | null>(null);
  /** A newer build, installed and waiting for "Update now". */
  available = $state<string | null>(null);
  /** "Later": hidden until the next load. */
  dismissed = $state(false);
  error = $state<string | null>(null);
  #registration: ServiceWorkerRegistration | null = null;

  /** Registers the worker and follows it (production builds only: the dev server's files change under it). */
  async start(): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    try {
      const reg = await navigator.serviceWorker.register('./sw.js', { scope: './' });
      this.#registration = reg;
      navigator.serviceWorker.addEventListener('controllerchange', () => void this.refresh());
      reg.addEventListener('updatefound', () => reg.installing?.addEventListener('statechange', () => void this.refresh()));
      await this.refresh();
    } catch (e) {
      console.warn(`keyprint: offline mode unavailable: ${String(e)}`);
    }
  }

  /** Asks the workers again (also after `registration.update()` found a new build). */
  async refresh(): Promise<void> {
    const reg = this.#registration;
    if (!reg) return;
    try {
      const active = navigator.serviceWorker.controller ?? reg.active;
      const now = active ? await ask(active, 'keyprint-build') : null;
      this.running = now?.serving ?? null;
      let available = now && now.version !== now.serving ? now.version : null;
      if (reg.waiting) {
        const next = await ask(reg.waiting, 'keyprint-build');
        if (next.version !== this.running) available = next.version;
      }
      this.available = available;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** "Update now": the new build is accepted, then the page reloads into it. */
  async update(): Promise<void> {
    const reg = this.#registration;
    const target = reg?.waiting ?? navigator.serviceWorker.controller;
    if (!reg || !target) return;
    try {
      const switched = reg.waiting
        ? new Promise<void>((resolve) => {
          navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true });
          setTimeout(resolve, ANSWER_MS);
        })
        : Promise.resolve();
      await ask(target, 'keyprint-accept');
      await switched;
      location.reload();
    } catch (e) {
      this.error = `The update did not start: ${(e as Error).message}. Reload the page to try again.`;
    }
  }

  later(): void {
    this.dismissed = true;
  }
}

/** A build hash for people: 64 hex digits in groups of eight. */
export const groupHash = (hash: string): string => hash.replace(/(.{8})(?!$)/g, '$1 ');
