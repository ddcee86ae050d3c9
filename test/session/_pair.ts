// Helpers for the session tests: identities, bundles, and an in-memory Alice/Bob pair of state
// machines with a pump that delivers frames in order (optionally through a man in the middle).
import { encodeBundle, IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import { SessionMachine, type SessionEvent, type SessionMachineOptions, type Step } from '../../src/session/index.js';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export interface Party {
  identity: IdentityKeyPair;
  bundle: Uint8Array;
  dtls: Uint8Array;
}

/** A party with a fixed seed byte (deterministic identity) and a fake DTLS fingerprint. */
export function party(name: string, seedByte: number): Party {
  const identity = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(seedByte));
  const bundle = encodeBundle(signBundle({ displayName: name, identityPublicKey: identity.publicKey, createdAt: T0, binding: null }, identity));
  return { identity, bundle, dtls: new Uint8Array(32).fill(seedByte ^ 0xd7) };
}

export function machine(role: 'initiator' | 'responder', me: Party, peer: Party, extra: Partial<SessionMachineOptions> = {}): SessionMachine {
  return new SessionMachine({
    role, identity: me.identity, bundle: me.bundle, localDtlsFingerprint: me.dtls,
    expectedPeerDtlsFingerprint: peer.dtls, now: T0, ...extra,
  });
}

export type Side = 'a' | 'b';
/** Rewrites or drops (return null) a frame in flight, or returns several. */
export type Interceptor = (from: Side, frame: Uint8Array, index: number) => Uint8Array | Uint8Array[] | null;

/** Two machines joined by an ordered in-memory pipe; collects every event. */
export class Pair {
  events: Record<Side, SessionEvent[]> = { a: [], b: [] };
  wire: Array<{ from: Side; frame: Uint8Array }> = [];
  #queue: Array<{ to: Side; frame: Uint8Array }> = [];
  #count = 0;
  now = T0;
  constructor(public a: SessionMachine, public b: SessionMachine, public intercept?: Interceptor) {}

  /** Queues a step's frames from `from`, records its events. */
  take(from: Side, step: Step): void {
    this.events[from].push(...step.events);
    for (const frame of step.send) {
      this.wire.push({ from, frame });
      const out = this.intercept ? this.intercept(from, frame, this.#count++) : frame;
      if (out === null) continue;
      for (const f of Array.isArray(out) ? out : [out]) this.#queue.push({ to: from === 'a' ? 'b' : 'a', frame: f });
    }
  }

  /** Delivers until nothing is in flight. */
  async pump(): Promise<void> {
    for (let guard = 0; this.#queue.length > 0; guard++) {
      if (guard > 10_000) throw new Error('pump: no quiescence');
      const { to, frame } = this.#queue.shift()!;
      this.take(to, await this[to].receive(frame, this.now));
    }
  }

  async start(): Promise<void> {
    this.take('a', await this.a.start(this.now));
    this.take('b', await this.b.start(this.now));
    await this.pump();
  }

  async confirm(side: Side): Promise<void> {
    this.take(side, await this[side].confirm(this.now));
    await this.pump();
  }

  of<T extends SessionEvent['type']>(side: Side, type: T): Array<Extract<SessionEvent, { type: T }>> {
    return this.events[side].filter((e) => e.type === type) as Array<Extract<SessionEvent, { type: T }>>;
  }
}

export const alice = party('Alice', 0x11);
export const bob = party('Bob', 0x22);
export const mallory = party('Mallory', 0x33);
export const mallory2 = party('Mallory', 0x44);

/** A confirmed Alice (initiator) ↔ Bob (responder) pair. */
export async function confirmedPair(intercept?: Interceptor): Promise<Pair> {
  const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice), intercept);
  await p.start();
  await p.confirm('a');
  await p.confirm('b');
  return p;
}
