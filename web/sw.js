// keyprint's service worker (W3C Service Workers): after the first load the app works with the
// network cut, so cards can be verified and identities unlocked offline. Not served as is: the
// build (vite.config.ts, `serviceWorker()`) writes dist-web/sw.js as
//   const VERSION = '<sha-256 of every output file and of this script>';
//   const PRECACHE = ['index.html', 'assets/index-<hash>.js', …];   // paths relative to this script
// followed by this file. A new build is a new VERSION, hence a new sw.js, which the browser installs
// next to the old one; it takes over once no tab runs the old version (no skipWaiting: a running
// page keeps the files it was built with), and then deletes the old cache.
/* global VERSION, PRECACHE */

const SCOPE = self.registration.scope;
const PREFIX = `keyprint ${SCOPE} `; // several builds at different paths of one origin share CacheStorage
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  // addAll is all-or-nothing, so a half-cached build never becomes active. cache: 'reload' skips the
  // HTTP cache, so a stale copy cannot be stored under the new version.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((path) => new Request(new URL(path, SCOPE), { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    // Control the page that registered us too, so it is offline-ready without a reload.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  // Only our own GETs, inside our scope. Anything else (the app makes no such request: CSP
  // connect-src 'self') goes to the network untouched and is never cached.
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(cacheFirst(request));
});

/** The app shell from this build's cache; the network only for what the build did not contain. */
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  const path = url.origin + url.pathname;
  // A navigation to the app (any #/route: the fragment is not sent; a ?query is ignored) gets index.html.
  const shell = request.mode === 'navigate' && (path === SCOPE || path === SCOPE + 'index.html');
  const hit = await cache.match(shell ? new URL('index.html', SCOPE).href : request, { ignoreSearch: shell });
  return hit ?? fetch(request);
}
