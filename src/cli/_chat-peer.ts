// One WebRTC connection attempt for `keyprint chat`, in Node: node-datachannel (libdatachannel)
// behind its W3C polyfill, signalled only through the compact offer/answer texts of
// src/session/signaling.ts — byte-compatible with the web app (web/lib/connection.svelte.ts), which
// builds its texts the same way. Every wait has a deadline: ICE gathering (a silent TURN server
// would otherwise keep libdatachannel gathering forever), the data channel opening, and a
// connection that drops ("disconnected" for longer than a grace period ends it).

import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { KeyprintError } from '../errors.js';
import {
  compactFromSdp, decodeSignal, dtlsFingerprintFromSdp, encodeSignal, libdatachannelIceConfiguration, sdpFromCompact,
  SessionError, type CompactDescription, type DataChannelLike, type IceConfig,
} from '../session/index.js';

/** A connection attempt that failed: `signal` (bad text), `ice-gather`, `connect-timeout`, `connection-failed`. */
export class ChatError extends KeyprintError {}

export interface PeerOptions {
  ice: IceConfig;
  /** Gather and connect on this local address only (e.g. 127.0.0.1); default: every interface. */
  bindAddress?: string;
  gatherTimeoutMs: number;
}

/** How long a "disconnected" connection may stay so before it counts as closed (ICE consent, RFC 7675 §5.1). */
const DISCONNECTED_GRACE_MS = 10_000;

/**
 * Parses a signal text the user pasted, expecting an offer or an answer.
 * @throws ChatError `signal` with a message that says what the text was instead
 */
export function parseSignal(text: string, expected: 'offer' | 'answer'): CompactDescription {
  let d: CompactDescription;
  try {
    d = decodeSignal(text.trim());
  } catch (e) {
    const reason = e instanceof SessionError ? e.message : String(e);
    throw new ChatError('signal', `that is not a keyprint ${expected} text (${reason}); paste the whole text the other side shows`, { cause: e });
  }
  if (d.type !== expected) {
    throw new ChatError('signal', expected === 'offer'
      ? 'that is an answer, not an invite: paste the invite the other side created first'
      : 'that is an invite, not an answer: paste the answer the other side sent back');
  }
  return d;
}

/** One peer connection: make or take an offer, then wait for the data channel. */
export class ChatPeer {
  readonly pc: RTCPeerConnection;
  readonly #o: PeerOptions;
  #channel: Promise<DataChannelLike>;
  #resolveChannel!: (dc: DataChannelLike) => void;
  #rejectChannel!: (e: Error) => void;
  #closed = false;
  #grace?: NodeJS.Timeout;
  /** SHA-256 of the peer's DTLS certificate, from its signal (as the web app takes it). */
  peerFingerprint?: Uint8Array;
  /** Called once if the connection fails or drops after it opened. */
  onfailed: ((e: ChatError) => void) | null = null;

