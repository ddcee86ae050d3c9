// Helpers for the `keyprint chat` tests: an identity enrolled on a software authenticator served on
// UDP (as test/cli/card.test.ts), and a `keyprint chat --json` child process driven line by line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Enrolled { home: string; device: string; did: string; close(): Promise<void> }

const run = (args: string[]) => new Promise<string>((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`keyprint ${args[0]} exited ${code}: ${err}`))));
});

/**
 * A home directory with an identity enrolled on `keyprint emulator` (a child process on an
 * ephemeral UDP port, memory only): the chat processes unlock it as they would a security key.
 */
export async function enrolledHome(name: string): Promise<Enrolled> {
  const home = mkdtempSync(join(tmpdir(), 'kp-chat-'));
  const emulator = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--udp', '127.0.0.1:0'], { cwd: root });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    emulator.stdout.on('data', (d) => { out += d; const m = /listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    emulator.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const device = `udp:127.0.0.1:${port}`;
  const enrolled = JSON.parse(await run(['enroll', '--name', name, '--device', device, '--home', home, '--json'])) as { did: string };
  return { home, device, did: enrolled.did, close: async () => { emulator.kill(); } };
}

/**
 * Identities for a test file, enrolled once, with the clean-up for `afterAll` (kills the chat
 * processes started through `start`, stops the emulators, deletes the homes).
 */
export function chatFixture(...names: string[]) {
  const homes: Enrolled[] = [];
  const procs: ChatProcess[] = [];
  /** As `start`; `maxRssFile`: the process writes its peak resident set size there at exit (test/cli/_maxrss.mjs). */
  const startWith = (options: { maxRssFile?: string }, who: Enrolled, ...extra: string[]): ChatProcess => {
    const p = new ChatProcess(['--home', who.home, '--device', who.device, '--bind', '127.0.0.1', ...extra], options);
    procs.push(p);
    return p;
  };
  return {
    homes,
    procs,
    async enroll(): Promise<Enrolled[]> {
      homes.push(...await Promise.all(names.map(enrolledHome)));
      return homes;
    },
    start: (who: Enrolled, ...extra: string[]): ChatProcess => startWith({}, who, ...extra),
    startWith,
    async cleanUp(): Promise<void> {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      for (const who of homes) { await who.close(); rmSync(who.home, { recursive: true, force: true }); }
    },
  };
}

/** `keyprint chat` for a person (no --json): the screen as text, `shows` waits for a pattern. */
export class HumanChat {
  readonly child: ChildProcessWithoutNullStreams;
  screen = '';
  constructor(who: Enrolled) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'chat', '--home', who.home, '--device', who.device, '--bind', '127.0.0.1'], { cwd: root });
    this.child.stdout.on('data', (d) => { this.screen += d; });
    this.child.stderr.on('data', (d) => { this.screen += d; });
  }
  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
  /** Waits until the screen shows `re` (in what was printed after `from`, default everything). */
  async shows(re: RegExp, ms = 20_000, from = 0): Promise<void> {
    for (const end = Date.now() + ms; !re.test(this.screen.slice(from)); await new Promise((r) => setTimeout(r, 25))) {
      if (Date.now() > end || this.child.exitCode !== null) throw new Error(`the terminal never showed ${re}:\n${this.screen}`);
    }
  }
  /**
   * The person invites, `peer` (--json) accepts, the person pastes the answer; resolves at the peer's
   * SAS. Retried at most 3 times for the libdatachannel 0.24.5 flake linkChats retries too (the
   * offerer's connection closes itself while the answer is applied, under heavy machine load).
   */
  async linkTo(peer: ChatProcess): Promise<Event> {
    for (let attempt = 1; ; attempt++) {
      const from = this.screen.length;
      this.write('/invite');
      await this.shows(/Then paste their answer here\./, 20_000, from);
      const offer = /^ {2}([A-Za-z0-9_-]{40,})$/m.exec(this.screen.slice(from))![1];
      peer.send(`/accept ${offer}`);
      this.write((await peer.next(type('signal'))).text as string); // pasted
      // Either the peer shows the SAS, or this side reports the flake (one cursor: no concurrent next()).
      const flake = /closed while the other side's text was applied/;
      const base = peer.events.length;
      let flaked = false;
      for (const end = Date.now() + 30_000; !peer.events.slice(base).some(type('sas')); await new Promise((r) => setTimeout(r, 25))) {
        if ((flaked = flake.test(this.screen.slice(from)))) break;
        if (Date.now() > end) throw new Error(`no SAS at the peer within 30 s; peer events ${JSON.stringify(peer.events.slice(-5))}; screen:\n${this.screen}`);
      }
      if (!flaked) {
        const sas = await peer.next(type('sas'), 1_000, 'SAS (peer of the person)');
        await this.shows(/Do they match\? \[y\/N\]/, 20_000, from);
        return sas;
      }
      if (attempt >= 3) throw new Error(`libdatachannel closed the connection ${attempt} times:\n${this.screen}`);
      console.warn(`chat test: retrying the person's link after a libdatachannel failure (attempt ${attempt})`);
      await peer.abandonLink();
    }
  }
  async quit(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.write('/quit');
    return new Promise((r) => this.child.on('exit', r));
  }
}

export type Event = Record<string, any> & { type: string };

