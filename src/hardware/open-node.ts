// Opening an authenticator: pick a transport (a USB HID FIDO device via node-hid, or a UDP
// emulator), allocate a CTAPHID channel (CTAP 2.1 §11.2.9.1.3) and wrap it in a CTAP2 client (§6).

import { HardwareError } from './errors.js';
import { CtapHidChannel, type ReportTransport } from './ctaphid/channel.js';
import { Ctap2Client } from './ctap2/client.js';
import { NodeHidTransport, listFidoDevices, type HidModule } from './transports/hid-node.js';
import { UdpReportTransport } from './transports/udp-node.js';

/** An open authenticator: the CTAP2 client, its channel, and a close function. */
export interface OpenAuthenticator {
  ctap: Ctap2Client;
  channel: CtapHidChannel;
  close(): Promise<void>;
}

/**
 * Opens a FIDO2 authenticator: `udp` → a keyprint emulator (or SoloKeys simulator); `path` → that
 * HID device; neither → the first FIDO device node-hid finds.
 * @param options `path`, `udp: { host, port, localPort }` (localPort: see UdpReportTransport.connect), `hid` (an injected node-hid module), `timeoutMs`, `signal`
 * @returns the client; call `close()` when done
 * @throws HardwareError `not-found` when no FIDO device is connected; `transport`, `timeout`, `aborted`
 * @example const { ctap, close } = await openAuthenticator(); try { await ctap.getInfo() } finally { await close() }
 */
export async function openAuthenticator(options: {
  path?: string;
  udp?: { host?: string; port?: number; localPort?: number };
  hid?: HidModule;
  timeoutMs?: number;
  signal?: AbortSignal;
} = {}): Promise<OpenAuthenticator> {
  let transport: ReportTransport;
  if (options.udp) {
    transport = await UdpReportTransport.connect(options.udp);
  } else {
    let path = options.path;
    if (path === undefined) {
      const [first] = await listFidoDevices(options.hid);
      if (!first) throw new HardwareError('not-found', 'no FIDO security key found (plugged in? /dev/hidraw* permissions?)');
      path = first.path!;
    }
    transport = await NodeHidTransport.open(path, options.hid);
  }
  try {
    const channel = await CtapHidChannel.open(transport, { timeoutMs: options.timeoutMs, signal: options.signal });
    return { ctap: new Ctap2Client(channel), channel, close: async () => { await transport.close?.(); } };
  } catch (e) {
    await transport.close?.();
    throw e;
  }
}
