// Security keys in the browser (issue 18 items 2–4): a second key unlocks alone and the first can be
// removed; unlock asks for exactly the UV each key was enrolled with, and a key enrolled before it had
// a PIN is explained (the browser uses the PIN whenever a key has one, so the key gives its other
// secret) with the way out — the second key; and an identity stored as before (profile version 1,
// envelope version 1 with the fixed PRF input) is rewritten as version 2 by its next unlock, both
// PRF outputs coming from one touch. The virtual authenticators speak hmac-secret, as USB security
// keys do (separate secrets with and without UV). Old-format data and the "enrolled without a PIN"
// envelope are made in the page with WebCrypto, from docs/PROTOCOL.md — independently of the app.
import { OUT, addVirtualAuthenticator, assert, collector, watch } from '../harness.mjs';

const { test, tests } = collector();
export { tests };

const KEY = { hasPrf: false, hasHmacSecret: true };

/** In every page, before the app: a record of each navigator.credentials.get's UV and PRF request, and envelope tools. */
function pageTools() {
  const gets = (window.__kpGets = []);
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (o) => {
    const prf = o?.publicKey?.extensions?.prf;
    gets.push({ userVerification: o?.publicKey?.userVerification, eval: prf?.eval ? Object.keys(prf.eval).sort() : null, byCredential: prf?.evalByCredential ? Object.keys(prf.evalByCredential).length : 0 });
    return get(o);
  };
  const idb = (db, store, mode, f) => new Promise((resolve, reject) => {
    const r = indexedDB.open(db);
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const t = r.result.transaction(store, mode);
      const q = f(t.objectStore(store));
      let v;
      q.onsuccess = () => { v = q.result; };
      t.oncomplete = () => { r.result.close(); resolve(v); };
      t.onerror = t.onabort = () => { r.result.close(); reject(t.error); };
    };
  });
  const te = new TextEncoder();
  const cat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };
  const u16 = (n) => Uint8Array.of(n >> 8, n & 0xff);
  const aesKey = async (out, salt, info) => crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: te.encode(info) },
    await crypto.subtle.importKey('raw', out, 'HKDF', false, ['deriveKey']), { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const aad = (info, header, credentialId) => cat(u16(info.length), te.encode(info), header, u16(credentialId.length), credentialId);
  window.__kpTools = {
    profile: () => idb('keyprint-web', 'profile', 'readonly', (s) => s.get('identity')),
    putProfile: (p) => idb('keyprint-web', 'profile', 'readwrite', (s) => s.put(p, 'identity')),
    envelope: (name) => idb('keyprint', 'keys', 'readonly', (s) => s.get(name)),
    putEnvelope: (name, bytes) => idb('keyprint', 'keys', 'readwrite', (s) => s.put(bytes, name)),
    /** One touch: PRF outputs of a credential for `first` (and `second`). */
    async prf(rpId, credentialId, first, second) {
      const a = await get({ publicKey: { rpId, challenge: crypto.getRandomValues(new Uint8Array(32)), allowCredentials: [{ type: 'public-key', id: credentialId }],
        userVerification: 'required', extensions: { prf: { eval: second ? { first, second } : { first } } } } });
      const r = a.getClientExtensionResults().prf.results;
      return { first: new Uint8Array(r.first), second: r.second ? new Uint8Array(r.second) : undefined };
    },
    /** The seed in a version-2 prf envelope: "kpw" 02 01 flags input[32] salt[32] nonce[12] ct (docs/PROTOCOL.md). */
    async open(env, out, credentialId) {
      const header = env.slice(0, 82);
      const key = await aesKey(out, env.slice(38, 70), 'keyprint-wrap-v2');
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: env.slice(70, 82), additionalData: aad('keyprint-wrap-v2', header, credentialId) }, key, env.slice(82)));
    },
    /** A prf envelope of version 1 ("kpw" 01 01 salt nonce ct) or 2 (with flags and input) around `seed`. */
    async seal(version, seed, out, credentialId, o = {}) {
      const salt = crypto.getRandomValues(new Uint8Array(32)), nonce = crypto.getRandomValues(new Uint8Array(12));
      const header = version === 1 ? cat(te.encode('kpw'), Uint8Array.of(1, 1), salt, nonce) : cat(te.encode('kpw'), Uint8Array.of(2, 1, o.userVerified ? 1 : 0), o.prfInput, salt, nonce);
      const info = `keyprint-wrap-v${version}`;
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad(info, header, credentialId) }, await aesKey(out, salt, info), seed);
      return cat(header, new Uint8Array(ct));
    },
  };
}

