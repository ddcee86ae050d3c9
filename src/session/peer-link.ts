// One WebRTC connection attempt over the W3C RTCPeerConnection API — the browser's, and
// node-datachannel's polyfill in Node — signalled only by the compact texts of signaling.ts: make
// an invitation or answer one, take the answer, wait for the data channel with a deadline. When it
// fails, this is where what failed is decided, once for both apps (docs/PROTOCOL.md "Connection
// failures"): ICE never connected (no network path: a TURN server is the way out), ICE connected
// but the connection still failed (DTLS: the certificate did not match the fingerprint in the
// texts — a text changed on the way), a connection that dropped after it opened, a deadline.
// Browser-safe: no Node built-ins; the app creates the RTCPeerConnection (its configuration, in
// Node its bind address) and hands it over.

import { KeyprintError } from '../errors.js';
import type { DataChannelLike } from './transport.js';
import { compactFromSdp, dtlsFingerprintFromSdp, encodeSignal, readSignal, sdpFromCompact, type CompactDescription } from './signaling.js';

/** The part of RTCPeerConnection used here (the browser's and node-datachannel's polyfill alike). */
export interface PeerConnectionLike {
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  readonly signalingState: string;
  readonly localDescription: { sdp: string } | null;
  /** The SCTP transport, once negotiated: its max-message-size picks the file chunk size (transfer.ts). */
  readonly sctp?: { readonly maxMessageSize: number } | null;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<unknown>;
  createAnswer(): Promise<unknown>;
  setLocalDescription(description?: unknown): Promise<void>;
  setRemoteDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  addIceCandidate(candidate: { candidate: string; sdpMid: string }): Promise<void>;
  addEventListener(type: string, listener: (event: never) => void): void;
  close(): void;
}

/**
 * Why a connection attempt failed: `no-candidates` (no network address to offer), `no-relay`
 * (relay-only and the TURN server gave none), `no-path` (ICE found no path), `handshake` (ICE
 * connected, the secure handshake did not: a changed text), `dropped` (lost after it opened),
 * `timeout`, `closed` (given up here).
 */
export type LinkFailure = 'no-candidates' | 'no-relay' | 'no-path' | 'handshake' | 'dropped' | 'timeout' | 'closed';

