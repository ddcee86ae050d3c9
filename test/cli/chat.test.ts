// `keyprint chat` terminal ↔ terminal over real WebRTC on 127.0.0.1 (src/cli/chat.ts), scripted
// through `--json`: same SAS, confirm, messages both ways with delivery marks, a file, a reconnect
// that delivers what was typed while the peer was away; and the failure paths — bad or expired
// invite texts, a peer vanishing mid-handshake, an unreachable TURN server — each a clear error
// event within its deadline, never a hang.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSignal } from '../../src/session/index.js';
import { chat } from '../../src/cli/chat.js';
import { UsageError } from '../../src/cli/output.js';
import { ChatProcess, connectChats, chatFixture, HumanChat, linkChats, type, type Enrolled } from './_chat.js';

let ada: Enrolled, bob: Enrolled;
const fixture = chatFixture('Ada', 'Bob');
const start = fixture.start;

beforeAll(async () => {
  [ada, bob] = await fixture.enroll();
}, 60_000);

afterAll(() => fixture.cleanUp());

/** A free UDP-less port: a TCP port just closed (nothing listens on it, so TURN requests go unanswered). */
const closedPort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });

describe('keyprint chat: terminal ↔ terminal', () => {
  it('same SAS, both confirm, messages both ways, a file; reconnect delivers what was typed while away', async () => {
    const a = start(ada);
    let b = start(bob, '--files', join(bob.home, 'inbox'));
    expect((await a.ready()).did).toBe(ada.did);
    await b.ready();
    const t0 = Date.now();
    const { offer, answer, sasA, sasB } = await connectChats(a, b);
    const connectMs = Date.now() - t0;
    expect(offer.length).toBeLessThan(140);
    expect(decodeSignal(offer).candidates).toEqual([{ address: '127.0.0.1', port: expect.any(Number) }]);
    expect(decodeSignal(answer).type).toBe('answer');
    expect(sasA.emoji).toHaveLength(7);
    expect(sasA.emoji).toEqual(sasB.emoji);
    expect(sasA.words).toEqual(sasB.words);
    expect(sasA.numbers).toEqual(sasB.numbers);
    expect(sasA.peer).toEqual({ name: 'Bob', did: bob.did });
    a.send('/verify');
    b.send('/verify');
    expect((await a.next(type('confirmed'))).peer.did).toBe(bob.did);
    await b.next(type('confirmed'));

    a.send('hello Bob');
    const out = await a.next(type('sending'));
    expect(out.text).toBe('hello Bob');
    expect((await b.next(type('message'))).text).toBe('hello Bob');
    await a.next((e) => e.type === 'status' && e.id === out.id && e.status === 'delivered');
    b.send('/hi Ada, a line starting with a slash//'.replace('/hi', '//hi'));
    expect((await a.next(type('message'))).text).toBe('/hi Ada, a line starting with a slash//');

    const path = join(ada.home, 'notes.bin');
    const bytes = new Uint8Array(150_000).map((_, i) => (i * 7) & 0xff);
    writeFileSync(path, bytes);
    a.send(`/file ${path}`);
    const got = await b.next(type('file'));
    expect(got).toMatchObject({ name: 'notes.bin', size: bytes.length, path: join(bob.home, 'inbox', 'notes.bin') });
    expect(Buffer.compare(readFileSync(got.path), Buffer.from(bytes))).toBe(0);

    // Bob leaves; Ada's next message waits in her outbox until Bob is back.
    expect(await b.quit()).toBe(0);
    expect(await a.next(type('cancelled'))).toMatchObject({ code: 'closed', by: 'us' });
    a.send('sent while you were away');
    const queued = await a.next(type('sending'));
    await a.next((e) => e.type === 'status' && e.id === queued.id && e.status === 'queued');

    b = start(bob, '--files', join(bob.home, 'inbox'));
    await b.ready();
    await linkChats(a, b);
    // Both remember each other (HOME/contacts.json; test/cli/chat-persist.test.ts): recognized,
    // confirmed without a new comparison, and both still show the same code if asked to compare.
    const again = await a.next(type('recognized'));
    expect(again.peer.did).toBe(bob.did);
    expect((await b.next(type('recognized'))).emoji).toEqual(again.emoji);
    await b.next(type('confirmed'));
    expect((await b.next(type('message'))).text).toBe('sent while you were away');
    await a.next((e) => e.type === 'status' && e.id === queued.id && e.status === 'delivered');
    // A second copy of the file never overwrites the first.
    a.send(`/file ${path}`);
    expect((await b.next(type('file'))).path).toBe(join(bob.home, 'inbox', 'notes (1).bin'));
    expect(readdirSync(join(bob.home, 'inbox')).sort()).toEqual(['notes (1).bin', 'notes.bin']);
    expect(await a.quit()).toBe(0);
    expect(await b.next(type('cancelled'))).toMatchObject({ code: 'closed' });
    expect(await b.quit()).toBe(0);
    console.log(`chat.test: invite → SAS on both sides in ${connectMs} ms`);
  }, 60_000);

  it('a person at the terminal (no --json): QR and text, the SAS, "Do they match? [y/N]" answered n cancels both', async () => {
    // Strangers again: forget the contacts the first test stored.
    for (const who of [ada, bob]) rmSync(join(who.home, 'contacts.json'), { force: true });
    const human = new HumanChat(ada);
    const b = start(bob);
    try {
      await Promise.all([human.shows(/Unlocked: Ada/, 60_000), b.ready()]);
      const sas = await human.linkTo(b);
      expect((human.screen.match(/[▀▄█]/g) ?? []).length).toBeGreaterThan(300); // the invite's QR code
      expect(human.screen).toContain(sas.emoji.map((e: { emoji: string }) => e.emoji).join('  '));
      expect(human.screen).toContain(`numbers: ${sas.numbers.join(' ')}`);
      human.write('n'); // anything but y/yes is "no"
      expect(await b.next(type('cancelled'))).toMatchObject({ code: 'sas-mismatch', by: 'them' });
      await human.shows(/You said the codes do not match, so the connection was closed: someone may be in the middle\. Start over and compare again, in person or on a call\. \(sas-mismatch\)/);
      expect(await human.quit()).toBe(0);
    } finally {
      if (human.child.exitCode === null) human.child.kill('SIGKILL');
      await b.quit();
    }
  }, 90_000);
});

