// USB HID transport via node-hid (hidapi) — CTAP 2.1 §11.2.8 (HID report descriptor: usage page
// 0xF1D0, usage 0x01, 64-byte reports without report IDs). hidapi writes take the report ID first, so
// every 64-byte packet goes out as 65 bytes with a leading 0x00; reads return 64 bytes. The HID module
// is injected (defaults to `node-hid`), so tests drive a fake device without USB.

import { isMissing, missingPackage } from '../../core/optional-node.js';
import { HardwareError } from '../errors.js';
import type { ReportTransport } from '../ctaphid/channel.js';
import { FIDO_USAGE_CTAPHID, FIDO_USAGE_PAGE, REPORT_SIZE } from '../ctaphid/constants.js';

/** One enumerated HID device (the node-hid `Device` fields keyprint uses). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
  usage?: number;
}

/** The subset of a node-hid `HIDAsync` device this transport uses. */
export interface HidAsyncDevice {
  write(values: number[] | Buffer): Promise<number>;
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** The subset of the node-hid module this transport uses. */
export interface HidModule {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidAsyncDevice> };
}

async function loadNodeHid(): Promise<HidModule> {
  try {
    const m = (await import('node-hid')) as unknown as HidModule & { default?: HidModule };
    return typeof m.devicesAsync === "function" ? m : (m.default as HidModule);
  } catch (e) {
    if (isMissing(e, 'node-hid')) throw missingPackage('node-hid', e);
    throw new HardwareError('transport', `cannot load node-hid: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Lists FIDO (CTAPHID) devices: usage page 0xF1D0, usage 0x01.
 * @param hid the HID module (default: node-hid)
 * @throws HardwareError `transport` if node-hid cannot load (e.g. libusb-1.0 missing) or enumeration fails
 * @example for (const d of await listFidoDevices()) console.log(d.product, d.path)
 */
export async function listFidoDevices(hid?: HidModule): Promise<HidDeviceInfo[]> {
  const module = hid ?? (await loadNodeHid());
  let all: HidDeviceInfo[];
  try {
    all = await module.devicesAsync();
  } catch (e) {
    throw new HardwareError('transport', `HID enumeration failed: ${(e as Error).message}`, { cause: e });
  }
  return all.filter((d) => d.usagePage === FIDO_USAGE_PAGE && d.usage === FIDO_USAGE_CTAPHID && d.path);
}

/**
 * A report transport over one HID device.
 * @example const transport = await NodeHidTransport.open(devices[0].path!)
 */
export class NodeHidTransport implements ReportTransport {
  private closed = false;

  constructor(private readonly device: HidAsyncDevice) {}

  /**
   * Opens a device by path.
   * @throws HardwareError `transport` if it cannot be opened (permissions: /dev/hidraw* needs udev rules)
   */
  static async open(path: string, hid?: HidModule): Promise<NodeHidTransport> {
    const module = hid ?? (await loadNodeHid());
    try {
      return new NodeHidTransport(await module.HIDAsync.open(path));
    } catch (e) {
      throw new HardwareError('transport', `cannot open HID device ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  async send(report: Uint8Array): Promise<void> {
    if (this.closed) throw new HardwareError('closed', 'HID device is closed');
    if (report.length !== REPORT_SIZE) throw new HardwareError('transport', `report expected ${REPORT_SIZE} bytes, got ${report.length}`);
    // hidapi: "the first byte must be the Report ID, 0x00 for devices with a single report" → 65 bytes.
    const out = Buffer.alloc(REPORT_SIZE + 1);
    out.set(report, 1);
    let written: number;
    try {
      written = await this.device.write(out);
    } catch (e) {
      throw new HardwareError('transport', `HID write failed: ${(e as Error).message}`, { cause: e });
    }
    if (written !== out.length) throw new HardwareError('transport', `HID write sent ${written} of ${out.length} bytes`);
  }

  async receive(timeoutMs: number): Promise<Uint8Array | undefined> {
    if (this.closed) throw new HardwareError('closed', 'HID device is closed');
    let data: Buffer | undefined;
    try {
      data = await this.device.read(Math.max(1, Math.round(timeoutMs)));
    } catch (e) {
      throw new HardwareError('transport', `HID read failed: ${(e as Error).message}`, { cause: e });
    }
    if (!data || data.length === 0) return undefined;
    // Some platforms hand back more than 64 bytes; a short read is a broken report, passed on so the
    // framing layer reports it as a truncated packet.
    return new Uint8Array(data.subarray(0, REPORT_SIZE));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.device.close().catch(() => {});
  }
}
