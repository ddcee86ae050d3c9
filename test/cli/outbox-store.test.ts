// src/cli/_outbox-store.ts: pending messages in HOME/outbox/, sealed under the identity's storage
// key — restart-safe, encrypted at rest (no plaintext on disk), bound to peer and id, deleted when
// delivered; received ids remembered (bounded) across restarts.
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileOutbox, MAX_SEEN } from '../../src/cli/_outbox-store.js';
import { IdentityKeyPair } from '../../src/identity/index.js';
import { hex } from '../../src/session/outbox-record.js';
import { CLI_STORAGE_LABELS, StorageKey } from '../../src/session/storage-key.js';
import type { OutboxEntry } from '../../src/session/index.js';

const dirs: string[] = [];
const home = () => { const d = mkdtempSync(join(tmpdir(), 'kp-outbox-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const PEER = 'did:key:z6MkpeerPeerPeer';
const id = (n: number) => new Uint8Array(16).fill(n);
const text = (n: number, t: string, createdAt = n): OutboxEntry => ({ id: id(n), peer: PEER, content: { kind: 'text', text: t }, status: 'queued', createdAt });
const outboxOf = async (h: string, who: IdentityKeyPair) => new FileOutbox(h, await StorageKey.derive(who, CLI_STORAGE_LABELS));

describe('FileOutbox', () => {
  it('survives a restart; no plaintext on disk; 0600 files; delivered entries deleted', async () => {
    const h = home();
    const me = IdentityKeyPair.generate();
    const box = await outboxOf(h, me);
    await box.add(text(2, 'secret meeting at noon'));
    await box.add(text(1, 'first'));
    const plan = { kind: 'file', name: 'plan.pdf', mime: 'application/pdf', size: 3000, ref: '/home/ada/plan.pdf' } as const;
    await box.add({ id: id(3), peer: 'did:key:z6MkOther', content: plan, status: 'queued', createdAt: 3 });
    const files = readdirSync(join(h, 'outbox')).sort();
    expect(files).toEqual([1, 2, 3].map((n) => `${hex(id(n))}.json`));
    expect(statSync(join(h, 'outbox')).mode & 0o777).toBe(0o700);
    for (const f of files) {
      expect(statSync(join(h, 'outbox', f)).mode & 0o777).toBe(0o600);
      const raw = readFileSync(join(h, 'outbox', f), 'utf8');
      expect(raw).not.toMatch(/secret|meeting|first|plan\.pdf/);
    }

    // A new process: a new key object from the same identity, re-unlocked.
    const again = await outboxOf(h, IdentityKeyPair.fromSecretKey(me.exportSecretKey()));
    const pending = await again.pending(PEER);
    expect(pending.map((e) => e.content)).toEqual([{ kind: 'text', text: 'first' }, { kind: 'text', text: 'secret meeting at noon' }]);
    expect((await again.pending('did:key:z6MkOther'))[0].content).toEqual(plan);
    expect((await again.setStatus(id(1), 'sent'))?.status).toBe('sent');
    expect((await outboxOf(h, me).then((b) => b.pending(PEER)))[0].status).toBe('sent');
    expect((await again.olderThan(3)).map((e) => e.createdAt)).toEqual([1, 2]);
    expect(await again.setStatus(id(1), 'delivered')).toMatchObject({ status: 'delivered', content: { text: 'first' } });
    expect(await again.setStatus(id(1), 'delivered')).toBeUndefined();
    await again.setStatus(id(2), 'delivered');
    await again.setStatus(id(3), 'failed');
    expect(readdirSync(join(h, 'outbox'))).toEqual([]);
  });

  it('another identity, a record moved to another id, an altered or non-JSON file: reported as damaged, kept, skipped', async () => {
    const h = home();
    const me = IdentityKeyPair.generate();
    const box = await outboxOf(h, me);
    await box.add(text(1, 'one'));
    await box.add(text(2, 'two'));
    await box.add(text(3, 'three'));
    const path = (n: number) => join(h, 'outbox', `${hex(id(n))}.json`);
    // Moved: entry 2's record under id 9 does not open (the id is in the associated data).
    renameSync(path(2), path(9));
    // Altered ciphertext.
    const s = JSON.parse(readFileSync(path(3), 'utf8'));
    s.ct = `${s.ct.slice(0, 10)}${s.ct[10] === 'A' ? 'B' : 'A'}${s.ct.slice(11)}`;
    writeFileSync(path(3), JSON.stringify(s));
    writeFileSync(join(h, 'outbox', 'garbage.json'), '{');
    writeFileSync(path(4), '{ not json');
    const { entries, damaged } = await box.scan();
    expect(entries.map((e) => e.content)).toEqual([{ kind: 'text', text: 'one' }]);
    expect(damaged.map((e) => e.code)).toEqual(['outbox-damaged', 'outbox-damaged', 'outbox-damaged', 'outbox-damaged']);
    expect(damaged.map((e) => e.message).join('\n')).toMatch(/is not JSON: move it away or delete it/);
    expect(damaged.map((e) => e.message).join('\n')).toMatch(/does not decrypt with this identity/);
    expect(damaged.map((e) => e.message).join('\n')).toMatch(/garbage\.json is not an outbox entry/);
    for (const d of damaged) expect(d.message).not.toMatch(/\n/);
    expect((await box.pending(PEER)).length).toBe(1);
    // Another identity in the same home opens none of them.
    const other = await outboxOf(h, IdentityKeyPair.generate());
    expect((await other.scan()).entries).toEqual([]);
    expect(readdirSync(join(h, 'outbox'))).toHaveLength(5); // nothing deleted
  });

  it('markSeen: false for a duplicate, remembered after a restart, bounded', async () => {
    const h = home();
    const me = IdentityKeyPair.generate();
    const box = await outboxOf(h, me);
    expect(await box.markSeen(PEER, id(1))).toBe(true);
    expect(await box.markSeen(PEER, id(1))).toBe(false);
    expect(await box.markSeen('did:key:z6MkOther', id(1))).toBe(true);
    expect(await (await outboxOf(h, me)).markSeen(PEER, id(1))).toBe(false);
    expect(statSync(join(h, 'outbox-seen.json')).mode & 0o777).toBe(0o600);
    // Bounded: a full list forgets the oldest.
    const full = Array.from({ length: MAX_SEEN }, (_, i) => `${PEER} ${i.toString(16).padStart(32, '0')}`);
    writeFileSync(join(h, 'outbox-seen.json'), JSON.stringify({ version: 1, seen: [`${PEER} ${hex(id(1))}`, ...full.slice(1)] }));
    const b2 = await outboxOf(h, me);
    expect(await b2.markSeen(PEER, id(2))).toBe(true);
    expect(JSON.parse(readFileSync(join(h, 'outbox-seen.json'), 'utf8')).seen).toHaveLength(MAX_SEEN);
    expect(await b2.markSeen(PEER, id(1))).toBe(true); // the oldest was forgotten
  });
});
