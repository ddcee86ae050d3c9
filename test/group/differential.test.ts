// keyprint's provider against ts-mls's default provider (WebCrypto: OpenSSL in Node) on random inputs,
// fixed seed: the primitives agree byte for byte, each side opens what the other sealed, and a group
// whose members use either provider stays in one state and carries every message to every member.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createApplicationMessage, createCommit, createGroup, decodeMlsMessage, defaultCapabilities, defaultLifetime, emptyPskIndex,
  encodeMlsMessage, generateKeyPackage, joinGroup, processPrivateMessage, type CiphersuiteImpl, type ClientState, type MLSMessage,
} from 'ts-mls';
import { basic, defaultImpl, keyprintImpl } from './_mls.js';
import { fcSeed, hex, utf8 } from '../_util.js';

const RUNS = 25;
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const opts = { seed: fcSeed, numRuns: RUNS };

let kp: CiphersuiteImpl, df: CiphersuiteImpl;
beforeAll(async () => { [kp, df] = await Promise.all([keyprintImpl(), defaultImpl()]); });

describe('primitives against ts-mls\'s default provider', () => {
  // The default KDF (@hpke/core's HKDF over WebCrypto HMAC keys of exactly 256 bits) takes only an
  // empty or Nh-byte salt and an Nh-byte PRK — all MLS ever passes (§8); keyprint's takes any salt and
  // any PRK of at least Nh bytes (RFC 5869 §2.2, §2.3).
  const salt = fc.oneof(bytes(32, 32), fc.constant(new Uint8Array(0)));
  it('digest, mac, extract and expand agree', () => fc.assert(fc.asyncProperty(
    bytes(0, 300), bytes(1, 100), salt, bytes(32, 32), bytes(0, 80), fc.integer({ min: 1, max: 255 }),
    async (data, key, extractSalt, prk, info, length) => {
      expect(hex(await kp.hash.digest(data))).toBe(hex(await df.hash.digest(data)));
      expect(hex(await kp.hash.mac(key, data))).toBe(hex(await df.hash.mac(key, data)));
      expect(await kp.hash.verifyMac(key, await df.hash.mac(key, data), data)).toBe(true);
      expect(hex(await kp.kdf.extract(extractSalt, data))).toBe(hex(await df.kdf.extract(extractSalt, data)));
      expect(hex(await kp.kdf.expand(prk, info, length))).toBe(hex(await df.kdf.expand(prk, info, length)));
    }), opts));

  it('DeriveKeyPair (RFC 9180 §7.1.3) gives the same key pair', () => fc.assert(fc.asyncProperty(bytes(32, 64), async (ikm) => {
    const [a, b] = await Promise.all([kp.hpke.deriveKeyPair(ikm), df.hpke.deriveKeyPair(ikm)]);
    expect(hex(await kp.hpke.exportPrivateKey(a.privateKey))).toBe(hex(await df.hpke.exportPrivateKey(b.privateKey)));
    expect(hex(await kp.hpke.exportPublicKey(a.publicKey))).toBe(hex(await df.hpke.exportPublicKey(b.publicKey)));
  }), opts));

  it('Ed25519: the same signature from the same seed; each verifies the other\'s, and neither an altered message', () => fc.assert(fc.asyncProperty(
    bytes(32, 32), bytes(0, 200), async (seed, message) => {
      const [mine, theirs] = [await kp.signature.sign(seed, message), await df.signature.sign(seed, message)];
      expect(hex(mine)).toBe(hex(theirs));
      const { publicKey, signKey } = await kp.signature.keygen();
      const other = await df.signature.keygen(); // PKCS#8 signing key: the default provider's own format
      const mySig = await kp.signature.sign(signKey, message), theirSig = await df.signature.sign(other.signKey, message);
      expect(await df.signature.verify(publicKey, message, mySig)).toBe(true);
      expect(await kp.signature.verify(other.publicKey, message, theirSig)).toBe(true);
      const altered = new Uint8Array([...message, 1]);
      expect(await kp.signature.verify(other.publicKey, altered, theirSig)).toBe(false);
      expect(await df.signature.verify(publicKey, altered, mySig)).toBe(false);
    }), opts));

  it('AES-128-GCM: the same ciphertext; each opens the other\'s', () => fc.assert(fc.asyncProperty(
    bytes(16, 16), bytes(12, 12), bytes(0, 40), bytes(0, 300), async (key, nonce, aad, plaintext) => {
      const ct = await kp.hpke.encryptAead(key, nonce, aad, plaintext);
      expect(hex(ct)).toBe(hex(await df.hpke.encryptAead(key, nonce, aad, plaintext)));
      expect(hex(await df.hpke.decryptAead(key, nonce, aad, ct))).toBe(hex(plaintext));
      expect(hex(await kp.hpke.decryptAead(key, nonce, aad, ct))).toBe(hex(plaintext));
    }), opts));

  for (const [from, to, sender, recipient] of [['keyprint', 'default', () => kp, () => df], ['default', 'keyprint', () => df, () => kp]] as const) {
    it(`HPKE seal on ${from}, open on ${to}; secret export likewise (RFC 9180 §6.1, §5.3)`, () => fc.assert(fc.asyncProperty(
      bytes(32, 32), bytes(0, 300), bytes(0, 64), fc.option(bytes(0, 64), { nil: undefined }), bytes(0, 32), fc.integer({ min: 1, max: 64 }),
      async (ikm, plaintext, info, aad, exporterContext, length) => {
        const s = sender(), r = recipient();
        const keys = await r.hpke.deriveKeyPair(ikm);
        const publicKey = await s.hpke.importPublicKey(await r.hpke.exportPublicKey(keys.publicKey));
        const { ct, enc } = await s.hpke.seal(publicKey, plaintext, info, aad);
        expect(hex(await r.hpke.open(keys.privateKey, enc, ct, info, aad))).toBe(hex(plaintext));
        const exported = await s.hpke.exportSecret(publicKey, exporterContext, length, info);
        expect(hex(await r.hpke.importSecret(keys.privateKey, exporterContext, exported.enc, length, info))).toBe(hex(exported.secret));
      }), opts));
  }
});

