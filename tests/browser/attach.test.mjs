// Photos attached on a phone (docs/pwa.md, "Photos"), end to end against the real
// server started with a small attachment cap (EP_ATTACHMENT_MAX):
// - the IndexedDB upgrade to version 2 keeps what a version-1 phone had;
// - offline, a reading and a JPEG carrying EXIF GPS (a canvas JPEG with an
//   APP1 segment spliced in) with its caption; a non-image is refused with
//   its message; a second photo on an action keeps its place on request;
// - back online, the upload is cut after its first chunk (page.route
//   aborts the second), then resumes after a reload at the server's offset;
// - the stored bytes (through the office API) hold no EXIF and no position;
// - a photo above the server's cap is refused with the server's message while
//   the reading recorded with it syncs;
// - an upload refused by the server's sniffing (415) shows its reason; a
//   photo whose local copy is gone is fetched from the server, signed;
// - 320 px reflow, 44 px targets, English;
// - the office sees the photo with its caption on the action (evaluation and
//   plan screens) and the refusal; removing a photo voids it for everyone.
//   axe on every new screen and state.
// "Offline" is the server stopped (then started again on the same port), as
// in phone.test.mjs: Chromium's offline emulation, once lifted, leaves
// uploads of a few hundred KB hanging. The phone's context blocks service
// workers: page.route does not see the requests a service worker passes on,
// and this test never reloads offline.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { devices } from 'playwright-core';
import {
  tempDir,
  startServer,
  launch,
  ready,
  checkA11y,
  shot,
  officeSession,
  invite,
  pairPhone,
  pullAll,
  cleanup,
  PRODUCTION,
  DEMO_LOGIN,
  DEMO_PASSWORD,
} from './helpers.mjs';
import { gpsTiff, app1, splice } from '../js/exif-fixture.mjs';
import { readGps } from '../../pwa/js/imagebytes.js';

const CAP = 800000;
process.env.EP_ATTACHMENT_MAX = String(CAP); // inherited by the server process
const dir = tempDir('attach');
let server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const office = await officeSession(server.url);
const ctx = await browser.newContext({
  ...devices['Pixel 7'],
  serviceWorkers: 'block',
  locale: 'fr-FR',
});
const page = await ctx.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));

const LOUE = { lat: 47.064102, lon: 6.126703 };
const BARNUM = { lat: 47.1021, lon: 6.0489 };

// A JPEG made by the browser's canvas (noise, so its size is predictable
// after the phone's re-encoding), with EXIF GPS spliced in when asked.
async function jpeg(w, h, amp, gps) {
  const b64 = await page.evaluate(
    async ([w, h, amp]) => {
      const c = new OffscreenCanvas(w, h);
      const g = c.getContext('2d');
      const img = g.createImageData(w, h);
      let s = 12345;
      for (let i = 0; i < img.data.length; i += 4) {
        s = (s * 1103515245 + 12345) >>> 0;
        const n = ((s >>> 24) * amp) / 255;
        img.data[i] = ((((i / 4) % w) * 255) / w) * (1 - amp / 255) + n;
        img.data[i + 1] = 120 + n / 3;
        img.data[i + 2] = n;
        img.data[i + 3] = 255;
      }
      g.putImageData(img, 0, 0);
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let bin = '';
      for (const x of bytes) bin += String.fromCharCode(x);
      return btoa(bin);
    },
    [w, h, amp],
  );
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  return Buffer.from(gps ? splice(bytes, app1(gpsTiff(gps))) : bytes);
}

// Polls cond (async, in node) until it holds: page.waitForFunction does not
// wait for a promise returned by the page.
async function until(cond, what, timeout = 20000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const recs = await photoRecords().catch((e) => String(e));
  assert.fail(
    `timed out waiting for ${what}\nphotos: ${JSON.stringify(recs)}\nPUTs: ${JSON.stringify(puts)}\nserver: ${server.log().slice(-3000)}`,
  );
}
const photo = (id) =>
  page.evaluate(async (x) => {
    const p = await (await import('/js/store.js')).getPhoto(x);
    return p && { ...p, blob: !!p.blob, thumb: !!p.thumb };
  }, id);

