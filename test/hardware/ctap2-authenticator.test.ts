// keyprint's CTAP2 client against the software authenticator (CTAP 2.1 §6.1, §6.2, §6.3, §6.4,
// §6.5, §12.1, §12.5; CTAPHID §11.2), over the in-memory pipe and over UDP: attestation chains and
// signatures are checked with node:crypto, not with our own code.
import { afterEach, describe, expect, it } from 'vitest';
import { X509Certificate, createPublicKey, createHash, verify as nodeVerify } from 'node:crypto';
import { p256PublicKeyFromCose, p256PublicKeyToSpki } from '../../src/core/index.js';
import {
  AuthDataFlag, Ctap2Client, CtapHidChannel, CredProtect, CtapError, CtapHidCommand, KEYPRINT_AAGUID, KeepaliveStatus, OID_FIDO_GEN_CE_AAGUID,
  DirectoryStore, PinUvAuthTokenPermission, SoftAuthenticator, parseAuthData, pinProtocolV1, pinProtocolV2, prfSalt,
  type PinUvAuthProtocol,
} from '../../src/hardware/node.js';
import { hex, utf8 } from '../_util.js';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, id_ce_basicConstraints } from '@peculiar/asn1-x509';
import { cdh, rig, type Link, type Rig } from './_fixture.js';

const RP = { id: 'keyprint.example', name: 'keyprint' };
const USER = { id: utf8('user-1'), name: 'alice', displayName: 'Alice' };
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

function spkiKey(publicKey65: Uint8Array) {
  return createPublicKey({ key: Buffer.from(p256PublicKeyToSpki(publicKey65)), format: 'der', type: 'spki' });
}

let current: Rig | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});
const open = async (link: Link, options = {}) => (current = await rig(link, options));

async function makeCredential(r: Rig, extra: Partial<Parameters<Rig['ctap']['makeCredential']>[0]> = {}) {
  const response = await r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER, ...extra });
  const authData = parseAuthData(response.authData);
  return { response, authData, credentialId: authData.attestedCredentialData!.credentialId, publicKey: p256PublicKeyFromCose(authData.attestedCredentialData!.publicKey) };
}

