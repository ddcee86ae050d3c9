// The session machine's states as types (src/session/states.ts; matrix-rust-sdk's SasState<S> is
// the model): an illegal transition does not compile (checked by `npm run typecheck`, which covers
// test/), and at run time a state that was left, or a call in the wrong state, is refused with
// `invalid-state` naming the state expected and the state found.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { XWingDecapsulator } from '../../src/core/index.js';
import { decodeMessage, type SessionMessage } from '../../src/session/messages.js';
import { encodePayload } from '../../src/session/ratchet.js';
import {
  Cancelled, Confirmed, InitiatorCommitted, InitiatorCreated, KeysExchanged, ResponderCommitted, ResponderCreated, SasShown,
  type Own, type Transition,
} from '../../src/session/states.js';
import { newMessageId } from '../../src/session/index.js';
import { alice, bob, machine, Pair, T0, type Party } from './_pair.js';

const own = (me: Party, peer: Party, role: Own['role'], nonceByte: number): Own => ({
  role, identity: me.identity, nonce: new Uint8Array(32).fill(nonceByte), localFp: me.dtls, peerFp: peer.dtls, bundle: me.bundle,
});

/** The one message of a frame, of the type expected. */
function message<T extends SessionMessage['type']>(frame: Uint8Array, type: T): Extract<SessionMessage, { type: T }> {
  const m = decodeMessage(frame);
  if (m.type !== type) throw new Error(`expected a ${type} frame, got ${m.type}`);
  return m as Extract<SessionMessage, { type: T }>;
}

/** The handshake driven state by state (no machine): both sides end in SasShown. */
function handshake() {
  const i0 = new InitiatorCreated(own(alice, bob, 'initiator', 1), new XWingDecapsulator());
  const r0 = new ResponderCreated(own(bob, alice, 'responder', 2));
  const i1 = i0.commit();
  const r1 = r0.receiveCommit(message(i1.send[0], 'commit'), i1.send[0]);
  const i2 = i1.next.receiveHello(message(r1.send[0], 'hello'), r1.send[0], T0);
  const r2 = r1.next.receiveHello(message(i2.send[0], 'hello'), i2.send[0], T0);
  const i3 = i2.next.receiveAuth(message(r2.send[0], 'auth'));
  const r3 = r2.next.receiveAuth(message(i2.send[1], 'auth'));
  return { i0, r0, i1, r1, i2, r2, i3, r3 };
}

