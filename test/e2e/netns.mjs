#!/usr/bin/env node
// Runs test/e2e/run.mjs inside a fresh loopback-only network namespace, so WebRTC between the two
// browser contexts can only use 127.0.0.1 (notes: lo-only netns + --allow-loopback-in-peer-connection
// + camera/microphone permission). The namespace name is unique per run and deleted afterwards.
// Without root or iproute2 the suite runs in the current namespace and the WebRTC test is skipped.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

// `--runner FILE`: run another script there (npm run bench:transfer); by default the e2e suite.
const argv = process.argv.slice(2);
const at = argv.indexOf('--runner');
const runner = at >= 0 ? argv[at + 1] : fileURLToPath(new URL('./run.mjs', import.meta.url));
const args = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;

function run(cmd, cmdArgs, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Creates a lo-only namespace, or returns undefined when this machine does not allow it. */
function createNetns() {
  if (process.getuid?.() !== 0) return undefined;
  const ns = `kp-e2e-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    return undefined; // no iproute2, or no CAP_SYS_ADMIN (an unprivileged container)
  }
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (e) {
    execFileSync('ip', ['netns', 'delete', ns]);
    throw e;
  }
  return ns;
}

let code;
const ns = createNetns();
if (!ns && process.env.CI === 'true') {
  // CI runs as root with iproute2 installed by .ci/run: a skipped WebRTC test there would hide a regression.
  console.error('e2e: cannot create a network namespace on CI (needs root and iproute2; .ci/run installs iproute2)');
  code = 1;
} else if (!ns) {
  console.log('e2e: cannot create a network namespace (needs root and iproute2): running here, WebRTC test skipped');
  code = await run(process.execPath, [runner, ...args], {});
} else {
  try {
    console.log(`e2e: in network namespace ${ns} (loopback only)`);
    code = await run('ip', ['netns', 'exec', ns, process.execPath, runner, ...args], { KEYPRINT_E2E_NETNS: '1' });
  } finally {
    execFileSync('ip', ['netns', 'delete', ns]);
  }
}
process.exitCode = code;