/** A connection attempt that failed; `code` is the LinkFailure, the message says it for a person. */
export class LinkError extends KeyprintError {
  declare readonly code: LinkFailure;
  constructor(code: LinkFailure, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export interface PeerLinkOptions {
  /** How long to collect candidates; afterwards what was gathered is used. */
  gatherTimeoutMs: number;
  relayOnly?: boolean;
  /** The TURN servers configured (named when relay-only gets no relay address). */
  turnServers?: readonly string[];
  /** The app's way to configure a server: `add a TURN server in Settings` / `use --ice with a TURN server`. */
  turnHint: string;
  /** The local address candidates are gathered on, when the app restricts it (named when there are none). */
  bindAddress?: string;
  /** How long a "disconnected" open connection may stay so before it counts as dropped (ICE consent, RFC 7675 §5.1). */
  disconnectedGraceMs?: number;
}

const DISCONNECTED_GRACE_MS = 10_000;
const seconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

/**
 * One peer connection, initiator or responder.
 * @example
 * const link = new PeerLink(new RTCPeerConnection(config), { gatherTimeoutMs: 5000, turnHint: 'add a TURN server in Settings' })
 * const invitation = await link.invite(); // … the answer comes back
 * await link.accept(answerText); const dc = await link.waitChannel(30_000)
 */
export class PeerLink {
  readonly pc: PeerConnectionLike;
  readonly #o: PeerLinkOptions;
  role: 'initiator' | 'responder' | undefined;
  /** SHA-256 of the peer's DTLS certificate, from its text (what the session binds to, PROTOCOL.md). */
  peerFingerprint: Uint8Array | undefined;
  /** Called once when the connection fails or drops after the channel opened. */
  onfailure: ((e: LinkError) => void) | null = null;
  #channel: Promise<DataChannelLike>;
  #resolve!: (dc: DataChannelLike) => void;
  #reject!: (e: LinkError) => void;
  #open = false;
  #iceConnected = false;
  #failed = false;
  #closed = false;
  #grace: ReturnType<typeof setTimeout> | undefined;

  constructor(pc: PeerConnectionLike, options: PeerLinkOptions) {
    this.pc = pc;
    this.#o = options;
    this.#channel = new Promise((resolve, reject) => { this.#resolve = resolve; this.#reject = reject; });
    this.#channel.catch(() => undefined); // observed by waitChannel; never an unhandled rejection
    const onState = () => this.#onState();
    pc.addEventListener('connectionstatechange', onState);
    pc.addEventListener('iceconnectionstatechange', onState);
  }

  /** Initiator: gathers candidates and returns the invitation (offer) text. */
  async invite(): Promise<string> {
    this.role = 'initiator';
    const dc = this.pc.createDataChannel('keyprint') as DataChannelLike;
    dc.addEventListener('open', () => this.#opened(dc));
    const offer = await this.pc.createOffer();
    // A browser applies the offer it made; node-datachannel has negotiated it already.
    if (this.pc.signalingState === 'stable') await this.pc.setLocalDescription(offer);
    await this.#gathered();
    return this.#localSignal('offer');
  }

  /**
   * Responder: takes the invitation and returns the answer text.
   * @throws SessionError `signaling` (the text, in a person's words); LinkError `no-candidates`, `no-relay`
   */
  async answer(invitation: string | CompactDescription): Promise<string> {
    const offer = typeof invitation === 'string' ? readSignal(invitation, 'offer') : invitation;
    this.role = 'responder';
    this.peerFingerprint = offer.fingerprint;
    this.pc.addEventListener('datachannel', (e: { channel: DataChannelLike }) => {
      const dc = e.channel;
      if (dc.readyState === 'open') this.#opened(dc);
      else dc.addEventListener('open', () => this.#opened(dc));
    });
    const candidates = await this.#setRemote(offer);
    const answer = await this.pc.createAnswer();
    if (this.pc.signalingState === 'have-remote-offer') await this.pc.setLocalDescription(answer);
    await this.#addCandidates(candidates);
    await this.#gathered();
    return this.#localSignal('answer');
  }

  /**
   * Initiator: takes the answer text.
   * @throws SessionError `signaling`
   */
  async accept(answerText: string | CompactDescription): Promise<void> {
    const answer = typeof answerText === 'string' ? readSignal(answerText, 'answer') : answerText;
    this.peerFingerprint = answer.fingerprint;
    await this.#addCandidates(await this.#setRemote(answer));
  }

  /**
   * Waits for the data channel to open.
   * @param timeoutMs the deadline
   * @throws LinkError `timeout`, `no-path`, `handshake`, `dropped`, `closed`
   */
  async waitChannel(timeoutMs: number): Promise<DataChannelLike> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LinkError('timeout', this.role === 'responder'
        ? `No connection within ${seconds(timeoutMs)}: your contact has not used your answer, or the two devices have no network path to each other (${this.#o.turnHint}). Start over with a new invitation.`
        : `No connection within ${seconds(timeoutMs)} of the answer: your contact may have left, or the two devices have no network path to each other (${this.#o.turnHint}). Start over.`)), timeoutMs);
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

  /** Gives the attempt up (a waitChannel rejects with `closed`); nothing is reported. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#grace);
    this.#reject(new LinkError('closed', 'The connection attempt was given up.'));
    try { this.pc.close(); } catch { /* already closed by the native side */ }
  }

  // ---- what failed ------------------------------------------------------------------------------

