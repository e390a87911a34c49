// weaklink.mjs - the weak-link benchmark (bench/README.md, "Weak link"; not
// part of `make test`): a crew phone in headless Chromium over emulated EDGE,
// 3G and lossy 3G links, ecoplateau against pouchdb-server in the same run.
//
//   EP_BIN=build/bench/backend/ecoplateau node bench/weaklink.mjs [options]
//     --readings N   the day's readings (200)        --edits N  task edits (5)
//     --photos N     photos (3)                      --photo-kib N  each (2048)
//     --links L      comma list of edge,3g,loss (all)
//     --only at-once the pairing sent at once only
//     --before-bin B --before-pwa D   also measure a first visit on another
//                    build (the "before" column of the README); --before-pwa
//                    alone: the pairing sent at once with another build's pages
//
// Servers run with their default worker threads (as deployed): the tests'
// four made first visits wait on kept-alive connections (bench/README.md).
// Links: Chromium's emulation over CDP (Network.emulateNetworkConditions):
// EDGE 240 kbit/s both ways and 840 ms, 3G 780 kbit/s and 300 ms. CDP has no
// TCP packet loss and tc netem is missing from this kernel, so "loss" is 3G
// through this script's proxy, which holds 1 % of the 1,460-byte segments
// for a retransmission timeout (max(200 ms, 2 RTT)), in order, as TCP's head-
// of-line blocking does. Every byte is counted at that proxy (headers and
// bodies as sent, both ways); round trips are HTTP requests.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer,
  launch,
  tempDir,
  cleanup,
  officeSession,
  invite,
  pullAll,
  SRC,
} from '../tests/browser/helpers.mjs';
import { devices } from 'playwright-core';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const READINGS = Number(args.readings || 200);
const EDITS = Number(args.edits || 5);
const PHOTOS = Number(args.photos || 3);
const PHOTO_BYTES = Number(args['photo-kib'] || 2048) * 1024;
const LINKS = {
  edge: { latency: 840, bps: 240000 },
  '3g': { latency: 300, bps: 780000 },
  loss: { latency: 300, bps: 780000, loss: 0.01 },
};
const chosen = (args.links || 'edge,3g,loss').split(',');
// --only at-once: the pairing sent at once alone (with --before-pwa, both).
const ONLY = args.only || '';
const POUCH = join(SRC, 'bench', 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A TCP proxy to 127.0.0.1:port counting bytes each way; with loss, 1 % of
// segments wait rto ms (and everything behind them on that connection).
// With shape ({latency, bps}), the proxy is the link itself, for every
// client of it, the service worker included (CDP's emulation covers the
// page's requests only): each direction sends one segment at a time at bps
// over all connections, and each segment arrives latency/2 after it was
// sent, in order per connection.
function proxy(port, { loss = 0, rto = 600, shape = null } = {}) {
  const c = { up: 0, down: 0, stalls: 0 };
  const busy = { up: 0, down: 0 }; // when each direction of the shaped link is free
  const shaped = (from, to, dir) => {
    const queue = [];
    let timer = null;
    let ended = false;
    let last = 0;
    const drain = () => {
      timer = null;
      const now = performance.now();
      while (queue.length && queue[0].at <= now) {
        const { seg } = queue.shift();
        if (!to.destroyed) to.write(seg);
      }
      if (queue.length) timer = setTimeout(drain, queue[0].at - now);
      else if (ended) to.end();
    };
    from.on('data', (buf) => {
      const now = performance.now();
      for (let i = 0; i < buf.length; i += 1460) {
        const seg = buf.subarray(i, i + 1460);
        busy[dir] = Math.max(now, busy[dir]) + (seg.length * 8 * 1000) / shape.bps;
        let at = busy[dir] + shape.latency / 2;
        if (loss && Math.random() < loss) {
          c.stalls++;
          at += rto;
        }
        last = Math.max(at, last);
        c[dir] += seg.length;
        queue.push({ at: last, seg });
      }
      if (!timer) timer = setTimeout(drain, queue[0].at - now);
    });
    from.on('end', () => {
      ended = true;
      if (!queue.length && !timer) to.end();
    });
    from.on('error', () => to.destroy());
  };
  const pace = (from, to, dir) => {
    if (shape) return shaped(from, to, dir);
    let chain = Promise.resolve();
    from.on('data', (buf) => {
      from.pause();
      chain = chain.then(async () => {
        for (let i = 0; i < buf.length; i += 1460) {
          if (loss && Math.random() < loss) {
            c.stalls++;
            await sleep(rto);
          }
          const seg = buf.subarray(i, i + 1460);
          c[dir] += seg.length;
          if (!to.destroyed) to.write(seg);
        }
        from.resume();
      });
    });
    from.on('end', () => chain.then(() => to.end()));
    from.on('error', () => to.destroy());
  };
  const srv = net.createServer((client) => {
    const up = net.connect(port, '127.0.0.1');
    pace(client, up, 'up');
    pace(up, client, 'down');
  });
  return new Promise((ok) =>
    srv.listen(0, '127.0.0.1', () =>
      ok({
        url: `http://127.0.0.1:${srv.address().port}`,
        counts: c,
        reset() {
          c.up = c.down = c.stalls = 0;
        },
        close: () => srv.close(),
      }),
    ),
  );
}

async function emulate(cdp, l) {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: l ? l.latency : 0,
    downloadThroughput: l ? l.bps / 8 : -1,
    uploadThroughput: l ? l.bps / 8 : -1,
  });
}

