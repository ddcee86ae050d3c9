// User settings kept in this browser: the ICE servers (STUN/TURN) used to cross NATs and the
// relay-only switch (keyprint/session ice.ts validates and converts them, the same code the CLI's
// --ice/--relay-only use). Default: none — LAN and direct connections only; nothing is contacted.
// And the size up to which incoming files are accepted without asking (default 100 MiB, as the CLI's
// --auto-accept).
// Stored in localStorage (wiped with everything else by "Wipe everything"); a TURN credential is a
// relay login, not a secret of the conversation: a TURN server never sees content or the SAS.
import {
  AUTO_ACCEPT_BYTES, browserIceConfiguration, checkIceConfig, checkIceServer, parseIceServer, MAX_ICE_SERVERS,
  type IceServerConfig,
} from 'keyprint/session';

const KEY = 'keyprint-ice';
const AUTO_ACCEPT_KEY = 'keyprint-auto-accept';

export class SettingsState {
  servers = $state<IceServerConfig[]>([]);
  relayOnly = $state(false);
  error = $state<string | null>(null);
  /** Incoming files up to this size are accepted without asking. */
  autoAcceptBytes = $state(AUTO_ACCEPT_BYTES);

  constructor() {
    this.#load();
    const saved = Number(globalThis.localStorage?.getItem(AUTO_ACCEPT_KEY) ?? NaN);
    if (Number.isSafeInteger(saved) && saved >= 0) this.autoAcceptBytes = saved;
  }

  /** Sets the auto-accept size (0: always ask). */
  setAutoAcceptBytes(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) return;
    this.autoAcceptBytes = bytes;
    globalThis.localStorage?.setItem(AUTO_ACCEPT_KEY, String(bytes));
  }

  #load(): void {
    const text = globalThis.localStorage?.getItem(KEY);
    if (!text) return;
    try {
      const c = checkIceConfig(JSON.parse(text));
      this.servers = c.servers;
      this.relayOnly = c.relayOnly;
    } catch (e) {
      this.error = `The saved network settings were unusable and are ignored: ${(e as Error).message}`;
    }
  }

  #save(): void {
    globalThis.localStorage?.setItem(KEY, JSON.stringify({ servers: this.servers, relayOnly: this.relayOnly }));
  }

  /**
   * Adds a server: `url` may carry TURN credentials inline (`turn:user:pass@host`), else they come
   * from `username`/`credential`.
   * @returns whether it was added (else `error` says why)
   */
  add(url: string, username = '', credential = ''): boolean {
    try {
      const s = username || credential ? checkIceServer({ url: url.trim(), username, credential }) : parseIceServer(url);
      if (this.servers.length >= MAX_ICE_SERVERS) throw new Error(`At most ${MAX_ICE_SERVERS} servers.`);
      if (this.servers.some((x) => x.url === s.url)) throw new Error(`${s.url} is already in the list.`);
      this.servers = [...this.servers, s];
      this.error = null;
      this.#save();
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      return false;
    }
  }

  remove(index: number): void {
    const next = this.servers.filter((_, i) => i !== index);
    // Relay-only without a TURN server could never connect: switch it off with the last one.
    const relayOnly = this.relayOnly && next.some((s) => !s.url.startsWith('stun:'));
    if (this.relayOnly && !relayOnly) this.error = 'Relay-only was switched off: it needs a TURN server.';
    this.servers = next;
    this.relayOnly = relayOnly;
    this.#save();
  }

  /** @returns whether the switch is now as asked (relay-only needs a TURN server) */
  setRelayOnly(on: boolean): boolean {
    try {
      checkIceConfig({ servers: this.servers, relayOnly: on });
      this.relayOnly = on;
      this.error = null;
      this.#save();
      return true;
    } catch (e) {
      this.error = (e as Error).message;
      this.relayOnly = false;
      return false;
    }
  }

  /** The RTCPeerConnection configuration every new connection uses. */
  rtcConfiguration(): RTCConfiguration {
    return browserIceConfiguration({ servers: this.servers, relayOnly: this.relayOnly });
  }
}
