// sw.js - ecoplateau's service worker, hand-written (no Workbox).
// - install: precache the versioned app shell (SHELL) into its own cache;
// - activate: delete older shells; take control only when the page asks
//   (SKIP_WAITING, after the user accepted "a new version is ready");
// - fetch: the API is never cached (requests go to the network, failures
//   reach the app, which keeps writes in its IndexedDB outbox); navigations
//   get the cached shell (offline fallback) so the app opens with no network;
//   other shell files come from the cache first.
// VERSION is a hash of the shell files: tests/js/shell.test.mjs fails with the
// value to put here whenever a shell file changes, and checks that SHELL lists
// exactly the served files.
const VERSION = 'ecoplateau-shell-a4349c8060bf';
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

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(SHELL.map((u) => new Request(u, { cache: 'reload' })))),
  );
});

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