for (const link of ['memory', 'udp'] as const) {
  describe(`client ↔ software authenticator over ${link}`, () => {
    it('CTAPHID_INIT allocates a channel; PING echoes multi-packet payloads; WINK answers', async () => {
      const r = await open(link);
      expect(r.channel.cid).not.toBe(0);
      expect(r.channel.cid).not.toBe(0xffffffff);
      expect(r.channel.info.protocolVersion).toBe(2);
      expect(r.channel.info.capabilities & 0x04).toBe(0x04);
      const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
      expect(hex(await r.channel.ping(data))).toBe(hex(data));
      await r.channel.wink();
    });

    it('PING through the whole stack at every packet boundary (0, 1, 56..58, 115..117, 7550, 7609 bytes)', async () => {
      const r = await open(link);
      for (const n of [0, 1, 56, 57, 58, 115, 116, 117, 174, 175, 176, 1000, 7550, 7609]) {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 13 + n) & 0xff);
        expect(hex(await r.channel.ping(data)), `n=${n}`).toBe(hex(data));
      }
    });

    it('getInfo (§6.4)', async () => {
      const r = await open(link);
      const info = await r.ctap.getInfo();
      expect(info.versions).toContain('FIDO_2_1');
      expect(info.extensions).toEqual(['credProtect', 'hmac-secret']);
      expect(hex(info.aaguid)).toBe(hex(KEYPRINT_AAGUID));
      expect(info.options).toMatchObject({ rk: true, up: true, plat: false, clientPin: false, pinUvAuthToken: true });
      expect(info.pinUvAuthProtocols).toEqual([2, 1]);
      expect(info.algorithms).toEqual([{ type: 'public-key', alg: -7 }]);
    });

    it('makeCredential: packed attestation; the x5c chain and signature verify with node:crypto (WebAuthn §8.2)', async () => {
      const r = await open(link);
      const { response, authData, publicKey } = await makeCredential(r);
      expect(response.fmt).toBe('packed');
      expect(authData.flags & (AuthDataFlag.UP | AuthDataFlag.AT)).toBe(AuthDataFlag.UP | AuthDataFlag.AT);
      expect(authData.flags & AuthDataFlag.UV).toBe(0);
      expect(hex(authData.rpIdHash)).toBe(hex(sha256(utf8(RP.id))));
      expect(hex(authData.attestedCredentialData!.aaguid)).toBe(hex(KEYPRINT_AAGUID));
      expect(publicKey.length).toBe(65);

      const attStmt = response.attStmt;
      expect(attStmt.get('alg')).toBe(-7);
      const [leafDer] = attStmt.get('x5c') as Uint8Array[];
      const leaf = new X509Certificate(Buffer.from(leafDer));
      const ca = new X509Certificate(Buffer.from(r.authenticator.attestationCaCertificate));
      expect(ca.verify(ca.publicKey)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(ca.ca).toBe(true);
      expect(leaf.ca).toBe(false);
      // §8.2.1 subject requirements.
      expect(leaf.subject).toMatch(/C=US/);
      expect(leaf.subject).toMatch(/O=keyprint/);
      expect(leaf.subject).toMatch(/OU=Authenticator Attestation/);
      expect(leaf.subject).toMatch(/CN=/);
      // id-fido-gen-ce-aaguid: OID 1.3.6.1.4.1.45724.1.1.4, non-critical, OCTET STRING(aaguid).
      const raw = Buffer.from(leafDer).toString('hex');
      const oid = '060b2b0601040182e51c010104';
      expect(OID_FIDO_GEN_CE_AAGUID).toBe('1.3.6.1.4.1.45724.1.1.4');
      expect(raw).toContain(oid + '0412' + '0410' + hex(KEYPRINT_AAGUID)); // no BOOLEAN critical in between
      // sig over authData ‖ clientDataHash with the attestation key.
      const signed = Buffer.concat([response.authData, cdh()]);
      expect(nodeVerify('sha256', signed, leaf.publicKey, attStmt.get('sig') as Uint8Array)).toBe(true);
    });

    it('getAssertion: signature verifies with node:crypto; signCount grows', async () => {
      const r = await open(link);
      const { credentialId, publicKey, authData: mcAuth } = await makeCredential(r);
      const a = await r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh(2), allowList: [{ type: 'public-key', id: credentialId }] });
      expect(hex(a.credential.id)).toBe(hex(credentialId));
      const ad = parseAuthData(a.authData);
      expect(ad.flags).toBe(AuthDataFlag.UP);
      expect(ad.signCount).toBeGreaterThan(mcAuth.signCount);
      expect(nodeVerify('sha256', Buffer.concat([a.authData, cdh(2)]), spkiKey(publicKey), a.signature)).toBe(true);
      expect(nodeVerify('sha256', Buffer.concat([a.authData, cdh(3)]), spkiKey(publicKey), a.signature)).toBe(false);
      await expect(r.ctap.getAssertion({ rpId: 'other.example', clientDataHash: cdh(), allowList: [{ type: 'public-key', id: credentialId }] }))
        .rejects.toMatchObject({ code: 'CTAP2_ERR_NO_CREDENTIALS', status: 0x2e });
    });

    it('discoverable credentials: getAssertion without allowList, numberOfCredentials and getNextAssertion (§6.3)', async () => {
      const r = await open(link);
      await makeCredential(r, { user: { id: utf8('u1'), name: 'one' }, options: { rk: true } });
      await makeCredential(r, { user: { id: utf8('u2'), name: 'two' }, options: { rk: true } });
      await makeCredential(r, { user: { id: utf8('u3') } }); // not discoverable
      const first = await r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh() });
      expect(first.numberOfCredentials).toBe(2);
      const second = await r.ctap.getNextAssertion();
      const users = [first.user!.id, second.user!.id].map((u) => new TextDecoder().decode(u)).sort();
      expect(users).toEqual(['u1', 'u2']);
      expect(first.user!.name).toBeUndefined(); // no UV → no user identifiable information
      await expect(r.ctap.getNextAssertion()).rejects.toMatchObject({ code: 'CTAP2_ERR_NOT_ALLOWED' });
      // excludeList → CREDENTIAL_EXCLUDED
      const again = await r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh() });
      await expect(makeCredential(r, { excludeList: [again.credential] })).rejects.toMatchObject({ code: 'CTAP2_ERR_CREDENTIAL_EXCLUDED' });
    });

    for (const protocol of [pinProtocolV2, pinProtocolV1]) {
      it(`clientPIN protocol ${protocol.version}: set PIN, token, UV flag, wrong PIN retries, 3 strikes → power cycle`, async () => {
        const r = await open(link);
        expect((await r.ctap.getPinRetries()).retries).toBe(8);
        await expect(r.ctap.getPinToken('1234', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_NOT_SET' });
        await r.ctap.setPin('1234', protocol);
        expect((await r.ctap.getInfo()).options.clientPin).toBe(true);
        await expect(r.ctap.setPin('5678', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_NOT_ALLOWED' });

        const token = await r.ctap.getPinToken('1234', protocol, { permissions: PinUvAuthTokenPermission.mc | PinUvAuthTokenPermission.ga, rpId: RP.id });
        expect(token.token.length).toBe(32);
        expect(String(token)).toBe(`PinToken(protocol ${protocol.version})`);
        expect(JSON.stringify({ token })).not.toMatch(/\d{2,},/);
        const { authData, credentialId } = await makeCredential(r, {
          options: { rk: true }, pinUvAuthParam: protocol.authenticate(token.token, cdh()), pinUvAuthProtocol: protocol.version,
        });
        expect(authData.flags & AuthDataFlag.UV).toBe(AuthDataFlag.UV);
        // With a PIN set, a discoverable credential needs a token.
        await expect(makeCredential(r, { options: { rk: true } })).rejects.toMatchObject({ code: 'CTAP2_ERR_PUAT_REQUIRED' });
        // A bad pinUvAuthParam.
        await expect(makeCredential(r, { pinUvAuthParam: protocol.authenticate(token.token, cdh(9)), pinUvAuthProtocol: protocol.version }))
          .rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_AUTH_INVALID' });
        // UV'd assertion returns the user's name.
        const a = await r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh(), pinUvAuthParam: protocol.authenticate(token.token, cdh()), pinUvAuthProtocol: protocol.version });
        expect(hex(a.credential.id)).toBe(hex(credentialId));
        expect(a.user?.name).toBe('alice');

        await expect(r.ctap.getPinToken('0000', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_INVALID', status: 0x31 });
        expect((await r.ctap.getPinRetries()).retries).toBe(7);
        await expect(r.ctap.getPinToken('0000', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_INVALID' });
        await expect(r.ctap.getPinToken('0000', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_AUTH_BLOCKED', status: 0x34 });
        expect(await r.ctap.getPinRetries()).toEqual({ retries: 5, powerCycleState: true });
        // Even the right PIN is refused until a power cycle.
        await expect(r.ctap.getPinToken('1234', protocol)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_AUTH_BLOCKED' });
        r.authenticator.powerCycle();
        await r.ctap.getPinToken('1234', protocol);
        expect((await r.ctap.getPinRetries()).retries).toBe(8);
      });
    }

    it('PIN blocked after 8 wrong attempts (with power cycles in between)', async () => {
      const r = await open(link);
      await r.ctap.setPin('1234', pinProtocolV2);
      const codes: string[] = [];
      for (let i = 0; i < 8; i++) {
        if (i % 3 === 0) r.authenticator.powerCycle();
        codes.push(await r.ctap.getPinToken('9999', pinProtocolV2).then(() => 'ok', (e: CtapError) => e.code));
      }
      expect(codes.at(-1)).toBe('CTAP2_ERR_PIN_BLOCKED');
      r.authenticator.powerCycle();
      await expect(r.ctap.getPinToken('1234', pinProtocolV2)).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED', status: 0x32 });
      expect((await r.ctap.getPinRetries()).retries).toBe(0);
    });

    it('hmac-secret: stable across assertions, different per salt, different with/without UV, two salts (§12.5)', async () => {
      const r = await open(link);
      await r.ctap.setPin('1234', pinProtocolV2);
      const { credentialId, authData } = await makeCredential(r, { extensions: new Map([['hmac-secret', true]]) });
      expect(authData.extensions?.get('hmac-secret')).toBe(true);
      const allowList = [{ type: 'public-key' as const, id: credentialId }];
      const s1 = prfSalt(utf8('one')), s2 = prfSalt(utf8('two'));
      const q = (salt1: Uint8Array, protocol: PinUvAuthProtocol = pinProtocolV2, salt2?: Uint8Array) =>
        r.ctap.hmacSecret({ rpId: RP.id, clientDataHash: cdh(), allowList, salt1, salt2, protocol });
      const a = await q(s1), b = await q(s1), c = await q(s2), v1 = await q(s1, pinProtocolV1);
      expect(hex(a.first)).toBe(hex(b.first));
      expect(hex(a.first)).toBe(hex(v1.first)); // the protocol only wraps the transport, not the secret
      expect(hex(a.first)).not.toBe(hex(c.first));
      const both = await q(s1, pinProtocolV2, s2);
      expect(hex(both.first)).toBe(hex(a.first));
      expect(hex(both.second!)).toBe(hex(c.first));
      const token = await r.ctap.getPinToken('1234', pinProtocolV2, { permissions: PinUvAuthTokenPermission.ga, rpId: RP.id });
      const uv = await r.ctap.hmacSecret({ rpId: RP.id, clientDataHash: cdh(), allowList, salt1: s1, pinToken: token });
      expect(parseAuthData(uv.assertion.authData).flags & AuthDataFlag.UV).toBe(AuthDataFlag.UV);
      expect(hex(uv.first)).not.toBe(hex(a.first));
      const uv2 = await r.ctap.hmacSecret({ rpId: RP.id, clientDataHash: cdh(5), allowList, salt1: s1, pinToken: token });
      expect(hex(uv2.first)).toBe(hex(uv.first));
    });

    it('credProtect (§12.1): level 3 hidden without UV, level 2 needs the ID in allowList', async () => {
      const r = await open(link);
      const l3 = await makeCredential(r, { user: { id: utf8('p3') }, options: { rk: true }, extensions: new Map([['credProtect', CredProtect.userVerificationRequired]]) });
      expect(l3.authData.extensions?.get('credProtect')).toBe(3);
      await expect(r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh(), allowList: [{ type: 'public-key', id: l3.credentialId }] }))
        .rejects.toMatchObject({ code: 'CTAP2_ERR_NO_CREDENTIALS' });
      const l2 = await makeCredential(r, { user: { id: utf8('p2') }, options: { rk: true }, extensions: new Map([['credProtect', 2]]) });
      await expect(r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh() })).rejects.toMatchObject({ code: 'CTAP2_ERR_NO_CREDENTIALS' });
      const a = await r.ctap.getAssertion({ rpId: RP.id, clientDataHash: cdh(), allowList: [{ type: 'public-key', id: l2.credentialId }] });
      expect(hex(a.credential.id)).toBe(hex(l2.credentialId));
      await expect(makeCredential(r, { extensions: new Map([['credProtect', 4]]) })).rejects.toMatchObject({ code: 'CTAP1_ERR_INVALID_PARAMETER' });
    });

    it('keepalive: UPNEEDED reaches onKeepalive while presence is pending', async () => {
      const r = await open(link, { approve: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 350)) });
      const seen: KeepaliveStatus[] = [];
      await r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER }, { onKeepalive: (s) => seen.push(s) });
      expect(seen).toContain(KeepaliveStatus.UPNEEDED);
    });

    it('denied presence → CTAP2_ERR_OPERATION_DENIED; presence timeout → CTAP2_ERR_USER_ACTION_TIMEOUT', async () => {
      const r = await open(link, { approve: async () => false });
      await expect(makeCredential(r)).rejects.toMatchObject({ code: 'CTAP2_ERR_OPERATION_DENIED', status: 0x27 });
      await r.close();
      const t = await open(link, { approve: () => new Promise<boolean>(() => {}), presenceTimeoutMs: 200 });
      await expect(makeCredential(t)).rejects.toMatchObject({ code: 'CTAP2_ERR_USER_ACTION_TIMEOUT' });
    });

    it('cancel: AbortSignal → CTAPHID_CANCEL → CTAP2_ERR_KEEPALIVE_CANCEL (0x2D), and the device is usable after', async () => {
      const r = await open(link, { approve: () => new Promise<boolean>(() => {}) });
      const ac = new AbortController();
      const seen: KeepaliveStatus[] = [];
      setTimeout(() => ac.abort(), 250);
      const t0 = Date.now();
      await expect(r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER }, { signal: ac.signal, onKeepalive: (s) => seen.push(s) }))
        .rejects.toMatchObject({ code: 'CTAP2_ERR_KEEPALIVE_CANCEL', status: 0x2d });
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(seen).toContain(KeepaliveStatus.UPNEEDED);
      expect((await r.ctap.getInfo()).versions).toContain('FIDO_2_1');
    });

    it('ERR_CHANNEL_BUSY: a second channel waits and retries until the first transaction ends', async () => {
      const r = await open(link, { approve: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300)) });
      const other = new Ctap2Client(await CtapHidChannel.open(await r.connect()));
      const slow = makeCredential(r);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const info = await other.getInfo({ timeoutMs: 5_000 });
      expect(info.versions).toContain('FIDO_2_1');
      await slow;
    });
  });
}

