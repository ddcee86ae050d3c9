// CTAPHID transactions (CTAP 2.1 §11.2.2, §11.2.9): the client channel against scripted and silent
// transports (timeouts, wrong nonce, ERROR mapping, abort), and the software authenticator's device
// side against raw reports (wrong channel, broadcast misuse, bad SEQ, message timeout, INIT resync).
import { describe, expect, it } from 'vitest';
import {
  BROADCAST_CID, CtapHidChannel, CtapHidCommand, CtapHidDevice, CtapHidError, HardwareError, MemoryReportTransport,
  MessageAssembler, SoftAuthenticator, encodeMessage, type ReportTransport,
} from '../../src/hardware/index.js';
import { KeyprintError } from '../../src/errors.js';
import { hex } from '../_util.js';

/** A transport whose device is a script: each sent report may trigger replies. */
function scripted(onSend: (report: Uint8Array, push: (r: Uint8Array) => void) => void): ReportTransport & { sent: Uint8Array[] } {
  const device = { handleReport: (r: Uint8Array, reply: (r: Uint8Array) => void) => onSend(r, reply) };
  const t = new MemoryReportTransport(device) as MemoryReportTransport & { sent: Uint8Array[] };
  t.sent = [];
  const send = t.send.bind(t);
  t.send = async (r) => { t.sent.push(r); await send(r); };
  return t;
}

const initReply = (nonce: Uint8Array, cid: number) => {
  const p = new Uint8Array(17);
  p.set(nonce, 0);
  new DataView(p.buffer).setUint32(8, cid);
  p.set([2, 1, 2, 3, 0x05], 12);
  return encodeMessage(BROADCAST_CID, CtapHidCommand.INIT, p);
};

