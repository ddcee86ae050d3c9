// Fuzzing the file sub-protocol (src/session/transfer.ts): random sequences of well-formed file
// payloads — offers, accepts, chunks of every size and index, acks, ends, cancels, for a few ids,
// one of them a file we offered — fed to one Transfers as a peer would send them. Shared by the
// default suite (test/session/fuzz.test.ts, fixed seed) and the campaign (test/fuzz/).
import fc from 'fast-check';
import { CANCEL_CODES, CHUNK_SIZES, FILE_CANCEL_REASONS, MemoryFileStore, Transfers, type FilePayload, type TransferEvent } from '../../src/session/index.js';

const ids = [new Uint8Array(16).fill(1), new Uint8Array(16).fill(2), new Uint8Array(16).fill(3)]; // 3: our own offer
const OUT_SIZE = 3 * 65536 + 5;

const id = fc.nat(ids.length - 1).map((i) => ids[i]);
const payload: fc.Arbitrary<FilePayload> = fc.oneof(
  fc.record({ kind: fc.constant('file-offer' as const), id, size: fc.oneof(fc.nat(300_000), fc.constantFrom(0, 65536, 65537)), chunkBytes: fc.constantFrom(...CHUNK_SIZES), name: fc.constantFrom('a.bin', '../x', 'é'), mime: fc.constant('') }),
  fc.record({ kind: fc.constant('file-accept' as const), id, from: fc.nat(8) }),
  fc.tuple(id, fc.nat(6), fc.oneof(fc.constantFrom(...CHUNK_SIZES), fc.integer({ min: 1, max: 70_000 }))).map(([i, index, n]): FilePayload => ({ kind: 'file-chunk', id: i, index, data: new Uint8Array(Math.min(n, 65536)).fill(index) })),
  fc.record({ kind: fc.constant('file-ack' as const), id, next: fc.nat(8) }),
  fc.record({ kind: fc.constant('file-end' as const), id, sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('file-cancel' as const), id, reason: fc.constantFrom(...FILE_CANCEL_REASONS) }),
);

/** A sequence of 1–40 payloads and whether offers are accepted at once or asked. */
export const transferCase = fc.tuple(fc.array(payload, { minLength: 1, maxLength: 40 }), fc.boolean());

const codes = new Set<string>(CANCEL_CODES);

/**
 * Feeds the sequence; throws when an invariant breaks: no exception, no unexpected store error, every
 * violation a cancel code, nothing written past a file's size.
 * @returns the violation code, if the sequence was one (a real session would end there)
 */
export async function feedTransfers([seq, ask]: [FilePayload[], boolean]): Promise<string | undefined> {
  const files = new MemoryFileStore(1 << 20);
  const violations: string[] = [];
  const errors: unknown[] = [];
  const events: TransferEvent[] = [];
  const t = new Transfers({
    peer: 'did:key:z6MkFuzz', files, clock: Date.now,
    transport: { send() {}, close() {}, onmessage: null, onclose: null },
    seal: async () => undefined,
    violation: (code) => { violations.push(code); },
    decide: () => (ask ? 'ask' : 'accept'),
    failed: () => undefined,
    emit: (e) => { events.push(e); },
    error: (e) => { errors.push(e); },
  });
  t.start();
  t.offer(ids[2], { kind: 'file', name: 'ours.bin', mime: '', size: OUT_SIZE, ref: files.add(new Uint8Array(OUT_SIZE)) });
  for (const p of seq) {
    const r = t.receive(p);
    if (r) await r;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    if (violations.length > 0) break;
    if (ask) for (const e of events) if (e.type === 'offer' && e.ask && e.name === 'a.bin') t.accept(e.id);
  }
  t.stop();
  for (const v of violations) if (!codes.has(v)) throw new Error(`violation with a code that is no cancel code: ${v}`);
  if (errors.length > 0) throw new Error(`unexpected store or handler error: ${String(errors[0])}`);
  for (const e of events) {
    if (e.type === 'transfer' && (e.transfer.bytes > e.transfer.size || e.transfer.bytes < 0)) throw new Error(`progress outside the file: ${JSON.stringify(e.transfer)}`);
  }
  return violations[0];
}
