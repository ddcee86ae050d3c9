// One direct connection to one peer: WebRTC data channel with copy-paste compact signaling
// (keyprint/session signaling.ts), then the keyprint session (Session: committed handshake, SAS,
// confirm, encrypted messages with delivery status). No server: the offer and answer travel as
// ~100-character texts the users copy between them. ICE: the servers set in Settings (default none: host candidates only).
import {
  MemoryOutbox, Session, compactFromSdp, dataChannelTransport, decodeSignal, dtlsFingerprintFromSdp, encodeSignal,
  sdpFromCompact, type DataChannelLike, type SessionDriverEvent, type Role,
} from 'keyprint/session';
import { sasDecimal, sasEmoji, sasWords, type SasEmoji } from 'keyprint/sas';
import type { IdentityState } from './identity.svelte.js';
import type { ContactsState } from './contacts.svelte.js';
import type { SettingsState } from './settings.svelte.js';

export type ConnectionPhase = 'idle' | 'preparing' | 'offered' | 'answered' | 'connecting' | 'sas' | 'confirmed' | 'cancelled';

export interface ChatMessage {
  key: string;
  from: 'me' | 'them';
  text: string;
  at: number;
  status?: 'queued' | 'sent' | 'delivered' | 'failed';
}

const GATHER_TIMEOUT_MS = 5_000;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const CANCEL_TEXT: Record<string, string> = {
  'sas-mismatch': 'The codes did not match. The connection was closed: someone may be in the middle.',
  user: 'The connection was cancelled.',
  timeout: 'The other side did not answer in time.',
  closed: 'The connection closed.',
  'dtls-mismatch': 'The connection is not the one the texts described: someone may be in the middle.',
};

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, GATHER_TIMEOUT_MS); // use what was gathered so far
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

/** The live connection; the Connect and Chat screens render it. */
export class ConnectionState {
  phase = $state<ConnectionPhase>('idle');
  role = $state<Role | null>(null);
  /** Our offer or answer, for the user to copy to the other side. */
  localSignal = $state('');
  error = $state<string | null>(null);
  sas = $state.raw<{ emoji: SasEmoji[]; words: string[]; decimal: [number, number, number] } | null>(null);
  peer = $state.raw<{ displayName: string; did: string } | null>(null);
  weConfirmed = $state(false);
  theyConfirmed = $state(false);
  recognized = $state(false);
  keyChanged = $state(false);
  cancelReason = $state<string | null>(null);
  messages = $state<ChatMessage[]>([]);

  /** Messages wait here until acknowledged (in memory: a reload forgets unsent messages). */
  readonly outbox = new MemoryOutbox();
  #pc: RTCPeerConnection | null = null;
  #session: Session | null = null;
  #peerFingerprint: Uint8Array | null = null;

  readonly identity: IdentityState;
  readonly contacts: ContactsState;
  readonly settings: SettingsState;

  constructor(identity: IdentityState, contacts: ContactsState, settings: SettingsState) {
    this.identity = identity;
    this.contacts = contacts;
    this.settings = settings;
    // A session signs and decrypts with the identity key: locking ends the connection first.
    identity.onBeforeLock(() => this.reset());
  }

