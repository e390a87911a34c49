// app.js - entry point: shell (status, offline banner, update banner,
// language), hash router, service worker registration.
import { t, tn, setLang, getLang, translateDom, dateTime, h } from './i18n.js';
import * as store from './store.js';

// Screens are loaded on first use (docs/pwa.md, "Loading"): the login page
// and the pairing screen fetch only their own module. The service worker
// precaches every file, so a screen never opened online still opens offline.
const screens = {
  signin: () => import('./ui/signin.js'),
  crew: () => import('./ui/crew.js'),
  office: () => import('./ui/office.js'),
  diag: () => import('./ui/diag.js'),
  directory: () => import('./ui/directory.js'),
  plan: () => import('./ui/plan.js'),
  follow: () => import('./ui/follow.js'),
  collect: () => import('./ui/collect.js'),
  charts: () => import('./ui/charts.js'),
  forecast: () => import('./ui/forecast.js'),
  evaluate: () => import('./ui/evaluate.js'),
  dossier: () => import('./ui/dossier.js'),
  comms: () => import('./ui/comms.js'),
  photos: () => import('./ui/photos.js'),
  prods: () => import('./ui/productions.js'),
};

// A route's screen: export fn of module mod, imported when first shown.
const lazy = (mod, fn) => async (ctx, params) => (await screens[mod]())[fn](ctx, params);

// Signed out, there is nothing to sync: the sync client (sync/client.js,
// the engine, the indicator catalogue) is imported once there is an
// identity (startClient, below), so the login and pairing screens do not
// fetch it. Until then ctx.client is this stand-in, which holds the
// identity the two ways in set (ui/signin.js).
const signedOut = {
  identity: null,
  status: { running: false, pending: 0, rejected: 0, lastSync: 0, error: '' },
  sync: async () => false,
};
const ctx = { client: signedOut, go, rerender: () => route() };
window.ecoplateau = ctx; // for tests and debugging

const routes = {
  '': home,
  pair: lazy('signin', 'pair'),
  jour: lazy('crew', 'day'),
  saisie: lazy('crew', 'entry'),
  entrees: lazy('crew', 'entries'),
  messages: lazy('crew', 'messages'),
  reglages: lazy('crew', 'settings'),
  connexion: lazy('signin', 'login'),
  bureau: lazy('office', 'home'),
  tableau: lazy('office', 'dashboard'),
  telephones: lazy('office', 'phones'),
  diagnostic: lazy('diag', 'hub'),
  'diagnostic-c1': lazy('diag', 'company'),
  'diagnostic-c2': lazy('diag', 'project'),
  annuaire: lazy('directory', 'directory'),
  plan: lazy('plan', 'plan'),
  suivi: lazy('follow', 'follow'),
  // Collection schedule, guides and footprint charts (docs/pwa.md).
  collecte: lazy('collect', 'office'),
  guide: lazy('collect', 'guide'),
  bilan: lazy('charts', 'footprint'),
  previsionnel: lazy('forecast', 'forecast'),
  evaluation: lazy('evaluate', 'evaluation'),
  communications: lazy('comms', 'office'),
  // Photos attached to readings, tasks, actions, messages (docs/pwa.md, "Photos").
  photo: lazy('photos', 'photo'),
  photos: lazy('photos', 'photos'),
  // The professional dossier (docs/evaluation.md).
  dossier: lazy('dossier', 'dossier'),
  // First start and the company's productions (docs/operations.md "First start",
  // "Productions").
  installation: lazy('prods', 'setup'),
  rejoindre: lazy('prods', 'join'),
  productions: lazy('prods', 'productions'),
};

function go(path) {
  if (location.hash === '#/' + path) route();
  else location.hash = '#/' + path;
}