// cache: false (the default) keeps the page's requests out of Chromium's
// HTTP cache, so that every page's bytes are counted the same way.
async function phoneContext(browser, { cache = false } = {}) {
  const ctx = await browser.newContext({
    ...devices['Pixel 7'],
    serviceWorkers: 'allow',
    locale: 'fr-FR',
  });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  const reqs = [];
  page.on('request', (r) => reqs.push(new URL(r.url()).pathname));
  // The page's own requests as Chromium received them (headers and
  // compressed bodies); the service worker's precache is not among them.
  // sync: the same for the sync requests alone (request line, headers and
  // body up; headers and body down), so the screens' own API calls made
  // meanwhile are not counted as sync.
  // net: the page's files (not the API) that came over the network, not
  // from the service worker's cache (tests/browser/lazyload.test.mjs's rule).
  const own = { bytes: 0, n: 0, net: 0 };
  const sync = { up: 0, down: 0, n: 0, match: () => false };
  const mine = new Set();
  // Every request's path and bytes down, to say what the non-sync bytes of
  // a sync are (other: path -> [requests, bytes]).
  const paths = new Map();
  const other = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    const path = new URL(e.request.url).pathname;
    paths.set(e.requestId, path);
    if (!sync.match(path, e.request.method)) return;
    mine.add(e.requestId);
    sync.n++;
    let body = 0;
    for (const x of e.request.postDataEntries || []) body += atob(x.bytes || '').length;
    if (!body && e.request.postData) body = Buffer.byteLength(e.request.postData);
    sync.up += body + e.request.method.length + path.length + 12;
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    if (!mine.has(e.requestId)) return;
    for (const [k, v] of Object.entries(e.headers)) sync.up += k.length + String(v).length + 4;
  });
  cdp.on('Network.responseReceived', (e) => {
    const path = new URL(e.response.url).pathname;
    if (/^https?:/.test(e.response.url) && !e.response.fromServiceWorker && !path.startsWith('/api/'))
      own.net++;
  });
  cdp.on('Network.loadingFinished', (e) => {
    own.bytes += e.encodedDataLength;
    own.n++;
    if (mine.has(e.requestId)) sync.down += e.encodedDataLength;
    else {
      const p = (paths.get(e.requestId) || '?').replace(/\/[0-9a-f-]{16,}/g, '/ID');
      const o = other.get(p) || [0, 0];
      other.set(p, [o[0] + 1, o[1] + e.encodedDataLength]);
    }
  });
  return { ctx, page, cdp, reqs, own, sync, other };
}

const kib = (n) => (n / 1024).toFixed(1);
const results = [];
function report(row) {
  results.push(row);
  console.log('RESULT ' + JSON.stringify(row));
}

// ---- ecoplateau --------------------------------------------------------------------------