  #onState(): void {
    const cs = this.pc.connectionState, ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') this.#iceConnected = true;
    if (cs === 'connected' && this.#grace) { clearTimeout(this.#grace); this.#grace = undefined; }
    // libdatachannel closes the connection itself where a browser says "failed" (a DTLS failure
    // included); closed by us, it is no failure.
    if (cs === 'failed' || ice === 'failed' || (cs === 'closed' && !this.#closed)) {
      // ICE checks succeeded and the connection still failed: DTLS, whose certificate must match the
      // fingerprint the other side's text announced (RFC 8122 §5), refused it.
      if (this.#open) this.#fail('dropped', 'The connection dropped: the other side left, or the network between you went away. Start over to reconnect.');
      else if (this.#iceConnected && cs === 'closed') {
        // libdatachannel closes on a DTLS failure and on the other side closing alike: both are said.
        this.#fail('handshake', 'The secure connection could not be set up: the other side closed it during the handshake, or a text was changed on the way. Start over and exchange the texts again, directly.');
      } else if (this.#iceConnected) {
        this.#fail('handshake', this.role === 'initiator'
          ? 'The secure connection could not be set up: the answer may have been changed on the way. Get it again from your contact, directly, and start over.'
          : 'The secure connection could not be set up: the invitation or your answer may have been changed on the way. Start over and exchange them again, directly.');
      } else {
        this.#fail('no-path', `No network path between the two devices: they could not reach each other. If you are on different networks, ${this.#o.turnHint}, then start over.`);
      }
      return;
    }
    if (this.#open && (cs === 'disconnected' || ice === 'disconnected') && !this.#grace) {
      const grace = this.#o.disconnectedGraceMs ?? DISCONNECTED_GRACE_MS;
      this.#grace = setTimeout(() => this.#fail('dropped', `The connection dropped and did not come back within ${seconds(grace)}: the other side left, or the network between you went away. Start over to reconnect.`), grace);
      (this.#grace as { unref?: () => void }).unref?.();
    }
  }

  #opened(dc: DataChannelLike): void {
    this.#open = true;
    this.#resolve(dc);
  }

  #fail(code: LinkFailure, message: string): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    const e = new LinkError(code, message);
    this.#reject(e);
    if (this.#open) this.onfailure?.(e);
  }

  // ---- texts and candidates -----------------------------------------------------------------------

  #localSignal(type: 'offer' | 'answer'): string {
    const d = compactFromSdp(type, this.pc.localDescription!.sdp);
    if (this.#o.relayOnly && !d.candidates.some((c) => c.type === 'relay')) {
      const servers = this.#o.turnServers?.length ? this.#o.turnServers.join(', ') : 'the TURN server';
      throw new LinkError('no-relay', `Relay only, and no relay address came from ${servers} within ${seconds(this.#o.gatherTimeoutMs)}: it did not answer, or refused the credentials. Check its address and credentials, or allow direct connections.`);
    }
    if (d.candidates.length === 0) {
      throw new LinkError('no-candidates', `This device found no network address to offer${this.#o.bindAddress ? ` on ${this.#o.bindAddress}` : ''}: check that it is connected to a network.`);
    }
    return encodeSignal(d);
  }

  /**
   * Sets the remote description without its candidates and returns them, to be added afterwards
   * (for the answerer, after its local description): libdatachannel sometimes throws "Got a remote
   * candidate without ICE transport" when candidates arrive before its ICE transport exists
   * (toolchain notes §3); a browser takes them either way.
   */
  async #setRemote(d: CompactDescription): Promise<string[]> {
    const { type, sdp } = sdpFromCompact(d);
    const lines = sdp.split('\r\n');
    await this.pc.setRemoteDescription({ type, sdp: lines.filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates').join('\r\n') });
    return lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2));
  }

  /** Adds remote candidates; while libdatachannel's ICE transport is still being created (a thread), retries for up to 2 s. */
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
            // the answer is applied. Nothing can revive it; a new invitation works.
            throw new LinkError('closed', `The connection closed while the other side's text was applied (connection ${this.pc.connectionState}, ICE ${this.pc.iceConnectionState}: ${(e as Error).message}). Start over with a new invitation.`, { cause: e });
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
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
