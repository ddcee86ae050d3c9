// MLS groups (issue 24 item 1): ts-mls with keyprint's crypto provider against ts-mls's default
// provider (WebCrypto: OpenSSL in Node) in the same run, for groups of 8 and 16 members whose ratchet
// tree is full (every member has committed once, so each parent node has a key):
//   group-commit-N   member 0 creates a commit with an update path (RFC 9420 §12.4: path secrets
//                    HPKE-sealed to one node per copath level, new node keys, signature, tags);
//   group-add-N      member 0 creates the commit that adds the N-th member, with its Welcome (§12.4.3);
//   group-process-N  member 1 processes member 0's update-path commit.
// ts-mls state is immutable, so each call starts from the same state. CPU only, no transport.

import {
  createCommit, createGroup, defaultCapabilities, defaultLifetime, emptyPskIndex, encodeMlsMessage, generateKeyPackage, joinGroup,
  processPrivateMessage, defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type ClientState,
  type MLSMessage,
} from 'ts-mls';
import { KEYPRINT_MLS_SUITE, keyprintCryptoProvider } from '../../src/group/index.js';
import type { BenchCase, Suite } from '../_harness.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const suite = getCiphersuiteFromName(KEYPRINT_MLS_SUITE);
const IMPLS = { keyprint: keyprintCryptoProvider, 'ts-mls': defaultCryptoProvider } as const;

const keyPackage = (name: string, cs: CiphersuiteImpl) =>
  generateKeyPackage({ credentialType: 'basic', identity: utf8(name) }, defaultCapabilities(), defaultLifetime, [], cs);

function privateMessage(m: MLSMessage) {
  if (m.wireformat !== 'mls_private_message') throw new Error(`expected a private message, got ${m.wireformat}`);
  return m.privateMessage;
}

/** Everyone but `committer` processes its commit. */
async function follow(states: ClientState[], committer: number, commit: MLSMessage, cs: CiphersuiteImpl): Promise<void> {
  for (let i = 0; i < states.length; i++) {
    if (i === committer) continue;
    const r = await processPrivateMessage(states[i], privateMessage(commit), emptyPskIndex, cs);
    states[i] = r.newState;
  }
}

/** `n` members: created, added in one commit, then every member commits an update once (full tree). */
async function fullGroup(n: number, cs: CiphersuiteImpl): Promise<ClientState[]> {
  const packages = await Promise.all(Array.from({ length: n }, (_, i) => keyPackage(`m${i}`, cs)));
  const states = [await createGroup(utf8(`bench-${n}`), packages[0].publicPackage, packages[0].privatePackage, [], cs)];
  const added = await createCommit({ state: states[0], cipherSuite: cs }, {
    extraProposals: packages.slice(1).map((p) => ({ proposalType: 'add', add: { keyPackage: p.publicPackage } })),
  });
  states[0] = added.newState;
  for (const p of packages.slice(1)) {
    states.push(await joinGroup(added.welcome!, p.publicPackage, p.privatePackage, emptyPskIndex, cs, states[0].ratchetTree));
  }
  for (let i = 0; i < n; i++) {
    const update = await createCommit({ state: states[i], cipherSuite: cs });
    states[i] = update.newState;
    await follow(states, i, update.commit, cs);
  }
  return states;
}

/** The groups, built once per impl and size (the setup is not timed). */
const groups = new Map<string, Promise<{ cs: CiphersuiteImpl; states: ClientState[] }>>();
function group(impl: keyof typeof IMPLS, n: number) {
  const key = `${impl}-${n}`;
  if (!groups.has(key)) {
    groups.set(key, (async () => {
      const cs = await getCiphersuiteImpl(suite, IMPLS[impl]);
      return { cs, states: await fullGroup(n, cs) };
    })());
  }
  return groups.get(key)!;
}

const bytes = (m: MLSMessage) => encodeMlsMessage(m).length;

const cases: BenchCase[] = [];
for (const n of [8, 16]) {
  for (const impl of Object.keys(IMPLS) as Array<keyof typeof IMPLS>) {
    cases.push({
      op: `group-commit-${n}`, impl,
      setup: async () => {
        const { cs, states } = await group(impl, n);
        const probe = await createCommit({ state: states[0], cipherSuite: cs });
        if (impl === 'keyprint') console.log(`  group-commit-${n}: update-path commit ${bytes(probe.commit)} bytes`);
        return () => createCommit({ state: states[0], cipherSuite: cs });
      },
    });
  }
  for (const impl of Object.keys(IMPLS) as Array<keyof typeof IMPLS>) {
    cases.push({
      op: `group-add-${n}`, impl,
      setup: async () => {
        // n − 1 members with a full tree add the n-th.
        const { cs, states } = await group(impl, n - 1);
        const joiner = await keyPackage('joiner', cs);
        const options = { extraProposals: [{ proposalType: 'add' as const, add: { keyPackage: joiner.publicPackage } }] };
        const probe = await createCommit({ state: states[0], cipherSuite: cs }, options);
        if (impl === 'keyprint') {
          const welcome = bytes({ version: 'mls10', wireformat: 'mls_welcome', welcome: probe.welcome! });
          console.log(`  group-add-${n}: add commit ${bytes(probe.commit)} bytes, Welcome ${welcome} bytes (ratchet tree not included)`);
        }
        return () => createCommit({ state: states[0], cipherSuite: cs }, options);
      },
    });
  }
  for (const impl of Object.keys(IMPLS) as Array<keyof typeof IMPLS>) {
    cases.push({
      op: `group-process-${n}`, impl,
      setup: async () => {
        const { cs, states } = await group(impl, n);
        const { commit } = await createCommit({ state: states[0], cipherSuite: cs });
        const message = privateMessage(commit);
        return () => processPrivateMessage(states[1], message, emptyPskIndex, cs);
      },
    });
  }
}

export default { cases, bars: [] } satisfies Suite;
