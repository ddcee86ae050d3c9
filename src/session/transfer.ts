// The file sub-protocol (docs/PROTOCOL.md "Files"): offers, consent, chunks with flow control,
// acknowledgements per window, resumption, and a SHA-256 of the whole file checked before it is
// shown. One `Transfers` per session, driven by the Session (session.ts): it seals through the
// session (so its frames keep the sequence order of every other frame) and reads and writes
// through the app's FileStore (file-store.ts). It holds no file in memory: at most a window of
// chunks is in flight, and a chunk is written before it is acknowledged. The receiving side of each
// file (order, window, writes, the SHA-256 check, the partial file) is a Reassembly (reassembly.ts);
// the sending side and the sub-protocol's decisions (consent, acks, records, cancels) are here.
//
//   sender                                        receiver
//   file-offer(id, size, chunkBytes, name, mime) ─▶ (nothing written yet: asks, or accepts below the
//                                                    auto-accept size; resumes a partial file)
//                                ◀─ file-accept(from)   or   ◀─ file-cancel(declined)
//   file-chunk(from) … file-chunk(n−1) ───────────▶ writes, hashes in order
//                                ◀─ file-ack(next)   every ACK_BYTES written
//   file-end(SHA-256 of the whole file) ───────────▶ compares: ack(id) ✓ / file-cancel(damaged)
//   either side, any time: file-cancel(cancelled | failed)

import { sha256, type Sha2Hash } from '../core/index.js';
import { toHex } from './_bytes.js';
import type { CancelCode } from './errors.js';
import { memorySource, type FileContent, type FileSource, type FileStore, type IncomingRecord } from './file-store.js';
import { CHUNK_PAD, CHUNK_SIZES, MAX_MESSAGE_BYTES, TAG_BYTES } from './messages.js';
import { chunkCount, type FileCancelReason, type FilePayload } from './ratchet.js';
import { HASH_STEP, MAX_UNACKED_BYTES, Reassembly, type Wanted } from './reassembly.js';
import type { Transport } from './transport.js';

/** A sender keeps at most this much file data unacknowledged, all its transfers together. */
export const WINDOW_BYTES = 8 * 1024 * 1024;
/**
 * …and at most what the receiver acknowledges in this long (at least MIN_WINDOW_BYTES): the window
 * follows the measured rate, so a text sealed behind the window waits about this long at most,
 * on a fast link or a slow one.
 */
const WINDOW_SECONDS = 0.5;
export const MIN_WINDOW_BYTES = 1024 * 1024;
/** A receiver acknowledges every this many bytes written. */
export const ACK_BYTES = 256 * 1024;
export { MAX_UNACKED_BYTES };
/** Chunks are sealed only while the transport holds less than this, so a text typed meanwhile waits behind at most this much. */
export const SEND_HIGH_WATER = 1024 * 1024;
/** Chunks read from the source and sealed at once (their encryptions run concurrently). */
const BATCH_BYTES = 256 * 1024;
/** Progress is reported at most this often per transfer (and on every change of state). */
const PROGRESS_MS = 200;
/** When the transport does not say it drained, look again after this long. */
const DRAIN_POLL_MS = 10;

/**
 * The chunk size for a channel: the largest of CHUNK_SIZES whose data frame (10-byte header,
 * padded plaintext, 16-byte tag) fits the negotiated max-message-size.
 * @example chunkBytesFor(262144) // 65536
 */
export function chunkBytesFor(maxMessageBytes: number): number {
  const fit = CHUNK_SIZES.filter((c) => 10 + c + CHUNK_PAD + TAG_BYTES <= maxMessageBytes);
  return fit.length > 0 ? fit[fit.length - 1] : CHUNK_SIZES[0];
}

export type TransferState =
  /** out: offered, waiting for their answer */
  | 'offered'
  /** in: waiting for the user's answer */
  | 'asking'
  | 'running'
  /** the connection ended: resumes on the next one with the same peer */
  | 'paused'
  /** in: all bytes written, checking the SHA-256 */
  | 'verifying'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** Why a transfer ended without the file. */