// First visit of the pairing link to Ma journée caught up, then the day.
async function ecoplateau(browser, server, link, name) {
  const office = await officeSession(server.url);
  const px = await proxy(server.port, link.loss ? { loss: link.loss, rto: Math.max(200, 2 * link.latency) } : {});
  const { ctx, page, cdp, reqs, own, sync, other } = await phoneContext(browser);
  await emulate(cdp, link);
  const code = (await invite(office, 'm-sofia')).code;
  const t0 = Date.now();
  await page.goto(px.url + '/#pair=' + code);
  await page
    .getByLabel('Nom de ce téléphone')
    .waitFor({ timeout: 120000 })
    .catch(async (e) => {
      await page.screenshot({ path: join(tempDir('weak-shot'), 'pair.png') });
      console.error(await page.content());
      throw e;
    });
  const shown = Date.now() - t0;
  const firstBytes = own.bytes;
  const firstReqs = reqs.length;
  // The service worker's precache of the whole shell runs now: let it end
  // (no byte for 2 s) so the catch-up below counts pairing and pulls only.
  await page.evaluate(() => navigator.serviceWorker.ready);
  for (let last = -1; last !== px.counts.down; ) {
    last = px.counts.down;
    await sleep(2000);
  }
  const installed = px.counts.up + px.counts.down;
  const beforePair = installed;
  const tPair = Date.now();
  await page.getByLabel('Nom de ce téléphone').fill('Téléphone de Sofia');
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/, { timeout: 120000 });
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0, null, {
    timeout: 300000,
  });
  report({
    system: 'ecoplateau',
    link: name,
    scenario: 'first install',
    pair_screen_s: shown / 1000,
    catch_up_s: (Date.now() - tPair) / 1000,
    kib: +kib(px.counts.up + px.counts.down),
    page_kib_until_pair_screen: +kib(firstBytes),
    kib_with_precache: +kib(installed),
    catch_up_kib: +kib(px.counts.up + px.counts.down - beforePair),
    requests: reqs.length,
    requests_until_pair_screen: firstReqs,
    pulled_ops: await page.evaluate(() => window.ecoplateau.client.replica.ops.size),
    stalls: px.counts.stalls,
  });

  // The day, made offline (a remote location), sent when the network is back.
  await ctx.setOffline(true);
  const made = await page.evaluate(
    async ([readings, edits, photos, photoBytes]) => {
      const c = window.ecoplateau.client;
      const me = c.identity.member_id;
      for (let i = 0; i < readings; i++)
        await c.makeOp('readings', `day-${i}-${Date.now()}`, 'add', {
          indicator: 'waste_wood_kg',
          value: 10 + (i % 50),
          unit: 'kg',
          dept: 'regie',
          at: '2026-11-20',
          note: i % 10 === 0 ? 'benne 2, bois du décor' : undefined,
        });
      const tasks = c.replica.listRecords('tasks').filter((t) => t.fields.assignee === me);
      for (let i = 0; i < edits && tasks.length; i++) {
        const t = c.replica.record('tasks', tasks[i % tasks.length].id);
        const w = t.winners.note;
        await c.makeOp('tasks', t.id, 'put', { note: `point ${i}`, done: i % 2 === 0 }, {
          note: w ? [w.op] : [],
          done: t.winners.done ? [t.winners.done.op] : [],
        });
      }
      const { attach } = await import('/js/attach.js');
      const ids = [];
      for (let p = 0; p < photos; p++) {
        // A JPEG-shaped file of the given size: markers the server's sniffing
        // and stripping accept, random (incompressible) scan data.
        const body = new Uint8Array(photoBytes);
        crypto.getRandomValues(body.subarray(0, 65536));
        for (let i = 65536; i < body.length; i += 65536)
          body.copyWithin(i, 0, Math.min(65536, body.length - i));
        for (let i = 0; i < body.length; i++) if (body[i] === 0xff) body[i] = 0xfe;
        const c2 = new OffscreenCanvas(16, 16);
        c2.getContext('2d').fillRect(0, 0, 16, 16);
        const head = new Uint8Array(
          await (await c2.convertToBlob({ type: 'image/jpeg' })).arrayBuffer(),
        );
        const file = new Uint8Array(head.length - 2 + body.length + 2);
        file.set(head.subarray(0, head.length - 2));
        file.set(body, head.length - 2);
        file.set([0xff, 0xd9], file.length - 2);
        const blob = new Blob([file], { type: 'image/jpeg' });
        const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', file))]
          .map((x) => x.toString(16).padStart(2, '0'))
          .join('');
        const rec = await attach(c, {
          targetCol: 'readings',
          targetId: [...c.replica.facts.values()].find((f) => f.col === 'readings')?.id || 'x',
          caption: `photo ${p}`,
          photo: { blob, thumb: blob, size: blob.size, sha256: sha },
        });
        ids.push(rec.id);
      }
      return { pending: c.status.pending, photos: ids };
    },
    [READINGS, EDITS, PHOTOS, PHOTO_BYTES],
  );
  // Sync bytes end with the sync's last pull: photo chunks only start
  // after it ("synced"), and would otherwise mix in.
  let snap = null;
  page.on('requestfinished', (r) => {
    if (r.url().includes('/api/v1/sync/pull')) snap = { ...px.counts };
  });
  px.reset();
  reqs.length = 0;
  other.clear();
  Object.assign(sync, { up: 0, down: 0, n: 0 });
  sync.match = (p) => p === '/api/v1/sync/push' || p === '/api/v1/sync/pull';
  const t1 = Date.now();
  await ctx.setOffline(false);
  await page.evaluate(() => window.ecoplateau.client.sync('bench'));
  await page.waitForFunction(
    () => window.ecoplateau.client.status.pending === 0 && !window.ecoplateau.client.status.running,
    null,
    { timeout: 600000, polling: 100 },
  );
  const synced = Date.now() - t1;
  // What else the page fetched while the readings synced, largest first.
  const otherKib = [...other]
    .sort((a, b) => b[1][1] - a[1][1])
    .slice(0, 8)
    .map(([p, [n, b]]) => `${p} ${n}x ${kib(b)} KiB`);
  const syncBytes = sync.up + sync.down;
  const syncUp = sync.up;
  const syncReqs = reqs.filter((p) => p.startsWith('/api/v1/sync/p')).length;
  const allSent = async () =>
    page.evaluate(async (ids) => {
      const { openDB } = await import('/vendor/idb.js');
      const db = await openDB('ecoplateau');
      const recs = await Promise.all(ids.map((id) => db.get('photos', id)));
      db.close();
      return recs.every((r) => r?.state === 'sent');
    }, made.photos);
  for (let i = 0; i < 6000 && !(await allSent()); i++) await sleep(100);
  const ops = made.pending; // readings, edits and the photos' facts
  report({
    system: 'ecoplateau',
    link: name,
    scenario: 'day',
    ops,
    readings_synced_s: synced / 1000,
    all_sent_s: (Date.now() - t1) / 1000,
    sync_kib: +kib(syncBytes),
    sync_kib_up: +kib(syncUp),
    sync_kib_at_proxy: +kib(snap ? snap.up + snap.down : 0),
    other_during_sync: otherKib,
    sync_bytes_per_op: Math.round(syncBytes / ops),
    total_kib: +kib(px.counts.up + px.counts.down),
    requests: reqs.length,
    sync_requests: syncReqs,
    stalls: px.counts.stalls,
  });
  await ctx.close();
  px.close();
}