// --- A group across providers ------------------------------------------------------------------

interface Member { name: string; cs: CiphersuiteImpl; state?: ClientState }

/** What travels between members: the encoded MLSMessage, decoded again on arrival. */
function wire(message: MLSMessage): MLSMessage {
  const decoded = decodeMlsMessage(encodeMlsMessage(message), 0)?.[0];
  if (decoded === undefined) throw new Error('an MLSMessage did not decode');
  return decoded;
}
const privateMessage = (m: MLSMessage) => {
  if (m.wireformat !== 'mls_private_message') throw new Error(`expected a private message, got ${m.wireformat}`);
  return m.privateMessage;
};

/** `committer` commits (adding `joiners`, or an update path when there are none); everyone else follows. */
async function commit(group: Member[], committer: Member, joiners: Member[]): Promise<void> {
  const packages = await Promise.all(joiners.map((j) => generateKeyPackage(basic(j.name), defaultCapabilities(), defaultLifetime, [], j.cs)));
  const result = await createCommit({ state: committer.state!, cipherSuite: committer.cs }, {
    extraProposals: packages.map((p) => ({ proposalType: 'add', add: { keyPackage: p.publicPackage } })),
    ratchetTreeExtension: true,
  });
  committer.state = result.newState;
  const arrived = wire(result.commit);
  for (const m of group.filter((x) => x !== committer)) {
    const r = await processPrivateMessage(m.state!, privateMessage(arrived), emptyPskIndex, m.cs);
    if (r.kind !== 'newState') throw new Error(`${m.name} expected a new state from the commit, got ${r.kind}`);
    m.state = r.newState;
  }
  for (const [i, j] of joiners.entries()) {
    const welcome = wire({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome! });
    if (welcome.wireformat !== 'mls_welcome') throw new Error('expected a welcome');
    j.state = await joinGroup(welcome.welcome, packages[i].publicPackage, packages[i].privatePackage, emptyPskIndex, j.cs);
    group.push(j);
  }
}

/** Everyone sends one message; everyone else receives exactly that text from that sender. */
async function everyoneTalks(group: Member[], text: Uint8Array): Promise<void> {
  for (const sender of group) {
    const body = new Uint8Array([...utf8(`${sender.name}: `), ...text]);
    const sent = await createApplicationMessage(sender.state!, body, sender.cs);
    sender.state = sent.newState;
    const arrived = wire({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: sent.privateMessage });
    for (const m of group.filter((x) => x !== sender)) {
      const r = await processPrivateMessage(m.state!, privateMessage(arrived), emptyPskIndex, m.cs);
      if (r.kind !== 'applicationMessage') throw new Error(`${m.name} expected an application message, got ${r.kind}`);
      expect(hex(r.message), `${sender.name} → ${m.name}`).toBe(hex(body));
      m.state = r.newState;
    }
  }
}

/** RFC 9420 §8.7: members who share the epoch's state share its epoch_authenticator. */
function expectOneState(group: Member[], epoch: bigint): void {
  const [first] = group;
  for (const m of group) {
    expect(m.state!.groupContext.epoch, m.name).toBe(epoch);
    expect(hex(m.state!.keySchedule.epochAuthenticator), m.name).toBe(hex(first.state!.keySchedule.epochAuthenticator));
  }
}

describe('a group whose members use either provider', () => {
  it('create, add, update, add again, and every member\'s message reaches every other member', () => fc.assert(fc.asyncProperty(
    // The first two members are on keyprint and on the default provider; the rest at random.
    fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }).map((rest) => [true, false, ...rest]), bytes(0, 64),
    async (onKeyprint, text) => {
      const members: Member[] = onKeyprint.map((k, i) => ({ name: `${k ? 'kp' : 'df'}${i}`, cs: k ? kp : df }));
      const [creator, updater, ...others] = members;
      const last = others.pop()!;
      const creatorPackage = await generateKeyPackage(basic(creator.name), defaultCapabilities(), defaultLifetime, [], creator.cs);
      creator.state = await createGroup(utf8('differential'), creatorPackage.publicPackage, creatorPackage.privatePackage, [], creator.cs);
      const group = [creator];
      await commit(group, creator, [updater, ...others]); // epoch 1: adds (no update path)
      expectOneState(group, 1n);
      await commit(group, updater, []); // epoch 2: an update path from a member on the other provider
      expectOneState(group, 2n);
      await commit(group, group.at(-1)!, [last]); // epoch 3: the newest member adds the last one
      expectOneState(group, 3n);
      expect(group).toHaveLength(onKeyprint.length);
      await everyoneTalks(group, text);
    }), { seed: fcSeed, numRuns: 6 }));
});