  constructor(options: PeerOptions) {
    this.#o = options;
    const native = new nodeDataChannel.PeerConnection('keyprint-chat', {
      ...libdatachannelIceConfiguration(options.ice),
      ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
      enableIceTcp: false,
    });
    this.pc = new RTCPeerConnection({ peerConnection: native } as never);
    this.#channel = new Promise((resolve, reject) => { this.#resolveChannel = resolve; this.#rejectChannel = reject; });
    this.#channel.catch(() => undefined); // observed by waitChannel; never an unhandled rejection
    this.pc.addEventListener('connectionstatechange', () => this.#onState());
  }

  #onState(): void {
    const s = this.pc.connectionState;
    if (s === 'connected' && this.#grace) { clearTimeout(this.#grace); this.#grace = undefined; }
    if (s === 'disconnected' && !this.#grace) {
      this.#grace = setTimeout(() => this.#failed(`the connection dropped and did not come back within ${DISCONNECTED_GRACE_MS / 1000} s`), DISCONNECTED_GRACE_MS);
      this.#grace.unref();
    }
    if (s === 'failed') this.#failed('the connection failed: no network path between the two devices (behind a NAT? use --ice with a TURN server)');
  }

  #failed(message: string): void {
    if (this.#closed) return;
    const e = new ChatError('connection-failed', message);
    this.#rejectChannel(e);
    this.onfailed?.(e);
  }

  /** Initiator: gathers candidates and returns the invite (offer) text. */
  async invite(): Promise<string> {
    const dc = this.pc.createDataChannel('keyprint') as unknown as DataChannelLike;
    dc.addEventListener('open', () => this.#resolveChannel(dc));
    // node-datachannel negotiates as soon as the channel exists; createOffer returns that description.
    await this.pc.createOffer();
    await this.#gathered();
    return this.#localSignal('offer');
  }

  /** Responder: applies the invite and returns the answer text. */
  async answer(offer: CompactDescription): Promise<string> {
    this.peerFingerprint = offer.fingerprint;
    this.pc.ondatachannel = (e) => {
      const dc = e.channel as unknown as DataChannelLike;
      if (dc.readyState === 'open') this.#resolveChannel(dc);
      else dc.addEventListener('open', () => this.#resolveChannel(dc));
    };
    const candidates = await this.#setRemote(offer);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.#addCandidates(candidates);
    await this.#gathered();
    return this.#localSignal('answer');
  }

  /** Initiator: applies the answer. */
  async accept(answer: CompactDescription): Promise<void> {
    this.peerFingerprint = answer.fingerprint;
    await this.#addCandidates(await this.#setRemote(answer));
  }

  /**
   * Waits for the data channel to open.
   * @throws ChatError `connect-timeout`, `connection-failed`
   */
  async waitChannel(timeoutMs: number): Promise<DataChannelLike> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ChatError('connect-timeout',
        `no connection within ${Math.round(timeoutMs / 1000)} s: the invite may have expired or the other side left, or there is no network path (try --ice with a TURN server)`)), timeoutMs);
    });
    try {
      return await Promise.race([this.#channel, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SHA-256 of our DTLS certificate (our SDP's fingerprint). */
  localFingerprint(): Uint8Array {
    return dtlsFingerprintFromSdp(this.pc.localDescription!.sdp);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#grace);
    this.#rejectChannel(new ChatError('closed', 'the connection was closed'));
    try { this.pc.close(); } catch { /* already closed by the native side */ }
  }

  /**
   * Sets the remote description without its candidates and returns them, to be added afterwards
   * (for the answerer, after its local description): libdatachannel 0.24.5 sometimes throws "Got a
   * remote candidate without ICE transport" when candidates arrive before its ICE transport exists
   * (toolchain notes §3).
   */
  async #setRemote(d: CompactDescription): Promise<string[]> {
    const { type, sdp } = sdpFromCompact(d);
    const lines = sdp.split('\r\n');
    await this.pc.setRemoteDescription({ type, sdp: lines.filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates').join('\r\n') });
    return lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2));
  }

  /** Adds remote candidates; while the ICE transport is still being created (a thread), retries for up to 2 s. */
  async #addCandidates(candidates: string[]): Promise<void> {
    const deadline = Date.now() + 2_000;
    for (const candidate of candidates) {
      for (;;) {
        try {
          await this.pc.addIceCandidate({ candidate, sdpMid: '0' });
          break;
        } catch (e) {
          if (!/without ICE transport/.test(String((e as Error).message)) || Date.now() > deadline || this.pc.connectionState === 'closed') {
            // Seen under heavy load with libdatachannel 0.24.5: the connection closes itself while
            // the answer is applied. Nothing can revive it; a new invite works.
            throw new ChatError('connection-failed', `the WebRTC connection closed while the other side's text was applied (connection ${this.pc.connectionState}, ICE ${this.pc.iceConnectionState}: ${(e as Error).message}); type /invite to try again`, { cause: e });
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }

  #localSignal(type: 'offer' | 'answer'): string {
    const d = compactFromSdp(type, this.pc.localDescription!.sdp);
    if (this.#o.ice.relayOnly && !d.candidates.some((c) => c.type === 'relay')) {
      throw new ChatError('ice-gather', `relay-only: no relay candidate from ${this.#turnNames()}: the TURN server did not answer, or refused the credentials`);
    }
    if (d.candidates.length === 0) {
      throw new ChatError('ice-gather', `no ICE candidate on ${this.#o.bindAddress ?? 'any interface'}: no usable network interface${this.#o.ice.servers.length ? ' and no answer from the STUN/TURN servers' : ''}`);
    }
    return encodeSignal(d);
  }

  #turnNames(): string {
    return this.#o.ice.servers.filter((s) => !s.url.startsWith('stun:')).map((s) => s.url).join(', ') || 'the TURN servers';
  }

  /** ICE gathering, with a deadline: afterwards, what was gathered so far is used. */
  #gathered(): Promise<void> {
    return new Promise((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const t = setTimeout(resolve, this.#o.gatherTimeoutMs);
      this.pc.addEventListener('icegatheringstatechange', () => {
        if (this.pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
  }
}