/** A context with the page tools and a hmac-secret virtual authenticator; the identity enrolled as `name`. */
async function enrolledWithKey(browser, url, name) {
  const context = await browser.newContext();
  await context.addInitScript(pageTools);
  const page = await context.newPage();
  const problems = watch(page, name);
  const a = await addVirtualAuthenticator(context, page, KEY);
  await page.goto(`${url}#/identity`);
  await page.getByTestId('core-ready').waitFor({ state: 'attached', timeout: 15_000 });
  await page.getByLabel('Your name, as contacts will see it').fill(name);
  await page.getByTestId('enroll').click();
  await page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  return { context, page, a, problems, did: (await page.getByTestId('did').textContent()).trim() };
}

/** The error shown, or '' (without waiting for one to appear). */
const errorText = async (page) => ((await page.getByTestId('error').count()) ? (await page.getByTestId('error').textContent()).trim() : '');
const presence = (k, enabled) => k.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: k.authenticatorId, enabled });
const lastGet = (page) => page.evaluate(() => window.__kpGets.at(-1));

async function unlock(page) {
  await page.getByTestId('unlock').click();
  await Promise.race([
    page.getByTestId('lock-state').filter({ hasText: 'Unlocked' }).waitFor({ timeout: 30_000 }),
    page.getByTestId('error').waitFor({ timeout: 30_000 }),
  ]);
}

test('keys: a second security key unlocks alone, a key now verifying its user is explained with the way out, the first key can be removed', async ({ browser, url }) => {
  const { context, page, a, problems, did } = await enrolledWithKey(browser, url, 'Ada');
  try {
    assert((await page.getByTestId('key').count()) === 1, 'one key listed');
    const enrolled = await page.evaluate(async () => { const p = await window.__kpTools.profile(); const e = await window.__kpTools.envelope(p.keys[0].envelope); return { version: p.version, uv: p.keys[0].userVerified, env: [e[3], e[5]] }; });
    assert(enrolled.version === 2 && enrolled.uv === true && enrolled.env[0] === 2 && enrolled.env[1] === 1, `profile v2, envelope v2 with the UV flag: ${JSON.stringify(enrolled)}`);

    // Add key B while A does not answer (it holds an excluded credential).
    await presence(a, false);
    const b = await addVirtualAuthenticator(context, page, KEY);
    await page.getByTestId('add-key').click();
    await page.getByTestId('key').nth(1).waitFor({ timeout: 30_000 });
    assert(!(await page.getByTestId('error').count()), `no error adding the key: ${await errorText(page)}`);
    await page.screenshot({ path: `${OUT}/keys-01-two-keys.png`, fullPage: true });

    // B alone unlocks; the request names both keys, each with its own PRF input, and asks for UV (both were enrolled with it).
    await page.reload();
    await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
    await unlock(page);
    assert((await page.getByTestId('lock-state').textContent()).trim() === 'Unlocked', `B unlocks: ${await errorText(page)}`);
    assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key');
    assert((await page.getByTestId('key').nth(1).getByTestId('unlocked-with').count()) === 1, 'shown as unlocked with key 2');
    const asked = await lastGet(page);
    assert(asked.userVerification === 'required' && asked.byCredential === 2, `UV required, a PRF input per key: ${JSON.stringify(asked)}`);

    // Key A "enrolled before it had a PIN": its envelope made from the secret without UV, which this
    // browser (and key, now verifying its user) no longer gives. Made here from A's seed.
    await presence(a, true);
    await presence(b, false);
    const firstEnvelope = await page.evaluate(async () => {
      const t = window.__kpTools;
      const p = await t.profile();
      const k = p.keys[0];
      const env = await t.envelope(k.envelope);
      const { first } = await t.prf(k.rpId, k.credentialId, env.slice(6, 38));
      const seed = await t.open(env, first, k.credentialId);
      const noUv = crypto.getRandomValues(new Uint8Array(32)); // stands for A's secret without UV
      await t.putEnvelope(k.envelope, await t.seal(2, seed, noUv, k.credentialId, { userVerified: false, prfInput: crypto.getRandomValues(new Uint8Array(32)) }));
      p.keys[0] = { ...k, userVerified: false };
      await t.putProfile(p);
      return k.envelope;
    });
    await page.reload();
    await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
    await unlock(page);
    const explained = (await page.getByTestId('error').textContent()).trim();
    assert(/now has a PIN/.test(explained) && /other security key/.test(explained), `explained, with the way out: ${explained}`);
    assert((await lastGet(page)).userVerification === 'preferred', 'keys enrolled with and without UV: preferred, checked per key');
    await page.screenshot({ path: `${OUT}/keys-02-uv-changed.png`, fullPage: true });

    // The way out: the second key.
    await presence(a, false);
    await presence(b, true);
    await unlock(page);
    assert((await page.getByTestId('lock-state').textContent()).trim() === 'Unlocked', 'the second key unlocks');

    // Remove key A (lost, or to add it again): B alone is listed, and A no longer unlocks.
    await page.getByTestId('key').first().getByTestId('remove-key').click();
    await page.getByTestId('remove-key-confirm').click();
    await page.getByTestId('key').nth(1).waitFor({ state: 'detached', timeout: 15_000 });
    const after = await page.evaluate(async (name) => { const p = await window.__kpTools.profile(); return { keys: p.keys.length, identity: await window.__kpTools.envelope(name) }; }, firstEnvelope);
    assert(after.keys === 1 && after.identity === undefined, `one key left, A's envelope deleted: ${JSON.stringify(after)}`);
    await page.reload();
    await presence(a, true);
    await presence(b, false);
    await unlock(page);
    assert((await page.getByTestId('lock-state').textContent()).trim() === 'Locked', 'A no longer unlocks');
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
  }
});