const photoRecords = () =>
  page.evaluate(async () =>
    (await import('/js/store.js'))
      .allPhotos()
      .then((l) =>
        l.map(({ blob, thumb, ...r }) => ({ ...r, hasBlob: !!blob, hasThumb: !!thumb })),
      ),
  );
const fact = (id) =>
  page.evaluate((x) => window.ecoplateau.client.replica.fact('attachments', x), id);

async function record(indicator, value, extra = {}) {
  await page.goto(server.url + `/#/saisie?i=${indicator}`);
  await page.waitForSelector('form select[name="indicator"]');
  await page.locator('input[name="value"]').fill(String(value));
  if (extra.vehicle !== undefined)
    await page.locator('select[name="vehicle"]').selectOption(extra.vehicle);
  const before = await page.evaluate(() => window.ecoplateau.client.status.pending);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForFunction((n) => window.ecoplateau.client.status.pending === n + 1, before);
  const link = page.getByRole('link', { name: 'Ajouter une photo à ce relevé' });
  await link.waitFor();
  return (await link.getAttribute('href')).match(/id=([^&]+)/)[1];
}

async function addPhoto({ file, caption, keep = false }) {
  await page.locator('input[name="photo"]').setInputFiles(file);
  await page.getByLabel('Légende').fill(caption);
  if (keep) await page.getByLabel('Garder le lieu de la photo').check();
  const before = (await photoRecords()).length;
  await page.getByRole('button', { name: 'Enregistrer la photo' }).click();
  // Saved: the form is drawn again, empty, with the photo in the list.
  await page
    .getByTestId('photos')
    .getByRole('img', { name: caption })
    .waitFor({ timeout: 15000 })
    .catch(async (e) => {
      throw new Error(
        `not saved: ${await page.locator('.error-summary').textContent()} ${e.message}`,
      );
    });
  const recs = await photoRecords();
  assert.equal(recs.length, before + 1);
  const rec = recs.find((r) => r.caption === caption);
  assert.ok(rec?.op, 'the photo and its fact are stored on the phone');
  return rec;
}

let readingId = '';
let bigReadingId = '';
let first = null;
let second = null;
let big = null;
const puts = [];

test('a version-1 phone keeps its data through the IndexedDB upgrade, then pairs', async () => {
  // Any page of the origin: the app must not open the database first.
  await page.goto(server.url + '/manifest.webmanifest');
  await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open('ecoplateau', 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('ops', { keyPath: 'op' });
          req.result.createObjectStore('outbox', { keyPath: 'op' });
          req.result.createObjectStore('meta');
        };
        req.onsuccess = () => {
          const tx = req.result.transaction('meta', 'readwrite');
          tx.objectStore('meta').put(
            { _indicator: 'van_km', _vehicle: 'van-2', van_km: { value: 77, unit: 'km' } },
            'lastValues',
          );
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
        };
        req.onerror = () => reject(req.error);
      }),
  );
  const inv = await invite(office, 'm-sofia');
  await pairPhone(page, server.url + '/#pair=' + inv.code, 'Téléphone de Sofia');
  const db = await page.evaluate(async () => {
    const d = await (await import('/js/store.js')).db();
    return {
      version: d.version,
      stores: [...d.objectStoreNames],
      last: await d.get('meta', 'lastValues'),
    };
  });
  assert.equal(db.version, 2);
  assert.deepEqual(db.stores.sort(), ['meta', 'ops', 'outbox', 'photos']);
  assert.equal(db.last.van_km.value, 77, 'version-1 data survives the upgrade');
});

