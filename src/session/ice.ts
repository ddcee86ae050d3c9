// ICE server configuration shared by the CLI (libdatachannel) and the web app (RTCPeerConnection):
// STUN URIs (RFC 7064 §3.1), TURN URIs (RFC 7065 §3.1) with long-term credentials (RFC 8489 §9.2),
// and a relay-only switch (W3C webrtc-pc §4.2.1 iceTransportPolicy "relay": only TURN candidates,
// so the peer never learns our addresses). Pure: parses and converts, contacts nothing.
// What a STUN/TURN server can see: docs/THREAT-MODEL.md "ICE servers".

import { KeyprintError } from '../errors.js';

/** A bad ICE server URL, missing TURN credentials, or relay-only without a TURN server. */
export class IceConfigError extends KeyprintError {
  constructor(code: 'ice-url' | 'ice-credentials' | 'ice-relay-only' | 'ice-config', message: string) {
    super(code, message);
  }
}

/** One ICE server: one URL, and for TURN the long-term credentials. */
export interface IceServerConfig {
  url: string;
  username?: string;
  credential?: string;
}

/** The ICE settings of one device. */
export interface IceConfig {
  servers: IceServerConfig[];
  /** Only relayed (TURN) candidates: the peer sees the TURN server's address, never ours. */
  relayOnly: boolean;
}

/** A parsed STUN/TURN URI. */
export interface IceUrl {
  scheme: 'stun' | 'turn' | 'turns';
  /** A host name or an IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** TURN only: how we reach the TURN server (RFC 7065 §3.1; default udp, tcp for turns). */
  transport?: 'udp' | 'tcp';
}

export const MAX_ICE_SERVERS = 8;
const MAX_FIELD = 256;
// RFC 3986 §3.2.2 reg-name (no percent-encoding: hosts are typed by people) / IPv4 / [IPv6].
const REG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[([0-9A-Fa-f:.]+)\]$/;

const fail = (code: ConstructorParameters<typeof IceConfigError>[0], message: string): never => { throw new IceConfigError(code, message); };
const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/**
 * Parses a STUN or TURN URI (`stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]`, `turns:…`).
 * Default ports: 3478, and 5349 for turns (RFC 7064 §3.2, RFC 7065 §3.2).
 * @param url the URI, without credentials
 * @returns its parts
 * @throws IceConfigError `ice-url`
 * @example parseIceUrl('turn:turn.example.org?transport=tcp') // { scheme: 'turn', host: 'turn.example.org', port: 3478, transport: 'tcp' }
 */
export function parseIceUrl(url: string): IceUrl {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_FIELD) return fail('ice-url', `ICE server URL expected a stun:, turn: or turns: URI, got ${typeof url === 'string' ? quote(url) : typeof url}`);
  const m = /^(stuns?|turns?):([^?]*)(?:\?(.*))?$/i.exec(url.trim());
  if (!m) return fail('ice-url', `ICE server URL expected to start with stun:, turn: or turns:, got ${quote(url)}`);
  const scheme = m[1].toLowerCase();
  if (scheme === 'stuns') return fail('ice-url', `ICE server URL: stuns: is not supported by browsers or libdatachannel; use stun: or turns:, got ${quote(url)}`);
  if (m[2].includes('@')) return fail('ice-url', `ICE server URL: put TURN credentials in username/credential, not in the URL, got ${quote(url)}`);
  // host [":" port], where host may be an [IPv6] literal.
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(m[2]);
  const rawHost = hp?.[1] ?? '';
  const v6 = IPV6.exec(rawHost);
  const host = v6 ? v6[1] : rawHost;
  if (!hp || !(v6 ? host.includes(':') : REG_NAME.test(host))) return fail('ice-url', `ICE server URL expected a host name or IP address after "${scheme}:", got ${quote(url)}`);
  const port = hp[2] === undefined ? (scheme === 'turns' ? 5349 : 3478) : Number(hp[2]);
  if (port < 1 || port > 65535) return fail('ice-url', `ICE server URL expected a port from 1 to 65535, got ${quote(url)}`);
  let transport: IceUrl['transport'];
  if (m[3] !== undefined) {
    const q = /^transport=(udp|tcp)$/i.exec(m[3]);
    // RFC 7064 §3.1: a stun URI has no query; RFC 7065 §3.1: "?transport=" udp / tcp.
    if (scheme === 'stun' || !q) return fail('ice-url', `ICE server URL expected no query, or "?transport=udp|tcp" on turn:, got ${quote(url)}`);
    transport = q[1].toLowerCase() as 'udp' | 'tcp';
  }
  if (scheme !== 'stun') transport ??= scheme === 'turns' ? 'tcp' : 'udp';
  if (scheme === 'turns' && transport === 'udp') return fail('ice-url', `ICE server URL: turns: runs over TLS (TCP), got ${quote(url)}`);
  return { scheme: scheme as IceUrl['scheme'], host, port, ...(transport ? { transport } : {}) };
}

/**
 * Parses one server as typed on a command line: a STUN/TURN URI, where a TURN URI may carry
 * `user:password@` before the host (libdatachannel's form; user and password percent-decoded).
 * @param text e.g. `stun:stun.example.org` or `turn:alice:secret@turn.example.org:3478?transport=udp`
 * @returns the server
 * @throws IceConfigError `ice-url`, `ice-credentials`
 * @example parseIceServer('turn:u:p@127.0.0.1:3478') // { url: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }
 */
