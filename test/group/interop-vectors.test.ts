// The MLS interoperability vectors (mlswg/mls-implementations test-vectors/, cipher_suite 1) run
// through ts-mls's own functions on keyprint's provider — and, as a check on this harness, on
// ts-mls's default provider. Functions ts-mls does not export from its index are imported from its
// modules (its package exports `./*.js`). Entry counts are pinned so a smaller vector file cannot pass
// quietly.
import { describe, expect, it } from 'vitest';
import { defaultKeyRetentionConfig, defaultPaddingConfig, decodeMlsMessage, mlsExporter, type CiphersuiteImpl, type GroupContext } from 'ts-mls';
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import { encodeGroupContext } from 'ts-mls/groupContext.js';
import { initializeEpoch } from 'ts-mls/keySchedule.js';
import { createSecretTree, deriveKey, deriveNonce, ratchetUntil, type GenerationSecret } from 'ts-mls/secretTree.js';
import { expandSenderDataKey, expandSenderDataNonce } from 'ts-mls/sender.js';
import { isLeaf, left, nodeWidth, parent, right, root, sibling, toNodeIndex } from 'ts-mls/treemath.js';
import { protect, protectApplicationData, protectProposal, unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { protectProposalPublic, protectPublicMessage, unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { createContentCommitSignature, verifyConfirmationTag } from 'ts-mls/framedContent.js';
import { decodeProposal, encodeProposal } from 'ts-mls/proposal.js';
import { decodeCommit, encodeCommit } from 'ts-mls/commit.js';
import { decodeAuthenticatedContent } from 'ts-mls/authenticatedContent.js';
import { createConfirmedHash, createInterimHash } from 'ts-mls/transcriptHash.js';
import { makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { computePskSecret } from 'ts-mls/presharedkey.js';
import { PROVIDERS, SUITE, suite1 } from './_mls.js';
import { hex, unhex, vectorJson } from '../_util.js';

function groupContext(v: { group_id: string; tree_hash: string; confirmed_transcript_hash: string }, epoch: number | bigint): GroupContext {
  return {
    version: 'mls10', cipherSuite: SUITE.name, groupId: unhex(v.group_id), epoch: BigInt(epoch),
    treeHash: unhex(v.tree_hash), confirmedTranscriptHash: unhex(v.confirmed_transcript_hash), extensions: [],
  };
}

function mlsMessage<W extends string>(bytes: string, wireformat: W) {
  const decoded = decodeMlsMessage(unhex(bytes), 0)?.[0];
  if (decoded?.wireformat !== wireformat) throw new Error(`expected ${wireformat}, got ${decoded?.wireformat}`);
  return decoded as Extract<NonNullable<typeof decoded>, { wireformat: W }>;
}

describe('mlswg tree-math (no ciphersuite)', () => {
  const vectors = vectorJson<any[]>('mls/tree-math.json');
  it('has 10 trees, 1 to 512 leaves', () => expect(vectors.map((v) => v.n_leaves)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]));
  it.each(vectors.map((v) => [v.n_leaves, v]))('%i leaves: n_nodes, root, left, right, parent, sibling', (n, v) => {
    expect(nodeWidth(n)).toBe(v.n_nodes);
    expect(root(n)).toBe(v.root);
    for (let i = 0; i < v.n_nodes; i++) {
      const x = toNodeIndex(i);
      expect(isLeaf(x) ? null : left(x), `left[${i}]`).toBe(v.left[i]);
      expect(isLeaf(x) ? null : right(x), `right[${i}]`).toBe(v.right[i]);
      expect(i === v.root ? null : parent(x, n), `parent[${i}]`).toBe(v.parent[i]);
      expect(i === v.root ? null : sibling(x, n), `sibling[${i}]`).toBe(v.sibling[i]);
    }
  });
});

describe.each(PROVIDERS)('mlswg vectors, cipher_suite 1, on %s', (_, makeImpl) => {
  let cs: CiphersuiteImpl;
  const impl = async () => (cs ??= await makeImpl());

  describe('crypto-basics', () => {
    const [v] = suite1('crypto-basics');
    it('has 1 entry for cipher_suite 1', () => expect(suite1('crypto-basics')).toHaveLength(1));
    it('ref_hash', async () => {
      expect(hex(await refhash(v.ref_hash.label, unhex(v.ref_hash.value), (await impl()).hash))).toBe(v.ref_hash.out);
    });
    it('expand_with_label', async () => {
      const e = v.expand_with_label;
      expect(hex(await expandWithLabel(unhex(e.secret), e.label, unhex(e.context), e.length, (await impl()).kdf))).toBe(e.out);
    });
    it('derive_secret', async () => {
      expect(hex(await deriveSecret(unhex(v.derive_secret.secret), v.derive_secret.label, (await impl()).kdf))).toBe(v.derive_secret.out);
    });
    it('derive_tree_secret', async () => {
      const d = v.derive_tree_secret;
      expect(hex(await deriveTreeSecret(unhex(d.secret), d.label, d.generation, d.length, (await impl()).kdf))).toBe(d.out);
    });
    it('sign_with_label: the vector verifies; our signature verifies (and, Ed25519 being deterministic, equals it)', async () => {
      const s = v.sign_with_label, { signature } = await impl();
      expect(await verifyWithLabel(unhex(s.pub), s.label, unhex(s.content), unhex(s.signature), signature)).toBe(true);
      const ours = await signWithLabel(unhex(s.priv), s.label, unhex(s.content), signature);
      expect(await verifyWithLabel(unhex(s.pub), s.label, unhex(s.content), ours, signature)).toBe(true);
      expect(hex(ours)).toBe(s.signature);
    });
    it('encrypt_with_label: the vector decrypts; our encryption decrypts', async () => {
      const e = v.encrypt_with_label, { hpke } = await impl();
      const priv = await hpke.importPrivateKey(unhex(e.priv));
      const pub = await hpke.importPublicKey(unhex(e.pub));
      expect(hex(await decryptWithLabel(priv, e.label, unhex(e.context), unhex(e.kem_output), unhex(e.ciphertext), hpke))).toBe(e.plaintext);
      const fresh = await encryptWithLabel(pub, e.label, unhex(e.context), unhex(e.plaintext), hpke);
      expect(hex(await decryptWithLabel(priv, e.label, unhex(e.context), fresh.enc, fresh.ct, hpke))).toBe(e.plaintext);
    });
  });

  describe('key-schedule', () => {
    const [v] = suite1('key-schedule');
    it('has 1 entry for cipher_suite 1, with 5 epochs', () => {
      expect(suite1('key-schedule')).toHaveLength(1);
      expect(v.epochs).toHaveLength(5);
    });
    it('every epoch: group context, key schedule outputs, external_pub, exporter', async () => {
      const cs = await impl();
      let initSecret = unhex(v.initial_init_secret);
      for (const [epoch, e] of v.epochs.entries()) {
        const at = `epoch ${epoch}`;
        const gc = groupContext({ ...e, group_id: v.group_id }, epoch);
        expect(hex(encodeGroupContext(gc)), at).toBe(e.group_context);
        const s = await initializeEpoch(initSecret, unhex(e.commit_secret), gc, unhex(e.psk_secret), cs.kdf);
        expect(hex(s.joinerSecret), at).toBe(e.joiner_secret);
        expect(hex(s.welcomeSecret), at).toBe(e.welcome_secret);
        expect(hex(s.encryptionSecret), at).toBe(e.encryption_secret);
        const ks = s.keySchedule;
        expect(hex(ks.initSecret), at).toBe(e.init_secret);
        expect(hex(ks.senderDataSecret), at).toBe(e.sender_data_secret);
        expect(hex(ks.exporterSecret), at).toBe(e.exporter_secret);
        expect(hex(ks.epochAuthenticator), at).toBe(e.epoch_authenticator);
        expect(hex(ks.externalSecret), at).toBe(e.external_secret);
        expect(hex(ks.confirmationKey), at).toBe(e.confirmation_key);
        expect(hex(ks.membershipKey), at).toBe(e.membership_key);
        expect(hex(ks.resumptionPsk), at).toBe(e.resumption_psk);
        // §8.3: external_pub = KEM.DeriveKeyPair(external_secret).public (RFC 9180 §7.1.3).
        const external = await cs.hpke.deriveKeyPair(ks.externalSecret);
        expect(hex(await cs.hpke.exportPublicKey(external.publicKey)), at).toBe(e.external_pub);
        // §8.5 MLS-Exporter; the generator uses the label's text as given (its hex digits), not the bytes they spell.
        const x = e.exporter;
        expect(hex(await mlsExporter(ks.exporterSecret, x.label, unhex(x.context), x.length, cs)), at).toBe(x.secret);
        initSecret = ks.initSecret;
      }
    });
  });

  describe('secret-tree', () => {
    const vectors = suite1('secret-tree');
    it('has 3 entries for cipher_suite 1 (1, 8 and 32 leaves; generations 0 and 15)', () => {
      expect(vectors.map((v) => v.leaves.length)).toEqual([1, 8, 32]);
      expect(vectors.flatMap((v) => v.leaves.flat()).length).toBe(82);
    });
    it.each(vectors.map((v) => [v.leaves.length, v]))('%i leaves: sender data key and nonce, every leaf\'s keys and nonces', async (n, v) => {
      const cs = await impl();
      const sd = v.sender_data;
      expect(hex(await expandSenderDataKey(cs, unhex(sd.sender_data_secret), unhex(sd.ciphertext)))).toBe(sd.key);
      expect(hex(await expandSenderDataNonce(cs, unhex(sd.sender_data_secret), unhex(sd.ciphertext)))).toBe(sd.nonce);
      const tree = await createSecretTree(n, unhex(v.encryption_secret), cs.kdf);
      const config = { ...defaultKeyRetentionConfig, maximumForwardRatchetSteps: 1 << 16 };
      for (const [leaf, generations] of v.leaves.entries()) {
        // RFC 9420 §9: leaf i's ratchets are rooted at node 2i.
        let application: GenerationSecret = tree[2 * leaf].application;
        let handshake: GenerationSecret = tree[2 * leaf].handshake;
        for (const g of generations) {
          const at = `leaf ${leaf} generation ${g.generation}`;
          [application] = await ratchetUntil(application, g.generation, config, cs.kdf);
          [handshake] = await ratchetUntil(handshake, g.generation, config, cs.kdf);
          expect(hex(await deriveKey(application.secret, g.generation, cs)), at).toBe(g.application_key);
          expect(hex(await deriveNonce(application.secret, g.generation, cs)), at).toBe(g.application_nonce);
          expect(hex(await deriveKey(handshake.secret, g.generation, cs)), at).toBe(g.handshake_key);
          expect(hex(await deriveNonce(handshake.secret, g.generation, cs)), at).toBe(g.handshake_nonce);
        }
      }
    });
  });

  describe('message-protection', () => {
    const [v] = suite1('message-protection');
    const SENDER = 1; // "use the member with LeafIndex 1 as the sender"
    const EMPTY = new Uint8Array(0);
    const gc = () => groupContext(v, v.epoch);
    const secretTree = async (cs: CiphersuiteImpl) => createSecretTree(2, unhex(v.encryption_secret), cs.kdf);
    const unprotectPrivate = async (cs: CiphersuiteImpl, msg: any) =>
      (await unprotectPrivateMessage(unhex(v.sender_data_secret), msg, await secretTree(cs), [], gc(), defaultKeyRetentionConfig, cs, unhex(v.signature_pub))).content;
    const unprotectPublic = async (cs: CiphersuiteImpl, msg: any) =>
      unprotectPublicMessage(unhex(v.membership_key), gc(), [], msg, cs, unhex(v.signature_pub));

    it('has 1 entry for cipher_suite 1', () => expect(suite1('message-protection')).toHaveLength(1));

    it('proposal: proposal_pub and proposal_priv unprotect to the proposal; ours round-trip', async () => {
      const cs = await impl();
      const pub = await unprotectPublic(cs, mlsMessage(v.proposal_pub, 'mls_public_message').publicMessage);
      const priv = await unprotectPrivate(cs, mlsMessage(v.proposal_priv, 'mls_private_message').privateMessage);
      for (const c of [pub.content, priv.content]) {
        expect(c.contentType).toBe('proposal');
        if (c.contentType === 'proposal') expect(hex(encodeProposal(c.proposal))).toBe(v.proposal);
      }
      const proposal = decodeProposal(unhex(v.proposal), 0)![0];
      const ourPub = await protectProposalPublic(unhex(v.signature_priv), unhex(v.membership_key), gc(), EMPTY, proposal, SENDER, cs);
      expect((await unprotectPublic(cs, ourPub.publicMessage)).content).toMatchObject({ contentType: 'proposal', proposal });
      const ourPriv = await protectProposal(unhex(v.signature_priv), unhex(v.sender_data_secret), proposal, EMPTY, gc(), await secretTree(cs), SENDER, defaultPaddingConfig, cs);
      expect((await unprotectPrivate(cs, ourPriv.privateMessage)).content).toMatchObject({ contentType: 'proposal', proposal });
    });

    it('commit: commit_pub and commit_priv unprotect to the commit; ours (with the supplied confirmation tag) round-trip', async () => {
      const cs = await impl();
      const pub = await unprotectPublic(cs, mlsMessage(v.commit_pub, 'mls_public_message').publicMessage);
      const priv = await unprotectPrivate(cs, mlsMessage(v.commit_priv, 'mls_private_message').privateMessage);
      for (const c of [pub.content, priv.content]) {
        expect(c.contentType).toBe('commit');
        if (c.contentType === 'commit') expect(hex(encodeCommit(c.commit))).toBe(v.commit);
      }
      if (priv.auth.contentType !== 'commit') throw new Error('commit_priv carries no confirmation tag');
      const confirmationTag = priv.auth.confirmationTag;
      const commit = decodeCommit(unhex(v.commit), 0)![0];
      for (const wireformat of ['mls_public_message', 'mls_private_message'] as const) {
        const { signature, framedContent } = await createContentCommitSignature(
          gc(), wireformat, commit, { senderType: 'member', leafIndex: SENDER }, EMPTY, unhex(v.signature_priv), cs.signature);
        const auth = { contentType: 'commit' as const, signature, confirmationTag };
        const content = wireformat === 'mls_public_message'
          ? (await unprotectPublic(cs, await protectPublicMessage(unhex(v.membership_key), gc(), { wireformat, content: framedContent, auth }, cs))).content
          : (await unprotectPrivate(cs, (await protect(unhex(v.sender_data_secret), EMPTY, gc(), await secretTree(cs), { ...framedContent, auth }, SENDER, defaultPaddingConfig, cs)).privateMessage)).content;
        expect(content.contentType, wireformat).toBe('commit');
        if (content.contentType === 'commit') expect(hex(encodeCommit(content.commit)), wireformat).toBe(v.commit);
      }
    });

    it('application: application_priv unprotects to the data; ours round-trip', async () => {
      const cs = await impl();
      const priv = await unprotectPrivate(cs, mlsMessage(v.application_priv, 'mls_private_message').privateMessage);
      expect(priv.content.contentType).toBe('application');
      if (priv.content.contentType === 'application') expect(hex(priv.content.applicationData)).toBe(v.application);
      const ours = await protectApplicationData(unhex(v.signature_priv), unhex(v.sender_data_secret), unhex(v.application), EMPTY, gc(), await secretTree(cs), SENDER, defaultPaddingConfig, cs);
      const back = await unprotectPrivate(cs, ours.privateMessage);
      if (back.content.contentType !== 'application') throw new Error(`expected application, got ${back.content.contentType}`);
      expect(hex(back.content.applicationData)).toBe(v.application);
    });
  });

  describe('transcript-hashes', () => {
    const [v] = suite1('transcript-hashes');
    it('has 1 entry for cipher_suite 1', () => expect(suite1('transcript-hashes')).toHaveLength(1));
    it('confirmation tag verifies; confirmed and interim transcript hashes (RFC 9420 §8.2)', async () => {
      const { hash } = await impl();
      const ac = decodeAuthenticatedContent(unhex(v.authenticated_content), 0)![0];
      if (ac.content.contentType !== 'commit' || ac.auth.contentType !== 'commit') throw new Error('expected a commit');
      const tag = ac.auth.confirmationTag;
      expect(await verifyConfirmationTag(unhex(v.confirmation_key), tag, unhex(v.confirmed_transcript_hash_after), hash)).toBe(true);
      const confirmed = await createConfirmedHash(unhex(v.interim_transcript_hash_before), { wireformat: ac.wireformat, content: ac.content, signature: ac.auth.signature }, hash);
      expect(hex(confirmed)).toBe(v.confirmed_transcript_hash_after);
      expect(hex(await createInterimHash(confirmed, tag, hash))).toBe(v.interim_transcript_hash_after);
    });
  });

  describe('welcome', () => {
    const [v] = suite1('welcome');
    it('has 1 entry for cipher_suite 1', () => expect(suite1('welcome')).toHaveLength(1));
    it('group secrets open with init_priv; group info decrypts, its signature and confirmation tag verify (RFC 9420 §12.4.3.1)', async () => {
      const cs = await impl();
      const { keyPackage } = mlsMessage(v.key_package, 'mls_key_package');
      const { welcome } = mlsMessage(v.welcome, 'mls_welcome');
      expect(await verifyKeyPackage(keyPackage, cs.signature)).toBe(true);
      const ref = await makeKeyPackageRef(keyPackage, cs.hash);
      const secrets = await decryptGroupSecrets(await cs.hpke.importPrivateKey(unhex(v.init_priv)), ref, welcome, cs.hpke);
      if (secrets === undefined) throw new Error('no group secrets for this key package');
      expect(secrets.psks).toHaveLength(0);
      const pskSecret = await computePskSecret([], cs);
      const groupInfo = await decryptGroupInfo(welcome, secrets.joinerSecret, pskSecret, cs);
      if (groupInfo === undefined) throw new Error('group info did not decrypt');
      expect(await verifyGroupInfoSignature(groupInfo, unhex(v.signer_pub), cs.signature)).toBe(true);
      expect(await verifyGroupInfoConfirmationTag(groupInfo, secrets.joinerSecret, pskSecret, cs)).toBe(true);
    });
  });

  describe('psk_secret', () => {
    const vectors = suite1('psk_secret');
    it('has 11 entries for cipher_suite 1 (0 to 10 external PSKs)', () => expect(vectors.map((v) => v.psks.length)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    it.each(vectors.map((v) => [v.psks.length, v]))('%i PSKs (RFC 9420 §8.4)', async (_n, v) => {
      const psks = v.psks.map((p: any) => [{ psktype: 'external', pskId: unhex(p.psk_id), pskNonce: unhex(p.psk_nonce) }, unhex(p.psk)] as const);
      expect(hex(await computePskSecret(psks as any, await impl()))).toBe(v.psk_secret);
    });
  });
});