test('offline: a reading, a refused non-image, a photo with GPS whose place is dropped', async () => {
  await server.stop(); // the network is gone
  readingId = await record('van_km', 212, { vehicle: 'van-2' });
  // From "Mes saisies", the reading's own link.
  await page.goto(server.url + '/#/entrees');
  await page
    .getByRole('link', { name: /^Ajouter une photo : Kilomètres/ })
    .first()
    .click();
  await page.getByRole('heading', { name: 'Ajouter une photo', level: 1 }).waitFor();
  assert.match(page.url(), new RegExp(`col=readings&id=${readingId}`));
  assert.equal(
    await page.getByLabel('Garder le lieu de la photo').isChecked(),
    false,
    'the place is dropped by default',
  );
  await checkA11y(page, 'photo form');
  await shot(page, 'photo-01-form');

  // A file that is not an image: refused on the phone, nothing stored.
  await page.locator('input[name="photo"]').setInputFiles({
    name: 'IMG_0002.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('%PDF-1.7 ceci est un devis, pas une photo'),
  });
  await page.getByLabel('Légende').fill('Devis');
  await page.getByRole('button', { name: 'Enregistrer la photo' }).click();
  await page.locator('.error-summary').getByText('Ce fichier n’est pas une image').waitFor();
  assert.equal(await page.locator('input[name="photo"]').getAttribute('aria-invalid'), 'true');
  assert.equal((await photoRecords()).length, 0);
  await checkA11y(page, 'photo form, not an image');
  await shot(page, 'photo-02-not-image');

  const file = await jpeg(1000, 750, 160, LOUE);
  assert.deepEqual(readGps(file), LOUE, 'the fixture carries the position');
  first = await addPhoto({
    file: { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: file },
    caption: 'Compteur de l’utilitaire 2 : 48 213 km',
  });
  assert.ok(
    first.size > 262144 && first.size < CAP,
    `the re-encoded photo needs 2+ chunks and fits the cap: ${first.size}`,
  );
  assert.equal(first.state, 'waiting');
  const f = await fact(first.id);
  assert.equal(f.fields.keep_location, false);
  assert.equal(f.fields.lat, undefined);
  assert.equal(f.fields.lon, undefined);
  assert.equal(f.fields.target_col, 'readings');
  assert.equal(f.fields.target_id, readingId);
  assert.equal(f.fields.content_type, 'image/jpeg');
  assert.equal(f.fields.size, first.size);
  assert.match(f.fields.sha256, /^[0-9a-f]{64}$/);
  const shown = page.getByTestId('photos').getByTestId('photo');
  await shown.first().waitFor();
  assert.equal(
    await shown.locator('img').first().getAttribute('alt'),
    'Compteur de l’utilitaire 2 : 48 213 km',
  );
  await shown.first().getByText('En attente (hors ligne).').waitFor();
  await checkA11y(page, 'photo waiting offline');
  await shot(page, 'photo-03-waiting');
});

test('offline: a photo of an action that keeps its place, and a photo above the server cap', async () => {
  await page.goto(server.url + '/#/jour');
  await page.getByRole('heading', { name: 'Mes actions du plan' }).waitFor();
  await page.getByRole('link', { name: /^Ajouter une photo : Tri en cinq flux/ }).click();
  await page.getByRole('heading', { name: 'Ajouter une photo', level: 1 }).waitFor();
  second = await addPhoto({
    file: {
      name: 'IMG_0003.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg(640, 480, 60, BARNUM),
    },
    caption: 'Bacs de tri étiquetés au barnum',
    keep: true,
  });
  const f = await fact(second.id);
  assert.equal(f.fields.target_col, 'actions');
  assert.equal(f.fields.target_id, 'act-tri');
  assert.equal(f.fields.keep_location, true);
  assert.ok(
    Math.abs(f.fields.lat - BARNUM.lat) < 1e-5 && Math.abs(f.fields.lon - BARNUM.lon) < 1e-5,
    JSON.stringify(f.fields),
  );

  // A reading and, with it, a photo larger than the server's cap.
  bigReadingId = await record('van_km', 64, { vehicle: 'van-1' });
  await page.getByRole('link', { name: 'Ajouter une photo à ce relevé' }).click();
  await page.getByRole('heading', { name: 'Ajouter une photo', level: 1 }).waitFor();
  big = await addPhoto({
    file: { name: 'IMG_0004.jpg', mimeType: 'image/jpeg', buffer: await jpeg(1600, 1200, 255) },
    caption: 'Plein du van 1',
  });
  assert.ok(big.size > CAP, `the big photo is above the cap: ${big.size}`);
});

