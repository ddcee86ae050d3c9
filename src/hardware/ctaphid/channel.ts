// CTAPHID client channel — CTAP 2.1 §11.2.9: CTAPHID_INIT channel allocation on the broadcast CID with
// an 8-byte nonce (§11.2.9.1.3), request/response transactions (§11.2.2), KEEPALIVE (§11.2.9.1.7),
// CTAPHID_CANCEL (§11.2.9.1.5) and ERR_CHANNEL_BUSY retries. Every wait has a deadline and honours an
// AbortSignal: the transport is polled in short slices, so an abort is seen within ~50 ms.

import { equalBytes } from '../../core/bytes.js';
import { CtapHidError, CtapHidErrorCode, HardwareError } from '../errors.js';
import { BROADCAST_CID, CtapHidCommand, KeepaliveStatus } from './constants.js';
import { MessageAssembler, encodeMessage, type Message } from './packets.js';

/** Sends and receives raw 64-byte HID reports (node-hid, UDP, in-memory pipe). */
export interface ReportTransport {
  /** Sends one 64-byte report. */
  send(report: Uint8Array): Promise<void>;
  /** The next 64-byte report, or `undefined` if none arrived within `timeoutMs`. */
  receive(timeoutMs: number): Promise<Uint8Array | undefined>;
  /** Releases the device or socket. */
  close?(): Promise<void>;
}

/** What CTAPHID_INIT told us about the device (§11.2.9.1.3). */
export interface CtapHidDeviceInfo {
  protocolVersion: number;
  major: number;
  minor: number;
  build: number;
  capabilities: number;
}

/** Options for one transaction. */
export interface CallOptions {
  /** Cancels the transaction: a CBOR request gets CTAPHID_CANCEL and its answer (status 0x2D) is returned. */
  signal?: AbortSignal;
  /** Overall deadline for the transaction in ms (default 30 000; user presence counts against it). */
  timeoutMs?: number;
  /** Called for each CTAPHID_KEEPALIVE: 1 = PROCESSING, 2 = UPNEEDED ("touch your key"). */
  onKeepalive?: (status: KeepaliveStatus) => void;
}

const POLL_MS = 50;
const BUSY_RETRY_MS = 100;
const CANCEL_GRACE_MS = 1_500;