export type TransferEndReason = 'declined' | 'cancelled' | 'damaged' | 'unreadable' | 'unwritable' | 'changed' | 'failed';

/** A transfer as the apps show it. */
export interface TransferView {
  /** Message id, hex. */
  id: string;
  peer: string;
  direction: 'in' | 'out';
  name: string;
  mime: string;
  size: number;
  state: TransferState;
  /** Bytes acknowledged by the receiver (out) or written (in). */
  bytes: number;
  /** Bytes per second over the last seconds (0 until measured). */
  rate: number;
  /** Seconds left at that rate (absent until measured). */
  eta?: number;
  /** This connection resumed the transfer: the bytes not sent again. */
  resumedFrom?: number;
  /** For `declined`, `cancelled`, `failed`: who ended it, why, and the underlying message if any. */
  end?: { by: 'us' | 'them'; reason: TransferEndReason; detail?: string };
}

/** What the Transfers report to the session. */
export type TransferEvent =
  /** An incoming offer: `ask` — the user decides (acceptFile / declineFile); else accepted already. */
  | { type: 'offer'; id: string; peer: string; name: string; mime: string; size: number; ask: boolean }
  | { type: 'transfer'; transfer: TransferView }
  /** A received file, whole and verified, at `location` (FileSink.complete). */
  | { type: 'received'; id: string; peer: string; name: string; mime: string; size: number; location: string };

/** An offer as the receiver decides on it. */
export interface IncomingOffer { peer: string; id: string; name: string; mime: string; size: number }

/** What the Transfers need from their session. */
export interface TransferHost {
  readonly peer: string;
  readonly files: FileStore;
  readonly transport: Transport;
  clock(): number;
  /** Seals payloads in order and hands their frames to the transport; resolves once they are handed over. */
  seal(payloads: Array<FilePayload | { kind: 'ack'; id: Uint8Array }>): Promise<void>;
  /** The peer broke the sub-protocol: the session is cancelled with `code`. */
  violation(code: CancelCode, message: string): void;
  /** Accept an offer at once, or ask the user. */
  decide(offer: IncomingOffer): 'accept' | 'ask';
  /** An outgoing file ended undelivered (declined, cancelled, failed): its outbox entry fails. */
  failed(id: Uint8Array): void;
  emit(e: TransferEvent): void;
  /** A store failed unexpectedly (the transfer is failed too). */
  error(e: unknown): void;
}