test('online: the upload is cut after one chunk, the big photo is refused, the readings sync', async () => {
  let cut = true;
  await page.route('**/api/v1/sync/attachments/**', (route) => {
    const req = route.request();
    if (req.method() === 'PUT') {
      puts.push({ id: req.url().split('/').pop(), range: req.headers()['content-range'], cut });
      // The connection drops after the first chunk, and stays down.
      if (cut && puts.length >= 2) return route.abort('internetdisconnected');
    }
    return route.continue();
  });
  server = await startServer(dir, server.port);
  await page.evaluate(() => window.ecoplateau.client.sync('test'));
  await page.waitForFunction(() => window.ecoplateau.client.status.pending === 0, null, {
    timeout: 15000,
  });
  // The uploader ran: one chunk acknowledged (the adaptive size's first,
  // 64 KiB), the second cut; each cut chunk tried again is smaller (halved,
  // down to 32 KiB: less to lose on a link that drops).
  await until(async () => {
    const p = await photo(first.id);
    return p.received === 65536 && p.offline === true;
  }, 'the first chunk acknowledged, the second cut');
  assert.equal(puts[0].id, first.id, JSON.stringify(puts));
  assert.equal(puts[0].range, `bytes 0-65535/${first.size}`);
  const len = (p) =>
    Number(/-(\d+)\//.exec(p.range)[1]) - Number(/bytes (\d+)-/.exec(p.range)[1]) + 1;
  for (const [i, p] of puts.slice(1).entries()) {
    assert.match(p.range, /^bytes 65536-/, JSON.stringify(puts));
    if (i > 0) assert.ok(len(p) <= Math.max(32768, len(puts[i]) / 2), JSON.stringify(puts));
  }
  const st = await office.call('GET', `/api/v1/sync/attachments/${first.id}/status`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.received, 65536);
  assert.equal(st.json.complete, false);

  // Both readings reached the server, the big photo's refusal did not stop them.
  const ops = await pullAll(office);
  for (const r of [readingId, bigReadingId])
    assert.ok(
      ops.some((o) => o.col === 'readings' && o.id === r),
      `reading ${r} synced`,
    );
  // "Mes saisies" (where the status line sends refusals) leads to them.
  await page.goto(server.url + '/#/entrees');
  await page
    .getByRole('link', { name: 'Photos refusées par le serveur : 1 (voir Mes photos)' })
    .click();
  await page.getByRole('heading', { name: 'Mes photos' }).waitFor();
  const bigCard = page.getByTestId('photo').filter({ hasText: 'Plein du van 1' });
  await bigCard
    .getByText(/Photo refusée : trop lourde pour le serveur/)
    .waitFor({ timeout: 15000 });
  const bigRec = (await photoRecords()).find((r) => r.id === big.id);
  assert.equal(bigRec.code, 'attachment_too_large');
  assert.ok(
    bigRec.reason.includes(String(CAP)),
    `the server's message says the limit: ${bigRec.reason}`,
  );
  assert.match(await bigCard.textContent(), new RegExp(String(CAP)));
  assert.match(
    await page.getByTestId('photo').filter({ hasText: 'Compteur' }).textContent(),
    /Envoi interrompu à \d+\s%/,
  );
  await checkA11y(page, 'my photos: interrupted and refused');
  await shot(page, 'photo-04-interrupted-refused');
  cut = false;
});

test('after a reload the upload resumes at the server offset; the stored photo has no position', async () => {
  const before = puts.length;
  await page.reload();
  await ready(page);
  await until(
    async () =>
      (await photo(first.id)).state === 'sent' && (await photo(second.id)).state === 'sent',
    'both photos sent',
    30000,
  );
  const resumed = puts.slice(before).filter((p) => p.id === first.id);
  assert.equal(
    resumed[0].range.split('-')[0],
    'bytes 65536',
    `resumed where the server was: ${JSON.stringify(resumed)}`,
  );
  assert.ok(
    !puts.slice(before).some((p) => p.id === first.id && p.range.startsWith('bytes 0-')),
    'nothing sent twice',
  );
  const recs = await photoRecords();
  const done = recs.find((r) => r.id === first.id);
  assert.equal(done.hasBlob, false, 'the full-size bytes left the phone');
  assert.equal(done.hasThumb, true, 'the thumbnail stays');

  // The stored bytes, as the office downloads them.
  const res = await fetch(
    `${server.url}/api/v1/productions/${PRODUCTION}/attachments/${first.id}`,
    { headers: { Cookie: office.cookie } },
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(bytes.length, first.size);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), first.sha256);
  assert.equal(Buffer.from(bytes).indexOf('Exif'), -1, 'no EXIF segment at all');
  assert.equal(readGps(bytes), null);
  assert.equal(Buffer.from(bytes).indexOf(Buffer.from([0x88, 0x25])), -1, 'no GPS IFD tag either');

  await page.goto(server.url + '/#/entrees');
  const card = page.locator('[data-testid="entries"] > li').filter({ hasText: '212' });
  await card.getByText('Envoyée.').waitFor();
  assert.equal(
    await card.locator('img').getAttribute('alt'),
    'Compteur de l’utilitaire 2 : 48 213 km',
  );
  await checkA11y(page, 'my entries with a sent photo');
  await shot(page, 'photo-05-sent');
});

