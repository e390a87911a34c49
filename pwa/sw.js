// sw.js - ecoplateau's service worker, hand-written (no Workbox).
// - install: precache the versioned app shell into its own cache: all of
//   SHELL for an update (the app runs meanwhile), only CORE on a first
//   install, so that a new phone on EDGE is offline-ready, and its page
//   controlled, in seconds rather than the whole shell's eight (docs/pwa.md,
//   "Two-step precache"); the rest comes when the page asks (PRECACHE);
// - activate: delete older shells; take control only when the page asks
//   (SKIP_WAITING, after the user accepted "a new version is ready");
// - fetch: the API is never cached (requests go to the network, failures
//   reach the app, which keeps writes in its IndexedDB outbox); navigations
//   get the cached shell (offline fallback) so the app opens with no network;
//   other shell files come from the cache first.
// VERSION is a hash of the shell files: tests/js/shell.test.mjs fails with the
// value to put here whenever a shell file changes, and checks that SHELL lists
// exactly the served files.
const VERSION = 'ecoplateau-shell-340422c24904';
const CORE = [
  '/',
  '/css/app.css',
  '/index.html',
  '/js/app.js',
  '/js/attach.js',
  '/js/i18n.js',
  '/js/i18n/fr.js',
  '/js/imagebytes.js',
  '/js/indicators.js',
  '/js/store.js',
  '/js/sync/client.js',
  '/js/sync/engine.js',
  '/js/ui/collect.js',
  '/js/ui/comms.js',
  '/js/ui/conflict.js',
  '/js/ui/crew.js',
  '/js/ui/photos.js',
  '/js/ui/prefs.js',
  '/js/ui/signin.js',
  '/js/verify.js',
  '/manifest.webmanifest',
  '/vendor/idb.js',
];
const SHELL = [
  '/',
  '/accessibilite.html',
  '/css/app.css',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon.svg',
  '/icons/maskable-512.png',
  '/index.html',
  '/js/app.js',
  '/js/attach.js',
  '/js/i18n.js',
  '/js/i18n/en.js',
  '/js/i18n/fr.js',
  '/js/imagebytes.js',
  '/js/indicators.js',
  '/js/store.js',
  '/js/sync/client.js',
  '/js/sync/engine.js',
  '/js/ui/charts.js',
  '/js/ui/collect.js',
  '/js/ui/comms.js',
  '/js/ui/conflict.js',
  '/js/ui/crew.js',
  '/js/ui/diag.js',
  '/js/ui/directory.js',
  '/js/ui/dossier.js',
  '/js/ui/edit.js',
  '/js/ui/evaluate.js',
  '/js/ui/factors.js',
  '/js/ui/follow.js',
  '/js/ui/forecast.js',
  '/js/ui/office.js',
  '/js/ui/photos.js',
  '/js/ui/plan.js',
  '/js/ui/prefs.js',
  '/js/ui/productions.js',
  '/js/ui/signin.js',
  '/js/verify.js',
  '/manifest.webmanifest',
  '/vendor/idb.js',
];

// 'no-cache': revalidated, not fetched again, when the page has just loaded
// the file (every static file has an ETag): a first install on EDGE does not
// download the page's own files twice.
const fetchAll = (cache, list) =>
  cache.addAll(list.map((u) => new Request(u, { cache: 'no-cache' })));

self.addEventListener('install', (event) => {
  const list = self.registration.active ? SHELL : CORE;
  event.waitUntil(caches.open(VERSION).then((cache) => fetchAll(cache, list)));
});

// The files of SHELL not cached yet. The page asks once its first sync is
// over, and again at each start until it is complete: a failure (the
// network gone) leaves the cache as it was, to be completed next time.
async function completeShell() {
  const cache = await caches.open(VERSION);
  const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  const missing = SHELL.filter((u) => !have.has(u));
  if (missing.length) await fetchAll(cache, missing);
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key !== VERSION && key.startsWith('ecoplateau-')) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
  if (event.data?.type === 'PRECACHE') {
    // Answered on the port the page sent: true once every file is cached.
    const port = event.ports[0];
    event.waitUntil(
      completeShell().then(
        () => port?.postMessage(true),
        () => port?.postMessage(false),
      ),
    );
  }
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // never cached
  if (req.mode === 'navigate') {
    const page = url.pathname === '/accessibilite.html' ? '/accessibilite.html' : '/index.html';
    event.respondWith(
      (async () => {
        const cache = await caches.open(VERSION);
        const hit = await cache.match(page);
        if (hit) return hit;
        try {
          return await fetch(req);
        } catch {
          return new Response(
            '<!doctype html><html lang="fr"><title>ecoplateau</title><p>Hors ligne.</p></html>',
            {
              status: 503,
              headers: { 'Content-Type': 'text/html; charset=utf-8' },
            },
          );
        }
      })(),
    );
    return;
  }
  event.respondWith(
    (async () => {
      const cache = await caches.open(VERSION);
      const hit = await cache.match(req, { ignoreSearch: true });
      return hit || fetch(req);
    })(),
  );
});
