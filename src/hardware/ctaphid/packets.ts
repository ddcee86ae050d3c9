// CTAPHID packet framing — CTAP 2.1 §11.2.4 "Message and packet structure". Pure functions: split a
// message into 64-byte reports (one initialization packet, up to 128 continuation packets) and put
// reports back together with the spec's sequence, length and channel checks. No I/O here.

import { InputError } from '../../errors.js';
import { bytes } from '../../core/check.js';
import { CtapHidError, CtapHidErrorCode } from '../errors.js';
import {
  CONT_DATA_SIZE, INIT_DATA_SIZE, MAX_MESSAGE_SIZE, MAX_SEQ, REPORT_SIZE, CtapHidCommand,
} from './constants.js';

/** One decoded 64-byte report. */
export type Packet =
  | { kind: 'init'; cid: number; cmd: number; length: number; data: Uint8Array }
  | { kind: 'cont'; cid: number; seq: number; data: Uint8Array };

/** A complete CTAPHID message: channel, command (without bit 7) and payload. */
export interface Message {
  cid: number;
  cmd: number;
  payload: Uint8Array;
}

function checkCid(cid: number): void {
  if (!Number.isInteger(cid) || cid < 0 || cid > 0xffffffff) {
    throw new InputError('invalid-value', `"cid" expected an integer from 0 to 4294967295, got ${cid}`);
  }
}

/**
 * Splits a message into 64-byte reports (§11.2.4). The last report is zero-padded.
 * @param cid channel ID (big-endian on the wire)
 * @param cmd CTAPHID command (0x01..0x7f; bit 7 is set here)
 * @param payload up to 7609 bytes
 * @returns the reports in send order: one init packet, then continuation packets with SEQ 0, 1, …
 * @throws InputError `invalid-length` if the payload exceeds 7609 bytes, `invalid-value` for a bad cid/cmd
 * @example for (const report of encodeMessage(cid, CtapHidCommand.PING, data)) await transport.send(report)
 */
export function encodeMessage(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  checkCid(cid);
  bytes('payload', payload);
  if (!Number.isInteger(cmd) || cmd < 1 || cmd > 0x7f) {
    throw new InputError('invalid-value', `"cmd" expected an integer from 1 to 127, got ${cmd}`);
  }
  if (payload.length > MAX_MESSAGE_SIZE) {
    throw new InputError('invalid-length', `"payload" expected at most ${MAX_MESSAGE_SIZE} bytes, got ${payload.length}`);
  }
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid);
  first[4] = 0x80 | cmd;
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, INIT_DATA_SIZE), 7);
  reports.push(first);
  let offset = INIT_DATA_SIZE;
  for (let seq = 0; offset < payload.length; seq++) {
    const report = new Uint8Array(REPORT_SIZE);
    new DataView(report.buffer).setUint32(0, cid);
    report[4] = seq;
    report.set(payload.subarray(offset, offset + CONT_DATA_SIZE), 5);
    reports.push(report);
    offset += CONT_DATA_SIZE;
  }
  return reports;
}

/**
 * Decodes one report.
 * @param report exactly 64 bytes
 * @returns an init or continuation packet
 * @throws CtapHidError `ERR_INVALID_LEN` (local) for a report that is not 64 bytes (truncated) or an
 *   init packet announcing more than 7609 bytes
 * @example const packet = decodePacket(report)
 */
export function decodePacket(report: Uint8Array): Packet {
  if (!(report instanceof Uint8Array) || report.length !== REPORT_SIZE) {
    const got = report instanceof Uint8Array ? `${report.length} bytes` : typeof report;
    throw new CtapHidError(CtapHidErrorCode.ERR_INVALID_LEN, `CTAPHID report expected ${REPORT_SIZE} bytes, got ${got} (truncated packet)`, { local: true });
  }
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const cid = view.getUint32(0);
  const b = report[4];
  if (b & 0x80) {
    const length = view.getUint16(5);
    if (length > MAX_MESSAGE_SIZE) {
      throw new CtapHidError(CtapHidErrorCode.ERR_INVALID_LEN, `CTAPHID message length ${length} exceeds the maximum ${MAX_MESSAGE_SIZE}`, { local: true });
    }
    return { kind: 'init', cid, cmd: b & 0x7f, length, data: report.subarray(7) };
  }
  return { kind: 'cont', cid, seq: b, data: report.subarray(5) };
}

