// Garbage-input tables for the session's public functions: each bad argument is a typed error.
import { describe, expect, it } from 'vitest';
import { KeyprintError } from '../../src/errors.js';
import {
  createReceipt, decodeMessage, decodeSignal, encodeMessage, memoryPipe, newMessageId, Session, SessionMachine, verifyReceipt,
} from '../../src/session/index.js';
import { checkFileArguments } from '../../src/session/machine.js';
import { alice, bob, confirmedPair, T0 } from './_pair.js';

const garbage: unknown[] = [undefined, null, 0, 'x', {}, [], new Uint8Array(31), new Uint8Array(33)];
const base = () => ({ role: 'initiator' as const, identity: alice.identity, bundle: alice.bundle, localDtlsFingerprint: alice.dtls, expectedPeerDtlsFingerprint: bob.dtls, now: T0 });

describe('garbage inputs', () => {
  it('SessionMachine options', () => {
    for (const key of ['role', 'identity', 'bundle', 'localDtlsFingerprint', 'expectedPeerDtlsFingerprint', 'now'] as const) {
      for (const g of garbage) {
        if (key === 'now' && typeof g === 'number') continue;
        expect(() => new SessionMachine({ ...base(), [key]: g } as never), `${key} = ${String(g)}`).toThrow(KeyprintError);
      }
    }
    expect(() => new SessionMachine({ ...base(), bundle: bob.bundle })).toThrow(/another key/);
    expect(() => new SessionMachine(null as never)).toThrow(KeyprintError);
  });

  it('encodeMessage / decodeMessage / decodeSignal / receipts', async () => {
    for (const g of garbage) {
      expect(() => encodeMessage({ type: 'commit', commitment: g } as never)).toThrow(KeyprintError);
      expect(() => encodeMessage({ type: 'mac', mac: g } as never)).toThrow(KeyprintError);
      expect(() => decodeMessage(g as never)).toThrow(KeyprintError);
      expect(() => decodeSignal(g as never)).toThrow(KeyprintError);
      await expect(createReceipt(g as never, async () => { throw new Error('not called'); })).rejects.toThrow(KeyprintError);
      expect(() => verifyReceipt(g as never, {} as never, new Uint8Array(32))).toThrow(KeyprintError);
      expect(() => verifyReceipt(new Uint8Array(0), {} as never, g as never)).toThrow(expect.objectContaining({ code: 'invalid-value' }));
    }
    expect(() => encodeMessage({ type: 'nope' } as never)).toThrow(KeyprintError);
    expect(() => encodeMessage({ type: 'cancel', code: 'whatever' } as never)).toThrow(KeyprintError);
  });

  it('sendText / sendReceipt / sendFilePayloads / checkFileArguments arguments', async () => {
    const p = await confirmedPair();
    for (const g of garbage) {
      expect(() => p.a.sendText(g as never, 'x', p.now)).toThrow(KeyprintError);
      if (typeof g !== 'string') expect(() => p.a.sendText(newMessageId(), g as never, p.now)).toThrow(KeyprintError);
      if (!(g instanceof Uint8Array)) expect(() => p.a.sendReceipt(newMessageId(), g as never, p.now)).toThrow(KeyprintError);
      if (!(g instanceof Uint8Array)) await expect(p.a.sendFilePayloads([{ kind: 'file-chunk', id: newMessageId(), index: 0, data: g as never }], p.now)).rejects.toThrow(KeyprintError);
      if (typeof g !== 'number') expect(() => checkFileArguments('n', 'm', g as never)).toThrow(KeyprintError);
      if (typeof g !== 'string') expect(() => checkFileArguments(g as never, 'm', 1)).toThrow(KeyprintError);
    }
    expect(() => checkFileArguments('n', 'm', -1)).toThrow(/"size"/);
    expect(() => checkFileArguments('n', 'm', 2 ** 45 + 1)).toThrow(/"size"/);
    expect(p.a.state.kind).toBe('Confirmed'); // a refused payload seals nothing
  });

  it('Session before Confirmed', async () => {
    const [t] = memoryPipe();
    const s = new Session({ ...base(), transport: t });
    await expect(s.sendText('early')).rejects.toMatchObject({ code: 'invalid-state' });
    await expect(s.confirm()).rejects.toMatchObject({ code: 'invalid-state' });
    s.close();
  });
});