// A new phone whose owner sends the pairing form as soon as it shows, before
// the service worker's first precache is done, to Ma journée caught up; the
// link is shaped at the proxy, so the worker's precache shares it
// (docs/pwa.md, "Two-step precache"). Then until every shell file is cached.
async function pairAtOnce(browser, server, link, name, label) {
  const office = await officeSession(server.url);
  const px = await proxy(server.port, {
    shape: link,
    loss: link.loss || 0,
    rto: Math.max(200, 2 * link.latency),
  });
  // A real phone's cache: what the page loaded is there when its service
  // worker revalidates it (the build before this one reloaded it anyway).
  const { ctx, page, own } = await phoneContext(browser, { cache: true });
  const code = (await invite(office, 'm-sofia')).code;
  const t0 = Date.now();
  await page.goto(px.url + '/#pair=' + code);
  // When the worker takes control: offline-ready for Ma journée (the build
  // before had its whole shell then; this one has CORE).
  const controlled = page.evaluate(
    () =>
      new Promise((r) =>
        navigator.serviceWorker.controller
          ? r(Date.now())
          : navigator.serviceWorker.addEventListener('controllerchange', () => r(Date.now())),
      ),
  );
  await page.getByLabel('Nom de ce téléphone').waitFor({ timeout: 120000 });
  const shown = Date.now() - t0;
  const readyWhenSent = await page.evaluate(() => !!navigator.serviceWorker.controller);
  await page.getByLabel('Nom de ce téléphone').fill('Téléphone de Sofia');
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/, { timeout: 120000 });
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 120000 });
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0, null, {
    timeout: 300000,
    polling: 100,
  });
  const day = Date.now() - t0;
  const dayKib = px.counts.up + px.counts.down;
  const dayNet = own.net;
  const ctl = (await controlled) - t0;
  // Every shell file cached: said on <html> by the two-step precache; the
  // build before cached them all before it took control.
  const twoStep = await page
    .waitForSelector('html[data-shell="complete"]', { state: 'attached', timeout: 120000 })
    .then(() => true)
    .catch(() => false);
  const complete = twoStep ? Date.now() - t0 : ctl;
  report({
    system: label,
    link: name,
    scenario: 'first install, form sent at once',
    pair_screen_s: shown / 1000,
    worker_ready_when_sent: readyWhenSent,
    ma_journee_s: day / 1000,
    page_requests_over_network: dayNet,
    kib_to_ma_journee: +kib(dayKib),
    worker_in_control_s: ctl / 1000,
    shell_complete_s: complete / 1000,
    kib_at_shell_complete: twoStep ? +kib(px.counts.up + px.counts.down) : null,
    stalls: px.counts.stalls,
  });
  await ctx.close();
  px.close();
}

