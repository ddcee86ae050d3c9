// Negotiation from getInfo (CTAP 2.1 §6.4): the PIN/UV auth protocol from `pinUvAuthProtocols`
// (§6.5.5.1, §12.5: "MUST be a version supported by the authenticator"), the token subcommand from
// the `pinUvAuthToken` option (absent = not supported → legacy getPinToken, §6.5.5.7.1), getPINRetries
// with its protocol (CTAP 2.0 §5.5.3), and every option read with the spec's default. Run against the
// software authenticator in both profiles — the CTAP 2.0 one answers as a protocol-1-only 2.0 key —
// with a recording channel in between that forwards every request unchanged.
import { describe, expect, it } from 'vitest';
import {
  ClientPinSubCommand, Ctap2Client, CtapCommand, CtapHidChannel, CtapHidDevice, MemoryReportTransport, PinUvAuthTokenPermission,
  SoftAuthenticator, decodeCborMap, getInfoOption, negotiatePinUvAuthProtocol, prfSalt,
  type AuthenticatorInfo, type CborChannel, type CborMap, type SoftAuthenticatorOptions,
} from '../../src/hardware/index.js';
import { EnrollError, enroll, unlockIdentity } from '../../src/enroll/index.js';
import { readEnrollment, writeEnrollment } from '../../src/cli/_identity-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../_util.js';

/** A channel that records each CTAP2 request (command byte and parameter map) and forwards it. */
class Recorder implements CborChannel {
  readonly requests: Array<{ command: number; params?: CborMap }> = [];
  constructor(private readonly inner: CborChannel) {}
  cbor(payload: Uint8Array, options?: Parameters<CborChannel['cbor']>[1]): Promise<Uint8Array> {
    this.requests.push({ command: payload[0], params: payload.length > 1 ? decodeCborMap(payload.subarray(1)) : undefined });
    return this.inner.cbor(payload, options);
  }
  clientPin(): CborMap[] {
    return this.requests.filter((r) => r.command === CtapCommand.authenticatorClientPIN).map((r) => r.params!);
  }
}

async function open(options: SoftAuthenticatorOptions) {
  const authenticator = await SoftAuthenticator.create(options);
  const device = new CtapHidDevice(authenticator);
  const transport = new MemoryReportTransport(device);
  const recorder = new Recorder(await CtapHidChannel.open(transport));
  return {
    authenticator, recorder, ctap: new Ctap2Client(recorder),
    close: async () => { device.close(); await transport.close(); },
  };
}

const info = (pinUvAuthProtocols: number[], options: Record<string, boolean> = {}) =>
  ({ pinUvAuthProtocols, options }) as unknown as AuthenticatorInfo;

describe('negotiatePinUvAuthProtocol / getInfoOption (CTAP 2.1 §6.4)', () => {
  it('protocol 2 when offered, else 1; an absent list is CTAP 2.0 (protocol 1); nothing usable → CTAP1_ERR_INVALID_PARAMETER', () => {
    expect(negotiatePinUvAuthProtocol(info([2, 1])).version).toBe(2);
    expect(negotiatePinUvAuthProtocol(info([1, 2])).version).toBe(2);
    expect(negotiatePinUvAuthProtocol(info([2])).version).toBe(2);
    expect(negotiatePinUvAuthProtocol(info([1])).version).toBe(1); // Solo 1, CTAP 2.0 keys
    expect(negotiatePinUvAuthProtocol(info([])).version).toBe(1);
    expect(negotiatePinUvAuthProtocol(info([3, 1])).version).toBe(1);
    expect(() => negotiatePinUvAuthProtocol(info([3]))).toThrow(/offers PIN\/UV auth protocols \[3\]; keyprint supports 1 and 2/);
  });

  it('absent options take the §6.4 defaults; options without a default are undefined (not supported)', () => {
    const none = info([1]);
    expect(getInfoOption(none, 'pinUvAuthToken')).toBe(false);
    expect(getInfoOption(none, 'rk')).toBe(false);
    expect(getInfoOption(none, 'up')).toBe(true);
    expect(getInfoOption(none, 'plat')).toBe(false);
    expect(getInfoOption(none, 'credMgmt')).toBe(false);
    expect(getInfoOption(none, 'makeCredUvNotRqd')).toBe(false);
    expect(getInfoOption(none, 'alwaysUv')).toBe(false);
    expect(getInfoOption(none, 'clientPin')).toBeUndefined();
    expect(getInfoOption(none, 'uv')).toBeUndefined();
    const set = info([2], { pinUvAuthToken: true, up: false, clientPin: false });
    expect(getInfoOption(set, 'pinUvAuthToken')).toBe(true);
    expect(getInfoOption(set, 'up')).toBe(false);
    expect(getInfoOption(set, 'clientPin')).toBe(false);
    expect(getInfoOption(info([1], { toString: true }), 'toString')).toBe(true); // own keys only, no prototype lookups
    expect(getInfoOption(none, 'toString')).toBeUndefined();
  });
});