// "#/saisie?i=van_km" -> ['saisie', URLSearchParams]; "#pair=CODE" (the
// server's invite link) -> ['pair', {code}].
function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  if (raw.startsWith('pair=')) {
    // Keep the one-time code out of the history and of any later URL.
    ctx.pairCode = raw.slice(5);
    history.replaceState(null, '', '#/pair');
    return ['pair', new URLSearchParams({ code: ctx.pairCode })];
  }
  if (raw.startsWith('/pair') && ctx.pairCode)
    return ['pair', new URLSearchParams({ code: ctx.pairCode })];
  if (raw.startsWith('setup=')) {
    // The server's one-time setup link: same care as a pairing code.
    ctx.setupToken = raw.slice(6);
    history.replaceState(null, '', '#/installation');
    return ['installation', new URLSearchParams({ token: ctx.setupToken })];
  }
  if (raw.startsWith('/installation'))
    return ['installation', new URLSearchParams({ token: ctx.setupToken || '' })];
  if (raw.startsWith('join=')) {
    // "join=TOKEN&lang=en": the language is taken at start (linkLang).
    ctx.joinToken = new URLSearchParams(raw).get('join') || '';
    history.replaceState(null, '', '#/rejoindre');
    return ['rejoindre', new URLSearchParams({ token: ctx.joinToken })];
  }
  if (raw.startsWith('/rejoindre'))
    return ['rejoindre', new URLSearchParams({ token: ctx.joinToken || '' })];
  const [path, q] = raw.replace(/^\//, '').split('?');
  return [path, new URLSearchParams(q || '')];
}

function home() {
  const id = ctx.client.identity;
  if (id?.kind === 'device') return go('jour');
  if (id?.kind === 'office') return go(id.production_id ? 'bureau' : 'productions');
  const view = h(
    'div',
    {},
    h('h1', { tabindex: '-1' }, t('home.title')),
    h('p', {}, t('home.intro')),
    h(
      'section',
      { 'aria-labelledby': 'home-crew' },
      h('h2', { id: 'home-crew' }, t('home.crew')),
      h('p', {}, t('home.crew.text')),
      h('p', {}, h('a', { class: 'button', href: '#/pair' }, t('pair.title'))),
    ),
    h(
      'section',
      { 'aria-labelledby': 'home-office' },
      h('h2', { id: 'home-office' }, t('home.office')),
      h('p', {}, h('a', { class: 'button secondary', href: '#/connexion' }, t('home.office.link'))),
    ),
  );
  return { title: t('home.title'), view };
}

// The office's screens in the order of a production (the référentiel's
// phases): preparing (C1-C5), during the shoot (C6, C7), wrapping up
// (C8-C10). Thirteen links in one row were a wall on a laptop and a page of
// links above every screen on a phone, where the groups now fold behind a
// "Menu" button.
const OFFICE_NAV = [
  [
    null,
    [
      ['bureau', 'nav.office'],
      ['tableau', 'nav.dashboard'],
      ['productions', 'nav.productions'],
    ],
  ],
  [
    'nav.group.prepare',
    [
      ['diagnostic', 'nav.diagnostic'],
      ['previsionnel', 'nav.forecast'],
      ['plan', 'nav.plan'],
      ['annuaire', 'nav.directory'],
      ['communications', 'nav.comms'],
      ['telephones', 'nav.phones'],
    ],
  ],
  [
    'nav.group.shoot',
    [
      ['collecte', 'nav.collect'],
      ['suivi', 'nav.follow'],
    ],
  ],
  [
    'nav.group.wrap',
    [
      ['bilan', 'nav.footprint'],
      ['evaluation', 'nav.evaluation'],
      ['dossier', 'nav.dossier'],
    ],
  ],
  [null, [['reglages', 'nav.settings']]],
];
let navOpen = false;

function navList(items, current) {
  return h(
    'ul',
    {},
    items.map(([p, k]) =>
      h(
        'li',
        {},
        h('a', { href: '#/' + p, 'aria-current': p === current ? 'page' : undefined }, t(k)),
      ),
    ),
  );
}

