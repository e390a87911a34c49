// Loading on a weak link (docs/pwa.md, "Loading and compression"): a first
// visit fetches its screen's modules and one language, compressed; the rest
// comes on first use, and offline from the service worker's cache (screens
// never opened online, the other language). Bytes are counted as Chromium
// received them (CDP encodedDataLength: headers and compressed bodies).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer,
  launch,
  phone,
  tempDir,
  ready,
  cleanup,
  invite,
  officeSession,
  swReady,
  SRC,
  holdRequests,
} from './helpers.mjs';

let server, browser, dir;

before(async () => {
  dir = tempDir('lazyload');
  server = await startServer(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  cleanup(dir);
});

// Records every request of page as {url, path, bytes, encoding, fromSW}
// (fromSW: answered by the service worker from its cache, not the network).
async function recorder(ctx, page) {
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const reqs = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!/^https?:/.test(e.request.url)) return; // data: and blob: URLs are no request
    reqs.set(e.requestId, { url: e.request.url, path: new URL(e.request.url).pathname, bytes: 0 });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    const hd = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    r.encoding = hd['content-encoding'] || '';
    r.vary = hd['vary'] || '';
    r.status = e.response.status;
    r.fromSW = !!e.response.fromServiceWorker;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = reqs.get(e.requestId);
    if (r) [r.bytes, r.done] = [e.encodedDataLength, true];
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = reqs.get(e.requestId);
    if (r) r.done = true;
  });
  // Every request ended (its answer, and where from, known): a module the
  // screen imported last may still be on its way when the network is idle.
  const settled = async () => {
    for (let i = 0; i < 100 && [...reqs.values()].some((r) => !r.done); i++)
      await new Promise((r) => setTimeout(r, 100));
  };
  return { cdp, settled, list: () => [...reqs.values()] };
}

const kib = (n) => (n / 1024).toFixed(1);

// First-visit budgets (docs/pwa.md, "Loading", which gives the counting
// rule): requests of the page itself that reach the network
// (documents, styles, modules, icons: not the API, not what the service
// worker answers from its cache, and not the service worker's own precache,
// which runs in the worker after the first screen and is measured apart in
// bench/README.md, "Weak link") and their bytes on the wire. A new static
// import on these screens fails here.
const BUDGET = {
  login: { requests: 8, kib: 120 },
  pair: { requests: 8, kib: 120 },
  // Pairing to Ma journée once the service worker has its cache (a person
  // typing the phone's name): what comes after pairing is served from it.
  day: { requests: 8, kib: 120 },
};

function withinBudget(name, all) {
  const list = all.filter((r) => !r.fromSW);
  const total = list.reduce((n, r) => n + r.bytes, 0);
  const b = BUDGET[name];
  assert.ok(
    list.length <= b.requests,
    `${name}: ${list.length} requests (budget ${b.requests}): ${list.map((r) => r.path).join(' ')}`,
  );
  assert.ok(total <= b.kib * 1024, `${name}: ${kib(total)} KiB on the wire (budget ${b.kib})`);
}

const show = (what, list) => {
  const net = list.filter((r) => !r.fromSW);
  const total = net.reduce((n, r) => n + r.bytes, 0);
  console.log(
    `${what}: ${net.length} requests over the network, ${kib(total)} KiB on the wire, ` +
      `${list.length - net.length} from the service worker\n  ` +
      list.map((r) => `${r.path} ${r.bytes} ${r.encoding}${r.fromSW ? ' (sw)' : ''}`).join('\n  '),
  );
};
const pageOnly = async (rec) => {
  await rec.settled();
  return rec.list().filter((r) => !r.path.startsWith('/api/') && r.path !== '/sw.js');
};

