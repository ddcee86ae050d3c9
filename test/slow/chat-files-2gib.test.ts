// Files of any size, slow suite (`npm run test:slow`; skipped unless KEYPRINT_SLOW=1): 2 GiB from
// one `keyprint chat` process to another over real WebRTC on 127.0.0.1 — the same SHA-256 on both
// sides, each process's peak resident memory under 300 MB (nothing holds the file), and a text
// typed halfway delivered within a second. (64 MiB in the default suite: test/cli/chat-files.test.ts;
// 512 MiB browser ↔ browser: test/slow/web-files.test.ts.)
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFixture, makeFile, sha256File, type, verifyChats, type Enrolled } from '../cli/_chat.js';

const MiB = 1024 * 1024;
const SIZE_MIB = 2048;
const fixture = chatFixture('Ada', 'Bob');
let ada: Enrolled, bob: Enrolled;

describe.skipIf(process.env.KEYPRINT_SLOW !== '1')('keyprint chat: 2 GiB terminal ↔ terminal (slow)', () => {
  beforeAll(async () => {
    [ada, bob] = await fixture.enroll();
  }, 60_000);
  afterAll(() => fixture.cleanUp());

  it('2 GiB: same SHA-256, peak RSS of each process under 300 MB, a text halfway within a second', async () => {
    const path = join(ada.home, 'disk.img');
    makeFile(path, SIZE_MIB);
    const inbox = join(bob.home, 'inbox');
    const rss = { a: join(ada.home, 'rss'), b: join(bob.home, 'rss') };
    const a = fixture.startWith({ maxRssFile: rss.a }, ada), b = fixture.startWith({ maxRssFile: rss.b }, bob, '--files', inbox, '--auto-accept', '4G');
    await Promise.all([a.ready(), b.ready()]);
    await verifyChats(a, b);
    const t0 = Date.now();
    a.send(`/file ${path}`);
    const offer = await b.next(type('file-offer'));
    await b.next((e) => e.type === 'progress' && e.id === offer.id && e.bytes >= (SIZE_MIB / 2) * MiB, 600_000, 'halfway');
    const typed = Date.now();
    a.send('halfway there');
    expect((await b.next(type('message'), 20_000, 'the text')).text).toBe('halfway there');
    const latency = Date.now() - typed;
    const got = await b.next(type('file'), 1_200_000, 'the file');
    const ms = Date.now() - t0;
    expect(got.size).toBe(SIZE_MIB * MiB);
    expect(await sha256File(got.path)).toBe(await sha256File(path));
    expect(await a.quit()).toBe(0);
    expect(await b.quit()).toBe(0);
    const peak = { a: Number(readFileSync(rss.a, 'utf8')) / 1024, b: Number(readFileSync(rss.b, 'utf8')) / 1024 };
    console.log(`chat-files (slow): 2 GiB in ${(ms / 1000).toFixed(1)} s (${(SIZE_MIB / (ms / 1000)).toFixed(1)} MiB/s); text halfway in ${latency} ms; peak RSS sender ${peak.a.toFixed(0)} MB, receiver ${peak.b.toFixed(0)} MB`);
    expect(latency).toBeLessThan(1000);
    expect(peak.a).toBeLessThan(300);
    expect(peak.b).toBeLessThan(300);
    rmSync(path);
    rmSync(inbox, { recursive: true, force: true });
  }, 1_800_000);
});