function navFor(identity, current) {
  const nav = document.getElementById('nav');
  nav.hidden = !identity || (identity.kind !== 'device' && identity.kind !== 'office');
  nav.classList.toggle('grouped', identity?.kind === 'office');
  if (identity?.kind === 'device') {
    nav.replaceChildren(
      navList(
        [
          ['jour', 'nav.day'],
          ['saisie', 'nav.entry'],
          ['entrees', 'nav.entries'],
          ['messages', 'nav.messages'],
          ['photos', 'nav.photos'],
          ['annuaire', 'nav.directory'],
          ['reglages', 'nav.settings'],
        ],
        current,
      ),
    );
    return;
  }
  if (identity?.kind !== 'office') {
    nav.replaceChildren();
    return;
  }
  const here = OFFICE_NAV.flatMap(([, items]) => items).find(([p]) => p === current);
  const list = h(
    'div',
    { id: 'nav-list', class: 'nav-list', 'data-open': String(navOpen) },
    OFFICE_NAV.map(([group, items], i) =>
      group
        ? h(
            'div',
            { class: 'nav-group', role: 'group', 'aria-labelledby': 'nav-g' + i },
            h('span', { id: 'nav-g' + i, class: 'nav-group-label' }, t(group)),
            navList(items, current),
          )
        : navList(items, current),
    ),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'nav-toggle secondary',
      'aria-expanded': String(navOpen),
      'aria-controls': 'nav-list',
    },
    here ? t('nav.menu.here', { page: t(here[1]) }) : t('nav.menu'),
  );
  toggle.addEventListener('click', () => {
    navOpen = !navOpen;
    toggle.setAttribute('aria-expanded', String(navOpen));
    list.dataset.open = String(navOpen);
  });
  nav.replaceChildren(toggle, list);
}

// The photo uploader runs for any paired phone or signed-in office, from
// the start or from the moment pairing or login made one.
let photosInstalled = null;
function installPhotos() {
  if (!ctx.client.identity) return null;
  photosInstalled ??= screens.photos().then((m) => m.install(ctx));
  return photosInstalled;
}

let lastPath = null;
let routeSeq = 0;

async function route() {
  const [path, params] = parseHash();
  const fn = routes[path];
  const main = document.getElementById('main');
  const seq = ++routeSeq;
  let out;
  try {
    await startClient();
    out = fn
      ? await fn(ctx, params)
      : { title: t('notfound'), view: h('h1', { tabindex: '-1' }, t('notfound')) };
  } catch (e) {
    out = {
      title: 'Erreur',
      view: h(
        'div',
        {},
        h('h1', { tabindex: '-1' }, 'Erreur'),
        h('p', {}, String(e?.message || e)),
      ),
    };
  }
  installPhotos();
  if (!out) return; // redirected
  if (seq !== routeSeq) return; // a later navigation finished first or is on its way: a screen that waited on the network must not cover it
  if (path !== lastPath) navOpen = false; // the folded menu closes once a screen is chosen
  navFor(ctx.client.identity, path);
  const focusedId = main.contains(document.activeElement) ? document.activeElement.id : '';
  main.replaceChildren(out.view);
  if (focusedId && path === lastPath) document.getElementById(focusedId)?.focus();
  document.title = `${out.title} · ${t('app.name')}`;
  // Move focus to the new heading when the screen changes (not on re-render).
  if (path !== lastPath) {
    const h1 = main.querySelector('h1');
    if (h1 && lastPath !== null) h1.focus();
    lastPath = path;
  }
}

