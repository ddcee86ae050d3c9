// A real TURN server for tests: Debian's coturn (`turnserver`) started on 127.0.0.1 with a random
// listening port and relay port range, long-term credentials u:p, realm keyprint, no TLS/DTLS, no
// CLI, loopback peers allowed (coturn refuses them by default: they are normally an SSRF risk).
// Its stdout log is kept, so tests can show the traffic went through the relay.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Turn { url: string; port: number; relayPorts: [number, number]; log(): string; stop(): Promise<void> }

/** The turnserver binary, or undefined when coturn is not installed. */
export function turnserverPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const freeUdpPort = () => new Promise<number>((resolve, reject) => {
  const s = createSocket('udp4');
  s.on('error', reject);
  s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** Starts coturn and waits (at most 10 s) until it listens. */
export async function startTurn(binary: string): Promise<Turn> {
  const port = await freeUdpPort();
  const low = 50_000 + Math.floor(Math.random() * 140) * 100;
  const relayPorts: [number, number] = [low, low + 99];
  const dir = mkdtempSync(join(tmpdir(), 'kp-turn-'));
  const child: ChildProcess = spawn(binary, [
    '-n', '--no-cli', '--lt-cred-mech', '--user', 'u:p', '--realm', 'keyprint',
    '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1', '--listening-port', String(port),
    '--min-port', String(relayPorts[0]), '--max-port', String(relayPorts[1]),
    '--allow-loopback-peers', '--no-tls', '--no-dtls', '--no-tcp-relay', '--no-software-attribute',
    // A log file, not stdout: coturn's stdout to a pipe is block-buffered, and its log lines would
    // arrive late or never; the file is written line by line.
    '--log-file', join(dir, 'turn.log'), '--simple-log', '--verbose', '--no-stdout-log',
    '--pidfile', join(dir, 'turnserver.pid'), '--userdb', join(dir, 'turndb'),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const log = () => { try { return readFileSync(join(dir, 'turn.log'), 'utf8'); } catch { return ''; } };
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { clearInterval(poll); reject(new Error(`turnserver did not start within 10 s:\n${(out + log()).slice(-2000)}`)); }, 10_000);
    const poll = setInterval(() => { if (/listener opened on\s*:\s*127\.0\.0\.1/.test(log())) { clearTimeout(t); clearInterval(poll); resolve(); } }, 50);
    child.on('exit', (code) => { clearTimeout(t); clearInterval(poll); reject(new Error(`turnserver exited ${code}:\n${(out + log()).slice(-2000)}`)); });
  });
  return {
    url: `turn:u:p@127.0.0.1:${port}?transport=udp`, port, relayPorts, log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
