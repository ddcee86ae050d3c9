// keyprint's service worker (W3C Service Workers): after the first load the app works with the
// network cut, so cards can be verified and identities unlocked offline. Not served as is: the
// build (vite.config.ts, `serviceWorker()`) writes this file as dist-web/sw-main.js and a
// dist-web/sw.js that holds only
//   const VERSION = '<build hash: web/build-hash.mjs, of every file of the build but sw.js>';
//   const PRECACHE = ['index.html', 'assets/index-<hash>.js', …];   // paths relative to the scope
//   importScripts('./sw-main.js');
// A new build is a new VERSION, hence a new sw.js, which the browser installs next to the old one.
//
// Updates you can see (issue 18 item 8; docs/WEB.md "Updates you can see"): the build the user runs
// changes only when they say so. Every worker serves the *accepted* build — recorded in the cache
// "keyprint <scope> accepted" — from that build's cache, whichever worker is active: a new worker
// that activates because the last tab of the old one closed still serves the accepted build, and
// the page shows "a new version is available (build …)". "Update now" sends `keyprint-accept` to
// the new worker, which records its VERSION as accepted (and skips waiting); only then do the old
// build's files go. The first build a browser sees is accepted as it installs.
/* global VERSION, PRECACHE */

const SCOPE = self.registration.scope;
const PREFIX = `keyprint ${SCOPE} `; // several builds at different paths of one origin share CacheStorage
const CACHE = PREFIX + VERSION;
const ACCEPTED = PREFIX + 'accepted';
const ACCEPTED_URL = new URL('keyprint-accepted-build', SCOPE).href;

/** The build the user accepted (null before any), memoised: only this worker's `accept` changes it while it serves. */
let accepted;

async function acceptedBuild() {
  // caches.match with a cacheName never creates a cache (caches.open would): a wiped browser stays empty.
  accepted ??= await caches.match(ACCEPTED_URL, { cacheName: ACCEPTED }).then((r) => (r ? r.text() : null));
  return accepted;
}

async function accept(version) {
  await (await caches.open(ACCEPTED)).put(ACCEPTED_URL, new Response(version));
  accepted = version;
}

/** Deletes every build cache of this scope but the accepted one and this worker's own. */
async function dropOtherBuilds(keep) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== ACCEPTED && name !== CACHE && name !== PREFIX + keep) await caches.delete(name);
  }
}

/**
 * How install fetches a file (issue 25: a first visit downloads each file once). assets/ names carry
 * a hash of their content, so a copy the page already loaded into the HTTP cache is this build's:
 * taken from there ('default'), no network. Anything else (index.html, sw-main.js, the manifest,
 * icons) is revalidated ('no-cache': a conditional request, 304 when unchanged), so a stale copy
 * cannot be stored under the new version.
 */
const cacheMode = (path) => (path.startsWith('assets/') ? 'default' : 'no-cache');

self.addEventListener('install', (event) => {
  // addAll is all-or-nothing, so a half-cached build never becomes active.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((path) => new Request(new URL(path, SCOPE), { cache: cacheMode(path) })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    // The first build seen (or one whose files are gone) is accepted; otherwise the accepted one stays.
    let keep = await acceptedBuild();
    if (keep === null || !(await caches.has(PREFIX + keep))) await accept((keep = VERSION));
    await dropOtherBuilds(keep);
    // Control the page that registered us too, so it is offline-ready without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  const type = event.data?.type;
  if (!port || (type !== 'keyprint-build' && type !== 'keyprint-accept')) return;
  event.waitUntil((async () => {
    if (type === 'keyprint-accept') {
      await accept(VERSION);
      // ServiceWorkerGlobalScope.serviceWorker where the browser has it; else a waiting worker exists only if it is us.
      const active = self.serviceWorker ? self.serviceWorker.state === 'activated' : self.registration.waiting === null;
      if (active) await dropOtherBuilds(VERSION);
      else await self.skipWaiting(); // activate drops the old build
    }
    // `serving`: the build this worker serves (when active); `version`: its own.
    port.postMessage({ version: VERSION, serving: (await acceptedBuild()) ?? VERSION });
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Only our own GETs, inside our scope. Anything else (the app makes no such request: CSP
  // connect-src 'self') goes to the network untouched and is never cached.
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(cacheFirst(request));
});

/** The app shell from the accepted build's cache; the network only for what the build did not contain. */
async function cacheFirst(request) {
  const build = PREFIX + ((await acceptedBuild()) ?? VERSION);
  const url = new URL(request.url);
  const path = url.origin + url.pathname;
  // A navigation to the app (any #/route: the fragment is not sent; a ?query is ignored) gets index.html.
  const shell = request.mode === 'navigate' && (path === SCOPE || path === SCOPE + 'index.html');
  const hit = await caches.match(shell ? new URL('index.html', SCOPE).href : request, { cacheName: build, ignoreSearch: shell });
  return hit ?? fetch(request);
}
