// Recorded CTAPHID frames from a real authenticator, replayed through keyprint's client (CTAPHID
// §11.2 framing, strict canonical CBOR, CTAP2 §6.2/§6.4/§6.5 parsers). Source: Yubico/libfido2
// fuzz/wiredata_fido2.h (WIREDATA_CTAP_INIT, _KEEPALIVE, _CBOR_INFO, _CBOR_AUTHKEY, _CBOR_RETRIES,
// _CBOR_PINTOKEN, _CBOR_ASSERT), replayed the way libfido2's regress/mock.c does: the INIT answer gets
// the host's nonce patched in (and here the recorded CID, too).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  AuthDataFlag, ClientPinSubCommand, Ctap2Client, CtapHidChannel, MemoryReportTransport, parseAuthData, pointFromCoseKeyAgreement,
  encapsulate, pinProtocolV1,
} from '../../src/hardware/index.js';
import { hex, unhex } from '../_util.js';

const frame = (h: string) => {
  const r = new Uint8Array(64);
  r.set(unhex(h.replace(/\s+/g, '')));
  return r;
};

const INIT = frame('ffffffff 86 0011 80435640b14ed92d 00220002 02 050201 05');
const KEEPALIVE = frame('00220002 bb 0001 02');
const CBOR_INFO = [
  '00220002 90 00b9 00 a9018366 5532465f 56326846 49444f5f 325f306c 4649444f 5f325f31 5f505245 02826b63 72656450 726f7465 63746b68 6d61632d 736563 72',
  '00220002 00 65 7403 5019 56e5bda3 7445f1a8 14356403 fdbc1804 a562726b f5627570 f564706c 6174f469 636c6965 6e745069 6ef47563 72656465 6e746961 6c4d',
  '00220002 01 676d74 50726576 696577f5 051904b0 06810107 08081880 0a82a263 616c6726 64747970 656a7075 626c6963 2d6b6579 a263616c 67276474 7970656a',
  '00220002 02 7075626c 69632d6b 6579',
].map(frame);
const CBOR_AUTHKEY = [
  '00220002 90 0051 00 a101a501 02033818 20012158 202ab82d 3669ab30 9de35e9b fb94fc1d 9295af01 47fe4b87 e5cf3f05 0b39da17 49225820 151bbe08 78604d3c',
  '00220002 00 3ff160 a6d8f8ed ce4a305d 1aaf80c4 0ad26f77 381297aa bd',
].map(frame);
const CBOR_RETRIES = [frame('00220002 90 0004 00 a10308')];
const CBOR_PINTOKEN = [frame('00220002 90 0014 00 a10250 ee404c85 d7a12f56 c44ec593 41d03b23')];
const CBOR_ASSERT = [
  '0092000e 90 00cb 00 a301a262 69645840 4a4c9ecc 817d4203 2b41d138 d349b4fc fbe44ee4 ff763416 68069da6 0132b9ff c2350d89 436612f8 8e5bdef4 ccec9d03',
  '0092000e 00 85c2f5 e68eeb3f 3aecc31d 046ef35b 88647479 70656a70 75626c69 632d6b65 79025825 49960de5 880e8c68 7434170f 6476605b 8fe4aeb9 a28632c7',
  '0092000e 01 995cf3 ba831d97 63040000 00090358 47304502 2100cf3f 360e1f6f d6a09d13 cf55f749 8fc8c903 12764175 7bb50a90 a58226f1 6b800220 349b7a82',
  '0092000e 02 d3e179 4955419f a40606bd c8b92b5f e1a7991c a1fc7e3e d5852e11 75',
].map(frame);