describe('keyprint chat: hostile text from the peer (issue item 8)', () => {
  it('a person at the terminal never receives escape sequences or bidi controls from the peer; --json keeps the exact text', async () => {
    for (const who of [ada, bob]) rmSync(join(who.home, 'contacts.json'), { force: true });
    const human = new HumanChat(ada);
    const b = start(bob, '--files', join(bob.home, 'inbox-hostile'));
    try {
      await Promise.all([human.shows(/Unlocked: Ada/, 60_000), b.ready()]);
      await human.linkTo(b);
      human.write('y');
      b.send('/verify');
      await b.next(type('confirmed'));
      await human.shows(/Verified: Bob/);
      const before = human.screen.length;
      // An SGR colour, an OSC 8 hyperlink, a clear-screen, backspaces over the text, a bidi override
      // (a carriage return would end the line at stdin: test/session/display-text.test.ts covers it).
      const hostile = '\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\b\bfake line \u202Egnp.exe';
      b.send(hostile);
      const name = '\x1b[31mred\x1b[0m\u202Etxt.exe';
      const path = join(bob.home, name);
      writeFileSync(path, 'x');
      b.send(`/file ${path}`);
      await human.shows(/Received file/);
      await human.shows(/< .*fake line/);
      const shown = human.screen.slice(before);
      expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      expect(shown).toContain('\\u{1B}[31mred\\u{1B}[0m');
      expect(shown).toContain('\\u{202E}');
      // The sender's own --json line keeps the exact text (JSON-escaped on the wire).
      expect((await b.next(type('sending'))).text).toBe(hostile);
      expect(await human.quit()).toBe(0);
    } finally {
      if (human.child.exitCode === null) human.child.kill('SIGKILL');
      await b.quit();
    }
  }, 90_000);
});

