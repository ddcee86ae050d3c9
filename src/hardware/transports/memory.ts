// In-memory report transport: a host-side ReportTransport wired straight to a device-side report
// handler (the software authenticator's CTAPHID layer, CTAP 2.1 §11.2), for tests and demos. Reports
// are copied at the boundary so neither side can mutate the other's buffers.

import { HardwareError } from '../errors.js';
import type { ReportTransport } from '../ctaphid/channel.js';
import { REPORT_SIZE } from '../ctaphid/constants.js';

/** The device side of a report link: takes one report and may answer with any number of reports. */
export interface ReportHandler {
  handleReport(report: Uint8Array, reply: (report: Uint8Array) => void): void;
}

/**
 * A FIFO of reports with a timed `receive` (resolves `undefined` on timeout, never hangs).
 * @example const q = new ReportQueue(); q.push(report); await q.receive(100)
 */
export class ReportQueue {
  private readonly items: Uint8Array[] = [];
  private waiter: ((r: Uint8Array | undefined) => void) | undefined;
  private closed = false;

  /** Appends a report (dropped after close). */
  push(report: Uint8Array): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(report);
    } else {
      this.items.push(report);
    }
  }

  /** The next report, or `undefined` after `timeoutMs`. */
  receive(timeoutMs: number): Promise<Uint8Array | undefined> {
    if (this.closed) return Promise.reject(new HardwareError('closed', 'report queue is closed'));
    const next = this.items.shift();
    if (next) return Promise.resolve(next);
    if (this.waiter) return Promise.reject(new HardwareError('transport', 'concurrent receive on one report queue'));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, Math.max(0, timeoutMs));
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  /** Wakes a pending receive with `undefined` and drops later reports. */
  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }
}

/**
 * A host-side transport connected in memory to `device`.
 * @example const channel = await CtapHidChannel.open(new MemoryReportTransport(authenticatorHid))
 */
export class MemoryReportTransport implements ReportTransport {
  private readonly inbox = new ReportQueue();
  private closed = false;

  constructor(private readonly device: ReportHandler) {}

  async send(report: Uint8Array): Promise<void> {
    if (this.closed) throw new HardwareError('closed', 'transport is closed');
    if (report.length !== REPORT_SIZE) {
      throw new HardwareError('transport', `report expected ${REPORT_SIZE} bytes, got ${report.length}`);
    }
    this.device.handleReport(report.slice(), (r) => this.inbox.push(r.slice()));
  }

  receive(timeoutMs: number): Promise<Uint8Array | undefined> {
    return this.inbox.receive(timeoutMs);
  }

  /** Injects a report as if the device had sent it (for replaying recorded frames in tests). */
  inject(report: Uint8Array): void {
    this.inbox.push(report.slice());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.inbox.close();
  }
}
