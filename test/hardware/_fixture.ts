// Test fixture: a software authenticator behind its CTAPHID layer, reached over the in-memory pipe
// or over UDP on ephemeral ports, with a CTAP2 client on a freshly allocated channel.
import {
  Ctap2Client, CtapHidChannel, CtapHidDevice, MemoryReportTransport, SoftAuthenticator, UdpReportTransport, serveUdp,
  type ReportTransport, type SoftAuthenticatorOptions,
} from '../../src/hardware/node.js';

export type Link = 'memory' | 'udp';

export interface Rig {
  authenticator: SoftAuthenticator;
  device: CtapHidDevice;
  transport: ReportTransport;
  channel: CtapHidChannel;
  ctap: Ctap2Client;
  /** Another host-side transport to the same device (for multi-channel tests). */
  connect(): Promise<ReportTransport>;
  close(): Promise<void>;
}

export async function rig(link: Link, options: SoftAuthenticatorOptions = {}, authenticator?: SoftAuthenticator): Promise<Rig> {
  const auth = authenticator ?? (await SoftAuthenticator.create(options));
  const device = new CtapHidDevice(auth);
  const transports: ReportTransport[] = [];
  let close = async () => {};
  let connect: () => Promise<ReportTransport>;
  if (link === 'memory') {
    connect = async () => new MemoryReportTransport(device);
  } else {
    const server = await serveUdp(device, { port: 0 });
    connect = () => UdpReportTransport.connect({ port: server.port });
    close = () => server.close();
  }
  const opened = async () => { const t = await connect(); transports.push(t); return t; };
  const transport = await opened();
  const channel = await CtapHidChannel.open(transport);
  return {
    authenticator: auth, device, transport, channel, ctap: new Ctap2Client(channel), connect: opened,
    close: async () => {
      device.close();
      for (const t of transports) await t.close?.();
      await close();
    },
  };
}

export const cdh = (n = 1) => new Uint8Array(32).fill(n);
