// Independent client: python3-fido2 0.9.1 (Debian) drives the software authenticator over UDP
// through a small custom CtapHidConnection (0.9.1's HidDescriptor has 5 fields: path, vid, pid,
// report_size_in, report_size_out — reference notes §5.4). It runs CTAPHID INIT/PING, getInfo, setPIN
// + PIN token (protocol 2; protocol 1 and the legacy getPinToken against the CTAP 2.0 profile), makeCredential with packed attestation verified by python-fido2's
// PackedAttestation, getAssertion with its signature verified by python-fido2's COSE key, and
// hmac-secret through python-fido2's HmacSecretExtension; keyprint's own client then derives the
// same hmac-secret output for the same credential and salt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ctap2Client, CtapHidChannel, CtapHidDevice, SoftAuthenticator, UdpReportTransport, serveUdp, PinUvAuthTokenPermission,
  type UdpServer,
} from '../../src/hardware/node.js';
import { hex, unhex } from '../_util.js';
import { PY_UDP_DEVICE, pythonFido2Missing, runPythonAsync } from './_python.js';

const SCRIPT = PY_UDP_DEVICE + String.raw`
from fido2.ctap2 import Ctap2, ClientPin
from fido2.ctap2.pin import PinProtocolV1, PinProtocolV2
from fido2.ctap2.extensions import HmacSecretExtension
from fido2.attestation import PackedAttestation

out = {"capabilities": dev.capabilities}
out["ping"] = dev.ping(b"\x5a" * 200).hex()
ctap = Ctap2(dev)
info = ctap.get_info()
out["versions"] = info.versions
out["extensions"] = info.extensions
out["aaguid"] = bytes(info.aaguid).hex()
out["pin_protocols"] = info.pin_uv_protocols

Protocol = PinProtocolV2 if req["protocol"] == 2 else PinProtocolV1
protocol = Protocol()
client_pin = ClientPin(ctap, protocol)
client_pin.set_pin("1234")
out["retries"] = client_pin.get_pin_retries()[0]
rp = {"id": "keyprint.example", "name": "keyprint"}
cdh = bytes.fromhex(req["cdh"])
token = client_pin.get_pin_token("1234", ClientPin.PERMISSION.MAKE_CREDENTIAL | ClientPin.PERMISSION.GET_ASSERTION, rp["id"])
att = ctap.make_credential(
    cdh, rp, {"id": b"user-py", "name": "py"}, [{"type": "public-key", "alg": -7}],
    extensions={"hmac-secret": True}, options={"rk": True},
    pin_uv_param=protocol.authenticate(token, cdh), pin_uv_protocol=protocol.VERSION)
out["fmt"] = att.fmt
out["uv"] = bool(att.auth_data.flags & 0x04)
result = PackedAttestation().verify(att.att_statement, att.auth_data, cdh)
out["attestation_type"] = str(result.attestation_type)
out["trust_path_len"] = len(result.trust_path)
out["mc_extensions"] = {k: v for k, v in (att.auth_data.extensions or {}).items()}
cred = att.auth_data.credential_data
out["credential_id"] = bytes(cred.credential_id).hex()
allow = [{"type": "public-key", "id": cred.credential_id}]

ga = ctap.get_assertion(rp["id"], cdh, allow_list=allow)
cred.public_key.verify(bytes(ga.auth_data) + cdh, ga.signature)
out["assertion_verified"] = True

def hmac(salt, uv):
    ext = HmacSecretExtension(ctap, Protocol())
    ext_in = ext.process_get_input({"hmacGetSecret": {"salt1": salt}})
    kw = {}
    if uv:
        t = client_pin.get_pin_token("1234", ClientPin.PERMISSION.GET_ASSERTION, rp["id"])
        kw = {"pin_uv_param": protocol.authenticate(t, cdh), "pin_uv_protocol": protocol.VERSION}
    r = ctap.get_assertion(rp["id"], cdh, allow_list=allow, extensions={"hmac-secret": ext_in}, **kw)
    return ext.process_get_output(r.auth_data)["hmacGetSecret"]["output1"].hex()

salt = bytes.fromhex(req["salt"])
out["hmac_no_uv"] = [hmac(salt, False), hmac(salt, False)]
out["hmac_other_salt"] = hmac(bytes(32), False)
out["hmac_uv"] = hmac(salt, True)
dev.close()
print(json.dumps(out))
`;

