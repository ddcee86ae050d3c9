// `keyprint emulator`: runs the software FIDO2 authenticator (CTAP 2.1 subset, src/hardware/authenticator)
// on a UDP port — CTAPHID reports over datagrams, SoloKeys simulator convention (CTAP 2.1 §11.2 framing) —
// until SIGINT/SIGTERM.

import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { Ctap2Client, CtapHidChannel, CtapHidDevice, DirectoryStore, MemoryReportTransport, MemoryStore, SoftAuthenticator, UDP_AUTHENTICATOR_PORT, serveUdp, type PresenceRequest } from '../hardware/node.js';
import { EXIT, UsageError, print } from './output.js';
import { parseHostPort } from './_device.js';
export { parseHostPort, parseUdpTarget } from './_device.js';

export const EMULATOR_HELP = `Usage: keyprint emulator [--udp HOST:PORT] [--state DIR] [--pin PIN] [--ask] [--ctap 2.1|2.0]

Runs keyprint's software FIDO2 authenticator on UDP (one 64-byte CTAPHID report per datagram).
  --udp HOST:PORT  address to listen on (default 127.0.0.1:${UDP_AUTHENTICATOR_PORT}; port 0 = any free port)
  --state DIR      keep credentials, PIN and attestation CA in DIR (default: memory only)
  --pin PIN        set this PIN at start if none is set yet
  --ask            ask on the terminal before each registration/sign-in (default: approve at once)
  --ctap 2.0       behave as a CTAP 2.0 key: PIN protocol 1 only, legacy getPinToken (default 2.1)`;

function options(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        udp: { type: 'string' }, state: { type: 'string' }, pin: { type: 'string' }, ask: { type: 'boolean' }, ctap: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError(`emulator: ${(e as Error).message}`);
  }
}

/** Asks on the terminal; one question at a time. */
function terminalApprover(): (request: PresenceRequest, signal: AbortSignal) => Promise<boolean> {
  let queue = Promise.resolve(true);
  return (request, signal) => {
    queue = queue.then(async () => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        const what = request.command === 'makeCredential' ? 'register a credential' : 'sign in';
        const answer = await rl.question(`Touch requested: ${request.rpId} wants to ${what}${request.userName ? ` for ${request.userName}` : ''}. Approve? [y/N] `, { signal });
        return /^y(es)?$/i.test(answer.trim());
      } catch {
        return false; // cancelled by the host
      } finally {
        rl.close();
      }
    });
    return queue;
  };
}

/**
 * Runs the emulator until SIGINT/SIGTERM.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function emulator(args: string[]): Promise<number> {
  const values = options(args);
  if (values.help) {
    print(EMULATOR_HELP);
    return EXIT.ok;
  }
  const { host, port } = parseHostPort(values.udp ?? `127.0.0.1:${UDP_AUTHENTICATOR_PORT}`);
  if (values.ctap !== undefined && values.ctap !== '2.0' && values.ctap !== '2.1') {
    throw new UsageError(`emulator: "--ctap" expected 2.0 or 2.1, got "${values.ctap}"`);
  }
  await ready();
  const authenticator = await SoftAuthenticator.create({
    store: values.state ? new DirectoryStore(values.state) : new MemoryStore(),
    approve: values.ask ? terminalApprover() : undefined,
    ctap: values.ctap as '2.0' | '2.1' | undefined,
  });
  const device = new CtapHidDevice(authenticator);

  if (values.pin !== undefined) {
    // Set the PIN through the authenticator's own clientPIN command, over an in-memory link.
    const local = new MemoryReportTransport(device);
    const ctap = new Ctap2Client(await CtapHidChannel.open(local));
    const info = await ctap.getInfo();
    if (info.options.clientPin) {
      print('A PIN is already set in this state; --pin ignored.');
    } else {
      await ctap.setPin(values.pin);
      print('PIN set.');
    }
    await local.close();
  }

  const server = await serveUdp(device, { host, port });
  print(`keyprint emulator (CTAP ${values.ctap ?? '2.1'}) listening on udp://${server.host}:${server.port}`);
  print(values.state ? `state: ${values.state}` : 'state: memory only (use --state DIR to keep credentials)');
  print('Press Ctrl+C to stop.');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  device.close();
  await server.close();
  print(`stopped (${signal})`);
  return EXIT.ok;
}
