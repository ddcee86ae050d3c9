// Files between two `keyprint chat` processes over real WebRTC on 127.0.0.1 (issue "Files of any
// size"): 64 MiB with the same SHA-256 on both sides and each process's peak memory bounded, a text
// typed during the transfer delivered within a second; a transfer whose receiver is killed at ~50 %,
// and whose sender is killed later, resumed after each restart with the same hash and without
// sending again what was acknowledged; a declined file and cancelled transfers (either side) that
// leave no partial file. (2 GiB: test/slow/chat-files-2gib.test.ts.)
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFixture, makeFile, sha256File, type, verifyChats, type ChatProcess, type Enrolled, type Event } from './_chat.js';

const MiB = 1024 * 1024;
let ada: Enrolled, bob: Enrolled;
const fixture = chatFixture('Ada', 'Bob');

beforeAll(async () => {
  [ada, bob] = await fixture.enroll();
}, 60_000);

afterAll(() => fixture.cleanUp());

const progress = (p: ChatProcess, id: string, direction: 'in' | 'out') => p.events.filter((e) => e.type === 'progress' && e.id === id && e.direction === direction);

describe('keyprint chat: files of any size', () => {
  it('64 MiB: same SHA-256, progress, peak RSS of each process bounded; a text typed meanwhile arrives within a second', async () => {
    const path = join(ada.home, 'video.bin');
    makeFile(path, 64);
    const inbox = join(bob.home, 'inbox');
    const rss = { a: join(ada.home, 'rss-a'), b: join(bob.home, 'rss-b') };
    const a = fixture.startWith({ maxRssFile: rss.a }, ada), b = fixture.startWith({ maxRssFile: rss.b }, bob, '--files', inbox);
    await Promise.all([a.ready(), b.ready()]);
    await verifyChats(a, b);
    const t0 = Date.now();
    a.send(`/file ${path}`);
    const offer = await b.next(type('file-offer'));
    expect(offer).toMatchObject({ name: 'video.bin', size: 64 * MiB, ask: false }); // below the 100 MiB auto-accept size
    // Well into the transfer, Ada types a line: Bob has it within a second.
    await b.next((e) => e.type === 'progress' && e.id === offer.id && e.bytes >= 8 * MiB, 60_000, 'progress');
    const typed = Date.now();
    a.send('typed during the transfer');
    const message = await b.next((e) => e.type === 'message', 20_000, 'the text');
    const latency = Date.now() - typed;
    expect(message.text).toBe('typed during the transfer');
    const got = await b.next(type('file'), 120_000, 'the file');
    const ms = Date.now() - t0;
    expect(got).toMatchObject({ id: offer.id, name: 'video.bin', size: 64 * MiB, path: join(inbox, 'video.bin') });
    expect(await sha256File(got.path)).toBe(await sha256File(path));
    expect(readdirSync(inbox)).toEqual(['video.bin']); // no partial file left
    const textArrivedDuring = progress(b, offer.id, 'in').some((e) => b.events.indexOf(e) > b.events.indexOf(message) && e.bytes < 64 * MiB);
    await a.next((e) => e.type === 'status' && e.id === offer.id && e.status === 'delivered', 20_000, 'delivered');
    const out = progress(a, offer.id, 'out');
    expect(out[0]).toMatchObject({ state: 'offered', bytes: 0, size: 64 * MiB });
    expect(out.at(-1)).toMatchObject({ state: 'done', bytes: 64 * MiB });
    expect(out.some((e) => e.state === 'running' && e.rate > 0 && e.eta !== undefined)).toBe(true);
    expect(await a.quit()).toBe(0);
    expect(await b.quit()).toBe(0);
    const peak = { a: Number(readFileSync(rss.a, 'utf8')) / 1024, b: Number(readFileSync(rss.b, 'utf8')) / 1024 };
    console.log(`chat-files: 64 MiB in ${ms} ms (${(64 / (ms / 1000)).toFixed(1)} MiB/s incl. offer and verification); text during the transfer in ${latency} ms${textArrivedDuring ? ' (before the file finished)' : ''}; peak RSS sender ${peak.a.toFixed(0)} MB, receiver ${peak.b.toFixed(0)} MB`);
    expect(latency).toBeLessThan(1000);
    expect(peak.a).toBeLessThan(300);
    expect(peak.b).toBeLessThan(300);
    rmSync(inbox, { recursive: true, force: true });
  }, 180_000);

  it('receiver killed at ~50 %, then sender killed: each restart resumes from what was acknowledged; same SHA-256', async () => {
    const path = join(ada.home, 'disk.img');
    makeFile(path, 48);
    const inbox = join(bob.home, 'inbox2');
    let a = fixture.start(ada), b = fixture.start(bob, '--files', inbox);
    await Promise.all([a.ready(), b.ready()]);
    await verifyChats(a, b);
    a.send(`/file ${path}`);
    const offer = await b.next(type('file-offer'));
    await b.next((e) => e.type === 'progress' && e.id === offer.id && e.bytes >= 24 * MiB, 60_000, '~50 %');
    b.child.kill('SIGKILL');
    await b.exit;
    const ackedBeforeKill = Math.max(...progress(a, offer.id, 'out').map((e) => e.bytes));
    expect(readdirSync(inbox).filter((f) => f.endsWith('.part'))).toHaveLength(1); // the partial file survives
    a.send('/cancel'); // Ada gives up the dead connection at once
    await a.next(type('cancelled'), 20_000, 'cancelled');
    expect(progress(a, offer.id, 'out').at(-1)).toMatchObject({ state: 'paused' });

    b = fixture.start(bob, '--files', inbox);
    const paused = await b.next((e) => e.type === 'progress' && e.id === offer.id, 60_000, 'paused at start');
    expect(paused).toMatchObject({ state: 'paused', direction: 'in', name: 'disk.img' });
    expect(paused.bytes).toBeGreaterThanOrEqual(ackedBeforeKill);
    await verifyChats(a, b);
    const resumed = await a.next((e) => e.type === 'progress' && e.id === offer.id && e.resumedFrom !== undefined, 20_000, 'resumed');
    expect(resumed.resumedFrom).toBeGreaterThanOrEqual(ackedBeforeKill);
    expect(b.events.filter((e) => e.type === 'file-offer')).toEqual([]); // resumed, not offered to Bob again

    // Now the sender dies at ~75 %; its outbox still holds the file (path, size, time): it resumes.
    await a.next((e) => e.type === 'progress' && e.id === offer.id && e.bytes >= 36 * MiB, 60_000, '~75 %');
    a.child.kill('SIGKILL');
    await a.exit;
    b.send('/cancel');
    await b.next(type('cancelled'), 20_000, 'cancelled (b)');
    const before = Math.max(...progress(b, offer.id, 'in').map((e) => e.bytes));
    a = fixture.start(ada);
    await a.next((e) => e.type === 'outbox' && e.pending === 1, 60_000, 'outbox at start');
    await verifyChats(a, b);
    const again = await a.next((e) => e.type === 'progress' && e.id === offer.id && e.resumedFrom !== undefined, 20_000, 'resumed again');
    expect(again.resumedFrom).toBeGreaterThanOrEqual(before - (before % (64 * 1024)));
    const got = await b.next(type('file'), 120_000, 'the file');
    expect(await sha256File(got.path)).toBe(await sha256File(path));
    expect(readdirSync(inbox)).toEqual(['disk.img']);
    await a.next((e) => e.type === 'status' && e.id === offer.id && e.status === 'delivered', 20_000, 'delivered');
    console.log(`chat-files: killed at ${(ackedBeforeKill / MiB).toFixed(1)} MiB acknowledged → resumed from ${(resumed.resumedFrom / MiB).toFixed(1)} MiB; sender killed → resumed from ${(again.resumedFrom / MiB).toFixed(1)} MiB`);
    expect(await a.quit()).toBe(0);
    expect(await b.quit()).toBe(0);
  }, 240_000);

  it('declined, cancelled by the receiver, cancelled by the sender: the sender is told each time, no partial file is left', async () => {
    const path = join(ada.home, 'big.bin');
    makeFile(path, 32);
    const inbox = join(bob.home, 'inbox3');
    const a = fixture.start(ada), b = fixture.start(bob, '--files', inbox, '--auto-accept', '1M');
    await Promise.all([a.ready(), b.ready()]);
    await verifyChats(a, b);

    a.send(`/file ${path}`);
    const o1 = await b.next(type('file-offer'));
    expect(o1).toMatchObject({ ask: true, size: 32 * MiB });
    b.send('/decline-file');
    const declined = await a.next((e) => e.type === 'progress' && e.id === o1.id && e.state === 'declined');
    expect(declined.text).toBe('Bob declined "big.bin".');
    await a.next((e) => e.type === 'status' && e.id === o1.id && e.status === 'failed');
    expect(existsSync(inbox) ? readdirSync(inbox) : []).toEqual([]); // nothing was written

    const cancelledBy = async (who: 'receiver' | 'sender'): Promise<Event> => {
      a.send(`/file ${path}`);
      const o = await b.next(type('file-offer'));
      b.send(`/accept-file ${o.id.slice(0, 6)}`);
      await b.next((e) => e.type === 'progress' && e.id === o.id && e.bytes >= 2 * MiB, 60_000, 'some progress');
      (who === 'receiver' ? b : a).send('/cancel-file');
      const other = who === 'receiver' ? a : b;
      return other.next((e) => e.type === 'progress' && e.id === o.id && e.state === 'cancelled', 20_000, 'cancelled');
    };
    expect((await cancelledBy('receiver')).text).toBe('Bob cancelled "big.bin".');
    expect((await cancelledBy('sender')).text).toBe('Ada cancelled "big.bin"; the part received was deleted.');
    for (let i = 0; i < 100 && readdirSync(inbox).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(inbox)).toEqual([]);
    expect(b.events.filter((e) => e.type === 'file')).toEqual([]);
    expect([...a.events, ...b.events].filter((e) => e.type === 'cancelled')).toEqual([]); // the chat went on
    expect(await a.quit()).toBe(0);
    expect(await b.quit()).toBe(0);
  }, 180_000);
});
