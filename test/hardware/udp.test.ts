// The UDP transport's reply-port convention (src/hardware/transports/udp-node.ts): the SoloKeys simulator
// always sends its reports to one fixed client port (7112, solo1 pc/device.c) from its own port, not
// back to the sender. A responder with that behaviour — the software authenticator behind a socket that
// answers a fixed port — is reached only when the host reads on that port: `localPort`, or
// `udp:HOST:PORT@LOCALPORT` on the command line. Ports here are ephemeral, so this file never competes
// for 7112 with the Solo suite (test/hardware/solo.test.ts covers the real 8111 → 7112 default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import {
  Ctap2Client, CtapHidChannel, CtapHidDevice, HardwareError, SoftAuthenticator, UdpReportTransport, defaultLocalPort,
} from '../../src/hardware/node.js';
import { parseUdpTarget } from '../../src/cli/emulator.js';
import { parseDevice } from '../../src/cli/enroll.js';
import { runCli as cli } from '../_cli.js';
import { freeUdpPort } from '../_util.js';

/** The simulator's convention: answers go to 127.0.0.1:replyPort whoever asked. */
async function fixedReplyAuthenticator(replyPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const device = new CtapHidDevice(await SoftAuthenticator.create());
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg) => {
    if (msg.length !== 64) return;
    device.handleReport(new Uint8Array(msg), (report) => socket.send(report, replyPort, '127.0.0.1'));
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, close: () => new Promise<void>((r) => { device.close(); socket.close(() => r()); }) };
}

describe('UDP reply port (SoloKeys simulator convention)', () => {
  let replyPort: number;
  let auth: Awaited<ReturnType<typeof fixedReplyAuthenticator>>;
  beforeAll(async () => {
    replyPort = await freeUdpPort();
    auth = await fixedReplyAuthenticator(replyPort);
  });
  afterAll(async () => { await auth.close(); });

  it('an ephemeral local port never hears a fixed-reply authenticator: CTAPHID_INIT times out', async () => {
    const t = await UdpReportTransport.connect({ port: auth.port });
    try {
      const e = await CtapHidChannel.open(t, { timeoutMs: 300 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HardwareError);
      expect(e).toMatchObject({ code: 'timeout' });
    } finally {
      await t.close();
    }
  });

  it('localPort = its reply port: the channel opens and getInfo answers', async () => {
    const t = await UdpReportTransport.connect({ port: auth.port, localPort: replyPort });
    try {
      const info = await new Ctap2Client(await CtapHidChannel.open(t, { timeoutMs: 2000 })).getInfo();
      expect(info.versions).toContain('FIDO_2_0');
    } finally {
      await t.close();
    }
  });

  it('reports from any other port than the authenticator\'s are dropped', async () => {
    const t = await UdpReportTransport.connect({ port: auth.port, localPort: replyPort });
    const intruder = createSocket('udp4');
    try {
      await new Promise<void>((r) => intruder.bind(0, '127.0.0.1', () => r()));
      intruder.send(new Uint8Array(64).fill(0xff), replyPort, '127.0.0.1');
      expect(await t.receive(200)).toBeUndefined();
    } finally {
      intruder.close();
      await t.close();
    }
  });

  it('a local port in use: HardwareError transport naming the port', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    try {
      const e = await UdpReportTransport.connect({ port: auth.port, localPort: holder.address().port }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'transport', message: expect.stringMatching(/^cannot bind UDP 127\.0\.0\.1:\d+: .*EADDRINUSE/) });
    } finally {
      holder.close();
    }
  });

  it('keyprint devices --udp HOST:PORT@LOCALPORT reads it; without @LOCALPORT it gets no answer', async () => {
    const [ok, silent] = await Promise.all([
      cli(['devices', '--udp', `127.0.0.1:${auth.port}@${replyPort}`]),
      cli(['devices', '--udp', `127.0.0.1:${auth.port}`]),
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/versions: +FIDO_2_0, FIDO_2_1/);
    expect(silent.status).toBe(2);
    expect(silent.stdout).toMatch(/error: no answer to CTAPHID_INIT/);
  });
});

describe('reply-port defaults and parsing', () => {
  it('8111 (the simulator) → 7112; any other port → ephemeral', () => {
    expect(defaultLocalPort(8111)).toBe(7112);
    expect(defaultLocalPort(8112)).toBe(0);
    expect(defaultLocalPort(0)).toBe(0);
  });

  it('HOST:PORT[@LOCALPORT] for --udp and --device udp:…', () => {
    expect(parseUdpTarget('127.0.0.1:8111')).toEqual({ host: '127.0.0.1', port: 8111, localPort: 7112 });
    expect(parseUdpTarget('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000, localPort: 0 });
    expect(parseUdpTarget('localhost:8111@7000')).toEqual({ host: 'localhost', port: 8111, localPort: 7000 });
    expect(parseDevice('udp:127.0.0.1:8111')).toEqual({ kind: 'udp', host: '127.0.0.1', port: 8111, localPort: 7112, label: 'udp:127.0.0.1:8111' });
    for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:8111@', '127.0.0.1:8111@-1', '127.0.0.1:8111@65536', ':8111', '127.0.0.1:99999']) {
      expect(() => parseUdpTarget(bad), bad).toThrow(/"--udp" expected HOST:PORT or HOST:PORT@LOCALPORT, got/);
    }
  });
});