// ---- pouchdb-server ---------------------------------------------------------------------

async function startPouch(dir) {
  mkdirSync(join(dir, 'pouch'), { recursive: true });
  const port = await new Promise((ok) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
  const proc = spawn(
    'node',
    [POUCH, '--in-memory', '-n', '--no-color', '-o', '127.0.0.1', '-p', String(port), '-d', join(dir, 'pouch'), '-c', join(dir, 'pouch', 'config.json')],
    { cwd: join(dir, 'pouch'), stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  process.on('exit', () => proc.kill('SIGTERM'));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url + '/')).ok) return { url, port, stop: () => proc.kill('SIGTERM') };
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error('pouchdb-server did not start');
}

// The production as CouchDB documents: one per record or fact, the same
// fields the ops carry (the phone's first replication pulls them).
function docsOf(ops) {
  const docs = new Map();
  for (const op of ops) {
    const id = `${op.col}:${op.id}`;
    const d = docs.get(id) || { _id: id, col: op.col };
    Object.assign(d, op.fields);
    docs.set(id, d);
  }
  return [...docs.values()];
}

// What a PouchDB phone's replication sends for the same day: per batch of
// 100 docs (PouchDB's batch_size) _revs_diff then _bulk_docs with
// new_edits=false, attachments inline in base64 as PouchDB sends them, and
// the checkpoint; the catch-up reads _changes with the documents. Run in
// the page (same origin as pouchdb-server) over the same emulated link.
async function pouch(browser, srv, link, name, seedDocs) {
  const db = `day${name.replace(/\W/g, '')}`;
  await fetch(`${srv.url}/${db}`, { method: 'PUT' });
  const seeded = seedDocs.map((d, i) => ({ ...d, _rev: `1-${(i + 1).toString(16).padStart(32, '0')}` }));
  for (let i = 0; i < seeded.length; i += 500)
    await fetch(`${srv.url}/${db}/_bulk_docs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ new_edits: false, docs: seeded.slice(i, i + 500) }),
    });
  const px = await proxy(srv.port, link.loss ? { loss: link.loss, rto: Math.max(200, 2 * link.latency) } : {});
  const { ctx, page, cdp, reqs, sync } = await phoneContext(browser);
  await page.goto(px.url + '/');
  await emulate(cdp, link);
  px.reset();
  reqs.length = 0;
  const catchUp = await page.evaluate(async (db) => {
    const t0 = performance.now();
    const j = async (path, init) => (await fetch(`/${db}${path}`, init)).json();
    await j('/');
    await fetch(`/${db}/_local/phone-checkpoint`);
    let since = 0;
    let n = 0;
    for (;;) {
      const ch = await j(`/_changes?style=all_docs&include_docs=true&limit=100&since=${since}`);
      n += ch.results.length;
      since = ch.last_seq;
      if (ch.results.length < 100) break;
    }
    await fetch(`/${db}/_local/phone-checkpoint`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ last_seq: since }),
    });
    return { ms: performance.now() - t0, docs: n };
  }, db);
  report({
    system: 'pouchdb-server',
    link: name,
    scenario: 'first install (catch-up only)',
    caught_up_s: catchUp.ms / 1000,
    kib: +kib(px.counts.up + px.counts.down),
    requests: reqs.length,
    pulled_docs: catchUp.docs,
    stalls: px.counts.stalls,
  });

  // The day's documents, made in the page (not timed).
  const counts = await page.evaluate(
    async ([readings, edits, photos, photoBytes, tasks]) => {
      const rnd = () =>
        [...crypto.getRandomValues(new Uint8Array(16))]
          .map((x) => x.toString(16).padStart(2, '0'))
          .join('');
      const docs = [];
      for (let i = 0; i < readings; i++)
        docs.push({
          _id: `readings:day-${i}-${rnd()}`,
          _rev: `1-${rnd()}`,
          col: 'readings',
          indicator: 'waste_wood_kg',
          value: 10 + (i % 50),
          unit: 'kg',
          dept: 'regie',
          at: '2026-11-20',
          ...(i % 10 === 0 ? { note: 'benne 2, bois du décor' } : {}),
        });
      for (let i = 0; i < edits && tasks.length; i++) {
        const t = tasks[i % tasks.length];
        const rev = rnd();
        docs.push({
          ...t,
          _rev: `2-${rev}`,
          _revisions: { start: 2, ids: [rev, t._rev.slice(2)] },
          note: `point ${i}`,
          done: i % 2 === 0,
        });
      }
      const plain = docs.length;
      for (let p = 0; p < photos; p++) {
        const body = new Uint8Array(photoBytes);
        for (let i = 0; i < body.length; i += 65536)
          crypto.getRandomValues(body.subarray(i, Math.min(i + 65536, body.length)));
        let bin = '';
        for (let i = 0; i < body.length; i += 8192)
          bin += String.fromCharCode(...body.subarray(i, i + 8192));
        docs.push({
          _id: `attachments:ph-${rnd()}`,
          _rev: `1-${rnd()}`,
          col: 'attachments',
          caption: `photo ${p}`,
          _attachments: { 'photo.jpg': { content_type: 'image/jpeg', data: btoa(bin) } },
        });
      }
      window.docs = docs;
      return { plain, all: docs.length };
    },
    [READINGS, EDITS, PHOTOS, PHOTO_BYTES, seeded.filter((d) => d.col === 'tasks').slice(0, 5)],
  );
  // Pushes docs[from, to) as a replication does; returns the ms it took.
  const push = (from, to) =>
    page.evaluate(
      async ([db, from, to]) => {
        const post = (path, body) =>
          fetch(`/${db}${path}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }).then((r) => r.json());
        const t0 = performance.now();
        await fetch(`/${db}/_local/phone-push`);
        for (let i = from; i < to; i += 100) {
          const batch = window.docs.slice(i, Math.min(i + 100, to));
          const diff = {};
          for (const d of batch) diff[d._id] = [d._rev];
          await post('/_revs_diff', diff);
          await post('/_bulk_docs', { new_edits: false, docs: batch });
          await fetch(`/${db}/_local/phone-push`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ seq: i + batch.length }),
          });
        }
        return performance.now() - t0;
      },
      [db, from, to],
    );
  px.reset();
  reqs.length = 0;
  Object.assign(sync, { up: 0, down: 0, n: 0 });
  sync.match = () => true;
  const readingsMs = await push(0, counts.plain);
  const syncBytes = sync.up + sync.down;
  const syncUp = sync.up;
  const atProxy = px.counts.up + px.counts.down;
  sync.match = () => false;
  const syncReqs = reqs.length;
  const photosMs = await push(counts.plain, counts.all);
  report({
    system: 'pouchdb-server',
    link: name,
    scenario: 'day',
    ops: counts.all,
    readings_synced_s: readingsMs / 1000,
    all_sent_s: (readingsMs + photosMs) / 1000,
    sync_kib: +kib(syncBytes),
    sync_kib_up: +kib(syncUp),
    sync_kib_at_proxy: +kib(atProxy),
    sync_bytes_per_op: Math.round(syncBytes / counts.plain),
    total_kib: +kib(px.counts.up + px.counts.down),
    requests: reqs.length,
    sync_requests: syncReqs,
    stalls: px.counts.stalls,
  });
  await ctx.close();
  px.close();
}