let refusedId = '';

test('an upload the server refuses (bytes that are not an image) shows its reason, retry and remove', async () => {
  // A phone whose encoder produced garbage: the app's own attach() with
  // bytes the server's sniffing refuses (415) once they are all there.
  refusedId = await page.evaluate(async () => {
    const { attach } = await import('/js/attach.js');
    const bytes = new TextEncoder().encode('%PDF-1.7 devis du loueur, pas une image. '.repeat(30));
    const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
    const rec = await attach(window.ecoplateau.client, {
      targetCol: 'actions',
      targetId: 'act-tri',
      caption: 'Devis scanné',
      keepLocation: false,
      photo: {
        blob: new Blob([bytes], { type: 'image/jpeg' }),
        thumb: null,
        size: bytes.length,
        sha256: sha,
      },
    });
    await window.ecoplateau.client.sync('test');
    return rec.id;
  });
  await until(async () => (await photo(refusedId)).state === 'refused', 'the refusal at upload');
  const rec = await photo(refusedId);
  assert.equal(rec.code, 'unsupported_media_type');
  assert.match(rec.reason, /not a JPEG, PNG or WebP/);
  await page.goto(server.url + '/#/photos');
  const card = page.getByTestId('photo').filter({ hasText: 'Devis scanné' });
  await card
    .getByText(
      /Photo refusée : le serveur ne reconnaît pas une image JPEG, PNG ou WebP \(the file is not/,
    )
    .waitFor();
  // "Réessayer" asks the server again: still refused, with the same reason.
  await card.getByRole('button', { name: 'Réessayer : Devis scanné' }).click();
  await until(async () => {
    const p = await photo(refusedId);
    return p.state === 'refused' && p.code === 'unsupported_media_type';
  }, 'refused again after retry');
  await card.getByText(/Photo refusée/).waitFor();
  await checkA11y(page, 'my photos: refused at upload');
  await shot(page, 'photo-06-refused-upload');
});

test('a photo no longer on the phone (another phone, a reinstall) is fetched from the server, signed', async () => {
  await page.evaluate(async (id) => (await import('/js/store.js')).deletePhoto(id), second.id);
  await page.reload();
  await ready(page);
  await page.goto(server.url + '/#/photo?col=actions&id=act-tri');
  const img = page
    .getByTestId('photos')
    .getByRole('img', { name: 'Bacs de tri étiquetés au barnum' });
  await until(async () => {
    try {
      return await img.evaluate(
        (el) => el.src.startsWith('blob:') && el.complete && el.naturalWidth === 640,
        null,
        { timeout: 2000 },
      );
    } catch {
      return false;
    }
  }, 'the image from the server');
});

test('photo screens reflow at 320 px with touch targets of at least 44 px, in English too', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const route of [`#/photo?col=actions&id=act-tri`, '#/photos', '#/jour']) {
    await page.goto(server.url + '/' + route);
    await page.locator('main h1').waitFor();
    await page.getByTestId('photo').first().waitFor();
    const { width, small } = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      small: [
        ...document.querySelectorAll('main button, main a, main input, main select, main textarea'),
      ]
        .map((el) => [el, el.getBoundingClientRect()])
        .filter(([el, r]) => r.width > 0 && r.right > 0 && (r.height < 44 || r.width < 44))
        .map(
          ([el, r]) =>
            `${el.tagName} "${(el.textContent || el.name).trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`,
        ),
    }));
    assert.ok(width <= 320, `${route}: the page is ${width}px wide at 320px`);
    assert.deepEqual(small, [], `${route}: targets under 44px`);
  }
  await shot(page, 'photo-08-day-320px');
  await page.setViewportSize(devices['Pixel 7'].viewport);
  await page.getByRole('button', { name: 'English' }).click();
  await page.goto(server.url + '/#/photo?col=actions&id=act-tri');
  await page.getByRole('heading', { name: 'Add a photo', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Keep the photo’s location').isChecked(), false);
  await page.getByTestId('photos').getByText('Sent.').first().waitFor();
  await checkA11y(page, 'photo form in English');
  await page.getByRole('button', { name: 'Français' }).click();
});