describe('malformed requests get the spec error codes', () => {
  const raw = async (r: Rig, payload: number[]) => {
    const resp = await r.channel.cbor(new Uint8Array(payload));
    return resp[0];
  };
  it('CTAP2 status codes for bad CBOR, wrong types, missing parameters, unknown commands', async () => {
    const r = await open('memory');
    expect(await raw(r, [0x01])).toBe(0x14); // makeCredential without parameters → MISSING_PARAMETER
    expect(await raw(r, [0x01, 0xff])).toBe(0x12); // INVALID_CBOR
    expect(await raw(r, [0x01, 0x01])).toBe(0x11); // not a map → CBOR_UNEXPECTED_TYPE
    expect(await raw(r, [0x01, 0xa2, 0x02, 0x01, 0x01, 0x01])).toBe(0x12); // keys out of canonical order
    expect(await raw(r, [0x01, 0xa1, 0x01, 0x01])).toBe(0x11); // clientDataHash is an int
    expect(await raw(r, [0x01, 0xc1, 0x01])).toBe(0x12); // a tag
    expect(await raw(r, [0x42])).toBe(0x01); // unknown command → CTAP1_ERR_INVALID_COMMAND
    expect(await raw(r, [0x06, 0xa1, 0x02, 0x18, 0x20])).toBe(0x14); // clientPIN sub 0x20 without protocol → MISSING_PARAMETER
    expect(await raw(r, [0x06, 0xa2, 0x01, 0x02, 0x02, 0x18, 0x20])).toBe(0x3e); // INVALID_SUBCOMMAND
    expect(await raw(r, [0x06, 0xa2, 0x01, 0x03, 0x02, 0x02])).toBe(0x02); // protocol 3 → INVALID_PARAMETER
    expect(await raw(r, [0x02, 0xa2, 0x01, 0x61, 0x78, 0x02, 0x40])).toBe(0x2e); // no credentials
    const big = new Uint8Array(1300); big[0] = 0x04;
    expect((await r.channel.cbor(big))[0]).toBe(0x39); // REQUEST_TOO_LARGE
    // unsupported algorithm
    const mc = await r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER, pubKeyCredParams: [{ type: 'public-key', alg: -8 }] }).catch((e) => e);
    expect(mc).toMatchObject({ code: 'CTAP2_ERR_UNSUPPORTED_ALGORITHM' });
    const uv = await r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER, options: { uv: true } }).catch((e) => e);
    expect(uv).toMatchObject({ code: 'CTAP2_ERR_INVALID_OPTION' });
    const zero = await r.ctap.makeCredential({ clientDataHash: cdh(), rp: RP, user: USER, pinUvAuthParam: new Uint8Array(0), pinUvAuthProtocol: 2 }).catch((e) => e);
    expect(zero).toMatchObject({ code: 'CTAP2_ERR_PIN_NOT_SET' });
    expect(await raw(r, [0x02, 0xa3, 0x01, 0x61, 0x78, 0x02, 0x40, 0x05, 0xa1, 0x62, 0x72, 0x6b, 0xf5])).toBe(0x2b); // rk option → UNSUPPORTED_OPTION
  });

  it('CTAPHID errors: unknown command, MSG without CTAP1, empty CBOR', async () => {
    const r = await open('memory');
    await expect(r.channel.call(0x55 as CtapHidCommand, new Uint8Array(0))).rejects.toMatchObject({ code: 'ERR_INVALID_CMD', hidCode: 1 });
    await expect(r.channel.call(CtapHidCommand.MSG, new Uint8Array(4))).rejects.toMatchObject({ code: 'ERR_INVALID_CMD' });
    await expect(r.channel.call(CtapHidCommand.LOCK, new Uint8Array([1]))).rejects.toMatchObject({ code: 'ERR_INVALID_CMD' });
    await expect(r.channel.cbor(new Uint8Array(0))).rejects.toMatchObject({ code: 'ERR_INVALID_LEN' });
  });
});