describe('session states: each a type, each left once', () => {
  it('the handshake state by state: the same SAS on both sides, each transition returning the next state', () => {
    const h = handshake();
    expect([h.i1.next, h.r1.next, h.i2.next, h.i3.next].map((s) => s.kind)).toEqual(['Committed', 'Committed', 'KeysExchanged', 'SasShown']);
    expect(h.i3.next.sas).toEqual(h.r3.next.sas);
    expect(h.i3.events).toMatchObject([{ type: 'sasShown' }]);
  });

  it('a state that was left refuses a second transition: invalid-state, naming the state expected and the state found', () => {
    const h = handshake();
    const left = (f: () => unknown) => { try { f(); } catch (e) { return e; } throw new Error('not refused'); };
    expect(left(() => h.i0.commit())).toMatchObject({ code: 'invalid-state', message: 'commit() expected state Created, got Committed' });
    expect(left(() => h.i1.next.receiveHello(message(h.r1.send[0], 'hello'), h.r1.send[0], T0))).toMatchObject({
      code: 'invalid-state', message: 'receiveHello() expected state Committed, got KeysExchanged',
    });
    expect(left(() => h.i2.next.cancel('user', 'us'))).toMatchObject({ code: 'invalid-state', message: 'cancel() expected state KeysExchanged, got SasShown' });
    // Confirming leads to a new SasShown; the old one is spent.
    const shown = h.i3.next;
    const after = shown.confirm();
    expect(after.next).toBeInstanceOf(SasShown);
    expect(left(() => shown.confirm())).toMatchObject({ code: 'invalid-state', message: 'confirm() expected state SasShown, got SasShown (confirmed by us)' });
    expect(left(() => (after.next as SasShown).confirm())).toMatchObject({
      code: 'invalid-state', message: 'confirm() expected state SasShown not confirmed by us, got SasShown (confirmed by us)',
    });
  });

  it('both confirmations lead to Confirmed; once cancelled, Confirmed seals nothing (invalid-state, the message Session drops after a cancel)', async () => {
    const h = handshake();
    const iMac = h.i3.next.confirm();
    const rMac = h.r3.next.confirm();
    const done = (rMac.next as SasShown).receiveMac(message(iMac.send[0], 'mac'));
    expect(done.next).toBeInstanceOf(Confirmed);
    expect(done.events.map((e) => e.type)).toEqual(['peerConfirmed', 'confirmed']);
    const confirmed = done.next as Confirmed;
    const frame = await confirmed.seal(encodePayload({ kind: 'text', id: newMessageId(), text: 'hi' }));
    expect(frame.length).toBeGreaterThan(0);
    const end = confirmed.cancel('user', 'us');
    expect(end.next).toBeInstanceOf(Cancelled);
    expect(end.next.view()).toEqual({ kind: 'Cancelled', code: 'user', by: 'us' });
    expect(() => confirmed.seal(encodePayload({ kind: 'text', id: newMessageId(), text: 'late' }))).toThrow(
      expect.objectContaining({ code: 'invalid-state', message: 'sending expected state Confirmed, got Cancelled' }),
    );
  });

  it('the machine refuses a call in the wrong state with invalid-state, naming both states (no transition, no cancel)', async () => {
    const m = machine('initiator', alice, bob);
    await expect(m.confirm(T0)).rejects.toMatchObject({ code: 'invalid-state', message: 'confirm() expected state SasShown, got Created' });
    await expect(m.sendText(newMessageId(), 'early', T0)).rejects.toMatchObject({ code: 'invalid-state', message: 'sending expected state Confirmed, got Created' });
    expect(m.state.kind).toBe('Created');
    const p = new Pair(m, machine('responder', bob, alice));
    await p.start();
    await expect(p.a.sendText(newMessageId(), 'before the codes match', T0)).rejects.toMatchObject({ message: 'sending expected state Confirmed, got SasShown' });
    p.take('a', await p.a.cancel('user', T0));
    await p.pump();
    await expect(p.b.confirm(T0)).rejects.toMatchObject({ code: 'invalid-state', message: 'confirm() expected state SasShown, got Cancelled' });
    expect(p.b.state).toEqual({ kind: 'Cancelled', code: 'user', by: 'them' });
  });

  it('an illegal transition does not compile (tsc checks this file: each @ts-expect-error must be an error)', () => {
    // Never called: the assertions are the compiler's.
    const illegal = (s: { ic: InitiatorCreated; rc: ResponderCreated; im: InitiatorCommitted; rm: ResponderCommitted; k: KeysExchanged; sas: SasShown; c: Confirmed; x: Cancelled }) => {
      // @ts-expect-error the initiator never receives a commitment
      s.ic.receiveCommit(message(new Uint8Array(0), 'commit'), new Uint8Array(0));
      // @ts-expect-error the responder does not commit
      s.rc.commit();
      // @ts-expect-error the SAS is not shown while committed
      s.im.confirm();
      // @ts-expect-error a hello is not a MAC
      s.rm.receiveMac(message(new Uint8Array(0), 'mac'));
      // @ts-expect-error no data before both confirmations
      void s.k.seal(new Uint8Array(0));
      // @ts-expect-error no data while the SAS is compared
      void s.sas.receiveData(message(new Uint8Array(0), 'data'));
      // @ts-expect-error Confirmed is not confirmed again
      s.c.confirm();
      // @ts-expect-error nothing leaves Cancelled
      s.x.cancel('user', 'us');
      // @ts-expect-error a transition's result is its own next state, not another
      const wrong: Transition<Confirmed> = s.k.receiveAuth(message(new Uint8Array(0), 'auth'));
      return wrong;
    };
    expect(typeof illegal).toBe('function');
    expectTypeOf<KeysExchanged['receiveAuth']>().returns.toEqualTypeOf<Transition<SasShown>>();
    expectTypeOf<SasShown['receiveMac']>().returns.toEqualTypeOf<Transition<SasShown | Confirmed>>();
    expectTypeOf<InitiatorCommitted>().not.toHaveProperty('confirm');
    expectTypeOf<Cancelled>().not.toHaveProperty('cancel');
  });
});
