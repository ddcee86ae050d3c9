// Message transports for sessions: an ordered in-memory pipe (tests, same-process peers) and an
// adapter for W3C RTCDataChannel objects (the browser's, and node-datachannel's polyfill). A
// transport carries whole frames in order; DTLS below it authenticates the certificate whose
// fingerprint the session compares (docs/THREAT-MODEL.md "Sessions").

/** An ordered, reliable channel of binary frames. */
export interface Transport {
  send(frame: Uint8Array): void;
  /** Set by the session; called with each received frame, in order. */
  onmessage: ((frame: Uint8Array) => void) | null;
  /** Set by the session; called once when the channel closes. */
  onclose: (() => void) | null;
  close(): void;
  /** Bytes accepted by `send` and not yet on the network (absent: the transport never holds back). */
  readonly bufferedAmount?: number;
  /** Set by the session (file transfers); called when `bufferedAmount` fell below the low-water mark. */
  onbufferedamountlow?: (() => void) | null;
  /** The largest frame the peer accepts (the negotiated max-message-size); absent: MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

/**
 * Two connected in-memory transports. Delivery is asynchronous (a macrotask) and ordered.
 * @returns [left, right]
 * @example const [a, b] = memoryPipe()
 */
export function memoryPipe(): [Transport, Transport] {
  const make = (): Transport & { peer?: Transport & { closed: boolean }; closed: boolean } => ({
    onmessage: null, onclose: null, closed: false,
    send(frame) {
      if (this.closed) return;
      const peer = this.peer!;
      const copy = frame.slice();
      setTimeout(() => { if (!peer.closed) peer.onmessage?.(copy); }, 0);
    },
    close() {
      if (this.closed) return;
      const peer = this.peer!;
      this.closed = true;
      setTimeout(() => { this.onclose?.(); if (!peer.closed) { peer.closed = true; peer.onclose?.(); } }, 0);
    },
  });
  const a = make(), b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The part of RTCDataChannel the adapter uses (browser and node-datachannel polyfill alike). */
export interface DataChannelLike {
  binaryType: string;
  readyState: string;
  /** Bytes queued in the channel; when present, the adapter applies backpressure. */
  bufferedAmount?: number;
  bufferedAmountLowThreshold?: number;
  send(data: ArrayBufferView | ArrayBuffer): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
}

/** Frames wait in the adapter while the channel holds more than this. */
const HIGH_WATER = 1 << 20;
const LOW_WATER = 256 * 1024;
/** Without a "bufferedamountlow" event, the adapter looks again after this long. */
const POLL_MS = 10;

/**
 * Wraps an RTCDataChannel as a Transport. Text frames (strings) are passed on as empty frames,
 * which the session rejects as `truncated`: keyprint never sends text frames. Nothing is dropped
 * for being early: frames sent while the channel is still "connecting" wait for "open", and frames
 * received before `onmessage` is set wait for the handler, in order.
 * @param channel an RTCDataChannel ("connecting" or "open")
 * @param options `maxMessageBytes`: the negotiated max-message-size (browser: `pc.sctp.maxMessageSize`)
 * @returns the transport
 * @example const transport = dataChannelTransport(pc.createDataChannel('keyprint'), { maxMessageBytes: pc.sctp?.maxMessageSize })
 */
export function dataChannelTransport(channel: DataChannelLike, options: { maxMessageBytes?: number } = {}): Transport {
  channel.binaryType = 'arraybuffer';
  let closed = false;
  // Backpressure (as the notes' throughput tests): send while the channel's buffer is under the
  // high-water mark, queue the rest in order, resume on "bufferedamountlow" — with a short poll as
  // a fallback, so a missing event can delay the queue but never stall it.
  const queue: Uint8Array[] = [];
  let queued = 0;
  let poll: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    poll = undefined;
    while (queue.length > 0 && !closed && channel.readyState === 'open') {
      if (typeof channel.bufferedAmount === 'number' && channel.bufferedAmount > HIGH_WATER) {
        poll = setTimeout(flush, POLL_MS);
        return;
      }
      const frame = queue.shift()!;
      queued -= frame.length;
      channel.send(frame);
    }
  };
  if (typeof channel.bufferedAmount === 'number') {
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.addEventListener('bufferedamountlow', () => {
      if (poll !== undefined) { clearTimeout(poll); flush(); }
      if (queue.length === 0) t.onbufferedamountlow?.();
    });
  }
  channel.addEventListener('open', () => { if (poll === undefined) flush(); });
  // Frames that arrive before the session has attached its handler.
  const early: Uint8Array[] = [];
  let handler: ((frame: Uint8Array) => void) | null = null;
  const t: Transport = {
    get onmessage() { return handler; },
    set onmessage(fn) {
      handler = fn;
      while (handler && early.length > 0) handler(early.shift()!);
    },
    onclose: null,
    onbufferedamountlow: null,
    get bufferedAmount() { return queued + (channel.bufferedAmount ?? 0); },
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    send(frame) {
      if (closed || (channel.readyState !== 'open' && channel.readyState !== 'connecting')) return;
      queue.push(frame);
      queued += frame.length;
      if (poll === undefined) flush();
    },
    close() {
      if (closed) return;
      closed = true;
      if (poll !== undefined) clearTimeout(poll);
      channel.close();
      t.onclose?.();
    },
  };
  channel.addEventListener('message', (event) => {
    if (closed) return;
    const d = event.data;
    const frame = d instanceof ArrayBuffer ? new Uint8Array(d)
      : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice()
        : new Uint8Array(0);
    if (handler) handler(frame);
    else early.push(frame);
  });
  channel.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    if (poll !== undefined) clearTimeout(poll);
    t.onclose?.();
  });
  return t;
}