/** Bytes per second, smoothed. */
class RateMeter {
  #t0 = -1;
  #b0 = 0;
  rate = 0;
  sample(bytes: number, now: number): void {
    if (this.#t0 < 0) { this.#t0 = now; this.#b0 = bytes; return; }
    const dt = now - this.#t0;
    if (dt < 250) return;
    const r = ((bytes - this.#b0) * 1000) / dt;
    this.rate = this.rate > 0 ? 0.6 * this.rate + 0.4 * r : r;
    this.#t0 = now;
    this.#b0 = bytes;
  }
}

interface Common {
  key: string;
  id: Uint8Array;
  name: string;
  mime: string;
  size: number;
  chunkBytes: number;
  chunks: number;
  state: TransferState;
  meter: RateMeter;
  lastEmit: number;
  resumedFrom?: number;
  /** While an offer is decided, its events are collected here and reported in the offer's place. */
  held?: TransferEvent[];
}
interface Outgoing extends Common {
  hash: Sha2Hash;
  content: FileContent;
  source?: FileSource;
  /** Next chunk to send. */
  next: number;
  /** Chunks the receiver acknowledged. */
  acked: number;
  /** The file-end (with the SHA-256) is sealed. */
  endSent: boolean;
  /** The next bytes, read ahead while the current ones are sealed. */
  ahead?: { offset: number; data: Promise<Uint8Array> };
}
interface Incoming extends Common {
  /** The file being reassembled, once opened; our file-accept is sealed then, and chunks may come. */
  file?: Reassembly;
}

const TERMINAL = new Set<TransferState>(['done', 'declined', 'cancelled', 'failed']);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The file transfers of one session (both directions).
 * @example see session.ts: created with the session, started when it is confirmed, stopped when it ends
 */
export class Transfers {
  readonly #host: TransferHost;
  #live = false;
  readonly #out = new Map<string, Outgoing>();
  readonly #in = new Map<string, Incoming>();
  /** Transfers this side ended in this session: chunks still in flight for them are dropped. */
  readonly #ended = new Set<string>();
  #pumping = false;
  #wake: (() => void) | undefined;
  #turn = 0;
  /** Bytes acknowledged by the receiver, all transfers together, and their rate: the window follows it. */
  #ackedTotal = 0;
  readonly #ackRate = new RateMeter();

  constructor(host: TransferHost) {
    this.#host = host;
  }

  /** The session is confirmed: transfers may run. */
  start(): void {
    this.#live = true;
    this.#host.transport.onbufferedamountlow = () => this.#wake?.();
  }

  /** The session ended: every transfer pauses (partial files stay; the next session resumes them). */
  stop(): void {
    if (!this.#live && this.#out.size === 0 && this.#in.size === 0) return;
    this.#live = false;
    this.#wake?.();
    for (const t of this.#out.values()) {
      t.source?.close().catch(() => undefined);
      if (!TERMINAL.has(t.state)) this.#setState(t, 'out', 'paused');
    }
    for (const t of this.#in.values()) {
      t.file?.close();
      if (!TERMINAL.has(t.state)) this.#setState(t, 'in', 'paused');
    }
    this.#out.clear();
    this.#in.clear();
  }

  /**
   * Registers an outgoing file and returns its offer, which the caller seals in its place among
   * the messages (so the offer keeps the order in which it was sent).
   */
  offer(id: Uint8Array, content: FileContent): FilePayload {
    const chunkBytes = chunkBytesFor(this.#host.transport.maxMessageBytes ?? MAX_MESSAGE_BYTES);
    const t: Outgoing = {
      key: toHex(id), id: id.slice(), name: content.name, mime: content.mime, size: content.size, chunkBytes,
      chunks: chunkCount(content.size, chunkBytes), state: 'offered', hash: sha256.create(), meter: new RateMeter(), lastEmit: 0,
      content, next: 0, acked: 0, endSent: false,
    };
    this.#out.set(t.key, t);
    this.#ended.delete(t.key);
    this.#emitView(t, 'out');
    return { kind: 'file-offer', id: t.id, size: t.size, chunkBytes, name: t.name, mime: t.mime };
  }

  /** Whether this session knows the transfer (hex id). */
  has(id: string): boolean {
    return this.#out.has(id) || this.#in.has(id);
  }

  /**
   * Handles a payload of the sub-protocol, in the order the session decrypted it.
   * @returns for an offer, the events to report in its place among the messages (once decided)
   */
  receive(p: FilePayload): Promise<TransferEvent[]> | undefined {
    const k = toHex(p.id);
    switch (p.kind) {
      case 'file-offer': return this.#onOffer(k, p);
      case 'file-accept': this.#onAccept(k, p.from); break;
      case 'file-chunk': this.#onChunk(k, p.index, p.data); break;
      case 'file-ack': this.#onAck(k, p.next); break;
      case 'file-end': this.#onEnd(k, p.sha256); break;
      case 'file-cancel': this.#onCancel(k, p.reason); break;
    }
    return undefined;
  }

  /** The receiver acknowledged the whole file (its SHA-256 matched): delivered. */
  acked(id: Uint8Array): void {
    const t = this.#out.get(toHex(id));
    if (!t) return;
    this.#out.delete(t.key);
    t.acked = t.next = t.chunks;
    t.source?.close().catch(() => undefined);
    this.#host.files.release(t.content).catch((e) => this.#host.error(e));
    this.#setState(t, 'out', 'done');
  }

  /** The user accepts an offer (hex id). @returns false when this session has no such offer waiting */
  accept(id: string): boolean {
    const t = this.#in.get(id);
    if (!t || t.state !== 'asking') return false;
    t.state = 'running';
    this.#task(t, 'in', () => this.#acceptNew(t));
    return true;
  }

  /** The user declines an offer (hex id). @returns false when this session has no such offer waiting */
  decline(id: string): boolean {
    const t = this.#in.get(id);
    if (!t || t.state !== 'asking') return false;
    this.#in.delete(id);
    this.#ended.add(id);
    this.#task(t, 'in', async () => {
      await this.#host.files.putRecord(this.#record(t, 'declined'));
      await this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: 'declined' }]);
    });
    this.#end(t, 'in', 'declined', 'us', 'declined');
    return true;
  }