describe('keyprint chat: failures are clear messages within their deadlines', () => {
  it('bad texts; the peer vanishing mid-handshake; an expired invite; TURN unreachable', async () => {
    const a = start(ada, '--connect-timeout', '3', '--wait', '3');
    const b = start(bob);
    const port = await closedPort();
    const c = start(ada, '--relay-only', '--ice', `turn:u:p@127.0.0.1:${port}`, '--gather-timeout', '2');
    await Promise.all([a.ready(), b.ready(), c.ready()]);

    a.send('/accept not-a-keyprint-text!!');
    expect(await a.next(type('error'))).toMatchObject({ code: 'signaling', message: 'not a keyprint code: it has characters a keyprint code never has ("!")' });
    a.send('AAAAAAAAAAAAAAAAAAAAAAAAAAAA'); // pasted: base64url, but not a signal
    expect(await a.next(type('error'))).toMatchObject({ code: 'signaling', message: 'not a keyprint code: it does not start like a keyprint invitation' });
    a.send('hello, anyone?'); // a message before any connection
    expect(await a.next(type('error'))).toMatchObject({ code: 'not-connected' });
    a.send('/verify');
    expect(await a.next(type('error'))).toMatchObject({ code: 'no-sas' });

    // Bob answers, then vanishes before Ada takes the answer: no connection, a clear error in time.
    a.send('/invite');
    const offer = await a.next(type('signal'));
    a.send(offer.text); // our own invite is not an answer; the invite keeps waiting
    expect(await a.next(type('error'))).toMatchObject({ code: 'signaling', message: 'this is an invitation, not an answer: paste the answer your contact sent back' });
    b.send(`/accept ${offer.text}`);
    const answer = await b.next(type('signal'));
    b.child.kill('SIGKILL');
    let t0 = Date.now();
    a.send(`/accept ${answer.text}`);
    expect(await a.next(type('error'), 10_000)).toMatchObject({ code: expect.stringMatching(/^(timeout|no-path)$/) });
    expect(Date.now() - t0).toBeLessThan(8_000);

    // An invite nobody answers expires.
    a.send('/invite');
    await a.next(type('signal'));
    t0 = Date.now();
    expect(await a.next(type('error'), 10_000)).toMatchObject({ code: 'invite-expired', message: expect.stringMatching(/expired: no answer within 3 s/) });
    expect(Date.now() - t0).toBeLessThan(6_000);
    expect(await a.quit()).toBe(0);

    // Relay-only with a TURN server that never answers: no relay candidate, said at the deadline.
    c.send('/invite');
    t0 = Date.now();
    expect(await c.next(type('error'), 10_000)).toMatchObject({
      code: 'no-relay', message: expect.stringContaining(`Relay only, and no relay address came from turn:127.0.0.1:${port} within 2 s`),
    });
    expect(Date.now() - t0).toBeLessThan(6_000);
    expect(await c.quit()).toBe(0);
  }, 60_000);

  it('bad flags are usage errors (exit 2, one line) before the security key is touched', async () => {
    for (const [args, message] of [
      [['--relay-only'], /relay-only expected at least one TURN server/],
      [['--ice', 'turn:127.0.0.1'], /TURN server "turn:127.0.0.1" expected a username/],
      [['--ice', 'http://x'], /expected to start with stun:, turn: or turns:/],
      [['--wait', '0'], /"--wait" expected seconds/],
      [['--invite', '--accept', 'x'], /exclude each other/],
    ] as const) {
      await expect(chat(['--home', '/nonexistent-home', ...args])).rejects.toThrow(message);
      await expect(chat(['--home', '/nonexistent-home', ...args])).rejects.toBeInstanceOf(UsageError);
    }
    // ChatProcess runs with --json: the error is one JSON object on stdout (issue 20 item 6).
    const p = new ChatProcess(['--home', '/nonexistent-home', '--relay-only']);
    expect(await p.exit).toBe(2);
    expect(p.stderr).toBe('');
    expect(p.events).toEqual([{ error: { code: 'usage', message: expect.stringMatching(/^chat: relay-only expected at least one TURN server/) } }]);
    expect(existsSync('/nonexistent-home')).toBe(false);
  }, 30_000);
});
