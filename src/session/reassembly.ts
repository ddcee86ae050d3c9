// The receiving side of one file (docs/PROTOCOL.md "Files"): chunks taken only in order, of the
// size the offer implies and within the window, each hashed in order and written at its offset
// through the app's FileSink (the CLI's hidden `.part` file, an OPFS file in the web app); at the
// end, once every write is done, the SHA-256 of the whole file decides between completing it and
// discarding the partial file. What to acknowledge and when, consent, resumption records and
// telling the peer are the sub-protocol's decisions, in transfer.ts.

import { sha256, type Sha2Hash } from '../core/index.js';
import { equalBytes } from './_bytes.js';
import type { FileSink, FileStore, IncomingRecord } from './file-store.js';
import { chunkCount } from './ratchet.js';

/** A receiver refuses more than this unacknowledged (a sender ignoring the window): the protocol's limit. */
export const MAX_UNACKED_BYTES = 16 * 1024 * 1024;
/** What a partial file already holds is hashed in steps of this size (resumption, either side). */
export const HASH_STEP = 1024 * 1024;

/** A chunk or an end the sender should not have sent: transfer.ts cancels the session with `code`. */
export interface Violation { code: 'malformed' | 'unexpected-message'; message: string }

/** Whether the transfer still wants the file once it is open: else the sink closes (paused) or is discarded (ended). */
export type Wanted = 'wanted' | 'paused' | 'ended';

/**
 * One incoming file being reassembled.
 * @example
 * const file = await Reassembly.open(files, record, offer.chunkBytes, () => 'wanted', onFailure)
 * file?.receive(0, data, () => ack(file.acknowledge()))
 */
export class Reassembly {
  readonly size: number;
  readonly chunkBytes: number;
  readonly chunks: number;
  /** The first chunk the sender is asked for: what the partial file held when opened, in whole chunks. */
  readonly from: number;
  /** The bytes of those chunks (not received again). */
  readonly heldBytes: number;
  readonly #sink: FileSink;
  readonly #hash: Sha2Hash;
  readonly #onFailure: (e: unknown) => void;
  #next: number;
  #written: number;
  #acked: number;
  /** Writes and what waits for them, in order. */
  #writes: Promise<void> = Promise.resolve();

  private constructor(sink: FileSink, hash: Sha2Hash, size: number, chunkBytes: number, from: number, onFailure: (e: unknown) => void) {
    this.#sink = sink;
    this.#hash = hash;
    this.size = size;
    this.chunkBytes = chunkBytes;
    this.chunks = chunkCount(size, chunkBytes);
    this.from = this.#next = this.#written = this.#acked = from;
    this.heldBytes = Math.min(from * chunkBytes, size);
    this.#onFailure = onFailure;
  }

  /**
   * Opens the partial file of `record` (new, or what an earlier connection left) and hashes what it
   * holds. If the transfer ended meanwhile, the partial file is discarded; if it paused, closed.
   * @param still asked after each step
   * @param onFailure a write, or what waits for one, failed
   * @returns undefined when no longer wanted
   * @throws what the store throws
   */
  static async open(files: FileStore, record: IncomingRecord, chunkBytes: number, still: () => Wanted, onFailure: (e: unknown) => void): Promise<Reassembly | undefined> {
    const sink = await files.sink(record);
    const chunks = chunkCount(record.size, chunkBytes);
    const from = Math.min(Math.floor(sink.written / chunkBytes), chunks);
    const held = Math.min(from * chunkBytes, record.size);
    const hash = sha256.create();
    try {
      for (let off = 0; off < held && still() === 'wanted'; off += HASH_STEP) hash.update(await sink.read(off, Math.min(HASH_STEP, held - off)));
    } catch (e) {
      await sink.discard().catch(() => undefined); // unreadable: the transfer fails and is forgotten
      throw e;
    }
    const now = still();
    if (now === 'wanted') return new Reassembly(sink, hash, record.size, chunkBytes, from, onFailure);
    // Ended while it opened (cancelled, failed): nothing may stay behind; paused: it resumes.
    await (now === 'ended' ? sink.discard() : sink.close());
    return undefined;
  }

  /** The next chunk expected. */
  get next(): number { return this.#next; }
  /** Chunks written, in order. */
  get written(): number { return this.#written; }
  /** Chunks covered by our last file-ack. */
  get acked(): number { return this.#acked; }

  /** Everything written so far is acknowledged. @returns the chunk count for the file-ack */
  acknowledge(): number {
    this.#acked = this.#written;
    return this.#acked;
  }

  /**
   * Takes the next chunk: hashed now, its write issued at once (each chunk at its own offset, so
   * several may be under way), counted written in order; then `written` runs.
   * @returns the violation, if the sender broke the order, the size or the window
   */
  receive(index: number, data: Uint8Array, written: () => void): Violation | undefined {
    const expected = Math.min(this.chunkBytes, this.size - index * this.chunkBytes);
    if (index !== this.#next || data.length !== expected) {
      return { code: 'malformed', message: `file chunk expected index ${this.#next} of ${Math.min(this.chunkBytes, this.size - this.#next * this.chunkBytes)} bytes, got index ${index} of ${data.length}` };
    }
    if ((this.#next + 1 - this.#acked) * this.chunkBytes > MAX_UNACKED_BYTES) {
      return { code: 'unexpected-message', message: `more than ${MAX_UNACKED_BYTES} bytes of a file sent unacknowledged` };
    }
    this.#hash.update(data);
    this.#next++;
    const write = this.#sink.write(index * this.chunkBytes, data);
    write.catch(() => undefined); // observed below, in order
    this.afterWrites(async () => {
      await write;
      this.#written++;
      written();
    });
    return undefined;
  }

  /** Runs `f` after every write issued so far (and what waits for them); a failure goes to onFailure. */
  afterWrites(f: () => Promise<void> | void): void {
    this.#writes = this.#writes.then(f).catch((e) => this.#onFailure(e));
  }

  /**
   * The end, from inside afterWrites: compares the SHA-256 of everything received with the
   * sender's. A match completes the file; a mismatch discards the partial file.
   * @returns where the file is (FileSink.complete), or undefined for a damaged file (discarded)
   */
  async finish(digest: Uint8Array): Promise<string | undefined> {
    if (!equalBytes(this.#hash.digest(), digest)) {
      await this.#sink.discard();
      return undefined;
    }
    return this.#sink.complete();
  }

  /** Deletes the partial file once its writes are done (declined, cancelled, failed). */
  discard(): Promise<void> {
    return this.#writes.catch(() => undefined).then(() => this.#sink.discard());
  }

  /** Closes the partial file once its writes are done (the connection ended: it resumes next time). */
  close(): void {
    this.#writes.then(() => this.#sink.close()).catch(() => undefined);
  }
}
