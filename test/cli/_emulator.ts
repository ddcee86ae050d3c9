// The software authenticator on an ephemeral UDP port in this test process (the CLI child reaches
// it with --device udp:127.0.0.1:PORT), plus an in-memory CTAP client to the same device for
// library calls. Shared by the enroll and keys suites.
import {
  Ctap2Client, CtapHidChannel, CtapHidDevice, MemoryReportTransport, SoftAuthenticator, pinProtocolV2, serveUdp,
  type SoftAuthenticatorOptions,
} from '../../src/hardware/node.js';

export interface Emulator {
  authenticator: SoftAuthenticator;
  device: string;
  ctap(): Promise<{ ctap: Ctap2Client; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** A software authenticator on an ephemeral UDP port (optionally with a PIN set). */
export async function emulator(options: SoftAuthenticatorOptions & { pin?: string } = {}): Promise<Emulator> {
  const authenticator = await SoftAuthenticator.create(options);
  const dev = new CtapHidDevice(authenticator);
  const ctap = async () => {
    const t = new MemoryReportTransport(dev);
    return { ctap: new Ctap2Client(await CtapHidChannel.open(t)), close: async () => { await t.close(); } };
  };
  if (options.pin) await setPin({ ctap }, options.pin);
  const server = await serveUdp(dev, { port: 0 });
  return { authenticator, device: `udp:127.0.0.1:${server.port}`, ctap, close: async () => { dev.close(); await server.close(); } };
}

/** Sets a PIN on the emulator (as a user would with their key's manager, after enrolling). */
export async function setPin(emu: Pick<Emulator, 'ctap'>, pin: string): Promise<void> {
  const c = await emu.ctap();
  try {
    await c.ctap.setPin(pin, pinProtocolV2);
  } finally {
    await c.close();
  }
}