test('the login page loads its own screen, one language, compressed', async () => {
  const { ctx, page } = await phone(browser);
  const rec = await recorder(ctx, page);
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').waitFor();
  await page.waitForLoadState('networkidle');
  const list = await pageOnly(rec);
  const paths = list.map((r) => r.path);
  show('login, first visit', list);
  for (const p of ['/js/app.js', '/js/i18n/fr.js', '/js/ui/signin.js', '/css/app.css'])
    assert.ok(paths.includes(p), `${p} not loaded: ${paths.join(' ')}`);
  // Neither the other language, nor the screens behind the sign-in, nor the
  // sync client (loaded once there is an identity).
  for (const p of [
    '/js/i18n/en.js',
    '/js/ui/office.js',
    '/js/sync/client.js',
    '/js/sync/engine.js',
    '/js/indicators.js',
    '/js/ui/crew.js',
    '/js/ui/diag.js',
    '/js/ui/plan.js',
    '/js/ui/charts.js',
    '/js/ui/dossier.js',
    '/js/ui/comms.js',
    '/js/ui/photos.js',
  ])
    assert.ok(!paths.includes(p), `${p} loaded on the login page`);
  // Every text file of 1 KiB or more came compressed, marked Vary.
  for (const r of list.filter((x) => /\.(js|css|html)$/.test(x.path) || x.path === '/')) {
    if (r.path === '/js/verify.js') continue; // under 1 KiB compressed: sent as it is
    assert.match(r.encoding, /^(gzip|br)$/, `${r.path} came ${r.encoding || 'uncompressed'}`);
    assert.equal(r.vary, 'Accept-Encoding', r.path);
  }
  withinBudget('login', list);
  assert.deepEqual(page.errors, []);
  await ctx.close();
});

// A new phone's invite link: the pairing screen only.
test('the pairing link loads the pairing screen only', async () => {
  const office = await officeSession(server.url);
  const { ctx, page } = await phone(browser);
  const rec = await recorder(ctx, page);
  await page.goto(server.url + '/#pair=' + (await invite(office, 'm-sofia')).code);
  await ready(page);
  await page.getByLabel('Nom de ce téléphone').waitFor();
  await page.waitForLoadState('networkidle');
  const list = await pageOnly(rec);
  show('pairing link, first visit', list);
  const paths = list.map((r) => r.path);
  for (const p of ['/js/ui/crew.js', '/js/sync/client.js', '/js/attach.js', '/js/ui/photos.js'])
    assert.ok(!paths.includes(p), `${p} loaded for the pairing screen`);
  withinBudget('pair', list);
  assert.deepEqual(page.errors, []);
  await ctx.close();
});

