// Authenticators no keyprint code wrote or configured per test, run as separate processes for the
// CLI suite in solo.test.ts: the Solo 1 firmware's PC simulation (test/third-party/, built once by
// test/third-party/solo-sim) and `keyprint emulator --ctap 2.0`. python3-fido2 0.9.1 talks to them
// as an independent client (PIN, retries, credential management).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CtapHidChannel, UdpReportTransport } from '../../src/hardware/node.js';
import { ROOT } from '../_cli.js';
import { PY_UDP_DEVICE, runPythonAsync } from './_python.js';

export const SOLO_SIM = fileURLToPath(new URL('../third-party/solo-sim', import.meta.url));

/** A running authenticator: its `--device` value and how python-fido2 reaches it. */
export interface RunningKey {
  device: string;
  /** UDP port it listens on, and the port its answers go to (0: it answers the sender). */
  port: number;
  replyPort: number;
  /** The process (for "is it still alive"). */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Builds the simulation (once per tarball; ~15 s) and returns the binary's path, or why it cannot
 * be built here.
 */
export function buildSolo(): { bin?: string; error?: string } {
  const r = spawnSync('bash', [SOLO_SIM, '--build'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status === 0) return { bin: r.stdout.trim() };
  return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim() };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
}

/**
 * Starts the Solo simulation in `state` (its credentials and PIN live there) and waits until it
 * answers CTAPHID_INIT on 8111 → 7112.
 * @throws if it exits at once (port 8111 taken) or never answers
 */
export async function startSolo(bin: string, state: string): Promise<RunningKey> {
  mkdirSync(state, { recursive: true });
  const child = spawn(bin, [], { cwd: state, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const stop = () => stopChild(child);
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`the Solo simulation exited (${child.exitCode}) — UDP port 8111 taken by another one? ${stderr.slice(-300)}`);
    const t = await UdpReportTransport.connect({ port: 8111 }).catch(() => undefined); // 7112 may be briefly busy
    if (t) {
      const ok = await CtapHidChannel.open(t, { timeoutMs: 200 }).then(() => true, () => false);
      await t.close();
      if (ok) return { device: 'udp:127.0.0.1:8111', port: 8111, replyPort: 7112, child, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the Solo simulation never answered on 127.0.0.1:8111: ${stderr.slice(-300)}`);
}

/** Starts `keyprint emulator --ctap 2.0` on an ephemeral port with its state in `state`. */
export async function startEmulator20(state: string): Promise<RunningKey> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--ctap', '2.0', '--udp', '127.0.0.1:0', '--state', state], { cwd: ROOT });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /\(CTAP 2\.0\) listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited ${code}: ${out}`)); });
  });
  return { device: `udp:127.0.0.1:${port}`, port, replyPort: 0, child, stop: () => stopChild(child) };
}

// python-fido2 over UDP (PY_UDP_DEVICE): it reads on the key's reply port (7112 for Solo, any for the emulator).
const CLIENT = PY_UDP_DEVICE + String.raw`
from fido2.ctap2 import Ctap2, ClientPin
from fido2.ctap2.credman import CredentialManagement

ctap = Ctap2(dev)
pin = ClientPin(ctap)
opts = ctap.info.options
out = {"protocol": pin.protocol.VERSION, "credMgmt": bool(opts.get("credMgmt") or opts.get("credentialMgmtPreview"))}
if req.get("setPin"):
    pin.set_pin(req["setPin"])
out["retries"] = pin.get_pin_retries()[0]
if req.get("listWithPin"):
    cm = CredentialManagement(ctap, pin.protocol, pin.get_pin_token(req["listWithPin"]))
    out["count"] = cm.get_metadata()[CredentialManagement.RESULT.EXISTING_CRED_COUNT]
    out["rps"] = {}
    for rp in (cm.enumerate_rps() if out["count"] else []):
        creds = cm.enumerate_creds(rp[CredentialManagement.RESULT.RP_ID_HASH])
        out["rps"][rp[CredentialManagement.RESULT.RP]["id"]] = [bytes(c[CredentialManagement.RESULT.CREDENTIAL_ID]["id"]).hex() for c in creds]
dev.close()
print(json.dumps(out))
`;

/** What python-fido2 reports about a key (and optionally does first). */
export interface PythonView {
  protocol: number;
  credMgmt: boolean;
  retries: number;
  count?: number;
  /** RP ID → credential IDs (hex), with `listWithPin`. */
  rps?: Record<string, string[]>;
}

/**
 * Asks python-fido2: PIN protocol it picks, PIN retries; `setPin` first; `listWithPin` lists
 * resident credentials through authenticatorCredentialManagement (CTAP 2.1 §6.8).
 */
export function python(key: RunningKey, request: { setPin?: string; listWithPin?: string } = {}): Promise<PythonView> {
  return runPythonAsync<PythonView>(CLIENT, { port: key.port, local: key.replyPort, ...request });
}
