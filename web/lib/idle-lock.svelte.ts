// Locks the identity after N minutes without the user doing anything on the page (issue 18 item 7):
// on by default, 15 minutes; 0 = off. "Doing anything" is a key, a pointer or a scroll on the page;
// a message arriving is not. Checked every 15 s and whenever the tab becomes visible again (a
// background tab's timers are slowed down, so a stale tab locks the moment it is looked at).
// Kept in localStorage (wiped with everything else).

const KEY = 'keyprint-idle-lock-minutes';
export const DEFAULT_IDLE_MINUTES = 15;
export const MAX_IDLE_MINUTES = 24 * 60;
const CHECK_MS = 15_000;
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

export class IdleLock {
  /** Minutes without activity before locking; 0 = never. */
  minutes = $state(DEFAULT_IDLE_MINUTES);
  #last = Date.now();
  readonly #lock: () => void;
  readonly #unlocked: () => boolean;

  /**
   * @param lock locks the identity
   * @param unlocked whether there is anything to lock
   */
  constructor(lock: () => void, unlocked: () => boolean) {
    this.#lock = lock;
    this.#unlocked = unlocked;
    const saved = globalThis.localStorage?.getItem(KEY);
    const n = saved === null || saved === undefined ? NaN : Number(saved);
    if (Number.isInteger(n) && n >= 0 && n <= MAX_IDLE_MINUTES) this.minutes = n;
  }

  /**
   * Sets the delay (0: off).
   * @returns false (unchanged) unless `minutes` is an integer from 0 to 1440
   */
  set(minutes: number): boolean {
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_IDLE_MINUTES) return false;
    this.minutes = minutes;
    this.#last = Date.now();
    localStorage.setItem(KEY, String(minutes));
    return true;
  }

  /** Starts watching the page; returns a function that stops it. */
  start(): () => void {
    const active = () => { this.#last = Date.now(); };
    const visible = () => { if (document.visibilityState === 'visible') this.check(); };
    for (const type of ACTIVITY) addEventListener(type, active, { capture: true, passive: true });
    document.addEventListener('visibilitychange', visible);
    const timer = setInterval(() => this.check(), CHECK_MS);
    return () => {
      clearInterval(timer);
      for (const type of ACTIVITY) removeEventListener(type, active, { capture: true });
      document.removeEventListener('visibilitychange', visible);
    };
  }

  /** Locks if the delay has passed since the last activity. */
  check(): void {
    if (this.minutes > 0 && this.#unlocked() && Date.now() - this.#last >= this.minutes * 60_000) this.#lock();
  }

  /** The identity was unlocked just now: that is activity too. */
  touch(): void {
    this.#last = Date.now();
  }
}