// A proxy in front of the server holding back one file of the service
// worker's first precache (CORE: Ma journée, ui/crew.js) for holdMs, as a
// weak link would: the phone's form is sent before the worker is ready.
function slowProxy(port, path, holdMs) {
  const held = [];
  const seen = [];
  const srv = http.createServer((req, res) => {
    seen.push(new URL(req.url, 'http://x').pathname);
    const pass = () => {
      const up = http.request(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (req.url === path) {
      held.push(req.url);
      setTimeout(pass, holdMs);
    } else pass();
  });
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${srv.address().port}`,
        held,
        seen,
        close: () =>
          new Promise((r) => {
            srv.close(r);
            srv.closeAllConnections(); // kept-alive ones would hold the test's process
          }),
      }),
    ),
  );
}

// The form sent at once, before the service worker's first precache is
// done: the page waits for the worker (which is fetching these very files)
// instead of fetching Ma journée's modules beside it, so pairing to Ma
// journée is still 8 requests over the network. Without that wait the sync
// client, Ma journée and its imports (nine modules) came from the network
// too, 17 requests (docs/pwa.md, "Two-step precache").
test('Ma journée through pairing, the form sent at once', async (t) => {
  const office = await officeSession(server.url);
  const px = await slowProxy(server.port, '/js/ui/crew.js', 2500);
  const { ctx, page } = await phone(browser);
  t.after(async () => {
    await ctx.close();
    await px.close();
  });
  const rec = await recorder(ctx, page);
  await page.goto(px.url + '/#pair=' + (await invite(office, 'm-sofia')).code);
  await ready(page);
  await page.getByLabel('Nom de ce téléphone').fill('Téléphone de Sofia');
  assert.equal(
    await page.evaluate(() => !!navigator.serviceWorker.controller),
    false,
    'the service worker was ready before the form was sent: nothing tested',
  );
  // The first sync's pull is held until the check below: the rest of the
  // shell must not be asked for before it is over (it would share the
  // link with the day's data).
  const release = await holdRequests(page, '**/api/v1/sync/pull*');
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/, { timeout: 15000 });
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForTimeout(500);
  const core = [
    ...readFileSync(join(SRC, 'pwa', 'sw.js'), 'utf8')
      .match(/const CORE = \[([\s\S]*?)\];/)[1]
      .matchAll(/'([^']+)'/g),
  ].map((m) => m[1]);
  const early = px.seen.filter(
    (p) => !p.startsWith('/api/') && p !== '/sw.js' && !core.includes(p),
  );
  assert.deepEqual(early, [], 'the rest of the shell was fetched before the first sync ended');
  release();
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0, null, {
    timeout: 15000,
  });
  await page.waitForLoadState('networkidle');
  const list = await pageOnly(rec);
  show('pairing to Ma journée at once, first visit', list);
  assert.ok(px.held.length >= 1, 'the precache never asked for ui/crew.js');
  assert.ok(
    list.find((r) => r.path === '/js/ui/crew.js')?.fromSW,
    'Ma journée came from the network, not from the service worker',
  );
  withinBudget('day', list);
  // The rest of the shell follows the first sync.
  await page.waitForSelector('html[data-shell="complete"]', { state: 'attached' });
  assert.ok(px.seen.includes('/js/ui/office.js'), 'the rest of the shell never came');
  assert.deepEqual(page.errors, []);
});

test('Ma journée after pairing (service worker ready), then screens and English offline', async () => {
  const office = await officeSession(server.url);
  const { ctx, page } = await phone(browser);
  const rec = await recorder(ctx, page);
  const link = server.url + '/#pair=' + (await invite(office, 'm-sofia')).code;
  // The person reads the screen and types the phone's name while the
  // service worker installs: wait for its cache, then pair.
  await page.goto(link);
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.getByLabel('Nom de ce téléphone').fill('Téléphone de Sofia');
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/, { timeout: 15000 });
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0, null, {
    timeout: 15000,
  });
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  const list = await pageOnly(rec);
  const paths = list.map((r) => r.path);
  show('pairing to Ma journée, service worker ready, first visit', list);
  assert.ok(paths.includes('/js/ui/crew.js'));
  assert.ok(
    list.find((r) => r.path === '/js/ui/crew.js').fromSW,
    'Ma journée came from the network, not from the service worker',
  );
  for (const p of ['/js/i18n/en.js', '/js/ui/office.js', '/js/ui/diag.js', '/js/ui/plan.js'])
    assert.ok(!paths.includes(p), `${p} loaded for Ma journée`);
  // Messages, settings and the signature check come on first use.
  for (const p of ['/js/ui/comms.js', '/js/ui/prefs.js', '/js/verify.js'])
    assert.ok(!paths.includes(p), `${p} loaded for Ma journée`);
  withinBudget('day', list);

  // The service worker has every file: offline, a screen never opened and
  // the English pack never fetched both come from its cache.
  await swReady(page);
  await ctx.setOffline(true);
  await page.reload();
  await ready(page);
  await page.goto(server.url + '/#/annuaire');
  await page.getByRole('heading', { level: 1, name: /Annuaire/ }).waitFor();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: /directory/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // Keys only French has (the app's name) still come from the French pack.
  assert.match(await page.title(), / · ecoplateau$/);
  await page.goto(server.url + '/#/reglages');
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  assert.deepEqual(page.errors, []);
  await ctx.close();
});
