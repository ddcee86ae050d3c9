// The session handshake (issue 22 item 5): one whole protocol-version-2 handshake — X-Wing key,
// encapsulation and decapsulation, both bundles checked, both transcript signatures made and
// verified, SAS, both key confirmations — for both sides in one process, over the pure state
// machines (no timers, no transport: CPU only). Per side it is about half. Bar: ≤ 2 ms per side.

import { encodeBundle, IdentityKeyPair, signBundle } from '../../src/identity/index.js';
import { SessionMachine, type Step } from '../../src/session/index.js';
import type { BenchCase, Suite } from '../_harness.js';

const party = (name: string, seed: number) => {
  const identity = IdentityKeyPair.fromSecretKey(new Uint8Array(32).fill(seed));
  const bundle = encodeBundle(signBundle({ displayName: name, identityPublicKey: identity.publicKey, createdAt: Date.UTC(2026, 0, 1), binding: null }, identity));
  return { identity, bundle, dtls: new Uint8Array(32).fill(seed ^ 0xd7) };
};
const alice = party('Alice', 0x11), bob = party('Bob', 0x22);

/** Runs both machines to Confirmed, delivering frames in order. */
async function handshake(): Promise<void> {
  const now = Date.now();
  const a = new SessionMachine({ role: 'initiator', identity: alice.identity, bundle: alice.bundle, localDtlsFingerprint: alice.dtls, expectedPeerDtlsFingerprint: bob.dtls, now });
  const b = new SessionMachine({ role: 'responder', identity: bob.identity, bundle: bob.bundle, localDtlsFingerprint: bob.dtls, expectedPeerDtlsFingerprint: alice.dtls, now });
  const queue: Array<{ to: SessionMachine; frame: Uint8Array }> = [];
  const take = (from: SessionMachine, step: Step) => { for (const frame of step.send) queue.push({ to: from === a ? b : a, frame }); };
  const pump = async () => { while (queue.length) { const { to, frame } = queue.shift()!; take(to, await to.receive(frame, now)); } };
  take(a, await a.start(now));
  await pump();
  take(a, await a.confirm(now));
  take(b, await b.confirm(now));
  await pump();
  if (a.state.kind !== 'Confirmed' || b.state.kind !== 'Confirmed') throw new Error(`handshake ended in ${a.state.kind}/${b.state.kind}`);
}

const cases: BenchCase[] = [
  { op: 'handshake', impl: 'keyprint', setup: () => handshake },
];

export default {
  cases,
  // Both sides together: 4,000 µs is the 2 ms per side.
  bars: [{ op: 'handshake', peer: 'µs', max: 4000 }],
} satisfies Suite;