// ---- main --------------------------------------------------------------------------------

async function firstVisit(browser, bin, pwa, label) {
  const dir = tempDir('weak-first');
  const prev = process.env.EP_BIN;
  let server;
  if (!bin) server = await startServer(dir, 0, undefined, { threads: 0 });
  else {
    // helpers.mjs reads EP_BIN when it is evaluated: a second copy of the
    // module (another URL) starts the other build.
    process.env.EP_BIN = bin;
    const mod = await import(`../tests/browser/helpers.mjs?bin=${encodeURIComponent(bin)}`);
    server = await mod.startServer(dir, 0, pwa, { threads: 0 });
    process.env.EP_BIN = prev;
  }
  const px = await proxy(server.port);
  for (const [what, hash] of [
    ['login page', '#/connexion'],
    ['pairing screen', '#/pair'],
  ]) {
    const { ctx, page, reqs, own } = await phoneContext(browser);
    px.reset();
    await page.goto(px.url + '/' + hash);
    await page.waitForSelector('html[data-ready="1"]', { timeout: 60000 });
    await page.waitForLoadState('networkidle');
    await sleep(1000);
    report({
      system: label,
      scenario: `first visit, ${what}`,
      page_kib: +kib(own.bytes),
      page_requests: own.n,
      requests: reqs.filter((p) => !p.startsWith('/api/')).length,
      kib_with_precache: +kib(px.counts.up + px.counts.down),
    });
    await ctx.close();
  }
  px.close();
  await server.stop();
  cleanup(dir);
}

