// `keyprint emulator` and `keyprint devices` (src/cli/emulator.ts, devices.ts), run from source with
// tsx: the emulator serves UDP on an ephemeral port with a state directory and a PIN, `devices --udp`
// reads its getInfo, keyprint's client registers against it, and SIGTERM stops it with exit code 0.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ctap2Client, CtapHidChannel, UdpReportTransport } from '../../src/hardware/node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });

describe('keyprint devices / emulator', () => {
  it('devices: no keys on this machine → a clear line and exit 0', () => {
    const r = cli(['devices']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/No FIDO security keys found/);
  });

  it('bad flags exit 2 with a usage line', () => {
    const r = cli(['emulator', '--udp', 'nonsense']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"--udp" expected HOST:PORT/);
    const ctap = cli(['emulator', '--ctap', '2.2']);
    expect(ctap.status).toBe(2);
    expect(ctap.stderr).toMatch(/emulator: "--ctap" expected 2.0 or 2.1, got "2.2"/);
    expect(cli(['selftest', '--x']).status).toBe(2);
  });

  it('emulator: serves UDP with --state and --pin until SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyprint-emu-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--udp', '127.0.0.1:0', '--state', dir, '--pin', '1234'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        });
      });
      expect(out).toMatch(/PIN set\./);
      const info = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'devices', '--udp', `127.0.0.1:${port}`], { cwd: root });
        let s = '';
        c.stdout.on('data', (d) => { s += d; });
        c.on('exit', (status) => resolve({ status, stdout: s }));
      });
      expect(info.status).toBe(0);
      expect(info.stdout).toMatch(/aaguid: +6b657970-7269-6e74-2d73-6f6674000001/);
      expect(info.stdout).toMatch(/PIN: +set/);
      expect(info.stdout).toMatch(/extensions: credProtect, hmac-secret/);

      const transport = await UdpReportTransport.connect({ port });
      try {
        const ctap = new Ctap2Client(await CtapHidChannel.open(transport));
        const mc = await ctap.makeCredential({ clientDataHash: new Uint8Array(32), rp: { id: 'keyprint.example' }, user: { id: new Uint8Array([1]) } });
        expect(mc.fmt).toBe('packed');
      } finally {
        await transport.close();
      }
      expect(statSync(join(dir, 'state.json')).mode & 0o777).toBe(0o600);
    } finally {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      expect(code).toBe(0);
      expect(out).toMatch(/stopped \(SIGTERM\)/);
    }
  });
});