const PROFILES = [
  { ctap: '2.1', protocol: 2, versions: ['FIDO_2_0', 'FIDO_2_1'], protocols: [2, 1] },
  { ctap: '2.0', protocol: 1, versions: ['FIDO_2_0'], protocols: [1] },
] as const;

describe.skipIf(pythonFido2Missing !== undefined).each(PROFILES)(
  `python3-fido2 0.9.1 ↔ software authenticator (CTAP $ctap profile, PIN protocol $protocol) over UDP${pythonFido2Missing ? ` (skipped: ${pythonFido2Missing})` : ''}`,
  (profile) => {
    let server: UdpServer;
    let device: CtapHidDevice;
    let authenticator: SoftAuthenticator;
    beforeAll(async () => {
      authenticator = await SoftAuthenticator.create({ ctap: profile.ctap });
      device = new CtapHidDevice(authenticator);
      server = await serveUdp(device, { port: 0 });
    });
    afterAll(async () => {
      device.close();
      await server.close();
    });

    it('INIT, PING, getInfo, setPIN, makeCredential (packed attestation), getAssertion, hmac-secret — and keyprint agrees', async () => {
      const cdh = hex(new Uint8Array(32).fill(0x42));
      const salt = hex(new Uint8Array(32).fill(0x17));
      const py = await runPythonAsync(SCRIPT, { port: server.port, cdh, salt, protocol: profile.protocol });
      expect(py.capabilities & 0x04).toBe(0x04);
      expect(py.ping).toBe('5a'.repeat(200));
      expect(py.versions).toEqual(profile.versions);
      expect(py.extensions).toEqual(['credProtect', 'hmac-secret']);
      expect(py.pin_protocols).toEqual(profile.protocols);
      expect(py.retries).toBe(8);
      expect(py.fmt).toBe('packed');
      expect(py.uv).toBe(true);
      expect(py.attestation_type).toMatch(/BASIC/);
      expect(py.trust_path_len).toBe(2); // batch certificate + the emulator's CA
      expect(py.mc_extensions).toEqual({ 'hmac-secret': true });
      expect(py.assertion_verified).toBe(true);
      expect(py.hmac_no_uv[0]).toBe(py.hmac_no_uv[1]);
      expect(py.hmac_no_uv[0]).not.toBe(py.hmac_other_salt);
      expect(py.hmac_uv).not.toBe(py.hmac_no_uv[0]);

      // keyprint's client reads the same secrets for the same credential and salt.
      const transport = await UdpReportTransport.connect({ port: server.port });
      try {
        const ctap = new Ctap2Client(await CtapHidChannel.open(transport));
        const allowList = [{ type: 'public-key' as const, id: unhex(py.credential_id) }];
        // No protocol named: keyprint negotiates it from getInfo (protocol 1 on the CTAP 2.0 profile).
        const rq = { rpId: 'keyprint.example', clientDataHash: unhex(cdh), allowList, salt1: unhex(salt) };
        expect(hex((await ctap.hmacSecret(rq)).first)).toBe(py.hmac_no_uv[0]);
        const token = await ctap.getPinToken('1234', undefined, { permissions: PinUvAuthTokenPermission.ga, rpId: 'keyprint.example' });
        expect(token.protocol.version).toBe(profile.protocol);
        expect(hex((await ctap.hmacSecret({ ...rq, pinToken: token })).first)).toBe(py.hmac_uv);
      } finally {
        await transport.close();
      }
    });
  },
);