describe('CtapHidChannel (client)', () => {
  it('ignores INIT answers with the wrong nonce and takes the matching one (§11.2.9.1.3)', async () => {
    const t = scripted((r, push) => {
      const nonce = r.subarray(7, 15);
      const wrong = nonce.map((b) => b ^ 0xff);
      initReply(wrong, 0x11111111).forEach(push);
      initReply(nonce, 0x22222222).forEach(push);
    });
    const channel = await CtapHidChannel.open(t);
    expect(channel.cid).toBe(0x22222222);
    expect(channel.info).toEqual({ protocolVersion: 2, major: 1, minor: 2, build: 3, capabilities: 5 });
    expect(hex(t.sent[0].subarray(0, 7))).toBe('ffffffff860008');
  });

  it('times out (typed, no hang) when the device never answers', async () => {
    const t = scripted(() => {});
    const t0 = Date.now();
    await expect(CtapHidChannel.open(t, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('aborts a pending non-CBOR call promptly and a pending open', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(CtapHidChannel.open(scripted(() => {}), { signal: ac.signal })).rejects.toBeInstanceOf(HardwareError);
  });

  it('maps CTAPHID_ERROR to CtapHidError with the spec name; ignores other channels', async () => {
    let cid = 0;
    const t = scripted((r, push) => {
      if (r[4] === 0x86) { cid = 0x01020304; return initReply(r.subarray(7, 15), cid).forEach(push); }
      encodeMessage(0x0a0b0c0d, CtapHidCommand.PING, new Uint8Array([1])).forEach(push); // someone else's
      encodeMessage(cid, CtapHidCommand.ERROR, new Uint8Array([0x04])).forEach(push);
    });
    const channel = await CtapHidChannel.open(t);
    const e = await channel.ping(new Uint8Array([1, 2])).catch((x) => x);
    expect(e).toBeInstanceOf(CtapHidError);
    expect(e).toMatchObject({ code: 'ERR_INVALID_SEQ', hidCode: 4, local: false });
  });

  it('a malformed response (bad SEQ from the device) is a local CtapHidError, not a hang', async () => {
    let cid = 0;
    const t = scripted((r, push) => {
      if (r[4] === 0x86) { cid = 0x01020304; return initReply(r.subarray(7, 15), cid).forEach(push); }
      const reports = encodeMessage(cid, CtapHidCommand.PING, new Uint8Array(200));
      push(reports[0]);
      push(reports[2]);
    });
    const channel = await CtapHidChannel.open(t);
    await expect(channel.ping(new Uint8Array(200))).rejects.toMatchObject({ code: 'ERR_INVALID_SEQ', local: true });
  });

  it('CHANNEL_BUSY retries stop at the deadline with a timeout', async () => {
    let cid = 0;
    const t = scripted((r, push) => {
      if (r[4] === 0x86) { cid = 0x01020304; return initReply(r.subarray(7, 15), cid).forEach(push); }
      encodeMessage(cid, CtapHidCommand.ERROR, new Uint8Array([0x06])).forEach(push);
    });
    const channel = await CtapHidChannel.open(t);
    const t0 = Date.now();
    const e = await channel.cbor(new Uint8Array([4]), { timeoutMs: 400 }).catch((x) => x);
    expect(e).toBeInstanceOf(KeyprintError);
    expect(['timeout', 'ERR_CHANNEL_BUSY']).toContain(e.code);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(t.sent.length).toBeGreaterThan(2); // it did retry
  });
});

describe('CtapHidDevice (software authenticator, device side)', () => {
  async function device(options = {}) {
    const dev = new CtapHidDevice(await SoftAuthenticator.create(), options);
    const out: Uint8Array[] = [];
    const send = (r: Uint8Array) => dev.handleReport(r, (x) => out.push(x));
    const messages = (cid: number) => {
      const asm = new MessageAssembler(cid);
      return out.splice(0).map((r) => asm.push(r)).filter((m) => m !== undefined);
    };
    const init = () => {
      encodeMessage(BROADCAST_CID, CtapHidCommand.INIT, new Uint8Array(8).fill(7)).forEach(send);
      const [m] = messages(BROADCAST_CID);
      return new DataView(m!.payload.buffer, m!.payload.byteOffset).getUint32(8);
    };
    return { dev, send, messages, init, out };
  }
  const errorOf = (m: { cmd: number; payload: Uint8Array } | undefined) => (m?.cmd === CtapHidCommand.ERROR ? m.payload[0] : undefined);

  it('allocates distinct channels; INIT on an allocated channel resyncs and keeps the CID', async () => {
    const d = await device();
    const a = d.init(), b = d.init();
    expect(a).not.toBe(b);
    encodeMessage(a, CtapHidCommand.INIT, new Uint8Array(8).fill(1)).forEach(d.send);
    const [m] = d.messages(a);
    expect(m!.cmd).toBe(CtapHidCommand.INIT);
    expect(new DataView(m!.payload.buffer, m!.payload.byteOffset).getUint32(8)).toBe(a);
  });

  it('INIT with a nonce that is not 8 bytes → ERR_INVALID_LEN', async () => {
    const d = await device();
    encodeMessage(BROADCAST_CID, CtapHidCommand.INIT, new Uint8Array(7)).forEach(d.send);
    expect(errorOf(d.messages(BROADCAST_CID)[0])).toBe(0x03);
  });

  it('commands on the broadcast channel, channel 0 or an unallocated channel → ERR_INVALID_CHANNEL', async () => {
    const d = await device();
    encodeMessage(BROADCAST_CID, CtapHidCommand.PING, new Uint8Array(1)).forEach(d.send);
    expect(errorOf(d.messages(BROADCAST_CID)[0])).toBe(0x0b);
    encodeMessage(0x12345678, CtapHidCommand.PING, new Uint8Array(1)).forEach(d.send);
    expect(errorOf(d.messages(0x12345678)[0])).toBe(0x0b);
    encodeMessage(0, CtapHidCommand.PING, new Uint8Array(1)).forEach(d.send);
    expect(errorOf(d.messages(0)[0])).toBe(0x0b);
  });

  it('bad SEQ → ERR_INVALID_SEQ; stray continuation ignored; new init mid-message → ERR_INVALID_SEQ', async () => {
    const d = await device();
    const cid = d.init();
    const reports = encodeMessage(cid, CtapHidCommand.PING, new Uint8Array(200).fill(5));
    d.send(reports[0]);
    d.send(reports[2]);
    expect(errorOf(d.messages(cid)[0])).toBe(0x04);
    d.send(reports[1]); // no message in progress now: ignored
    expect(d.out.length).toBe(0);
    d.send(reports[0]);
    d.send(reports[0]);
    expect(errorOf(d.messages(cid)[0])).toBe(0x04);
    // and a clean message still works afterwards
    reports.forEach(d.send);
    const [echo] = d.messages(cid);
    expect(echo!.payload.length).toBe(200);
  });

  it('oversized BCNT → ERR_INVALID_LEN; an incomplete message → ERR_MSG_TIMEOUT', async () => {
    const d = await device({ messageTimeoutMs: 50 });
    const cid = d.init();
    const big = encodeMessage(cid, CtapHidCommand.PING, new Uint8Array(1))[0];
    big[5] = 0xff; big[6] = 0xff;
    d.send(big);
    expect(errorOf(d.messages(cid)[0])).toBe(0x03);
    d.send(encodeMessage(cid, CtapHidCommand.PING, new Uint8Array(100))[0]);
    await new Promise((r) => setTimeout(r, 120));
    expect(errorOf(d.messages(cid)[0])).toBe(0x05);
  });

  it('another channel mid-message → ERR_CHANNEL_BUSY; CANCEL has no reply of its own', async () => {
    const d = await device();
    const a = d.init(), b = d.init();
    d.send(encodeMessage(a, CtapHidCommand.PING, new Uint8Array(100))[0]);
    encodeMessage(b, CtapHidCommand.PING, new Uint8Array(1)).forEach(d.send);
    expect(errorOf(d.messages(b)[0])).toBe(0x06);
    encodeMessage(b, CtapHidCommand.CANCEL, new Uint8Array(0)).forEach(d.send);
    expect(d.out.length).toBe(0);
    d.dev.close();
  });
});
