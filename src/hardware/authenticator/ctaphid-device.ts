// Device side of CTAPHID — CTAP 2.1 §11.2: channel allocation (CTAPHID_INIT §11.2.9.1.3, including
// resync on an allocated channel), message reassembly with sequence checks and a message timeout
// (§11.2.4, ERR_MSG_TIMEOUT), one transaction at a time (ERR_CHANNEL_BUSY for other channels, §11.2.2),
// PING, WINK, CBOR with KEEPALIVE every 100 ms (§11.2.9.1.7), CANCEL (§11.2.9.1.5) and ERROR replies
// (§11.2.9.1.6) for every malformed packet. Feeds CBOR requests to the software authenticator.

import { CtapHidErrorCode } from '../errors.js';
import {
  BROADCAST_CID, CTAPHID_PROTOCOL_VERSION, CtapHidCapability, CtapHidCommand, KeepaliveStatus,
} from '../ctaphid/constants.js';
import { decodePacket, encodeMessage, MessageAssembler, type Message } from '../ctaphid/packets.js';
import type { ReportHandler } from '../transports/memory.js';
import type { RequestContext } from './authenticator.js';

/** What the CTAPHID layer needs from a CTAP2 authenticator. */
export interface CborHandler {
  handleCbor(request: Uint8Array, context: RequestContext): Promise<Uint8Array>;
}

type Reply = (report: Uint8Array) => void;

interface Assembly {
  assembler: MessageAssembler;
  reply: Reply;
  timer: ReturnType<typeof setTimeout>;
}

interface Transaction {
  cid: number;
  abort: AbortController;
  keepalive: ReturnType<typeof setInterval>;
  superseded: boolean;
}

/** Options of the CTAPHID device. */
export interface CtapHidDeviceOptions {
  /** Time allowed between packets of one message before ERR_MSG_TIMEOUT (default 500 ms). */
  messageTimeoutMs?: number;
  /** KEEPALIVE interval while a CBOR request is processed (default 100 ms, per §11.2.9.1.7). */
  keepaliveIntervalMs?: number;
  /** Device version reported by CTAPHID_INIT. */
  version?: [number, number, number];
  /** Called for CTAPHID_WINK. */
  onWink?: () => void;
}

/**
 * The CTAPHID layer of the software authenticator: give it every 64-byte report the host sends.
 * @example
 *   const device = new CtapHidDevice(await SoftAuthenticator.create())
 *   const transport = new MemoryReportTransport(device)
 */
export class CtapHidDevice implements ReportHandler {
  private readonly channels = new Set<number>();
  private readonly assemblies = new Map<number, Assembly>();
  private transaction: Transaction | undefined;
  private nextCid: number;

  constructor(private readonly authenticator: CborHandler, private readonly options: CtapHidDeviceOptions = {}) {
    this.nextCid = (crypto.getRandomValues(new Uint32Array(1))[0] & 0x7fffffff) | 1;
  }

  /** True while a CBOR request is being processed. */
  get busy(): boolean {
    return this.transaction !== undefined;
  }

  private static send(reply: Reply, cid: number, cmd: CtapHidCommand, payload: Uint8Array): void {
    for (const report of encodeMessage(cid, cmd, payload)) reply(report);
  }

  private static error(reply: Reply, cid: number, code: CtapHidErrorCode): void {
    CtapHidDevice.send(reply, cid, CtapHidCommand.ERROR, new Uint8Array([code]));
  }

  private dropAssembly(cid: number): void {
    const a = this.assemblies.get(cid);
    if (a) clearTimeout(a.timer);
    this.assemblies.delete(cid);
  }

  /** Handles one report from the host; answers through `reply`. Never throws. */
  handleReport(report: Uint8Array, reply: Reply): void {
    let packet;
    try {
      packet = decodePacket(report);
    } catch {
      // A truncated report has no trustworthy CID; an oversized BCNT gets ERR_INVALID_LEN on its CID.
      if (report.length === 64) CtapHidDevice.error(reply, new DataView(report.buffer, report.byteOffset).getUint32(0), CtapHidErrorCode.ERR_INVALID_LEN);
      return;
    }
    const { cid } = packet;
    // §11.2.3: channel 0 is reserved; the broadcast channel is only for CTAPHID_INIT.
    if (cid === 0) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_CHANNEL);