  /**
   * Cancels a transfer of this session, either direction: the peer is told, a partial file is deleted.
   * @returns false when this session has no such transfer
   */
  cancel(id: string): boolean {
    const o = this.#out.get(id);
    if (o) {
      this.#out.delete(id);
      this.#ended.add(id);
      this.#finishOut(o, 'cancelled', 'us', 'cancelled');
      if (this.#live) this.#host.seal([{ kind: 'file-cancel', id: o.id, reason: 'cancelled' }]).catch((e) => this.#host.error(e));
      return true;
    }
    const i = this.#in.get(id);
    if (!i) return false;
    if (i.state === 'asking') return this.decline(id);
    this.#in.delete(id);
    this.#ended.add(id);
    if (this.#live) this.#host.seal([{ kind: 'file-cancel', id: i.id, reason: 'cancelled' }]).catch((e) => this.#host.error(e));
    this.#finishIn(i, 'cancelled', 'us', 'cancelled', 'cancelled');
    return true;
  }

  // ---- incoming -------------------------------------------------------------------------------

  #onOffer(k: string, p: Extract<FilePayload, { kind: 'file-offer' }>): Promise<TransferEvent[]> {
    if (this.#in.has(k) || this.#out.has(k)) {
      this.#host.violation('unexpected-message', 'a second offer of one file in one session');
      return Promise.resolve([]);
    }
    const t: Incoming = {
      key: k, id: p.id, name: p.name, mime: p.mime, size: p.size, chunkBytes: p.chunkBytes, chunks: chunkCount(p.size, p.chunkBytes),
      state: 'running', meter: new RateMeter(), lastEmit: 0, held: [],
    };
    this.#in.set(k, t);
    this.#ended.delete(k);
    const decided = this.#decideOffer(t, p);
    const held = (): TransferEvent[] => { const e = t.held ?? []; t.held = undefined; return e; };
    return decided.then(held, (e) => {
      this.#host.error(e);
      this.#failIn(t, e);
      return held();
    });
  }

  async #decideOffer(t: Incoming, p: Extract<FilePayload, { kind: 'file-offer' }>): Promise<void> {
    const k = t.key;
    {
      const rec = await this.#host.files.record(this.#host.peer, p.id);
      if (this.#in.get(k) !== t) return;
      if (rec && (rec.size !== p.size || rec.name !== p.name)) {
        // Another file under an id we know: never mixed with what we hold.
        this.#in.delete(k);
        this.#ended.add(k);
        await this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: 'failed' }]);
        return;
      }
      switch (rec?.state) {
        case 'done':
          // Verified and kept already; our ack was lost: acknowledge again, receive nothing.
          this.#in.delete(k);
          await this.#host.seal([{ kind: 'ack', id: t.id }]);
          return;
        case 'declined':
        case 'cancelled':
          this.#in.delete(k);
          this.#ended.add(k);
          await this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: rec.state }]);
          return;
        case 'receiving':
          return this.#open(t, rec); // accepted before: resume
        default: {
          const offer = { peer: this.#host.peer, id: k, name: t.name, mime: t.mime, size: t.size };
          if (this.#host.decide(offer) === 'accept') {
            this.#report(t, { type: 'offer', ...offer, ask: false });
            return this.#acceptNew(t);
          }
          t.state = 'asking';
          this.#report(t, { type: 'offer', ...offer, ask: true });
          this.#emitView(t, 'in');
        }
      }
    }
  }

  #record(t: Incoming, state: IncomingRecord['state']): IncomingRecord {
    return { peer: this.#host.peer, id: t.id, name: t.name, mime: t.mime, size: t.size, state, at: this.#host.clock() };
  }

  async #acceptNew(t: Incoming): Promise<void> {
    const rec = this.#record(t, 'receiving');
    await this.#host.files.putRecord(rec);
    if (this.#still(t) !== 'wanted') return; // ended or paused meanwhile: no partial file is made
    await this.#open(t, rec);
  }

  /** Whether an incoming transfer is still wanted: ended (its partial file must go), paused (kept), or neither. */
  #still(t: Incoming): Wanted {
    if (TERMINAL.has(t.state)) return 'ended';
    return this.#live && this.#in.get(t.key) === t ? 'wanted' : 'paused';
  }

  /** Opens the partial file, hashes what it holds, and asks for the rest. */
  async #open(t: Incoming, rec: IncomingRecord): Promise<void> {
    const file = await Reassembly.open(this.#host.files, rec, t.chunkBytes, () => this.#still(t), (e) => this.#failIn(t, e));
    if (!file) return;
    t.file = file;
    if (file.from > 0) t.resumedFrom = file.heldBytes;
    t.state = 'running';
    await this.#host.seal([{ kind: 'file-accept', id: t.id, from: file.from }]);
    this.#emitView(t, 'in');
  }

  #onChunk(k: string, index: number, data: Uint8Array): void {
    const t = this.#in.get(k);
    if (!t) {
      if (this.#ended.has(k)) return; // in flight when we ended it
      return this.#host.violation('unexpected-message', 'a file chunk for a file not accepted');
    }
    // Nothing is written before the user (or the size rule) accepted, and the accept went out.
    const file = t.file;
    if (t.state !== 'running' || !file) return this.#host.violation('unexpected-message', `a file chunk for a file not accepted (${t.state})`);
    // The ack is sealed without holding up the writes behind it.
    const refused = file.receive(index, data, () => {
      if (this.#in.get(k) !== t) return;
      t.meter.sample(Math.min(file.written * t.chunkBytes, t.size), this.#host.clock());
      if (this.#live && ((file.written - file.acked) * t.chunkBytes >= ACK_BYTES || file.written === t.chunks)) {
        this.#host.seal([{ kind: 'file-ack', id: t.id, next: file.acknowledge() }]).catch((e) => this.#host.error(e));
      }
      this.#progress(t, 'in');
    });
    if (refused) this.#host.violation(refused.code, refused.message);
  }

  #onEnd(k: string, digest: Uint8Array): void {
    const t = this.#in.get(k);
    if (!t) {
      if (this.#ended.has(k)) return;
      return this.#host.violation('unexpected-message', 'a file end for a file not accepted');
    }
    const file = t.file;
    if (t.state !== 'running' || !file || file.next !== t.chunks) return this.#host.violation('unexpected-message', `a file end after ${file?.next ?? 0} of ${t.chunks} chunks`);
    t.state = 'verifying';
    this.#emitView(t, 'in');
    file.afterWrites(async () => {
      if (this.#in.get(k) !== t) return;
      const location = await file.finish(digest);
      if (location === undefined) {
        // Damaged (the partial file is gone already): the sender is told, the record forgotten.
        this.#in.delete(k);
        this.#ended.add(k);
        if (this.#live) await this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: 'damaged' }]);
        await this.#host.files.deleteRecord(this.#host.peer, t.id);
        this.#end(t, 'in', 'failed', 'them', 'damaged');
        return;
      }
      await this.#host.files.putRecord(this.#record(t, 'done'));
      this.#in.delete(k);
      this.#report(t, { type: 'received', id: k, peer: this.#host.peer, name: t.name, mime: t.mime, size: t.size, location });
      this.#setState(t, 'in', 'done');
      if (this.#live) await this.#host.seal([{ kind: 'ack', id: t.id }]);
    });
  }

  /** A write or the verification failed here: the sender is told, the partial file goes. */
  #failIn(t: Incoming, e: unknown): void {
    if (this.#in.get(t.key) !== t) return;
    this.#in.delete(t.key);
    this.#ended.add(t.key);
    if (this.#live) this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: 'failed' }]).catch(() => undefined);
    this.#finishIn(t, 'failed', 'us', 'unwritable', 'forget', messageOf(e));
  }

  /** Ends an incoming transfer: the partial file is deleted once its writes are done; `keep` is what the record says next. */
  #finishIn(t: Incoming, state: TransferState, by: 'us' | 'them', reason: TransferEndReason, keep: 'cancelled' | 'forget', detail?: string): void {
    const files = this.#host.files;
    (t.file?.discard() ?? Promise.resolve()).then(async () => {
      if (keep === 'forget') await files.deleteRecord(this.#host.peer, t.id);
      else await files.putRecord(this.#record(t, keep));
    }).catch((e) => this.#host.error(e));
    this.#end(t, 'in', state, by, reason, detail);
  }

  // ---- outgoing -------------------------------------------------------------------------------

  #onAccept(k: string, from: number): void {
    const t = this.#out.get(k);
    if (!t || t.state !== 'offered') {
      if (this.#ended.has(k)) return;
      return this.#host.violation('unexpected-message', 'an accept for a file not offered');
    }
    if (from > t.chunks) return this.#host.violation('malformed', `an accept from chunk ${from} of ${t.chunks}`);
    t.state = 'running';
    this.#task(t, 'out', async () => {
      let source: FileSource;
      try {
        source = t.content.bytes ? memorySource(t.content.bytes) : await this.#host.files.source(t.content);
        if (source.size !== t.size) throw new Error(`it is now ${source.size} bytes, it was ${t.size} when sent`);
      } catch (e) {
        return this.#failOut(t, 'unreadable', e);
      }
      if (this.#out.get(k) !== t || !this.#live) { await source.close(); return; }
      t.source = source;
      const held = Math.min(from * t.chunkBytes, t.size);
      for (let off = 0; off < held; off += HASH_STEP) t.hash.update(await source.read(off, Math.min(HASH_STEP, held - off)));
      if (this.#out.get(k) !== t || !this.#live) return;
      t.next = t.acked = from;
      if (from > 0) t.resumedFrom = held;
      this.#emitView(t, 'out');
      this.#pump();
    });
  }

  #onAck(k: string, next: number): void {
    const t = this.#out.get(k);
    if (!t) {
      if (this.#ended.has(k)) return;
      return this.#host.violation('unexpected-message', 'a file ack for a file not sent');
    }
    if (t.state !== 'running' || next > t.next || next < t.acked) return this.#host.violation('malformed', `a file ack of ${next} chunks, ${t.acked} to ${t.next} expected`);
    this.#ackedTotal += Math.min(next * t.chunkBytes, t.size) - Math.min(t.acked * t.chunkBytes, t.size);
    this.#ackRate.sample(this.#ackedTotal, this.#host.clock());
    t.acked = next;
    const bytes = Math.min(next * t.chunkBytes, t.size);
    t.meter.sample(bytes, this.#host.clock());
    this.#progress(t, 'out');
    this.#pump();
  }

  #onCancel(k: string, reason: FileCancelReason): void {
    const o = this.#out.get(k);
    if (o) {
      this.#out.delete(k);
      const why: TransferEndReason = reason === 'failed' ? 'unwritable' : reason;
      this.#finishOut(o, reason === 'declined' ? 'declined' : reason === 'cancelled' ? 'cancelled' : 'failed', 'them', why);
      return;
    }
    const i = this.#in.get(k);
    if (!i) return; // ours ended already, or never known: nothing to undo
    this.#in.delete(k);
    this.#ended.add(k);
    this.#finishIn(i, reason === 'cancelled' ? 'cancelled' : 'failed', 'them', reason === 'cancelled' ? 'cancelled' : 'unreadable', 'forget');
  }

  #failOut(t: Outgoing, reason: TransferEndReason, e: unknown): void {
    if (this.#out.get(t.key) !== t) return;
    this.#out.delete(t.key);
    this.#ended.add(t.key);
    if (this.#live) this.#host.seal([{ kind: 'file-cancel', id: t.id, reason: 'failed' }]).catch(() => undefined);
    this.#finishOut(t, 'failed', 'us', reason, messageOf(e));
  }

  /** Ends an outgoing transfer: its source closes, the app's copy goes, the outbox entry fails. */
  #finishOut(t: Outgoing, state: TransferState, by: 'us' | 'them', reason: TransferEndReason, detail?: string): void {
    t.source?.close().catch(() => undefined);
    this.#host.files.release(t.content).catch((e) => this.#host.error(e));
    this.#host.failed(t.id);
    this.#end(t, 'out', state, by, reason, detail);
  }

  /** The window now: what the receiver acknowledges in WINDOW_SECONDS, within [MIN_WINDOW_BYTES, WINDOW_BYTES]. */
  #window(): number {
    return Math.min(WINDOW_BYTES, Math.max(MIN_WINDOW_BYTES, this.#ackRate.rate * WINDOW_SECONDS));
  }

  /** Bytes sent and not yet acknowledged, all transfers together. */
  #inFlight(): number {
    let n = 0;
    for (const t of this.#out.values()) if (t.state === 'running') n += Math.min(t.next * t.chunkBytes, t.size) - Math.min(t.acked * t.chunkBytes, t.size);
    return n;
  }

  /** The next transfer with something to send and room in the window, taking turns. */
  #pick(): Outgoing | undefined {
    const ready = [...this.#out.values()].filter((t) => t.state === 'running' && t.source && !t.endSent);
    if (ready.length === 0) return undefined;
    const room = this.#window() - this.#inFlight();
    for (let i = 0; i < ready.length; i++) {
      const t = ready[(this.#turn + i) % ready.length];
      if (t.next === t.chunks || room >= Math.min(t.chunkBytes, t.size - t.next * t.chunkBytes)) {
        this.#turn = (this.#turn + i + 1) % Math.max(1, ready.length);
        return t;
      }
    }
    return undefined;
  }

  /** Reads, hashes and seals chunks while the window and the transport have room. One pump at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#live) {
        const buffered = this.#host.transport.bufferedAmount ?? 0;
        if (buffered > SEND_HIGH_WATER) { await this.#drained(); continue; }
        const t = this.#pick();
        if (!t) break;
        let payloads: FilePayload[];
        try {
          payloads = await this.#batch(t);
        } catch (e) {
          this.#failOut(t, 'changed', e);
          continue;
        }
        if (!this.#live || this.#out.get(t.key) !== t) continue;
        await this.#host.seal(payloads);
      }
    } catch (e) {
      this.#host.error(e);
    } finally {
      this.#pumping = false;
    }
  }

  async #batch(t: Outgoing): Promise<FilePayload[]> {
    const payloads: FilePayload[] = [];
    const room = Math.max(1, Math.floor((this.#window() - this.#inFlight()) / t.chunkBytes));
    let n = Math.min(t.chunks - t.next, Math.max(1, Math.floor(BATCH_BYTES / t.chunkBytes)), room);
    if (n > 0) {
      const offset = t.next * t.chunkBytes;
      let length = Math.min(n * t.chunkBytes, t.size - offset);
      let data: Uint8Array;
      const ahead = t.ahead;
      t.ahead = undefined;
      if (ahead?.offset === offset) {
        const got = await ahead.data;
        // What was read ahead: whole chunks, or the file's last bytes. Less than wanted: that much now.
        if (got.length < length) { n = Math.ceil(got.length / t.chunkBytes); length = got.length; }
        data = got.subarray(0, length);
        if (got.length > length) t.ahead = { offset: offset + length, data: Promise.resolve(got.subarray(length)) };
      } else {
        data = await this.#read(t, offset, length);
      }
      // Read the next batch while this one is hashed and sealed.
      const following = offset + length;
      if (!t.ahead && following < t.size) {
        t.ahead = { offset: following, data: this.#read(t, following, Math.min(BATCH_BYTES, t.size - following)) };
        t.ahead.data.catch(() => undefined); // observed when used
      }
      t.hash.update(data);
      for (let i = 0; i < n; i++) payloads.push({ kind: 'file-chunk', id: t.id, index: t.next + i, data: data.subarray(i * t.chunkBytes, Math.min((i + 1) * t.chunkBytes, length)) });
      t.next += n;
    }
    if (t.next === t.chunks) {
      t.endSent = true;
      payloads.push({ kind: 'file-end', id: t.id, sha256: t.hash.digest() });
    }
    return payloads;
  }

  async #read(t: Outgoing, offset: number, length: number): Promise<Uint8Array> {
    const data = await t.source!.read(offset, length);
    if (data.length !== length) throw new Error(`"${t.name}" is shorter than when it was sent`);
    return data;
  }

  /** Resolves when the transport reports it drained, or after a short poll. */
  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, DRAIN_POLL_MS);
      function done() { clearTimeout(timer); resolve(); }
      this.#wake = () => { this.#wake = undefined; done(); };
    });
  }

  // ---- reporting ------------------------------------------------------------------------------

  /** Runs a transfer's asynchronous step; an unexpected failure fails that transfer, never the session. */
  #task(t: Incoming | Outgoing, direction: 'in' | 'out', f: () => Promise<void>): void {
    f().catch((e) => {
      this.#host.error(e);
      if (direction === 'in') this.#failIn(t as Incoming, e);
      else this.#failOut(t as Outgoing, 'failed', e);
    });
  }

  #end(t: Common, direction: 'in' | 'out', state: TransferState, by: 'us' | 'them', reason: TransferEndReason, detail?: string): void {
    t.state = state;
    this.#report(t, { type: 'transfer', transfer: { ...this.#view(t, direction), end: { by, reason, ...(detail !== undefined ? { detail } : {}) } } });
  }

  /** Reports an event of a transfer: held while its offer is being decided, else at once. */
  #report(t: Common, e: TransferEvent): void {
    if (t.held) t.held.push(e);
    else this.#host.emit(e);
  }

  #setState(t: Common, direction: 'in' | 'out', state: TransferState): void {
    t.state = state;
    this.#emitView(t, direction);
  }

  #progress(t: Common, direction: 'in' | 'out'): void {
    const now = this.#host.clock();
    if (now - t.lastEmit < PROGRESS_MS) return;
    this.#emitView(t, direction);
  }

  #emitView(t: Common, direction: 'in' | 'out'): void {
    t.lastEmit = this.#host.clock();
    this.#report(t, { type: 'transfer', transfer: this.#view(t, direction) });
  }

  #view(t: Common, direction: 'in' | 'out'): TransferView {
    const done = direction === 'out' ? (t as Outgoing).acked : ((t as Incoming).file?.written ?? 0);
    const bytes = t.state === 'done' ? t.size : Math.min(done * t.chunkBytes, t.size);
    const rate = t.state === 'running' ? Math.round(t.meter.rate) : 0;
    return {
      id: t.key, peer: this.#host.peer, direction, name: t.name, mime: t.mime, size: t.size, state: t.state, bytes, rate,
      ...(rate > 0 ? { eta: Math.ceil((t.size - bytes) / rate) } : {}),
      ...(t.resumedFrom !== undefined ? { resumedFrom: t.resumedFrom } : {}),
    };
  }
}