/**
 * Reassembles one message on one channel from 64-byte reports (§11.2.4). Reports for other channels
 * are ignored (returns `undefined`), as the spec has a host ignore traffic not addressed to it.
 * @example
 *   const asm = new MessageAssembler(cid)
 *   for (;;) { const m = asm.push(await transport.receive(t)); if (m) return m }
 */
export class MessageAssembler {
  private cmd = 0;
  private buffer: Uint8Array | undefined;
  private filled = 0;
  private nextSeq = 0;

  /** @param cid the channel to listen on */
  constructor(readonly cid: number) {
    checkCid(cid);
  }

  /** True while an init packet has been seen and continuation packets are still expected. */
  get inProgress(): boolean {
    return this.buffer !== undefined;
  }

  /** Forgets a partial message. */
  reset(): void {
    this.buffer = undefined;
    this.filled = 0;
    this.nextSeq = 0;
  }

  /**
   * Feeds one report.
   * @returns the complete message once its last packet arrived; `undefined` otherwise
   * @throws CtapHidError (local) `ERR_INVALID_LEN` for a truncated report or oversized length,
   *   `ERR_INVALID_SEQ` for a continuation packet out of order or without an init packet, or a new
   *   init packet before the message completed (a KEEPALIVE init packet is returned as its own message)
   */
  push(report: Uint8Array): Message | undefined {
    const packet = decodePacket(report);
    if (packet.cid !== this.cid) return undefined;
    if (packet.kind === 'init') {
      if (this.buffer !== undefined && packet.cmd !== CtapHidCommand.KEEPALIVE) {
        this.reset();
        throw new CtapHidError(CtapHidErrorCode.ERR_INVALID_SEQ, 'CTAPHID init packet arrived before the previous message was complete', { local: true });
      }
      if (packet.cmd === CtapHidCommand.KEEPALIVE && this.buffer !== undefined) {
        return { cid: packet.cid, cmd: packet.cmd, payload: packet.data.slice(0, Math.min(packet.length, INIT_DATA_SIZE)) };
      }
      if (packet.length <= INIT_DATA_SIZE) {
        return { cid: packet.cid, cmd: packet.cmd, payload: packet.data.slice(0, packet.length) };
      }
      this.cmd = packet.cmd;
      this.buffer = new Uint8Array(packet.length);
      this.buffer.set(packet.data, 0);
      this.filled = INIT_DATA_SIZE;
      this.nextSeq = 0;
      return undefined;
    }
    if (this.buffer === undefined) {
      throw new CtapHidError(CtapHidErrorCode.ERR_INVALID_SEQ, `CTAPHID continuation packet (SEQ ${packet.seq}) without an init packet`, { local: true });
    }
    if (packet.seq !== this.nextSeq || packet.seq > MAX_SEQ) {
      const expected = this.nextSeq;
      this.reset();
      throw new CtapHidError(CtapHidErrorCode.ERR_INVALID_SEQ, `CTAPHID continuation packet expected SEQ ${expected}, got ${packet.seq}`, { local: true });
    }
    const take = Math.min(CONT_DATA_SIZE, this.buffer.length - this.filled);
    this.buffer.set(packet.data.subarray(0, take), this.filled);
    this.filled += take;
    this.nextSeq++;
    if (this.filled < this.buffer.length) return undefined;
    const message = { cid: this.cid, cmd: this.cmd, payload: this.buffer };
    this.reset();
    return message;
  }
}

/** Reads the big-endian CID at the start of a report (no other checks). */
export function reportCid(report: Uint8Array): number {
  return ((report[0] << 24) | (report[1] << 16) | (report[2] << 8) | report[3]) >>> 0;
}
