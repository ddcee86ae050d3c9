// `keyprint devices`: lists FIDO security keys (USB HID usage page 0xF1D0, CTAP 2.1 §11.2.8) via
// node-hid, with an authenticatorGetInfo (§6.4) summary of each; `--udp HOST:PORT` queries an
// emulator instead.

import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import {
  Ctap2Client, CtapHidChannel, NodeHidTransport, UdpReportTransport, listFidoDevices, type AuthenticatorInfo,
  type ReportTransport,
} from '../hardware/node.js';
import { KeyprintError } from '../errors.js';
import { uuidString as uuid } from '../core/bytes.js';
import { EXIT, UsageError, print } from './output.js';
import { parseUdpTarget } from './_device.js';

export const DEVICES_HELP = `Usage: keyprint devices [--udp HOST:PORT[@LOCALPORT]]

Lists FIDO2 security keys on USB (node-hid) with a getInfo summary.
  --udp HOST:PORT  query a keyprint emulator (or the SoloKeys simulator) over UDP instead; its answers
                   are read on LOCALPORT (default 7112 for port 8111 — the simulator's reply port —
                   else any free port)`;


function summary(info: AuthenticatorInfo): string[] {
  const on = Object.entries(info.options).filter(([, v]) => v).map(([k]) => k);
  return [
    `  versions:   ${info.versions.join(', ')}`,
    `  aaguid:     ${uuid(info.aaguid)}`,
    `  extensions: ${info.extensions.join(', ') || '(none)'}`,
    `  options:    ${on.join(', ')}`,
    `  PIN:        ${info.options.clientPin === undefined ? 'not supported' : info.options.clientPin ? 'set' : 'not set'}`
      + ` (PIN/UV protocols ${info.pinUvAuthProtocols.join(', ') || 'none'})`,
  ];
}

async function describe(transport: ReportTransport): Promise<string[]> {
  try {
    const channel = await CtapHidChannel.open(transport, { timeoutMs: 3_000 });
    const info = await new Ctap2Client(channel).getInfo({ timeoutMs: 5_000 });
    const v = channel.info;
    return [`  firmware:   ${v.major}.${v.minor}.${v.build} (CTAPHID v${v.protocolVersion})`, ...summary(info)];
  } catch (e) {
    return [`  error: ${e instanceof KeyprintError ? `${e.message} [${e.code}]` : String(e)}`];
  } finally {
    await transport.close?.();
  }
}

/**
 * Lists security keys.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function devices(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: { udp: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (e) {
    throw new UsageError(`devices: ${(e as Error).message}`);
  }
  if (values.help) {
    print(DEVICES_HELP);
    return EXIT.ok;
  }
  await ready();
  if (values.udp) {
    const { host, port, localPort } = parseUdpTarget(values.udp);
    print(`udp://${host}:${port}`);
    const lines = await describe(await UdpReportTransport.connect({ host, port, localPort }));
    lines.forEach((l) => print(l));
    return lines[0].startsWith('  error') ? EXIT.unusable : EXIT.ok;
  }
  const found = await listFidoDevices();
  if (found.length === 0) {
    print('No FIDO security keys found. (Plugged in? On Linux, /dev/hidraw* needs read/write access via udev rules.)');
    return EXIT.ok;
  }
  for (const d of found) {
    const id = `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
    print(`${d.manufacturer ?? ''} ${d.product ?? 'FIDO device'} [${id}] ${d.path}`.trim());
    const lines = await describe(await NodeHidTransport.open(d.path!)).catch((e: unknown) => [`  error: ${(e as Error).message}`]);
    lines.forEach((l) => print(l));
  }
  return EXIT.ok;
}
