// The RTCDataChannel adapter's ordering guarantees, on a pair of minimal channel objects (the real
// node-datachannel path is in webrtc.test.ts): nothing is dropped for being early.
import { describe, expect, it } from 'vitest';
import { dataChannelTransport, type DataChannelLike } from '../../src/session/index.js';

/** Two linked channels with RTCDataChannel's event surface; `open()` moves both to "open". */
function channelPair() {
  const make = () => {
    const listeners = new Map<string, Array<(e?: unknown) => void>>();
    const ch = {
      binaryType: 'blob', readyState: 'connecting', peer: undefined as unknown as { emit(t: string, e?: unknown): void },
      send(data: ArrayBufferView | ArrayBuffer) {
        if (ch.readyState !== 'open') throw new Error('InvalidStateError: send before open');
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        ch.peer.emit('message', { data: bytes.slice().buffer });
      },
      close() { ch.readyState = 'closed'; },
      addEventListener(type: string, fn: (e?: unknown) => void) { listeners.set(type, [...(listeners.get(type) ?? []), fn]); },
      emit(type: string, e?: unknown) { for (const fn of listeners.get(type) ?? []) fn(e); },
    };
    return ch;
  };
  const a = make(), b = make();
  a.peer = b; b.peer = a;
  const open = () => { a.readyState = b.readyState = 'open'; a.emit('open'); b.emit('open'); };
  return { a: a as unknown as DataChannelLike, b: b as unknown as DataChannelLike, open };
}

describe('dataChannelTransport', () => {
  it('frames sent while "connecting" are delivered, in order, once the channel opens', () => {
    const { a, b, open } = channelPair();
    const ta = dataChannelTransport(a), tb = dataChannelTransport(b);
    const got: number[] = [];
    tb.onmessage = (f) => got.push(f[0]);
    ta.send(Uint8Array.of(1));
    ta.send(Uint8Array.of(2));
    expect(got).toEqual([]);
    open();
    ta.send(Uint8Array.of(3));
    expect(got).toEqual([1, 2, 3]);
  });
  it('frames received before onmessage is set are handed over, in order, when it is', () => {
    const { a, b, open } = channelPair();
    open();
    const ta = dataChannelTransport(a), tb = dataChannelTransport(b);
    ta.send(Uint8Array.of(7));
    ta.send(Uint8Array.of(8));
    const got: number[] = [];
    tb.onmessage = (f) => got.push(f[0]);
    ta.send(Uint8Array.of(9));
    expect(got).toEqual([7, 8, 9]);
  });
  it('a closed transport neither sends nor delivers', () => {
    const { a, b, open } = channelPair();
    open();
    const ta = dataChannelTransport(a), tb = dataChannelTransport(b);
    const got: number[] = [];
    tb.onmessage = (f) => got.push(f[0]);
    tb.close();
    ta.send(Uint8Array.of(1));
    expect(got).toEqual([]);
  });
});