/** A running `keyprint chat --json`; `next` waits for an event, `send` writes a line. */
export class ChatProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: Event[] = [];
  stderr = '';
  exit: Promise<number | null>;
  #seen = 0;
  #waiters: Array<() => void> = [];

  constructor(args: string[], options: { maxRssFile?: string } = {}) {
    const preload = options.maxRssFile ? ['--import', './test/cli/_maxrss.mjs'] : [];
    const env = { ...process.env, ...(options.maxRssFile ? { KEYPRINT_TEST_MAXRSS: options.maxRssFile } : {}) };
    this.child = spawn(process.execPath, [...preload, '--import', 'tsx', 'src/cli/main.ts', 'chat', '--json', ...args], { cwd: root, env });
    let buf = '';
    this.child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try { this.events.push(JSON.parse(line)); } catch { this.events.push({ type: 'non-json', line }); }
        for (const w of this.#waiters.splice(0)) w();
      }
    });
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 120_000);
    this.exit = new Promise((resolve) => this.child.on('exit', (code) => { clearTimeout(kill); for (const w of this.#waiters.splice(0)) w(); resolve(code); }));
  }

  /** Waits for `ready` (startup: tsx, the core, the unlock touch — slow on a loaded 2-core machine). */
  async ready(): Promise<Event> {
    return this.next(type('ready'), 60_000, 'ready');
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /**
   * The next event (after those already returned by `next`) that matches; fails on an `error` event
   * unless the predicate accepts it, and after `ms`.
   */
  async next(pred: (e: Event) => boolean, ms = 20_000, what = 'event'): Promise<Event> {
    const deadline = Date.now() + ms;
    for (;;) {
      while (this.#seen < this.events.length) {
        const e = this.events[this.#seen++];
        if (pred(e)) return e;
        if (e.type === 'error' || e.type === 'non-json') throw new Error(`while waiting for ${what}: ${JSON.stringify(e)}; events before: ${JSON.stringify(this.events.slice(0, this.#seen - 1).map((x) => x.type))}`);
      }
      if (this.child.exitCode !== null) throw new Error(`chat exited (${this.child.exitCode}) while waiting for ${what}; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.slice(-8))}; stderr: ${this.stderr}`);
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.#waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /**
   * After a failed link: gives up the attempt (/cancel) and skips what it reported — `cancelled`, or the
   * connection failure that may come first (then /cancel finds nothing to cancel).
   */
  async abandonLink(): Promise<void> {
    this.send('/cancel');
    await this.next((e) => e.type === 'cancelled' || e.type === 'error', 20_000, 'cancelled or failed');
    await new Promise((r) => setTimeout(r, 300));
    this.#seen = this.events.length;
  }

  /** Sends /quit and waits for the exit code. */
  async quit(): Promise<number | null> {
    if (this.child.exitCode === null) this.send('/quit');
    return this.exit;
  }
}

export const type = (t: string) => (e: Event) => e.type === t;

/**
 * Links two chat processes: a invites, b accepts, a takes the answer (pasted without /accept), until
 * a's data channel opens. Retried at most 3 times for one libdatachannel 0.24.5 failure seen under
 * heavy machine load (the offerer's connection closes itself while the answer is applied — the same
 * flake test/session/webrtc.test.ts retries); any other error fails at once.
 */
export async function linkChats(a: ChatProcess, b: ChatProcess): Promise<{ offer: string; answer: string }> {
  for (let attempt = 1; ; attempt++) {
    a.send('/invite');
    const offer = (await a.next(type('signal'), 20_000, 'invite')).text as string;
    b.send(`/accept ${offer}`);
    const answer = (await b.next(type('signal'), 20_000, 'answer')).text as string;
    a.send(answer);
    const r = await a.next((e) => e.type === 'connected' || (e.type === 'error' && /closed while the other side's text/.test(e.message) && attempt < 3), 20_000, 'connected');
    if (r.type === 'connected') return { offer, answer };
    console.warn(`chat test: retrying the link after a libdatachannel failure (attempt ${attempt}): ${r.message}`);
    await b.abandonLink();
  }
}

/** Links two chat processes and waits for both SAS. */
export async function connectChats(a: ChatProcess, b: ChatProcess) {
  const { offer, answer } = await linkChats(a, b);
  const sasA = await a.next(type('sas'), 20_000, 'SAS (a)');
  const sasB = await b.next(type('sas'), 20_000, 'SAS (b)');
  return { offer, answer, sasA, sasB };
}

/** A file of `mib` MiB, different in every MiB (so a misplaced chunk changes the hash). */
export function makeFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(1 << 20);
  for (let i = 0; i < mib; i++) {
    for (let j = 0; j < buf.length; j += 4) buf.writeUInt32BE((i * 2654435761 + j) >>> 0, j);
    writeSync(fd, buf);
  }
  closeSync(fd);
}

export const sha256File = (path: string) => new Promise<string>((resolve, reject) => {
  const h = createHash('sha256');
  createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
});


/** Connects: the SAS compared the first time, recognised afterwards. */
export async function verifyChats(a: ChatProcess, b: ChatProcess): Promise<void> {
  await linkChats(a, b);
  for (const p of [a, b]) {
    const e = await p.next((x) => x.type === 'sas' || x.type === 'recognized', 20_000, 'SAS or recognised');
    if (e.type === 'sas') p.send('/verify');
  }
  await Promise.all([a.next(type('confirmed'), 20_000, 'confirmed (a)'), b.next(type('confirmed'), 20_000, 'confirmed (b)')]);
}
