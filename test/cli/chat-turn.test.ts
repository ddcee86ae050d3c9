// `keyprint chat --relay-only` through a real TURN server (coturn on 127.0.0.1): both terminals
// offer only relayed candidates, the session works end to end, and coturn's log shows an allocation
// for each peer and the permissions/data that carried their traffic. coturn sees DTLS only.
// CI installs coturn (.ci/run); elsewhere the test is skipped with the reason when it is missing.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSignal } from '../../src/session/index.js';
import { ChatProcess, connectChats, enrolledHome, type, type Enrolled } from './_chat.js';
import { startTurn, turnserverPath, type Turn } from './_turn.js';

const binary = turnserverPath();
if (!binary && process.env.CI) throw new Error('coturn (turnserver) is required on CI: .ci/run installs the Debian package "coturn"');
if (!binary) console.warn('chat-turn.test: skipped — turnserver not found (apt-get install coturn)');

describe.skipIf(!binary)('keyprint chat --relay-only through coturn', () => {
  let turn: Turn, ada: Enrolled, bob: Enrolled;
  const procs: ChatProcess[] = [];

  beforeAll(async () => {
    [turn, ada, bob] = await Promise.all([startTurn(binary!), enrolledHome('Ada'), enrolledHome('Bob')]);
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await turn?.stop();
    for (const who of [ada, bob]) { await who?.close(); rmSync(who?.home ?? '/nonexistent', { recursive: true, force: true }); }
  });

  it('relayed candidates only; SAS, confirm and messages both ways; coturn allocated for both peers and relayed', async () => {
    const start = (who: Enrolled) => {
      const p = new ChatProcess(['--home', who.home, '--device', who.device, '--bind', '127.0.0.1', '--relay-only', '--ice', turn.url]);
      procs.push(p);
      return p;
    };
    const a = start(ada), b = start(bob);
    await Promise.all([a.ready(), b.ready()]);
    const t0 = Date.now();
    const { offer, answer, sasA, sasB } = await connectChats(a, b);
    const ms = Date.now() - t0;
    for (const text of [offer, answer]) {
      const { candidates } = decodeSignal(text);
      expect(candidates.length).toBeGreaterThan(0);
      for (const c of candidates) {
        // Only the relay's address travels: coturn's relay port range on 127.0.0.1.
        expect(c).toMatchObject({ type: 'relay', address: '127.0.0.1' });
        expect(c.port).toBeGreaterThanOrEqual(turn.relayPorts[0]);
        expect(c.port).toBeLessThanOrEqual(turn.relayPorts[1]);
      }
    }
    expect(sasA.emoji).toEqual(sasB.emoji);
    a.send('/verify');
    b.send('/verify');
    await Promise.all([a.next(type('confirmed')), b.next(type('confirmed'))]);
    a.send('through the relay');
    expect((await b.next(type('message'))).text).toBe('through the relay');
    b.send('and back');
    expect((await a.next(type('message'))).text).toBe('and back');
    const sent = await b.next(type('sending'));
    await b.next((e) => e.type === 'status' && e.id === sent.id && e.status === 'delivered');

    const log = turn.log();
    // RFC 8656 §7: one allocation per peer; §9: permissions for the peer's relayed address; data
    // then flows as Send/Data indications or ChannelData (§11–12).
    const allocations = [...log.matchAll(/session (\d+): realm <keyprint> user <u>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]);
    expect(new Set(allocations).size).toBeGreaterThanOrEqual(2);
    // Permissions (CreatePermission, or the one a ChannelBind installs, §12) on the allocations.
    // coturn permissions are per IP address, and here every address is 127.0.0.1: libjuice was seen
    // creating one on one allocation only (the browser ↔ terminal e2e sees one on each).
    const permissions = new Set([...log.matchAll(/session (\d+): realm <keyprint> user <u>: incoming packet (?:CREATE_PERMISSION|CHANNEL_BIND) processed, success/g)].map((m) => m[1]));
    expect(permissions.size, log.split('\n').filter((l) => /session \d+:/.test(l)).join('\n')).toBeGreaterThanOrEqual(1);
    for (const id of permissions) expect(allocations).toContain(id);
    expect(log).not.toMatch(/error 403/); // Forbidden: e.g. a peer address coturn refuses to relay to
    console.log(`chat-turn.test: relay-only invite → SAS in ${ms} ms; coturn sessions ${[...new Set(allocations)].join(', ')}`);
    await Promise.all([a.quit(), b.quit()]);
  }, 60_000);
});
