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