function transportError(cause: unknown): HardwareError {
  if (cause instanceof HardwareError) return cause;
  return new HardwareError('transport', `HID transport failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

async function send(transport: ReportTransport, reports: Uint8Array[]): Promise<void> {
  try {
    for (const r of reports) await transport.send(r);
  } catch (e) {
    throw transportError(e);
  }
}

async function receive(transport: ReportTransport, timeoutMs: number): Promise<Uint8Array | undefined> {
  try {
    return await transport.receive(Math.max(1, Math.min(POLL_MS, timeoutMs)));
  } catch (e) {
    throw transportError(e);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An allocated CTAPHID channel on one device.
 * @example
 *   const channel = await CtapHidChannel.open(transport)
 *   const response = await channel.cbor(new Uint8Array([0x04]))   // authenticatorGetInfo
 */
export class CtapHidChannel {
  private constructor(
    readonly transport: ReportTransport,
    readonly cid: number,
    readonly info: CtapHidDeviceInfo,
  ) {}

  /**
   * Allocates a channel with CTAPHID_INIT on the broadcast CID (§11.2.9.1.3). Answers with another
   * nonce or on another channel are ignored, as the spec requires of a host.
   * @param transport the report transport
   * @param options `timeoutMs` (default 3 000), `signal`
   * @returns the channel
   * @throws HardwareError `timeout` / `aborted` / `transport`; CtapHidError if the device answers ERROR
   * @example const channel = await CtapHidChannel.open(await UdpReportTransport.connect())
   */
  static async open(transport: ReportTransport, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CtapHidChannel> {
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(8));
    const deadline = Date.now() + (options.timeoutMs ?? 3_000);
    if (options.signal?.aborted) throw new HardwareError('aborted', 'CTAPHID_INIT aborted');
    await send(transport, encodeMessage(BROADCAST_CID, CtapHidCommand.INIT, nonce));
    const assembler = new MessageAssembler(BROADCAST_CID);
    for (;;) {
      if (options.signal?.aborted) throw new HardwareError('aborted', 'CTAPHID_INIT aborted');
      const left = deadline - Date.now();
      if (left <= 0) throw new HardwareError('timeout', 'no answer to CTAPHID_INIT before the deadline');
      const report = await receive(transport, left);
      if (!report) continue;
      let message: Message | undefined;
      try {
        message = assembler.push(report);
      } catch {
        assembler.reset(); // garbage on the broadcast channel is someone else's problem
        continue;
      }
      if (!message) continue;
      if (message.cmd === CtapHidCommand.ERROR) {
        throw new CtapHidError(message.payload[0] ?? CtapHidErrorCode.ERR_OTHER, `device answered CTAPHID_INIT with ${CtapHidErrorCode[message.payload[0]] ?? 'an error'}`);
      }
      // §11.2.9.1.3: the response echoes the nonce; anything else is for another host.
      if (message.cmd !== CtapHidCommand.INIT || message.payload.length < 17) continue;
      if (!equalBytes(message.payload.subarray(0, 8), nonce)) continue;
      const p = message.payload;
      const cid = new DataView(p.buffer, p.byteOffset).getUint32(8);
      if (cid === 0 || cid === BROADCAST_CID) {
        throw new HardwareError('protocol', `device allocated the reserved channel 0x${cid.toString(16)}`);
      }
      return new CtapHidChannel(transport, cid, {
        protocolVersion: p[12], major: p[13], minor: p[14], build: p[15], capabilities: p[16],
      });
    }
  }

  /**
   * One CTAPHID transaction: send `cmd` with `payload`, wait for the answer with the same command.
   * @param cmd CTAPHID command
   * @param payload request payload (≤ 7609 bytes)
   * @param options deadline, AbortSignal, keepalive callback
   * @returns the response payload
   * @throws CtapHidError (device ERROR, or a local framing violation); HardwareError `timeout`, `aborted`,
   *   `transport`, `protocol`
   * @example const echo = await channel.call(CtapHidCommand.PING, data)
   */
  async call(cmd: CtapHidCommand, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const { signal, onKeepalive } = options;
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    if (signal?.aborted) throw new HardwareError('aborted', 'CTAPHID transaction aborted before it was sent');
    const request = encodeMessage(this.cid, cmd, payload);
    await send(this.transport, request);
    const assembler = new MessageAssembler(this.cid);
    let cancelDeadline: number | undefined;
    for (;;) {
      const now = Date.now();
      if (signal?.aborted && cancelDeadline === undefined) {
        if (cmd !== CtapHidCommand.CBOR) throw new HardwareError('aborted', 'CTAPHID transaction aborted');
        // §11.2.9.1.5: CANCEL has no reply; the pending CBOR request ends with CTAP2_ERR_KEEPALIVE_CANCEL.
        await send(this.transport, encodeMessage(this.cid, CtapHidCommand.CANCEL, new Uint8Array(0)));
        cancelDeadline = now + CANCEL_GRACE_MS;
      }
      if (cancelDeadline !== undefined && now >= cancelDeadline) {
        throw new HardwareError('aborted', 'CTAPHID transaction aborted; the device did not confirm the cancel');
      }
      if (now >= deadline) {
        if (cmd === CtapHidCommand.CBOR) {
          await send(this.transport, encodeMessage(this.cid, CtapHidCommand.CANCEL, new Uint8Array(0))).catch(() => {});
        }
        throw new HardwareError('timeout', `no answer to CTAPHID command 0x${cmd.toString(16)} before the deadline`);
      }
      const report = await receive(this.transport, Math.min(deadline, cancelDeadline ?? deadline) - now);
      if (!report) continue;
      const message = assembler.push(report);
      if (!message) continue;
      if (message.cmd === CtapHidCommand.KEEPALIVE) {
        onKeepalive?.(message.payload[0] as KeepaliveStatus);
        continue;
      }
      if (message.cmd === CtapHidCommand.ERROR) {
        const code = message.payload[0] ?? CtapHidErrorCode.ERR_OTHER;
        if (code === CtapHidErrorCode.ERR_CHANNEL_BUSY && cancelDeadline === undefined && Date.now() + BUSY_RETRY_MS < deadline) {
          // Another channel owns the device: retry after 100 ms (as python-fido2 does), until the deadline.
          await sleep(BUSY_RETRY_MS);
          if (signal?.aborted) throw new HardwareError('aborted', 'CTAPHID transaction aborted');
          await send(this.transport, request);
          continue;
        }
        throw new CtapHidError(code, `device answered CTAPHID_ERROR ${CtapHidErrorCode[code] ?? `0x${code.toString(16)}`}`);
      }
      if (message.cmd !== cmd) {
        throw new HardwareError('protocol', `expected a CTAPHID 0x${cmd.toString(16)} response, got 0x${message.cmd.toString(16)}`);
      }
      return message.payload;
    }
  }

  /**
   * CTAPHID_CBOR (§11.2.9.1.2): `payload` = command byte ‖ CBOR parameters; returns status ‖ CBOR.
   * @example const info = await channel.cbor(new Uint8Array([0x04]))
   */
  cbor(payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    return this.call(CtapHidCommand.CBOR, payload, options);
  }

  /**
   * CTAPHID_PING (§11.2.9.1.4): the device echoes `data`.
   * @throws HardwareError `protocol` if the echo differs
   */
  async ping(data: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const echo = await this.call(CtapHidCommand.PING, data, options);
    if (!equalBytes(echo, data)) {
      throw new HardwareError('protocol', 'CTAPHID_PING echo differs from the request');
    }
    return echo;
  }

  /** CTAPHID_WINK (§11.2.9.2.1): ask the device to blink. */
  async wink(options: CallOptions = {}): Promise<void> {
    await this.call(CtapHidCommand.WINK, new Uint8Array(0), options);
  }

  /** CTAPHID_LOCK (§11.2.9.2.2): lock the device to this channel for `seconds` (0 unlocks, max 10). */
  async lock(seconds: number, options: CallOptions = {}): Promise<void> {
    await this.call(CtapHidCommand.LOCK, new Uint8Array([seconds]), options);
  }

  /** Closes the underlying transport. */
  async close(): Promise<void> {
    await this.transport.close?.();
  }
}