describe('CTAP 2.0 profile (ctap: "2.0"): what a protocol-1-only CTAP 2.0 key answers', () => {
  const raw = async (r: Rig, payload: number[]) => (await r.channel.cbor(new Uint8Array(payload)))[0];
  it('getInfo: FIDO_2_0 only, pinProtocols [1], no pinUvAuthToken / makeCredUvNotRqd options (CTAP 2.0 §5.4)', async () => {
    const r = await open('memory', { ctap: '2.0' });
    const info = await r.ctap.getInfo();
    expect(info.versions).toEqual(['FIDO_2_0']);
    expect(info.pinUvAuthProtocols).toEqual([1]);
    expect(info.options).toEqual({ rk: true, up: true, plat: false, clientPin: false });
    expect([...info.raw.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('clientPIN: pinProtocol required even for getRetries, protocol 2 and the 2.1 subCommands refused (CTAP 2.0 §5.5.3)', async () => {
    const r = await open('memory', { ctap: '2.0' });
    expect(await raw(r, [0x06, 0xa1, 0x02, 0x01])).toBe(0x14); // getRetries without pinProtocol → MISSING_PARAMETER
    expect(await raw(r, [0x06, 0xa2, 0x01, 0x01, 0x02, 0x01])).toBe(0x00); // with pinProtocol 1 → OK
    expect(await raw(r, [0x06, 0xa2, 0x01, 0x02, 0x02, 0x02])).toBe(0x02); // getKeyAgreement, protocol 2 → INVALID_PARAMETER
    expect(await raw(r, [0x06, 0xa2, 0x01, 0x01, 0x02, 0x09])).toBe(0x02); // getPinUvAuthTokenUsingPinWithPermissions → INVALID_PARAMETER
    await r.ctap.setPin('1234', pinProtocolV1);
    const token = await r.ctap.getPinToken('1234', pinProtocolV1); // legacy getPinToken (0x05)
    // CTAP 2.0 §5.1 step 7: with a PIN set, even a non-resident credential needs pinAuth.
    await expect(makeCredential(r)).rejects.toMatchObject({ code: 'CTAP2_ERR_PUAT_REQUIRED', status: 0x36 });
    const { authData } = await makeCredential(r, { pinUvAuthParam: token.authenticate(cdh()), pinUvAuthProtocol: 1 });
    expect(authData.flags & AuthDataFlag.UV).toBe(AuthDataFlag.UV);
  });

  it('hmac-secret: protocol 1 works; protocol-2 salts are refused (CTAP 2.0 §11.4 has no pinUvAuthProtocol key)', async () => {
    const r = await open('memory', { ctap: '2.0' });
    const { credentialId } = await makeCredential(r, { extensions: new Map([['hmac-secret', true]]) });
    const rq = { rpId: RP.id, clientDataHash: cdh(), allowList: [{ type: 'public-key' as const, id: credentialId }], salt1: prfSalt(utf8('x')) };
    const a = await r.ctap.hmacSecret({ ...rq, protocol: pinProtocolV1 });
    expect(hex((await r.ctap.hmacSecret({ ...rq, protocol: pinProtocolV1 })).first)).toBe(hex(a.first));
    await expect(r.ctap.hmacSecret({ ...rq, protocol: pinProtocolV2 })).rejects.toMatchObject({ code: 'CTAP1_ERR_INVALID_PARAMETER' });
  });
});

describe('attestation material and state', () => {
  it('the batch certificate carries the AAGUID extension non-critical and CA=false (asn1-x509 parse)', async () => {
    const r = await open('memory');
    const { response } = await makeCredential(r);
    const der = (response.attStmt.get('x5c') as Uint8Array[])[0];
    const cert = AsnConvert.parse(der, Certificate);
    const exts = cert.tbsCertificate.extensions!;
    const aaguid = exts.find((e) => e.extnID === OID_FIDO_GEN_CE_AAGUID)!;
    expect(aaguid.critical).toBe(false);
    expect(hex(new Uint8Array(AsnConvert.parse(aaguid.extnValue.buffer, OctetString).buffer))).toBe(hex(KEYPRINT_AAGUID));
    const bc = exts.find((e) => e.extnID === id_ce_basicConstraints)!;
    expect(AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA).toBe(false);
    expect(cert.tbsCertificate.version).toBe(2); // v3
  });

  it('DirectoryStore: state survives a restart, files are 0600 in a 0700 directory, no temp files left', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'keyprint-auth-')), 'state');
    try {
      const first = await open('memory', { store: new DirectoryStore(dir) });
      await first.ctap.setPin('1234', pinProtocolV2);
      const { credentialId } = await makeCredential(first, { options: { rk: false } });
      const ca = hex(first.authenticator.attestationCaCertificate);
      await first.close();
      current = undefined;
      expect(readdirSync(dir)).toEqual(['state.json']);
      expect(statSync(join(dir, 'state.json')).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const second = await open('memory', { store: new DirectoryStore(dir) });
      expect(hex(second.authenticator.attestationCaCertificate)).toBe(ca);
      expect((await second.ctap.getInfo()).options.clientPin).toBe(true);
      const token = await second.ctap.getPinToken('1234', pinProtocolV2, { permissions: PinUvAuthTokenPermission.ga, rpId: RP.id });
      const a = await second.ctap.getAssertion({
        rpId: RP.id, clientDataHash: cdh(), allowList: [{ type: 'public-key', id: credentialId }],
        pinUvAuthParam: pinProtocolV2.authenticate(token.token, cdh()), pinUvAuthProtocol: 2,
      });
      expect(hex(a.credential.id)).toBe(hex(credentialId));
      expect(String(second.authenticator)).toBe('SoftAuthenticator');
      expect(JSON.stringify({ a: second.authenticator })).not.toMatch(/secretKey/);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });

  it('a corrupt state file is a typed HardwareError("state")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyprint-auth-'));
    try {
      writeFileSync(join(dir, 'state.json'), '{"version": 9}');
      await expect(SoftAuthenticator.create({ store: new DirectoryStore(dir) })).rejects.toMatchObject({ code: 'state' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