const { execSync } = await import('node:child_process');
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: SRC }).toString().trim();
  } catch {
    return '?';
  }
})();
console.log(
  `weak-link benchmark ${new Date().toISOString()} commit ${commit}: ${READINGS} readings, ` +
    `${EDITS} task edits, ${PHOTOS} photos of ${PHOTO_BYTES / 1024} KiB; links ${chosen.join(', ')}`,
);
const browser = await launch();
const dir = tempDir('weaklink');
try {
  if (!ONLY) await firstVisit(browser, null, undefined, 'ecoplateau');
  if (args['before-bin']) await firstVisit(browser, args['before-bin'], args['before-pwa'], 'before');
  const server = await startServer(dir, 0, undefined, { threads: 0 });
  const office = await officeSession(server.url);
  let before = null;
  if (args['before-pwa']) {
    // The same server binary with the other build's pages (its own data).
    mkdirSync(join(dir, 'before'), { recursive: true });
    before = await startServer(join(dir, 'before'), 0, args['before-pwa'], { threads: 0 });
  }
  for (const name of chosen) {
    await pairAtOnce(browser, server, LINKS[name], name, 'ecoplateau');
    if (before) await pairAtOnce(browser, before, LINKS[name], name, 'before');
  }
  await before?.stop();
  if (ONLY === 'at-once') {
    await server.stop();
    process.exit(0);
  }
  const seed = docsOf(await pullAll(office));
  const ps = await startPouch(dir);
  for (const name of chosen) {
    await ecoplateau(browser, server, LINKS[name], name);
    await pouch(browser, ps, LINKS[name], name, seed);
  }
  ps.stop();
  await server.stop();
} finally {
  await browser.close();
  cleanup(dir);
}