// ---- status (role="status": pending, last sync, errors, conflicts) -------
const RESOLVERS = new Set(['admin', 'eco_referent']);
function renderStatus() {
  const s = ctx.client.status;
  const parts = [];
  if (!ctx.client.identity) {
    document.getElementById('sync').hidden = true;
    return;
  }
  document.getElementById('sync').hidden = false;
  // Offline is a normal state on set, not an error: "Hors ligne · 8 saisies
  // en attente", never in red.
  const offline = !navigator.onLine || s.error === 'unreachable';
  if (offline) parts.push(t('sync.offline'));
  else if (s.running) parts.push(t('sync.running'));
  parts.push(s.pending ? tn('count.pending', s.pending) : t('sync.pending.none'));
  if (!offline || !s.pending)
    parts.push(s.lastSync ? t('sync.last', { when: dateTime(s.lastSync) }) : t('sync.never'));
  if (s.rejected) parts.push(tn('sync.rejected', s.rejected));
  // Only the roles that may resolve a conflict (admin, eco-referent) count
  // them: nobody else can act on one.
  if (s.conflicts && RESOLVERS.has(ctx.client.identity.role))
    parts.push(tn('sync.conflicts', s.conflicts));
  if (s.error && s.error !== 'unreachable') {
    const known = {
      unreachable: 'sync.unreachable',
      auth: 'sync.auth',
      session: 'sync.session',
      full: 'sync.full',
      archived: 'sync.archived',
    };
    parts.push(t('sync.error', { msg: known[s.error] ? t(known[s.error]) : s.error }));
  }
  const text = parts.join(' · ');
  const el = document.getElementById('sync-status');
  if (el.textContent !== text) el.textContent = text;
  el.classList.toggle('has-error', (!!s.error && !offline) || !!s.rejected);
  document.getElementById('sync-now').disabled = s.running;
  document.getElementById('offline').hidden = !offline;
}

// ---- service worker: precache, and "a new version is ready" ---------------
let swRegistering = null;
function registerSW() {
  if (!('serviceWorker' in navigator)) return;
  swRegistering = navigator.serviceWorker.register('/sw.js', { scope: '/' });
  swRegistering
    .then((reg) => {
      const ready = (w) => {
        if (!w || !navigator.serviceWorker.controller) return;
        const bar = document.getElementById('update');
        bar.hidden = false;
        document.getElementById('update-reload').onclick = () =>
          w.postMessage({ type: 'SKIP_WAITING' });
      };
      if (reg.waiting) ready(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const w = reg.installing;
        w?.addEventListener('statechange', () => {
          if (w.state === 'installed') ready(w);
        });
      });
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') reg.update().catch(() => {});
      });
    })
    .catch(() => {});
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    completeShell();
    if (reloading || !document.getElementById('update').dataset.accepted) return;
    reloading = true;
    location.reload();
  });
  document.getElementById('update-reload').addEventListener('click', () => {
    document.getElementById('update').dataset.accepted = '1';
  });
}

// A new phone's first install precaches CORE only (sw.js, docs/pwa.md,
// "Two-step precache"): what pairing leads to, Ma journée and the screens it
// opens. Once paired, the phone waits for it to take control rather than
// fetch the same modules alongside it over a weak link; the worker is
// fetching exactly these. Bounded: a stalled install must not keep the
// person on the pairing screen (the modules then come from the network).
async function offlineReady(ms = 15000) {
  if (!swRegistering || navigator.serviceWorker.controller) return;
  const w = (await swRegistering.catch(() => null))?.installing;
  if (!w || navigator.serviceWorker.controller) return;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    navigator.serviceWorker.addEventListener('controllerchange', done, { once: true });
    w.addEventListener('statechange', () => w.state === 'redundant' && done());
  });
}
ctx.offlineReady = offlineReady;

// The rest of the shell (the office's screens, the other language, the
// icons), asked of the worker once the first sync is over, so that it
// never delays the day's data, and again after each sync until complete.
// <html data-shell="complete"> says every file is cached (tests wait on it).
let shellAsking = false;
async function completeShell() {
  const sw = navigator.serviceWorker?.controller;
  if (!sw || shellAsking || document.documentElement.dataset.shell === 'complete') return;
  // After the first sync (an identity, just set or loaded, has one to come
  // until lastSync); a phone being paired has one to come too.
  if (ctx.client.identity ? !ctx.client.status.lastSync : parseHash()[0] === 'pair') return;
  shellAsking = true;
  const ok = await new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = (e) => resolve(e.data === true);
    sw.postMessage({ type: 'PRECACHE' }, [ch.port2]);
  });
  shellAsking = false;
  if (ok) document.documentElement.dataset.shell = 'complete';
}

