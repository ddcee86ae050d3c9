// CTAPHID over UDP: each datagram carries one 64-byte HID report (CTAP 2.1 §11.2.4 framing), the
// SoloKeys simulator convention — the authenticator listens on 8111 and always sends its reports to
// 127.0.0.1:7112 (solo1 `pc/device.c`: the reply address is fixed, not the sender's), from its port
// 8111. So a host talking to port 8111 binds 7112 by default; other ports (keyprint's emulator
// answers the sender) get an ephemeral local port unless `localPort` says otherwise.

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { HardwareError } from '../errors.js';
import type { ReportTransport } from '../ctaphid/channel.js';
import { REPORT_SIZE } from '../ctaphid/constants.js';
import { ReportQueue, type ReportHandler } from './memory.js';

/** SoloKeys simulator ports: where the authenticator listens, and where it always answers. */
export const UDP_AUTHENTICATOR_PORT = 8111;
export const UDP_CLIENT_PORT = 7112;

/**
 * The local port a host binds to reach an authenticator on `port`: the SoloKeys reply port 7112 for
 * the simulator's port 8111, else 0 (ephemeral; keyprint's emulator answers the sender).
 * @example defaultLocalPort(8111) // 7112
 */
export function defaultLocalPort(port: number): number {
  return port === UDP_AUTHENTICATOR_PORT ? UDP_CLIENT_PORT : 0;
}

function bind(socket: Socket, port: number, host: string, why = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      try { socket.close(); } catch { /* never bound: nothing to release */ }
      reject(new HardwareError('transport', `cannot bind UDP ${host}:${port}${why}: ${e.message}`, { cause: e }));
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/**
 * Host side: sends reports to an authenticator's UDP port and receives its answers.
 * @example const transport = await UdpReportTransport.connect({ port: 8111 })
 */
export class UdpReportTransport implements ReportTransport {
  private readonly inbox = new ReportQueue();

  private constructor(private readonly socket: Socket, readonly host: string, readonly port: number) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      // Only datagrams from the authenticator we talk to, and only whole reports.
      if (rinfo.port !== port || msg.length !== REPORT_SIZE) return;
      this.inbox.push(new Uint8Array(msg));
    });
    socket.on('error', () => this.inbox.close());
  }

  /**
   * Binds a local UDP socket and targets the authenticator.
   * @param options `host` (default 127.0.0.1), `port` (default 8111), `localPort` (default
   *   defaultLocalPort(port): 7112 for port 8111, the SoloKeys convention; else 0 = ephemeral)
   * @throws HardwareError `transport` if the local port cannot be bound (e.g. 7112 already in use)
   */
  static async connect(options: { host?: string; port?: number; localPort?: number } = {}): Promise<UdpReportTransport> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? UDP_AUTHENTICATOR_PORT;
    const localPort = options.localPort ?? defaultLocalPort(port);
    const socket = createSocket('udp4');
    const why = localPort === UDP_CLIENT_PORT ? ' (the SoloKeys simulator answers only there; is another client talking to it?)' : '';
    await bind(socket, localPort, '127.0.0.1', why);
    return new UdpReportTransport(socket, host, port);
  }

  send(report: Uint8Array): Promise<void> {
    if (report.length !== REPORT_SIZE) {
      return Promise.reject(new HardwareError('transport', `report expected ${REPORT_SIZE} bytes, got ${report.length}`));
    }
    return new Promise((resolve, reject) => {
      this.socket.send(report, this.port, this.host, (e) => (e ? reject(new HardwareError('transport', `UDP send failed: ${e.message}`, { cause: e })) : resolve()));
    });
  }

  receive(timeoutMs: number): Promise<Uint8Array | undefined> {
    return this.inbox.receive(timeoutMs);
  }

  async close(): Promise<void> {
    this.inbox.close();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** A running UDP authenticator endpoint. */
export interface UdpServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Device side: serves a report handler (the software authenticator's CTAPHID layer) on a UDP port,
 * answering each datagram's sender.
 * @param options `host` (default 127.0.0.1), `port` (default 8111; 0 = ephemeral)
 * @example const server = await serveUdp(device, { port: 0 }); console.log(server.port)
 */
export async function serveUdp(handler: ReportHandler, options: { host?: string; port?: number } = {}): Promise<UdpServer> {
  const host = options.host ?? '127.0.0.1';
  const socket = createSocket('udp4');
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (msg.length !== REPORT_SIZE) return; // not a HID report: a datagram is one whole report
    handler.handleReport(new Uint8Array(msg), (report) => {
      socket.send(report, rinfo.port, rinfo.address, () => { /* best effort, like a USB interrupt pipe */ });
    });
  });
  await bind(socket, options.port ?? UDP_AUTHENTICATOR_PORT, host);
  const port = socket.address().port;
  let closed = false;
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      socket.close(() => resolve());
    }),
  };
}
