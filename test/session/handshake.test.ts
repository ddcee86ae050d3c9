// Session handshake flows on an in-memory pair: both roles, both SAS outcomes, key confirmation.
import { describe, expect, it } from 'vitest';
import { hex } from '../_util.js';
import { alice, bob, confirmedPair, machine, Pair, T0 } from './_pair.js';

describe('session handshake (in-memory pair)', () => {
  it('initiator and responder show the same SAS, then both confirm', async () => {
    const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice));
    await p.start();
    expect(p.a.state.kind).toBe('SasShown');
    expect(p.b.state.kind).toBe('SasShown');
    const [sa] = p.of('a', 'sasShown'), [sb] = p.of('b', 'sasShown');
    expect(sa.sas).toHaveLength(8);
    expect(hex(sa.sas)).toBe(hex(sb.sas));
    expect(hex(sa.transcriptHash)).toBe(hex(sb.transcriptHash));
    expect(sa.peer.displayName).toBe('Bob');
    expect(sb.peer.displayName).toBe('Alice');
    expect(hex(sa.peer.identityPublicKey)).toBe(hex(bob.identity.publicKey));
    // wire order: commit, hello R, hello I, auth I, auth R
    expect(p.wire.map((w) => `${w.from}:${w.frame[1]}`)).toEqual(['a:1', 'b:2', 'a:2', 'a:3', 'b:3']);

    await p.confirm('b'); // the responder's user is faster
    expect(p.b.state.kind).toBe('SasShown');
    expect(p.of('a', 'peerConfirmed')).toHaveLength(1);
    await p.confirm('a');
    expect(p.a.state.kind).toBe('Confirmed');
    expect(p.b.state.kind).toBe('Confirmed');
    expect(p.of('a', 'confirmed')).toHaveLength(1);
    expect(p.of('b', 'confirmed')).toHaveLength(1);
  });

  it('either party can be the initiator', async () => {
    for (const [i, r] of [[alice, bob], [bob, alice]]) {
      const p = new Pair(machine('initiator', i, r), machine('responder', r, i));
      await p.start();
      await p.confirm('a');
      await p.confirm('b');
      expect(p.of('a', 'confirmed')[0].peer.displayName).toBe(r === bob ? 'Bob' : 'Alice');
      expect(p.of('b', 'confirmed')[0].peer.displayName).toBe(i === bob ? 'Bob' : 'Alice');
    }
  });

  it('fresh ephemeral keys: two sessions between the same people give different SAS', async () => {
    const p1 = await confirmedPair();
    const p2 = await confirmedPair();
    expect(hex(p1.of('a', 'sasShown')[0].sas)).not.toBe(hex(p2.of('a', 'sasShown')[0].sas));
  });

  it('"does not match" on one side cancels both with sas-mismatch', async () => {
    for (const side of ['a', 'b'] as const) {
      const p = new Pair(machine('initiator', alice, bob), machine('responder', bob, alice));
      await p.start();
      if (side === 'b') await p.confirm('a'); // even after the other side confirmed
      p.take(side, await p[side].cancel('sas-mismatch', p.now));
      await p.pump();
      const other = side === 'a' ? 'b' : 'a';
      expect(p[side].state).toEqual({ kind: 'Cancelled', code: 'sas-mismatch', by: 'us' });
      expect(p[other].state).toEqual({ kind: 'Cancelled', code: 'sas-mismatch', by: 'them' });
      expect(p.of(other, 'cancelled')).toEqual([{ type: 'cancelled', code: 'sas-mismatch', by: 'them' }]);
      await expect(p[other].confirm(p.now)).rejects.toMatchObject({ code: 'invalid-state' });
    }
  });

  it('confirm() before the SAS is shown is an invalid-state error, not a transition', async () => {
    const m = machine('initiator', alice, bob);
    await expect(m.confirm(T0)).rejects.toMatchObject({ code: 'invalid-state' });
    expect(m.state.kind).toBe('Created');
  });

  it('timeouts: no answer within the handshake deadline, no confirmation within the confirm deadline', async () => {
    const m = machine('initiator', alice, bob, { timeouts: { handshakeMs: 1000 } });
    await m.start(T0);
    expect((await m.tick(T0 + 999)).events).toEqual([]);
    const step = await m.tick(T0 + 1000);
    expect(step.events).toEqual([{ type: 'cancelled', code: 'timeout', by: 'us' }]);
    expect(step.send).toHaveLength(1);

    const p = new Pair(machine('initiator', alice, bob, { timeouts: { confirmMs: 5000 } }), machine('responder', bob, alice));
    await p.start();
    await p.confirm('a');
    p.take('a', await p.a.tick(T0 + 5000));
    await p.pump();
    expect(p.a.state).toEqual({ kind: 'Cancelled', code: 'timeout', by: 'us' });
    expect(p.b.state).toEqual({ kind: 'Cancelled', code: 'timeout', by: 'them' });
  });

  it('secrets stay out of logs', async () => {
    const p = await confirmedPair();
    expect(String(p.a)).toBe('SessionMachine(initiator, Confirmed)');
    expect(JSON.stringify(p.a)).toBe('{"role":"initiator","state":"Confirmed"}');
  });
});
