// CTAPHID over UDP: each datagram carries one 64-byte HID report (CTAP 2.1 §11.2.4 framing), the
// SoloKeys simulator convention — the authenticator listens on 127.0.0.1:8111 and answers the sender
// (clients traditionally bind 7112). Ports are configurable; tests use ephemeral ports (0).

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { HardwareError } from '../errors.js';
import type { ReportTransport } from '../ctaphid/channel.js';
import { REPORT_SIZE } from '../ctaphid/constants.js';
import { ReportQueue, type ReportHandler } from './memory.js';

/** SoloKeys simulator ports. */
export const UDP_AUTHENTICATOR_PORT = 8111;
export const UDP_CLIENT_PORT = 7112;

function bind(socket: Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new HardwareError('transport', `cannot bind UDP ${host}:${port}: ${e.message}`, { cause: e }));
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
   * @param options `host` (default 127.0.0.1), `port` (default 8111), `localPort` (default 0 = ephemeral;
   *   7112 for the SoloKeys convention)
   * @throws HardwareError `transport` if the local port cannot be bound
   */
  static async connect(options: { host?: string; port?: number; localPort?: number } = {}): Promise<UdpReportTransport> {
    const host = options.host ?? '127.0.0.1';
    const socket = createSocket('udp4');
    await bind(socket, options.localPort ?? 0, '127.0.0.1');
    return new UdpReportTransport(socket, host, options.port ?? UDP_AUTHENTICATOR_PORT);
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