test('keys: an identity stored before envelope version 2 is rewritten as version 2 by its next unlock (one touch)', async ({ browser, url }) => {
  const { context, page, did, problems } = await enrolledWithKey(browser, url, 'Vera');
  try {
    // Turn the stored identity into what the app stored before: profile version 1, envelope version 1
    // under the output for the fixed PRF input "keyprint-wrap-v1".
    await page.evaluate(async () => {
      const t = window.__kpTools;
      const p = await t.profile();
      const k = p.keys[0];
      const env = await t.envelope(k.envelope);
      const outs = await t.prf(k.rpId, k.credentialId, env.slice(6, 38), new TextEncoder().encode('keyprint-wrap-v1'));
      const seed = await t.open(env, outs.first, k.credentialId);
      // The first version-1 records had no keyName: their envelope was "identity".
      await t.putEnvelope('identity', await t.seal(1, seed, outs.second, k.credentialId));
      const { envelope: _e, enrolledAt: _t, ...credential } = k;
      await t.putProfile({ version: 1, kind: 'prf', bundleBytes: p.bundleBytes, enrolledAt: p.enrolledAt, credential: { ...credential, prfInput: 'keyprint-wrap-v1' } });
    });
    await page.reload();
    await page.getByTestId('unlock').waitFor({ timeout: 15_000 });
    const before = await page.evaluate(async () => (await window.__kpTools.envelope('identity'))[3]);
    assert(before === 1, 'envelope version 1 stored');
    await unlock(page);
    assert((await page.getByTestId('lock-state').textContent()).trim() === 'Unlocked', `the old identity unlocks: ${await errorText(page)}`);
    assert((await page.getByTestId('did').textContent()).trim() === did, 'same did:key');
    const asked = await lastGet(page);
    assert(JSON.stringify(asked.eval) === '["first","second"]', `one touch evaluates the old input and the new one: ${JSON.stringify(asked)}`);
    const stored = await page.evaluate(async () => {
      const p = await window.__kpTools.profile();
      const e = await window.__kpTools.envelope('identity');
      return { profile: p.version, envelope: e[3], uv: e[5], input: Array.from(e.slice(6, 38)) };
    });
    assert(stored.profile === 2 && stored.envelope === 2 && stored.uv === 1, `rewritten as version 2: ${JSON.stringify(stored)}`);
    assert(new TextDecoder().decode(Uint8Array.from(stored.input)).indexOf('keyprint-wrap') < 0, 'a PRF input of its own');
    // And it keeps unlocking, now with its own input only.
    await page.reload();
    await unlock(page);
    assert((await page.getByTestId('lock-state').textContent()).trim() === 'Unlocked', 'unlocks again');
    assert(JSON.stringify((await lastGet(page)).eval) === '["first"]', 'no second input once upgraded');
    assert(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
  }
});
