// Entry the way crews count (docs/pwa.md "Quick entry"): the odometer's start
// and end with the difference computed, a past day within the production's
// days only, and after saving, what was recorded and that it waits for the
// network, then that it went.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  tempDir,
  startServer,
  launch,
  phone,
  ready,
  checkA11y,
  shot,
  officeSession,
  invite,
  pairPhone,
  syncNow,
  pullAll,
  cleanup,
  waitInPage,
  PRODUCTION,
} from './helpers.mjs';

const dir = tempDir('entry');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

test('odometer difference, a past day within the production, the receipt', async () => {
  const office = await officeSession(server.url);
  const P = await phone(browser);
  const page = P.page;
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(office, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  // Ma journée fetched the schedule: its days bound the date picker.
  const mine = await page.evaluate(async () => {
    for (let i = 0; i < 40; i++) {
      const s = await (await import('/js/store.js')).getMeta('collectMine', null);
      if (s?.first_day) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    return null;
  });
  assert.ok(mine?.first_day, 'the schedule names the first day a reading may carry');

  await page.goto(server.url + '/#/saisie?i=van_km');
  await ready(page);
  await page.waitForSelector('form select[name="indicator"]');
  const at = page.locator('input[name="at"]');
  assert.equal(await at.getAttribute('min'), mine.first_day);
  const max = await at.getAttribute('max');
  assert.ok(max <= new Date().toISOString().slice(0, 10));

  // End below start: refused on the field, nothing recorded.
  await page.getByLabel('Compteur au départ (km)').fill('12 465');
  await page.getByLabel('Compteur à l’arrivée (km)').fill('12 345');
  await page.locator('select[name="vehicle"]').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page
    .getByText('Le compteur à l’arrivée doit être au moins celui du départ.')
    .first()
    .waitFor();
  assert.equal(await page.evaluate(() => window.ecoplateau.client.status.pending), 0);

  // Start and end: the difference is computed and becomes the value.
  await page.getByLabel('Compteur au départ (km)').fill('12345');
  await page.getByLabel('Compteur à l’arrivée (km)').fill('12465,5');
  await page.getByTestId('odo-diff').getByText('Différence : 120,5 km').waitFor();
  assert.equal(await page.locator('input[name="value"]').inputValue(), '120,5');

  // A day before the production is refused on the date field.
  const before = new Date(Date.parse(mine.first_day) - 86400000).toISOString().slice(0, 10);
  await at.fill(before);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page
    .getByText(/Choisissez un jour de la production/)
    .first()
    .waitFor();

  // A past day of the production, offline: recorded, waiting for the network.
  const day = max > mine.first_day ? max : mine.first_day;
  const past = new Date(Date.parse(day) - 86400000).toISOString().slice(0, 10);
  const chosen = past >= mine.first_day ? past : day;
  await at.fill(chosen);
  await P.ctx.setOffline(true);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor();
  // What was saved, for which vehicle, on which day, in words (no ISO date).
  assert.match(await receipt.textContent(), /120,5\u00a0km enregistrés pour \S/);
  const inWords = new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${chosen}T12:00:00`));
  assert.ok((await receipt.textContent()).includes(inWords), `the receipt names ${inWords}`);
  assert.doesNotMatch(await receipt.textContent(), /\d{4}-\d{2}-\d{2}/);
  await receipt.getByText('En attente du réseau').waitFor();
  await checkA11y(page, 'entry receipt');
  await shot(page, 'entry-01-receipt-waiting');

  // Back online: it goes, and the receipt says so.
  await P.ctx.setOffline(false);
  await syncNow(page);
  await receipt.getByText('Envoyé au bureau de production.').waitFor({ timeout: 15000 });

  const r = (await pullAll(office)).find(
    (o) => o.col === 'readings' && o.fields.odometer_end === 12465.5,
  );
  assert.ok(r, 'the reading reached the server');
  assert.equal(r.fields.value, 120.5);
  assert.equal(r.fields.odometer_start, 12345);
  assert.equal(r.fields.at, chosen);

  // One tap from the receipt corrects it, with the odometer kept.
  await receipt.getByRole('link', { name: 'Corriger cette saisie' }).click();
  await page.getByRole('heading', { name: /Corriger/ }).waitFor();
  assert.equal(await page.getByLabel('Compteur au départ (km)').inputValue(), '12345');
  await shot(page, 'entry-02-correction');
  assert.deepEqual(P.page.errors, []);
  await P.ctx.close();
});

test('meals: a total and the known diets, the rest of unknown diet', async () => {
  const office = await officeSession(server.url);
  const P = await phone(browser);
  const page = P.page;
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(office, 'm-nour')).code,
    'Téléphone cantine',
  );
  await page.goto(server.url + '/#/saisie?i=meals_vegetarian');
  await ready(page);
  await page.getByLabel('Nombre total de repas').waitFor();
  // More known diets than the total: refused, nothing recorded.
  await page.getByLabel('Nombre total de repas').fill('10');
  await page.getByRole('textbox', { name: 'Repas végétariens' }).fill('18');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Les régimes connus font 18 repas, plus que le total.').first().waitFor();
  assert.equal(await page.evaluate(() => window.ecoplateau.client.status.pending), 0);
  // The journey's "46 repas dont 18 végétariens".
  await page.getByLabel('Nombre total de repas').fill('46');
  await page
    .getByTestId('meal-rest')
    .getByText(/Régime inconnu : 28 repas/)
    .waitFor();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  const receipt = page.getByTestId('receipt');
  await receipt.getByText(/46 repas : 18 repas végétariens, 28 repas de régime inconnu/).waitFor();
  await receipt.getByText(/facteur moyen/).waitFor();
  await checkA11y(page, 'meal entry receipt');
  await shot(page, 'entry-03-meals-unknown-diet');
  await syncNow(page);
  await receipt.getByText('Envoyé au bureau de production.').waitFor({ timeout: 15000 });
  const mine = (await pullAll(office)).filter(
    (o) =>
      o.col === 'readings' &&
      (o.fields.indicator === 'meals_unknown' || o.fields.indicator === 'meals_vegetarian') &&
      (o.fields.value === 28 || o.fields.value === 18) &&
      o.fields.at === new Date().toISOString().slice(0, 10),
  );
  assert.deepEqual(mine.map((o) => [o.fields.indicator, o.fields.value]).sort(), [
    ['meals_unknown', 28],
    ['meals_vegetarian', 18],
  ]);
  assert.deepEqual(P.page.errors, []);
  await P.ctx.close();
});

// docs/carbon.md "Phases": on a day two phases share the phone asks the
// reading's phase; on any other it shows the phase the server derives. A
// reading kept offline while the office moved the dates is refused by the
// server (invalid_date), and the phone says why in French.
test('the phase on a shared day; a date the server refuses, shown in French', async () => {
  const office = await officeSession(server.url);
  const path = `/api/v1/productions/${PRODUCTION}`;
  const prod = (await office.call('GET', path)).json;
  const shoot = prod.phases.shooting;
  const dayBefore = (iso, n) => new Date(Date.parse(iso) - n * 86400000).toISOString().slice(0, 10);
  // Preparation ends the day the shoot starts: that day is in both.
  const prep = { from: dayBefore(shoot.from, 10), to: shoot.from };
  let r = await office.call('PUT', path, { phases: { preparation: prep, shooting: shoot } });
  assert.equal(r.status, 200, r.text);

  const P = await phone(browser);
  const page = P.page;
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(office, 'm-paul')).code,
    'Téléphone de Paul',
  );
  const mine = await waitInPage(page, async () => {
    const s = await (await import('/js/store.js')).getMeta('collectMine', null);
    return s?.calendar?.preparation ? s : null;
  });
  assert.deepEqual(mine.calendar.preparation, prep);

  await page.goto(server.url + '/#/saisie?i=waste_wood_kg');
  await ready(page);
  const at = page.locator('input[name="at"]');
  const phaseSel = page.getByLabel('Phase', { exact: true });
  await at.fill(shoot.from);
  await phaseSel.waitFor();
  assert.deepEqual(await phaseSel.locator('option').allTextContents(), ['préparation', 'tournage']);
  assert.equal(await phaseSel.inputValue(), 'shooting', 'the indicator’s own phase first');
  await checkA11y(page, 'entry on a day two phases share');
  await shot(page, 'entry-04-shared-day-phase');
  await phaseSel.selectOption('preparation');
  await page.locator('input[name="value"]').fill('12');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByTestId('receipt').waitFor();
  await syncNow(page);
  await page
    .getByTestId('receipt')
    .getByText('Envoyé au bureau de production.')
    .waitFor({ timeout: 15000 });
  const said = (await pullAll(office)).find(
    (o) => o.col === 'readings' && o.fields.indicator === 'waste_wood_kg' && o.fields.value === 12,
  );
  assert.equal(said?.fields.phase, 'preparation');

  // A day of preparation only: no question, the phase is shown.
  const prepDay = dayBefore(shoot.from, 5);
  await at.fill(prepDay);
  await page.getByText('Phase : préparation.').waitFor();
  assert.equal(await phaseSel.isVisible(), false);

  // Recorded offline; meanwhile the office drops the preparation phase.
  await P.ctx.setOffline(true);
  await page.locator('input[name="value"]').fill('7');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByTestId('receipt').getByText('En attente du réseau').waitFor();
  r = await office.call('PUT', path, { phases: { shooting: shoot } });
  assert.equal(r.status, 200, r.text);
  await P.ctx.setOffline(false);
  await syncNow(page);
  await waitInPage(page, () =>
    [...window.ecoplateau.client.status.outbox.values()].some(
      (x) => x.status === 'rejected' && x.code === 'invalid_date',
    ),
  );
  await page.goto(server.url + '/#/entrees');
  await ready(page);
  const card = page.getByTestId('entries').locator('li', { hasText: 'refusé par le serveur' });
  await card.getByText(/La date est hors des dates de la production/).waitFor();
  assert.doesNotMatch(await card.textContent(), /invalid_date|\d{4}-\d{2}-\d{2}/);
  await checkA11y(page, 'a reading refused for its date');
  await shot(page, 'entry-05-refused-date');
  assert.deepEqual(P.page.errors, []);
  await P.ctx.close();
});
