// The provisional footprint entered by the office (docs/carbon.md, "The
// forecast, filed"), against the real server with the demo production: the
// project analysis (C2) offers its quantities as suggestions, the office
// takes one, a bad quantity is named, and filing freezes a version that a
// later revision does not change.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  tempDir,
  startServer,
  launch,
  checkA11y,
  shot,
  officeSession,
  cleanup,
  PRODUCTION,
  officeSignIn,
} from './helpers.mjs';

const dir = tempDir('forecast');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const api = await officeSession(server.url);

// The screen says it saved (the live region), then redraws; how many
// quantities depends on the demo's own forecast.
async function saved(page) {
  await page.waitForFunction(() =>
    /^[1-9]\d* quantités? enregistrées?\.$/.test(
      document.getElementById('announce')?.textContent || '',
    ),
  );
  await page.evaluate(() => (document.getElementById('announce').textContent = ''));
}
const P = `/api/v1/productions/${PRODUCTION}`;

test('office: the forecast from the C2 suggestion, filed in versions', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await officeSignIn(page, server.url, { syncTimeout: 20000 });
  // The project framing as the C2 screen saves it: 10 people for 20 days
  // (200 meals), one location 10 km away, 100 hotel nights.
  await page.evaluate(() =>
    window.ecoplateau.client.makeOp('diagnostics', 'c2-project', 'put', {
      type: 'documentary',
      shooting_days: 20,
      crew_size: 10,
      cast_size: 0,
      accommodation_nights: 100,
      locations: [{ name: 'Rive', km_from_base: 10 }],
    }),
  );

  // The demo filed its forecast (version 1, from its C2 estimate) with the budget.
  const filed = await api.call('GET', `${P}/forecast/1`);
  assert.equal(filed.status, 200, filed.text);
  const demoHotel = filed.json.items.find((i) => i.indicator === 'hotel_nights').value;
  assert.ok(demoHotel > 100, `the demo's forecast has its own hotel nights: ${demoHotel}`);

  await page.getByRole('link', { name: 'Prévisionnel' }).first().click();
  await page.getByRole('heading', { name: 'Bilan prévisionnel' }).waitFor({ timeout: 15000 });
  assert.match(await page.getByTestId('fc-c2').textContent(), /analyse du projet \(C2\)/);
  const hotel = page.getByLabel(/^Nuits d.hôtel \(nuits\)$/);
  assert.equal(await hotel.inputValue(), String(demoHotel), 'the demo forecast is shown');
  assert.match(
    await page.locator('.field', { has: hotel }).textContent(),
    /Suggestion C2 : 100 nuits/,
  );
  await page.getByRole('button', { name: /^Reprendre la suggestion : Nuits d.hôtel$/ }).click();
  assert.equal(await hotel.inputValue(), '100');
  // A negative quantity is named, nothing is saved.
  const beef = page.getByLabel('Repas avec bœuf (repas)');
  await beef.fill('-5');
  await page.getByRole('button', { name: 'Enregistrer le prévisionnel' }).click();
  await page
    .getByRole('link', { name: 'Repas avec bœuf : un nombre positif ou nul, ou vide.' })
    .waitFor();
  await checkA11y(page, 'forecast with an error');
  await beef.fill('300');
  await page.getByRole('button', { name: 'Enregistrer le prévisionnel' }).click();
  await saved(page);

  // The demo filed its forecast with the budget (version 1); the office
  // files the corrected quantities as a revision: version 2.
  const table = page.getByTestId('fc-versions');
  assert.match(
    (await table.locator('tbody tr').allTextContents())[0],
    /^1Devis \(dépôt avec le budget\)/,
  );
  assert.equal(await page.getByLabel('Intitulé de la version').inputValue(), 'Révision 1');
  await page.getByRole('button', { name: 'Déposer cette version' }).click();
  await table.locator('tbody tr').nth(1).waitFor({ timeout: 15000 });
  const v2 = await api.call('GET', `${P}/forecast/2`);
  assert.equal(v2.status, 200, v2.text);
  assert.equal(v2.json.items.find((i) => i.indicator === 'hotel_nights').value, 100);
  const kg2 = v2.json.footprint.total_kg;

  // Another revision: 300 hotel nights, version 3; versions 1 and 2 stay.
  await page.getByLabel(/^Nuits d.hôtel \(nuits\)$/).fill('300');
  await page.getByRole('button', { name: 'Enregistrer le prévisionnel' }).click();
  await saved(page);
  await page.waitForFunction(
    () => document.querySelector('input[name="fc-label"]')?.value === 'Révision 2',
  );
  await page.getByRole('button', { name: 'Déposer cette version' }).click();
  await table.locator('tbody tr').nth(2).waitFor({ timeout: 15000 });
  const rows = await table.locator('tbody tr').allTextContents();
  assert.match(rows[1], /^2Révision 1/);
  assert.match(rows[2], /^3Révision 2/);
  const v1 = await api.call('GET', `${P}/forecast/1`);
  assert.equal(v1.json.items.find((i) => i.indicator === 'hotel_nights').value, demoHotel);
  assert.equal((await api.call('GET', `${P}/forecast/2`)).json.footprint.total_kg, kg2);
  const v3 = await api.call('GET', `${P}/forecast/3`);
  // 200 more hotel nights at 6.93 kgCO2e (the demo's factor set 2).
  assert.ok(Math.abs(v3.json.footprint.total_kg - kg2 - 200 * 6.93) < 1e-6);
  await checkA11y(page, 'forecast filed');
  await shot(page, 'office-12-forecast');
  assert.deepEqual(errors, []);
  await ctx.close();
});