/** A device that answers INIT with the recorded frame (nonce and CID patched) and each CBOR request with the next recording. */
function replay(cid: number, answers: Uint8Array[][]) {
  const queue = answers.slice();
  return new MemoryReportTransport({
    handleReport(report, reply) {
      if (report[4] === 0x86) {
        const r = INIT.slice();
        r.set(report.subarray(7, 15), 7); // the host's nonce
        new DataView(r.buffer).setUint32(15, cid);
        return reply(r);
      }
      if (report[4] === 0x90) {
        const keepalive = KEEPALIVE.slice();
        new DataView(keepalive.buffer).setUint32(0, cid);
        reply(keepalive);
        for (const f of queue.shift() ?? []) reply(f);
      }
    },
  });
}

describe('libfido2 fuzz/wiredata_fido2.h replay', () => {
  it('INIT + KEEPALIVE + CBOR_INFO → getInfo of a YubiKey-class device (FIDO_2_1_PRE, credProtect, hmac-secret)', async () => {
    const channel = await CtapHidChannel.open(replay(0x00220002, [CBOR_INFO]));
    expect(channel.cid).toBe(0x00220002);
    expect(channel.info).toEqual({ protocolVersion: 2, major: 5, minor: 2, build: 1, capabilities: 5 });
    const keepalives: number[] = [];
    const info = await new Ctap2Client(channel).getInfo({ onKeepalive: (s) => keepalives.push(s) });
    expect(keepalives).toEqual([2]);
    expect(info.versions).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1_PRE']);
    expect(info.extensions).toEqual(['credProtect', 'hmac-secret']);
    expect(hex(info.aaguid)).toBe('1956e5bda37445f1a814356403fdbc18');
    expect(info.options).toEqual({ rk: true, up: true, plat: false, clientPin: false, credentialMgmtPreview: true });
    expect(info.maxMsgSize).toBe(1200);
    expect(info.pinUvAuthProtocols).toEqual([1]);
    expect(info.maxCredentialCountInList).toBe(8);
    expect(info.maxCredentialIdLength).toBe(128);
    expect(info.algorithms).toEqual([{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -8 }]);
  });

  it('CBOR_AUTHKEY (getKeyAgreement), CBOR_RETRIES, CBOR_PINTOKEN parse; the recorded key is a valid P-256 point', async () => {
    const ctap = new Ctap2Client(await CtapHidChannel.open(replay(0x00220002, [CBOR_AUTHKEY, CBOR_RETRIES, CBOR_PINTOKEN])));
    const ka = await ctap.clientPin({ pinUvAuthProtocol: 1, subCommand: ClientPinSubCommand.getKeyAgreement });
    expect(ka.keyAgreement!.get(3)).toBe(-25);
    expect(hex(pointFromCoseKeyAgreement(ka.keyAgreement)).slice(0, 10)).toBe('042ab82d36');
    expect(encapsulate(pinProtocolV1, ka.keyAgreement).sharedSecret.length).toBe(32); // ECDH accepts the point
    expect((await ctap.getPinRetries(undefined, pinProtocolV1)).retries).toBe(8);
    const token = await ctap.clientPin({ pinUvAuthProtocol: 1, subCommand: ClientPinSubCommand.getPinToken });
    expect(hex(token.pinUvAuthToken!)).toBe('ee404c85d7a12f56c44ec59341d03b23');
  });

  it('CBOR_ASSERT (4 frames, channel 0x0092000e) → getAssertion response for rpId "localhost"', async () => {
    const ctap = new Ctap2Client(await CtapHidChannel.open(replay(0x0092000e, [CBOR_ASSERT])));
    const a = await ctap.getAssertion({ rpId: 'localhost', clientDataHash: new Uint8Array(32) });
    expect(a.credential.type).toBe('public-key');
    expect(a.credential.id.length).toBe(64);
    const ad = parseAuthData(a.authData);
    expect(hex(ad.rpIdHash)).toBe(createHash('sha256').update('localhost').digest('hex'));
    expect(ad.flags).toBe(AuthDataFlag.UV);
    expect(ad.signCount).toBe(9);
    expect(a.signature.length).toBe(71);
  });
});
