// The CLI's authenticator addresses: --device (hid, hid:PATH, udp:HOST:PORT[@LOCALPORT]) and --udp,
// parsed and opened for every command that talks to a security key.

import { parseArgs } from 'node:util';
import { HardwareError, defaultLocalPort, openAuthenticator, type OpenAuthenticator } from '../hardware/node.js';
import { UsageError } from './output.js';

/** Parses `HOST:PORT` (IPv4 or a name; port 0-65535). */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`"--udp" expected HOST:PORT, got "${value}"`);
  return { host: m[1], port };
}

/**
 * Parses an authenticator's UDP address, `HOST:PORT[@LOCALPORT]`: LOCALPORT is where its answers
 * arrive. Default: 7112 for port 8111 (the SoloKeys simulator always answers there), else any port.
 * @throws UsageError naming `flag`
 * @example parseUdpTarget('127.0.0.1:8111') // { host: '127.0.0.1', port: 8111, localPort: 7112 }
 */
export function parseUdpTarget(value: string, flag = '--udp'): { host: string; port: number; localPort: number } {
  const at = value.lastIndexOf('@');
  const local = at < 0 ? undefined : value.slice(at + 1);
  let hp: { host: string; port: number };
  try {
    hp = parseHostPort(at < 0 ? value : value.slice(0, at));
  } catch {
    hp = { host: '', port: NaN };
  }
  const localPort = local === undefined ? defaultLocalPort(hp.port) : /^\d{1,5}$/.test(local) ? Number(local) : NaN;
  if (!hp.host || !(hp.port > 0) || !(localPort <= 65535)) {
    throw new UsageError(`"${flag}" expected HOST:PORT or HOST:PORT@LOCALPORT, got "${value}"`);
  }
  return { ...hp, localPort };
}

/** A parsed `--device` value. */
export type DeviceSpec =
  | { kind: 'hid'; path?: string; label: string }
  | { kind: 'udp'; host: string; port: number; localPort: number; label: string };

const DEVICE_FORMS = 'hid, hid:PATH, udp:HOST:PORT or udp:HOST:PORT@LOCALPORT';

/**
 * Parses `--device`: `hid`, `hid:PATH`, `udp:HOST:PORT` or `udp:HOST:PORT@LOCALPORT` (LOCALPORT is
 * where the authenticator's answers arrive; default 7112 for port 8111, the SoloKeys simulator's
 * fixed reply port, else any free port).
 * @throws UsageError for anything else
 */
export function parseDevice(value: string | undefined): DeviceSpec {
  if (value === undefined || value === 'hid') return { kind: 'hid', label: 'hid' };
  if (value.startsWith('hid:') && value.length > 4) return { kind: 'hid', path: value.slice(4), label: value };
  if (value.startsWith('udp:')) {
    let t;
    try {
      t = parseUdpTarget(value.slice(4));
    } catch {
      throw new UsageError(`"--device" expected ${DEVICE_FORMS}, got "${value}"`);
    }
    return { kind: 'udp', ...t, label: `udp:${t.host}:${t.port}` };
  }
  throw new UsageError(`"--device" expected ${DEVICE_FORMS}, got "${value}"`);
}

/**
 * Opens the device with a 3-second deadline for the CTAPHID handshake.
 * @throws HardwareError `not-found`: "no security key found at udp:HOST:PORT" (nothing answered);
 *   `transport` when the local UDP port cannot be bound
 */
export async function openDevice(spec: DeviceSpec): Promise<OpenAuthenticator> {
  try {
    return spec.kind === 'udp'
      ? await openAuthenticator({ udp: { host: spec.host, port: spec.port, localPort: spec.localPort }, timeoutMs: 3_000 })
      : await openAuthenticator({ path: spec.path, timeoutMs: 3_000 });
  } catch (e) {
    if (e instanceof HardwareError && (e.code === 'not-found' || e.code === 'transport')) throw e;
    const hint = spec.kind === 'udp' ? ` (is "keyprint emulator --udp ${spec.host}:${spec.port}" or the SoloKeys simulator running?)` : '';
    throw new HardwareError('not-found', `no security key found at ${spec.label}${hint}`, { cause: e });
  }
}

/** Common flags of enroll, unlock and keys. */
export function parseFlags(command: string, args: string[], extra: { name?: boolean; device?: boolean; add?: boolean; positionals?: boolean } = {}) {
  try {
    const r = parseArgs({
      args,
      options: {
        ...(extra.name ? { name: { type: 'string' as const } } : {}),
        ...(extra.device ? { device: { type: 'string' as const }, pin: { type: 'string' as const } } : {}),
        ...(extra.add ? { add: { type: 'boolean' as const }, from: { type: 'string' as const }, 'from-pin': { type: 'string' as const } } : {}),
        home: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: extra.positionals === true,
    });
    return {
      ...(r.values as { name?: string; device?: string; pin?: string; add?: boolean; from?: string; 'from-pin'?: string; home?: string; json?: boolean; help?: boolean }),
      positionals: r.positionals,
    };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}