// A table's first column stays in view while the table scrolls in its
// region (app.css, .table-wrap): a control the keyboard reaches in another
// column could land under it, so the region scrolls it back out (WCAG 2.4.11,
// focus not obscured).
addEventListener('focusin', (e) => {
  const cell = e.target.closest?.('.table-wrap td, .table-wrap th');
  const wrap = cell?.closest('.table-wrap');
  const first = cell?.parentElement?.firstElementChild;
  if (!wrap || !first || first === cell) return;
  const hidden = first.getBoundingClientRect().right - e.target.getBoundingClientRect().left + 8;
  if (hidden > 0) wrap.scrollLeft -= hidden;
});

let installPrompt = null;
addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault();
  installPrompt = e;
  ctx.installPrompt = e;
});
ctx.install = () => installPrompt?.prompt();

// The language an invitation link asks for ("#join=TOKEN&lang=en": the one
// the office chose for the invitation, docs/pwa.md "Words and formats"), or null.
function linkLang() {
  const raw = location.hash.replace(/^#/, '');
  if (!raw.startsWith('join=')) return null;
  const l = new URLSearchParams(raw).get('lang');
  return l === 'fr' || l === 'en' ? l : null;
}

async function start() {
  // A language chosen on this browser wins; else the invitation's, kept as
  // if chosen with the button so the next visit opens in it too (the
  // button still switches); else the browser's.
  let lang = await store.getMeta('lang');
  if (!lang && linkLang()) {
    lang = linkLang();
    await store.setMeta('lang', lang);
  }
  await setLang(lang || (navigator.language?.startsWith('en') ? 'en' : 'fr'));
  const langButton = document.getElementById('lang');
  const translate = () => {
    translateDom();
    langButton.lang = getLang() === 'fr' ? 'en' : 'fr'; // it names the other language
  };
  translate();
  langButton.addEventListener('click', async () => {
    const l = await setLang(getLang() === 'fr' ? 'en' : 'fr');
    await store.setMeta('lang', l);
    translate();
    renderStatus();
    route();
  });
  document.getElementById('sync-now').addEventListener('click', () => ctx.client.sync('button'));
  addEventListener('online', renderStatus);
  addEventListener('offline', renderStatus);
  addEventListener('hashchange', route);
  // An office session may have ended since: asked before the first sync.
  if ((await store.getMeta('identity'))?.kind === 'office')
    await startClient(async () => (await screens.office()).refreshSession(ctx));
  await route();
  registerSW();
  completeShell();
  document.documentElement.dataset.ready = '1';
}

// The sync client, once there is an identity: stored at start, or just set
// by the login or the pairing screen (which store it first). Loads the
// replica, then (after beforeSync) syncs, as the app did at start before
// the client was deferred.
let clientStarting = null;
async function startClient(beforeSync) {
  if (ctx.client !== signedOut) return;
  signedOut.identity ??= (await store.getMeta('identity')) || null;
  if (!signedOut.identity) return;
  clientStarting ??= (async () => {
    const { SyncClient } = await import('./sync/client.js');
    const client = new SyncClient();
    client.addEventListener('status', () => {
      renderStatus();
      if (!client.status.running) completeShell();
    });
    client.addEventListener('change', () => {
      // Do not re-render under the user's fingers: only screens that show data.
      const [path] = parseHash();
      if (
        ['jour', 'entrees', 'messages', 'tableau', 'diagnostic', 'plan', 'photos'].includes(path) &&
        !document.querySelector('dialog[open]') &&
        !document.querySelector('details.edit[open]') && // a record being edited (ui/edit.js)
        ![...document.querySelectorAll('main audio')].some((a) => !a.paused) // a message being listened to
      )
        route();
    });
    await client.load();
    ctx.client = client;
    await beforeSync?.();
    await installPhotos();
    renderStatus();
    client.start();
  })();
  await clientStarting;
}

start();