describe.each([
  { ctap: '2.0' as const, protocol: 1, tokenSub: ClientPinSubCommand.getPinToken },
  { ctap: '2.1' as const, protocol: 2, tokenSub: ClientPinSubCommand.getPinUvAuthTokenUsingPinWithPermissions },
])('Ctap2Client against the CTAP $ctap profile: negotiated protocol $protocol', ({ ctap: profile, protocol, tokenSub }) => {
  it('setPin, getPinRetries, getPinToken with permissions and hmacSecret pick their protocol and subcommand from getInfo', async () => {
    const k = await open({ ctap: profile });
    try {
      const { ctap, recorder } = k;
      expect((await ctap.pinUvAuthProtocol()).version).toBe(protocol);
      await ctap.setPin('1234');
      expect((await ctap.getPinRetries()).retries).toBe(8);
      const token = await ctap.getPinToken('1234', undefined, { permissions: PinUvAuthTokenPermission.mc | PinUvAuthTokenPermission.ga, rpId: 'keyprint.example' });
      expect(token.protocol.version).toBe(protocol);
      const cdh = new Uint8Array(32).fill(7);
      const made = await ctap.makeCredential({
        clientDataHash: cdh, rp: { id: 'keyprint.example' }, user: { id: new Uint8Array([1]) }, extensions: new Map([['hmac-secret', true]]),
        pinUvAuthParam: token.authenticate(cdh), pinUvAuthProtocol: token.protocol.version,
      });
      const id = made.authData.subarray(55, 55 + made.authData[54]);
      const rq = { rpId: 'keyprint.example', clientDataHash: cdh, allowList: [{ type: 'public-key' as const, id }], salt1: prfSalt(utf8('x')) };
      const a = await ctap.hmacSecret(rq);
      const b = await ctap.hmacSecret(rq);
      expect(a.first).toEqual(b.first);

      // Every clientPIN request names the negotiated protocol — getPINRetries too (CTAP 2.0 §5.5.3).
      const pins = recorder.clientPin();
      expect(pins.map((p) => p.get(1))).toEqual(pins.map(() => protocol));
      expect(pins.map((p) => p.get(2))).toContain(ClientPinSubCommand.getPINRetries);
      // The token subcommand follows the pinUvAuthToken option: 0x05 when absent, 0x09 when true.
      expect(pins.map((p) => p.get(2))).toContain(tokenSub);
      expect(pins.map((p) => p.get(2))).not.toContain(tokenSub === 0x05 ? 0x09 : 0x05);
      // hmac-secret says which protocol its salts use (§12.5 key 4).
      const ga = recorder.requests.filter((r) => r.command === CtapCommand.authenticatorGetAssertion).map((r) => (r.params!.get(4) as CborMap).get('hmac-secret') as CborMap);
      expect(ga.map((h) => h.get(4))).toEqual([protocol, protocol]);
    } finally {
      await k.close();
    }
  });

  it('enroll and unlock (library), with and without a PIN; a wrong PIN reports the retries left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyprint-negotiate-'));
    const plain = await open({ ctap: profile });
    const pinned = await open({ ctap: profile });
    try {
      const e = await enroll({ ctap: plain.ctap, displayName: 'Ada' });
      expect(e.credential.authenticator.versions).toEqual(profile === '2.0' ? ['FIDO_2_0'] : ['FIDO_2_0', 'FIDO_2_1']);
      await writeEnrollment(join(dir, 'a'), e);
      const id = await unlockIdentity({ ctap: plain.ctap, enrolled: (await readEnrollment(join(dir, 'a')))! });
      expect(id.did).toBe(e.identity.did);
      id.destroy();
      e.identity.destroy();

      await pinned.ctap.setPin('1234');
      const wrong = await enroll({ ctap: pinned.ctap, displayName: 'Bo', pin: '9999' }).catch((x: unknown) => x);
      expect(wrong).toBeInstanceOf(EnrollError);
      expect(wrong).toMatchObject({ code: 'pin-invalid', message: 'wrong PIN (7 attempts left)' });
      const p = await enroll({ ctap: pinned.ctap, displayName: 'Bo', pin: '1234' });
      expect(p.credential.userVerified).toBe(true);
      await writeEnrollment(join(dir, 'b'), p);
      const u = await unlockIdentity({ ctap: pinned.ctap, enrolled: (await readEnrollment(join(dir, 'b')))!, pin: '1234' });
      expect(u.did).toBe(p.identity.did);
      u.destroy();
      p.identity.destroy();
    } finally {
      await plain.close();
      await pinned.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
