// Helpers to run python3-fido2 0.9.1 (Debian, /usr/bin/python3) as an independent reference.
import { spawnSync, spawn } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Why python-fido2 tests must be skipped, or undefined if `import fido2` works (version 0.9.x). */
export const pythonFido2Missing: string | undefined = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import fido2; print(fido2.__version__)'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return `cannot run ${PYTHON}: ${r.error.message}`;
  if (r.status !== 0) return `${PYTHON} cannot import fido2: ${r.stderr.trim().split('\n').pop()}`;
  return undefined;
})();

/** Runs a Python script synchronously with JSON on stdin; returns parsed JSON from stdout. */
export function runPython<T = any>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Runs a Python script asynchronously (so a Node-side authenticator in this process can answer it). */
export function runPythonAsync<T = any>(script: string, input: unknown, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`python timed out; stderr: ${err}`)); }, timeoutMs);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`python failed (${code}): ${err}`));
      try { resolve(JSON.parse(out) as T); } catch (e) { reject(new Error(`bad python output: ${out} ${err}`)); }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/**
 * Python prelude shared by the scripts that drive an authenticator over UDP: reads the JSON request
 * `req` from stdin and opens `dev`, a python-fido2 CtapHidDevice talking to 127.0.0.1:req["port"],
 * reading on 127.0.0.1:req.get("local", 0) (7112 for the Solo simulation) and accepting reports only
 * from the authenticator's port. 0.9.1's HidDescriptor has 5 fields (reference notes §5.4).
 */
export const PY_UDP_DEVICE = String.raw`
import json, socket, sys
from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor

req = json.load(sys.stdin)

class UdpConnection(CtapHidConnection):
    def __init__(self, port, local):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", local))
        self.sock.settimeout(10)
        self.dest = ("127.0.0.1", port)
    def read_packet(self):
        while True:
            data, addr = self.sock.recvfrom(64)
            if addr[1] == self.dest[1]:
                return data
    def write_packet(self, data):
        self.sock.sendto(bytes(data), self.dest)
    def close(self):
        self.sock.close()

dev = CtapHidDevice(HidDescriptor("udp:%d" % req["port"], 0x1209, 0x0001, 64, 64), UdpConnection(req["port"], req.get("local", 0)))
`;