test('the office sees the photo with its caption on the action', async () => {
  const octx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
    locale: 'fr-FR',
  });
  const op = await octx.newPage();
  op.on('pageerror', (e) => errors.push(String(e)));
  await op.goto(server.url + '/#/connexion');
  await ready(op);
  await op.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await op.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await op.getByRole('button', { name: 'Se connecter' }).click();
  await op.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await op.waitForFunction(
    () => window.ecoplateau.client.status.lastSync > 0 && !window.ecoplateau.client.status.running,
    null,
    { timeout: 15000 },
  );
  for (const route of ['evaluation', 'plan']) {
    await op.goto(server.url + '/#/' + route);
    const card = op.locator('li.card').filter({ hasText: 'Tri en cinq flux' }).first();
    const img = card.getByRole('img', { name: 'Bacs de tri étiquetés au barnum' });
    await img.waitFor({ timeout: 15000 });
    // The image really loads (loading="lazy": scrolled to; the screen may
    // be drawn again by a sync meanwhile).
    await until(async () => {
      try {
        await img.scrollIntoViewIfNeeded({ timeout: 2000 });
        return await img.evaluate((el) => el.complete && el.naturalWidth === 640, null, {
          timeout: 2000,
        });
      } catch {
        return false;
      }
    }, 'the office image loaded');
    assert.match(await card.textContent(), /Lieu : 47\.1021, 6\.0489/);
    // The refused upload is said, with the server's reason.
    assert.match(
      await card.textContent(),
      /Photo refusée : the file is not a JPEG, PNG or WebP image/,
    );
    await checkA11y(op, `office ${route} with photos`);
    await shot(op, `photo-07-office-${route}`);
  }
  await octx.close();
  assert.deepEqual(errors, []);
});

test('removing a photo voids it for everyone', async () => {
  await page.goto(server.url + '/#/photos');
  const card = page.getByTestId('photo').filter({ hasText: 'Devis scanné' });
  await card.getByRole('button', { name: 'Retirer la photo : Devis scanné' }).click();
  await page.getByRole('dialog').waitFor();
  await checkA11y(page, 'remove dialog');
  await page.getByRole('dialog').getByRole('button', { name: 'Retirer la photo' }).click();
  await card.waitFor({ state: 'detached' });
  assert.equal(await photo(refusedId), undefined, 'the local copy is gone');
  await page.evaluate(() => window.ecoplateau.client.sync('test'));
  await until(async () => {
    const list = (
      await office.call(
        'GET',
        `/api/v1/productions/${PRODUCTION}/attachments?target_col=actions&target_id=act-tri`,
      )
    ).json.attachments;
    return !list.some((a) => a.id === refusedId) && list.some((a) => a.id === second.id);
  }, 'the server list without the removed photo');
  assert.deepEqual(errors, []);
});