export function parseIceServer(text: string): IceServerConfig {
  if (typeof text !== 'string') return fail('ice-url', `ICE server expected a string, got ${typeof text}`);
  const m = /^(turns?):([^@?]*)@(.*)$/i.exec(text.trim());
  if (!m) return checkIceServer({ url: text.trim() });
  const colon = m[2].indexOf(':');
  if (colon <= 0) return fail('ice-credentials', `TURN server expected "user:password@" before the host, got ${quote(`${m[1]}:${m[2].slice(0, 3)}…@${m[3]}`)}`);
  let username: string, credential: string;
  try {
    username = decodeURIComponent(m[2].slice(0, colon));
    credential = decodeURIComponent(m[2].slice(colon + 1));
  } catch {
    return fail('ice-credentials', 'TURN server expected percent-encoded user and password (RFC 3986 §2.1)');
  }
  return checkIceServer({ url: `${m[1]}:${m[3]}`, username, credential });
}

/**
 * Validates one server: a valid URI; TURN needs a username and credential (RFC 8489 §9.2 long-term
 * credentials); STUN takes none.
 * @returns a clean copy
 * @throws IceConfigError
 */
export function checkIceServer(server: IceServerConfig): IceServerConfig {
  if (typeof server !== 'object' || server === null) return fail('ice-config', 'ICE server expected an object { url, username?, credential? }');
  const u = parseIceUrl(server.url);
  const url = server.url.trim();
  if (u.scheme === 'stun') {
    if (server.username || server.credential) return fail('ice-credentials', `STUN server ${quote(url)} takes no username or credential`);
    return { url };
  }
  for (const [name, v] of [['username', server.username], ['credential', server.credential]] as const) {
    if (typeof v !== 'string' || v.length === 0) return fail('ice-credentials', `TURN server ${quote(url)} expected a ${name}, got ${v === undefined || v === '' ? 'none' : typeof v}`);
    if (v.length > MAX_FIELD || /[\u0000-\u001f\u007f]/.test(v)) return fail('ice-credentials', `TURN server ${quote(url)} expected a ${name} of at most ${MAX_FIELD} printable characters`);
  }
  return { url, username: server.username, credential: server.credential };
}

/**
 * Validates a configuration.
 * @returns a clean copy
 * @throws IceConfigError `ice-relay-only` when relay-only has no TURN server (it could never connect)
 * @example checkIceConfig({ servers: [{ url: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }], relayOnly: true })
 */
export function checkIceConfig(config: IceConfig): IceConfig {
  if (typeof config !== 'object' || config === null || !Array.isArray(config.servers)) return fail('ice-config', 'ICE configuration expected { servers: [...], relayOnly }');
  if (config.servers.length > MAX_ICE_SERVERS) fail('ice-config', `ICE configuration expected at most ${MAX_ICE_SERVERS} servers, got ${config.servers.length}`);
  const servers = config.servers.map(checkIceServer);
  const relayOnly = config.relayOnly === true;
  if (relayOnly && !servers.some((s) => parseIceUrl(s.url).scheme !== 'stun')) {
    fail('ice-relay-only', 'relay-only expected at least one TURN server (turn: or turns:), got none: without one there is nothing to connect through');
  }
  return { servers, relayOnly };
}

/** What `new RTCPeerConnection(…)` takes (the browser's RTCConfiguration subset). */
export interface BrowserIceConfiguration {
  iceServers: Array<{ urls: string; username?: string; credential?: string }>;
  iceTransportPolicy: 'all' | 'relay';
}

/**
 * The browser form: `{ iceServers: [{ urls, username, credential }], iceTransportPolicy }`.
 * @throws IceConfigError for an invalid configuration
 * @example new RTCPeerConnection(browserIceConfiguration(settings))
 */
export function browserIceConfiguration(config: IceConfig): BrowserIceConfiguration {
  const c = checkIceConfig(config);
  return {
    iceServers: c.servers.map((s) => (s.username === undefined ? { urls: s.url } : { urls: s.url, username: s.username, credential: s.credential })),
    iceTransportPolicy: c.relayOnly ? 'relay' : 'all',
  };
}

/** node-datachannel's IceServer (libdatachannel rtc::IceServer). */
export interface LibdatachannelIceServer {
  hostname: string;
  port: number;
  username?: string;
  password?: string;
  relayType?: 'TurnUdp' | 'TurnTcp' | 'TurnTls';
}

/**
 * The libdatachannel form (node-datachannel `PeerConnection` config): structured servers — no
 * credentials pasted into URL strings — and `iceTransportPolicy`.
 * @throws IceConfigError for an invalid configuration
 * @example new nodeDataChannel.PeerConnection('chat', { ...libdatachannelIceConfiguration(cfg), bindAddress })
 */
export function libdatachannelIceConfiguration(config: IceConfig): { iceServers: LibdatachannelIceServer[]; iceTransportPolicy: 'all' | 'relay' } {
  const c = checkIceConfig(config);
  return {
    iceServers: c.servers.map((s) => {
      const u = parseIceUrl(s.url);
      if (u.scheme === 'stun') return { hostname: u.host, port: u.port };
      const relayType = u.scheme === 'turns' ? 'TurnTls' : u.transport === 'tcp' ? 'TurnTcp' : 'TurnUdp';
      return { hostname: u.host, port: u.port, username: s.username, password: s.credential, relayType };
    }),
    iceTransportPolicy: c.relayOnly ? 'relay' : 'all',
  };
}
