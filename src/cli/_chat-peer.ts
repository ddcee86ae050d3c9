// One WebRTC connection attempt for `keyprint chat`, in Node: node-datachannel (libdatachannel)
// behind its W3C polyfill, driven by the session layer's PeerLink (src/session/peer-link.ts) —
// the same texts, deadlines and failure causes as the web app, which drives the browser's
// RTCPeerConnection with it. This file only makes the native connection: the ICE servers, and the
// local address to bind to.

import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { KeyprintError } from '../errors.js';
import { libdatachannelIceConfiguration, PeerLink, type IceConfig, type PeerConnectionLike } from '../session/index.js';

/** Chat failures that are not the connection's: `busy`, `invite-expired`, `not-connected`, `file`. */
export class ChatError extends KeyprintError {}

export interface PeerOptions {
  ice: IceConfig;
  /** Gather and connect on this local address only (e.g. 127.0.0.1); default: every interface. */
  bindAddress?: string;
  gatherTimeoutMs: number;
}

/** How the terminal adds a TURN server (the way out PeerLink's messages name). */
export const TURN_HINT = 'use --ice with a TURN server';

/**
 * A new connection attempt over node-datachannel.
 * @example const link = chatLink({ ice, gatherTimeoutMs: 10_000 }); const invite = await link.invite()
 */
export function chatLink(options: PeerOptions): PeerLink {
  const native = new nodeDataChannel.PeerConnection('keyprint-chat', {
    ...libdatachannelIceConfiguration(options.ice),
    ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
    enableIceTcp: false,
  });
  const pc = new RTCPeerConnection({ peerConnection: native } as never) as unknown as PeerConnectionLike;
  return new PeerLink(pc, {
    gatherTimeoutMs: options.gatherTimeoutMs, relayOnly: options.ice.relayOnly, bindAddress: options.bindAddress, turnHint: TURN_HINT,
    turnServers: options.ice.servers.filter((s) => !s.url.startsWith('stun:')).map((s) => s.url),
  });
}
