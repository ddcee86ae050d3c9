// node-hid transport (CTAP 2.1 §11.2.8: usage page 0xF1D0 / usage 0x01, 64-byte reports, no report
// IDs): a fake HIDAsync module injected through the constructor carries reports to the real software
// authenticator; writes must be 65 bytes with a leading 0x00 report ID (hidapi convention).
import { describe, expect, it } from 'vitest';
import {
  Ctap2Client, CtapHidChannel, CtapHidDevice, NodeHidTransport, ReportQueue, SoftAuthenticator, listFidoDevices, openAuthenticator, serveUdp,
  type HidAsyncDevice, type HidDeviceInfo, type HidModule,
} from '../../src/hardware/node.js';

function fakeHid(device: CtapHidDevice, devices: HidDeviceInfo[]) {
  const writes: Buffer[] = [];
  const inbox = new ReportQueue();
  let closed = false;
  const hidDevice: HidAsyncDevice = {
    async write(values) {
      const b = Buffer.from(values as Buffer);
      writes.push(b);
      if (b.length !== 65 || b[0] !== 0) throw new Error('hidapi: bad write');
      device.handleReport(new Uint8Array(b.subarray(1)), (r) => inbox.push(r));
      return b.length;
    },
    async read(timeoutMs) {
      const r = await inbox.receive(timeoutMs ?? 0);
      return r ? Buffer.from(r) : undefined;
    },
    async close() { closed = true; },
  };
  const module: HidModule = {
    devicesAsync: async () => devices,
    HIDAsync: { open: async (path: string) => { if (path !== '/dev/hidraw7') throw new Error('no such device'); return hidDevice; } },
  };
  return { module, writes, isClosed: () => closed };
}

const DEVICES: HidDeviceInfo[] = [
  { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw7', product: 'YubiKey OTP+FIDO+CCID', usagePage: 0xf1d0, usage: 0x01 },
  { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw6', product: 'YubiKey keyboard', usagePage: 0x01, usage: 0x06 },
  { vendorId: 0x046d, productId: 0xc52b, path: '/dev/hidraw1', product: 'mouse', usagePage: 0x01, usage: 0x02 },
];

describe('node-hid transport with an injected HID module', () => {
  it('lists only FIDO interfaces (usage page 0xF1D0, usage 0x01)', async () => {
    const { module } = fakeHid(new CtapHidDevice(await SoftAuthenticator.create()), DEVICES);
    const found = await listFidoDevices(module);
    expect(found.map((d) => d.path)).toEqual(['/dev/hidraw7']);
  });

  it('drives getInfo and makeCredential; every write is 65 bytes with report ID 0x00', async () => {
    const { module, writes, isClosed } = fakeHid(new CtapHidDevice(await SoftAuthenticator.create()), DEVICES);
    const transport = await NodeHidTransport.open('/dev/hidraw7', module);
    const ctap = new Ctap2Client(await CtapHidChannel.open(transport));
    expect((await ctap.getInfo()).versions).toContain('FIDO_2_1');
    await ctap.makeCredential({ clientDataHash: new Uint8Array(32), rp: { id: 'keyprint.example' }, user: { id: new Uint8Array([1]) } });
    expect(writes.length).toBeGreaterThan(3);
    for (const w of writes) {
      expect(w.length).toBe(65);
      expect(w[0]).toBe(0);
    }
    await transport.close();
    expect(isClosed()).toBe(true);
    await expect(transport.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'closed' });
  });

  it('open and I/O failures become HardwareError("transport")', async () => {
    const { module } = fakeHid(new CtapHidDevice(await SoftAuthenticator.create()), DEVICES);
    await expect(NodeHidTransport.open('/dev/hidraw0', module)).rejects.toMatchObject({ code: 'transport' });
    const broken = new NodeHidTransport({
      write: async () => { throw new Error('EIO'); }, read: async () => { throw new Error('EIO'); }, close: async () => {},
    });
    await expect(broken.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'transport' });
    await expect(broken.receive(10)).rejects.toMatchObject({ code: 'transport' });
    const short = new NodeHidTransport({ write: async () => 10, read: async () => undefined, close: async () => {} });
    await expect(short.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'transport' });
    await expect(short.send(new Uint8Array(63))).rejects.toMatchObject({ code: 'transport' });
  });

  it('the real node-hid module loads and enumerates (no FIDO keys on this machine)', async () => {
    const found = await listFidoDevices().catch((e) => e);
    // Either a list (normally empty here) or a typed transport error if libusb-1.0 is missing.
    if (Array.isArray(found)) expect(found.every((d) => d.usagePage === 0xf1d0)).toBe(true);
    else expect(found).toMatchObject({ code: 'transport' });
  });

  it('openAuthenticator picks the first FIDO device, or reports not-found; or opens a UDP emulator', async () => {
    const device = new CtapHidDevice(await SoftAuthenticator.create());
    const { module } = fakeHid(device, DEVICES);
    const opened = await openAuthenticator({ hid: module });
    expect((await opened.ctap.getInfo()).versions).toContain('FIDO_2_1');
    await opened.close();
    const { module: empty } = fakeHid(device, DEVICES.slice(1));
    await expect(openAuthenticator({ hid: empty })).rejects.toMatchObject({ code: 'not-found' });
    const server = await serveUdp(device, { port: 0 });
    try {
      const udp = await openAuthenticator({ udp: { port: server.port } });
      expect((await udp.ctap.getInfo()).aaguid.length).toBe(16);
      await udp.close();
    } finally {
      await server.close();
    }
  });
});