  #fail(e: unknown): void {
    this.error = (e as Error).message ?? String(e);
  }

  #newPc(): RTCPeerConnection {
    this.close();
    this.error = null;
    this.cancelReason = null;
    this.sas = null;
    this.peer = null;
    this.weConfirmed = this.theyConfirmed = this.recognized = this.keyChanged = false;
    this.messages = [];
    const pc = new RTCPeerConnection(this.settings.rtcConfiguration());
    pc.addEventListener('connectionstatechange', () => {
      if (pc === this.#pc && pc.connectionState === 'failed') this.#fail(new Error('The direct connection failed (no network path between the two devices).'));
    });
    this.#pc = pc;
    return pc;
  }

  #startSession(role: Role, dc: RTCDataChannel): void {
    const pc = this.#pc!;
    const identity = this.identity.keyPair;
    const profile = this.identity.profile;
    if (!identity || !profile || !this.#peerFingerprint) throw new Error('Unlock your identity first.');
    const session = new Session({
      role, identity, bundle: profile.bundleBytes,
      localDtlsFingerprint: dtlsFingerprintFromSdp(pc.localDescription!.sdp),
      expectedPeerDtlsFingerprint: this.#peerFingerprint,
      transport: dataChannelTransport(dc as unknown as DataChannelLike),
      contacts: this.contacts, outbox: this.outbox,
      onEvent: (e) => this.#onEvent(e),
      onError: (e) => this.#fail(e),
    });
    this.#session = session;
    this.phase = 'connecting';
    session.start().catch((e) => this.#fail(e));
  }

  #onEvent(e: SessionDriverEvent): void {
    switch (e.type) {
      case 'sasShown':
        this.sas = { emoji: sasEmoji(e.sas), words: sasWords(e.sas, 5), decimal: sasDecimal(e.sas) };
        this.peer = { displayName: e.peer.displayName, did: e.peer.did };
        this.phase = 'sas';
        break;
      case 'peerRecognized':
        this.recognized = true;
        break;
      case 'keyChanged':
        this.keyChanged = true;
        break;
      case 'peerConfirmed':
        this.theyConfirmed = true;
        break;
      case 'confirmed':
        this.peer = { displayName: e.peer.displayName, did: e.peer.did };
        this.phase = 'confirmed';
        break;
      case 'cancelled':
        this.phase = 'cancelled';
        this.cancelReason = CANCEL_TEXT[e.code] ?? `The connection was cancelled (${e.code}${e.by === 'them' ? ', by the other side' : ''}).`;
        break;
      case 'text':
        this.messages.push({ key: `in-${hex(e.id)}`, from: 'them', text: e.text, at: Date.now() });
        break;
      case 'status': {
        const m = this.messages.find((x) => x.key === `out-${hex(e.id)}`);
        if (m) m.status = e.status;
        break;
      }
    }
  }

  /** Initiator: make an offer text. */
  async createOffer(): Promise<void> {
    try {
      const pc = this.#newPc();
      this.role = 'initiator';
      this.phase = 'preparing';
      const dc = pc.createDataChannel('keyprint');
      dc.addEventListener('open', () => {
        try { this.#startSession('initiator', dc); } catch (e) { this.#fail(e); }
      });
      await pc.setLocalDescription();
      await gathered(pc);
      this.localSignal = encodeSignal(compactFromSdp('offer', pc.localDescription!.sdp));
      this.phase = 'offered';
    } catch (e) {
      this.phase = 'idle';
      this.#fail(e);
    }
  }

  /** Responder: take the other side's offer text and make an answer text. */
  async acceptOffer(text: string): Promise<void> {
    try {
      const offer = decodeSignal(text.trim());
      if (offer.type !== 'offer') throw new Error('That is an answer, not an offer. Paste the text the other side created first.');
      const pc = this.#newPc();
      this.role = 'responder';
      this.phase = 'preparing';
      this.#peerFingerprint = offer.fingerprint;
      pc.addEventListener('datachannel', (ev) => {
        try { this.#startSession('responder', ev.channel); } catch (e) { this.#fail(e); }
      });
      await pc.setRemoteDescription(sdpFromCompact(offer));
      await pc.setLocalDescription();
      await gathered(pc);
      this.localSignal = encodeSignal(compactFromSdp('answer', pc.localDescription!.sdp));
      this.phase = 'answered';
    } catch (e) {
      this.phase = 'idle';
      this.#fail(e);
    }
  }

  /** Initiator: take the answer text. */
  async acceptAnswer(text: string): Promise<void> {
    try {
      const answer = decodeSignal(text.trim());
      if (answer.type !== 'answer') throw new Error('That is an offer, not an answer. Paste the text the other side sent back.');
      if (!this.#pc) throw new Error('Create an offer first.');
      this.#peerFingerprint = answer.fingerprint;
      this.error = null;
      this.phase = 'connecting';
      await this.#pc.setRemoteDescription(sdpFromCompact(answer));
    } catch (e) {
      this.#fail(e);
    }
  }

  async confirm(): Promise<void> {
    this.weConfirmed = true;
    await this.#session?.confirm().catch((e) => this.#fail(e));
  }

  async reject(): Promise<void> {
    await this.#session?.cancel('sas-mismatch').catch((e) => this.#fail(e));
  }

  async send(text: string): Promise<void> {
    const s = this.#session;
    if (!s || !text.trim()) return;
    try {
      const id = await s.sendText(text);
      const key = `out-${hex(id)}`;
      if (!this.messages.some((m) => m.key === key)) this.messages.push({ key, from: 'me', text, at: Date.now(), status: 'sent' });
    } catch (e) {
      this.#fail(e);
    }
  }

  close(): void {
    this.#session?.close();
    this.#session = null;
    this.#pc?.close();
    this.#pc = null;
    this.#peerFingerprint = null;
  }

  reset(): void {
    this.close();
    this.phase = 'idle';
    this.role = null;
    this.localSignal = '';
    this.error = null;
    this.sas = null;
  }
}