    if (packet.kind === 'cont') {
      const a = this.assemblies.get(cid);
      if (!a) return; // a continuation packet with no message in progress is ignored
      let message: Message | undefined;
      try {
        message = a.assembler.push(report);
      } catch {
        this.dropAssembly(cid);
        return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_SEQ);
      }
      if (!message) {
        clearTimeout(a.timer);
        a.timer = this.messageTimer(cid, reply);
        return;
      }
      this.dropAssembly(cid);
      return this.dispatch(message, reply);
    }

    if (packet.cmd === CtapHidCommand.INIT) return this.init(cid, packet.length, packet.data, reply);
    if (cid === BROADCAST_CID || !this.channels.has(cid)) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_CHANNEL);
    if (packet.cmd === CtapHidCommand.CANCEL) {
      // §11.2.9.1.5: no reply to CANCEL itself; the pending request ends with KEEPALIVE_CANCEL.
      if (this.transaction?.cid === cid) this.transaction.abort.abort();
      return;
    }
    if (this.assemblies.has(cid)) {
      // A new init packet while this channel's message is incomplete.
      this.dropAssembly(cid);
      return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_SEQ);
    }
    // §11.2.2: one transaction at a time; others get ERR_CHANNEL_BUSY.
    const otherAssembly = [...this.assemblies.keys()].some((c) => c !== cid);
    if (this.transaction || otherAssembly) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_CHANNEL_BUSY);

    const assembler = new MessageAssembler(cid);
    const message = assembler.push(report);
    if (message) return this.dispatch(message, reply);
    this.assemblies.set(cid, { assembler, reply, timer: this.messageTimer(cid, reply) });
  }

  private messageTimer(cid: number, reply: Reply): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.assemblies.delete(cid);
      CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_MSG_TIMEOUT);
    }, this.options.messageTimeoutMs ?? 500);
    t.unref?.();
    return t;
  }

  private init(cid: number, length: number, data: Uint8Array, reply: Reply): void {
    // §11.2.9.1.3: the request carries an 8-byte nonce.
    if (length !== 8) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_LEN);
    let newCid: number;
    if (cid === BROADCAST_CID) {
      do {
        newCid = this.nextCid;
        this.nextCid = (this.nextCid + 1) >>> 0;
      } while (newCid === 0 || newCid === BROADCAST_CID || this.channels.has(newCid));
      this.channels.add(newCid);
    } else if (this.channels.has(cid)) {
      // Resync: abort whatever this channel was doing and keep its CID.
      this.dropAssembly(cid);
      if (this.transaction?.cid === cid) {
        this.transaction.superseded = true;
        this.transaction.abort.abort();
      }
      newCid = cid;
    } else {
      return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_CHANNEL);
    }
    const [major, minor, build] = this.options.version ?? [0, 1, 0];
    const out = new Uint8Array(17);
    out.set(data.subarray(0, 8), 0);
    new DataView(out.buffer).setUint32(8, newCid);
    out[12] = CTAPHID_PROTOCOL_VERSION;
    out[13] = major;
    out[14] = minor;
    out[15] = build;
    out[16] = CtapHidCapability.WINK | CtapHidCapability.CBOR | CtapHidCapability.NMSG;
    CtapHidDevice.send(reply, cid, CtapHidCommand.INIT, out);
  }

  private dispatch(message: Message, reply: Reply): void {
    const { cid, cmd, payload } = message;
    switch (cmd) {
      case CtapHidCommand.PING:
        return CtapHidDevice.send(reply, cid, CtapHidCommand.PING, payload);
      case CtapHidCommand.WINK:
        if (payload.length !== 0) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_LEN);
        this.options.onWink?.();
        return CtapHidDevice.send(reply, cid, CtapHidCommand.WINK, new Uint8Array(0));
      case CtapHidCommand.CBOR:
        if (payload.length === 0) return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_LEN);
        return this.cbor(cid, payload, reply);
      default:
        // MSG (NMSG capability: no CTAP1), LOCK (not advertised), KEEPALIVE/ERROR (device→host only), vendor.
        return CtapHidDevice.error(reply, cid, CtapHidErrorCode.ERR_INVALID_CMD);
    }
  }

  private cbor(cid: number, payload: Uint8Array, reply: Reply): void {
    let status = KeepaliveStatus.PROCESSING;
    const abort = new AbortController();
    const keepalive = setInterval(() => {
      CtapHidDevice.send(reply, cid, CtapHidCommand.KEEPALIVE, new Uint8Array([status]));
    }, this.options.keepaliveIntervalMs ?? 100);
    const transaction: Transaction = { cid, abort, keepalive, superseded: false };
    this.transaction = transaction;
    const context: RequestContext = { signal: abort.signal, status: (s) => { status = s; } };
    void this.authenticator.handleCbor(payload, context)
      .catch(() => new Uint8Array([0x7f])) // CTAP1_ERR_OTHER; handleCbor itself never throws
      .then((response) => {
        clearInterval(keepalive);
        if (this.transaction === transaction) this.transaction = undefined;
        if (!transaction.superseded) CtapHidDevice.send(reply, cid, CtapHidCommand.CBOR, response);
      });
  }

  /** Stops timers and aborts a pending request (for shutdown). */
  close(): void {
    for (const cid of [...this.assemblies.keys()]) this.dropAssembly(cid);
    if (this.transaction) {
      this.transaction.superseded = true;
      this.transaction.abort.abort();
      clearInterval(this.transaction.keepalive);
      this.transaction = undefined;
    }
  }
}

