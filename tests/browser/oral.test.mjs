// The oral defence (docs/evaluation.md) in the real app: the Dossier screen
// offers the slides (PDF, ODP) and the jury sheet, each downloads from the
// demo production's data with the right type, in French and in English;
// axe on the screen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  tempDir,
  startServer,
  launch,
  ready,
  checkA11y,
  officeSession,
  PRODUCTION,
  DEMO_LOGIN,
  DEMO_PASSWORD,
} from './helpers.mjs';
import { cleanup } from './helpers.mjs';

const dir = tempDir('oral');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

async function signIn(page) {
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel(/Adresse e-mail|Email address/).fill(DEMO_LOGIN);
  await page.getByLabel(/Mot de passe|Password/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /Se connecter|Sign in/ }).click();
  await page.waitForFunction(() => window.ecoplateau?.client?.status.lastSync > 0, null, {
    timeout: 15000,
  });
}

async function download(page, click, name) {
  const ev = page.waitForEvent('download');
  await click();
  const file = await ev;
  assert.match(file.suggestedFilename(), name);
  return readFileSync(await file.path());
}

test('the dossier screen offers the oral defence: slides PDF and ODP, jury sheet', async () => {
  // The demo's defence as the API gives it: 10-14 slides, 15 minutes.
  const office = await officeSession(server.url);
  const o = (await office.call('GET', `/api/v1/productions/${PRODUCTION}/oral`)).json;
  assert.ok(o.slides.length >= 10 && o.slides.length <= 14, `${o.slides.length} slides`);
  assert.equal(
    o.slides.reduce((s, x) => s + x.duration_s, 0),
    900,
  );
  assert.equal(o.prep.length, 10);

  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signIn(page);
  await page.goto(server.url + '/#/dossier');
  await page
    .getByRole('heading', { name: 'Soutenance orale', level: 2 })
    .waitFor({ timeout: 15000 });
  const section = page.getByTestId('oral');
  const pdf = await download(
    page,
    () => section.getByRole('button', { name: 'Diapositives (PDF)' }).click(),
    /^soutenance-.*\.pdf$/,
  );
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const odp = await download(
    page,
    () => section.getByRole('link', { name: 'Présentation modifiable (ODP)' }).click(),
    /\.odp$/,
  );
  assert.equal(odp.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  assert.equal(odp.subarray(30, 38).toString(), 'mimetype');
  const prep = await download(
    page,
    () => section.getByRole('button', { name: 'Fiche de préparation au jury (PDF)' }).click(),
    /^jury-.*\.pdf$/,
  );
  assert.equal(prep.subarray(0, 5).toString(), '%PDF-');
  await page.getByTestId('dossier-downloaded').waitFor();
  await checkA11y(page, 'dossier with the oral defence');
  assert.deepEqual(errors, []);
  await ctx.close();

  // In English, the same section under its English labels.
  const en = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
  const p2 = await en.newPage();
  await signIn(p2);
  await p2.goto(server.url + '/#/dossier');
  await p2.getByTestId('oral').waitFor({ timeout: 15000 });
  const text = await p2.getByTestId('oral').textContent();
  // The browser's language picks English (pwa/js/app.js).
  assert.match(text, /Oral defence/);
  assert.match(
    text,
    /Slides \(PDF\).*Editable presentation \(ODP\).*Jury preparation sheet \(PDF\)/s,
  );
  await en.close();
});
