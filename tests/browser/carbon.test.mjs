// Indicators and the footprint in the PWA (docs/carbon.md), against the real
// server with the demo production: the office's footprint charts (SVG with
// role="img", title, desc and a data table, axe clean), the missing view and
// the schedule editor, and a crew phone's reminders, still there offline
// (the server process stops), with the how-to guide from quick entry.
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
  swReady,
  cleanup,
  PRODUCTION,
} from './helpers.mjs';

const dir = tempDir('carbon');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const api = await officeSession(server.url);
const P = `/api/v1/productions/${PRODUCTION}`;

test('the API gives the demo a weekly schedule and refuses bad input', async () => {
  const s = await api.call('GET', `${P}/schedule`);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.frequency, 'weekly', 'a 6-week documentary is collected weekly');
  const bad = await api.call('PUT', `${P}/schedule/van_km`, {
    frequency: 'sometimes',
    dept: 'regie',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'frequency');
  // Sofia (régie) is to report electric car kilometres every day: nothing
  // in the demo covers them, so they are due today and overdue since day 1.
  const put = await api.call('PUT', `${P}/schedule/car_electric_km`, {
    frequency: 'daily',
    dept: 'regie',
    member_id: 'm-sofia',
  });
  assert.equal(put.status, 200, put.text);
});

test('office: footprint charts with text alternatives, axe clean', async () => {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'allow',
    locale: 'fr-FR',
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill('eco@demo.ecoplateau.fr');
  await page.getByLabel('Mot de passe').fill('demo-ecoplateau');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await page.waitForFunction(
    () => window.ecoplateau.client.status.lastSync > 0 && !window.ecoplateau.client.status.running,
    null,
    { timeout: 20000 },
  );

  await page.getByRole('link', { name: 'Bilan carbone' }).first().click();
  await page
    .getByRole('heading', { name: 'Par catégorie Carbon’Clap' })
    .waitFor({ timeout: 15000 });
  for (const key of ['category', 'theme', 'week', 'targets']) {
    const svg = page.locator(`svg[data-testid="chart-${key}"]`);
    assert.equal(await svg.count(), 1, `chart ${key} drawn`);
    assert.equal(await svg.getAttribute('role'), 'img');
    const [tid, did] = (await svg.getAttribute('aria-labelledby')).split(' ');
    assert.ok((await page.locator(`[id="${tid}"]`).textContent()).length > 3, `${key}: a title`);
    assert.ok(
      (await page.locator(`[id="${did}"]`).textContent()).length > 10,
      `${key}: a description`,
    );
    // The same numbers as a table right after the picture.
    const rows = await svg.locator('xpath=following-sibling::div[1]//tbody/tr').count();
    assert.ok(rows > 0, `${key}: a data table`);
  }
  // All eight Carbon'Clap categories, provisional and final side by side.
  const cat = page.locator('svg[data-testid="chart-category"] + div table');
  assert.equal(await cat.locator('tbody tr').count(), 8);
  assert.deepEqual(await cat.locator('thead th').allTextContents(), [
    'Élément',
    'Définitif (relevés)',
    'Prévisionnel (estimations)',
  ]);
  assert.match(
    await cat.locator('tbody tr').filter({ hasText: 'Transport' }).textContent(),
    /kgCO2e.*kgCO2e/,
  );
  // The weekly bars: one row per week with readings, in kgCO2e.
  assert.match(
    await page.locator('svg[data-testid="chart-week"] + div tbody').textContent(),
    /semaine du \d{1,2}(?:er)? [a-zé]+\.?/,
  );
  // ...beside the provisional spread over the production's weeks.
  assert.deepEqual(
    await page.locator('svg[data-testid="chart-week"] + div thead th').allTextContents(),
    ['Élément', 'Définitif (relevés)', 'Prévisionnel (moyenne par semaine)'],
  );
  await page.getByText(/Complétude de la collecte/).waitFor();
  // The final footprint per phase (docs/carbon.md "Phases"): the demo is
  // mid-shoot, its readings in the shooting phase; the phases make the
  // total, as the categories do (each figure rounded to the kilogram).
  const phases = page.locator('svg[data-testid="chart-phase"] + div table');
  assert.deepEqual(await phases.locator('tbody th').allTextContents(), [
    'préparation',
    'tournage',
    'postproduction',
  ]);
  const kgs = (table) =>
    table
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) =>
          Number(r.querySelector('td').textContent.split('kg')[0].replace(/\D/g, '')),
        ),
      );
  const byPhase = await kgs(phases);
  const sum = (a) => a.reduce((n, x) => n + x, 0);
  assert.ok(byPhase[1] > 0, 'the shoot counts');
  assert.ok(Math.abs(sum(byPhase) - sum(await kgs(cat))) <= 8, 'they add up to the total');
  // docs/carbon.md, "Comparing provisional and final": the comparison says
  // it is running and what it covers, lists what is missing (never a
  // reduction), how each van was counted, and links the exports, which
  // download with the office's session.
  assert.match(
    await page.getByTestId('fp-status').textContent(),
    /^En cours : prévisionnel au prorata des jours de tournage écoulés \(\d+ sur \d+\)/,
  );
  // The gaps are against the forecast filed with the budget, named and dated.
  assert.match(
    await page.getByTestId('fp-forecast').textContent(),
    /^Comparé au prévisionnel déposé : version 1 « Devis \(dépôt avec le budget\) », déposée le \d+ \S+ \d{4} \(jeu de facteurs n° 2\)\.$/,
  );
  // Filed with set 2, the readings computed with set 2: one set, no warning.
  assert.equal(await page.getByTestId('fp-forecast-mixed').count(), 0);
  assert.match(
    await page.getByTestId('fp-coverage').textContent(),
    /^Émissions attendues couvertes : \d+\s%/,
  );
  assert.match(
    await page.getByTestId('fp-missing').textContent(),
    /Nuits d.hôtel : ~[\d\s]+ kgCO2e attendus/,
  );
  assert.match(
    await page.getByTestId('fp-methods').textContent(),
    /Utilitaire 1 \(fourgon régie\) : carburant \([\d  ]+ L/,
  );
  const links = await page
    .getByTestId('fp-exports')
    .locator('a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(
    links.map((l) => l.replace(/^.*\/footprint/, 'footprint')),
    [
      'footprint.xlsx?lang=fr',
      'footprint.pdf?lang=fr',
      'footprint.csv?kind=final&lang=fr',
      'footprint.csv?kind=provisional&lang=fr',
    ],
  );
  for (const l of links)
    assert.equal(await page.evaluate((u) => fetch(u).then((r) => r.status), l), 200, l);
  // The demo's sorted glass and reused set materials have no factor in its
  // set 2: the CSV lists them as recorded, not converted, never as zero.
  const csv = await page.evaluate((u) => fetch(u).then((r) => r.text()), links[2]);
  assert.match(
    csv,
    /;Verre trié;[\d,]+;kg;Régie [\d\s ]+;"relevé, non converti \(pas de facteur\)";/,
  );
  assert.match(
    csv,
    /;Matériaux de décor réemployés;[\d,]+;kg;Décor [\d\s ]+;"relevé, non converti/,
  );
  // The factor set: the demo filed its forecast with set 2 and stays on it;
  // set 5 is offered with what it would change, applied only on request.
  assert.match(
    await page.getByTestId('fs-using').textContent(),
    /^Calculé avec le jeu 2 \(publié le \d{1,2}(?:er)? [a-zéû]+ \d{4}\), épinglé pour cette production/,
  );
  assert.match(
    await page.getByTestId('fs-changes').textContent(),
    /Le jeu 5 est disponible : \d+ facteurs changeraient\..*Fret en porteur \(camion rigide 12 à 20 t, gazole B7\) : nouveau, 0,16 kgCO2e \/ t × km/s,
  );
  await page.getByText(/^Les \d+ facteurs du jeu, avec leur source$/).click();
  const vanRow = page
    .getByTestId('fs-factors')
    .locator('tbody tr')
    .filter({ hasText: 'Voiture gazole' });
  assert.match(await vanRow.textContent(), /0,227 kgCO2e \/ km27966\s*2018officiel/);
  await checkA11y(page, 'footprint charts');
  await shot(page, 'office-10-footprint-charts');
  await page.getByRole('button', { name: 'Passer au jeu 5' }).click();
  await page.getByText('C’est le jeu le plus récent.').waitFor({ timeout: 15000 });
  assert.match(await page.getByTestId('fs-using').textContent(), /^Calculé avec le jeu 5 /);
  const fsNow = await api.call('GET', `${P}/factor-sets`);
  assert.equal(fsNow.json.pinned.version, 5);
  // The filed forecast keeps set 2; the readings now use set 5: the
  // comparison says it mixes two sets, on the screen and in the exports.
  assert.match(await page.getByTestId('fp-forecast').textContent(), /\(jeu de facteurs n° 2\)\.$/);
  assert.equal(
    await page.getByTestId('fp-forecast-mixed').textContent(),
    'Les relevés sont calculés avec le jeu de facteurs n° 5 : une partie des écarts vient du changement de facteurs, pas de l’activité.',
  );
  const csv5 = await page.evaluate((u) => fetch(u).then((r) => r.text()), links[2]);
  assert.match(
    csv5,
    /\(jeu de facteurs n° 2\) ; relevés calculés avec le jeu de facteurs n° 5 : une partie des écarts/,
  );

  // What is missing, and the schedule editor.
  await page.getByRole('link', { name: 'Voir ce qui manque' }).click();
  await page.getByRole('heading', { name: 'Ce qui manque' }).waitFor();
  const missing = page.locator('table[data-testid="missing"]');
  const row = missing.locator('tbody tr').filter({ hasText: 'Kilomètres en voiture électrique' });
  assert.match(await row.textContent(), /Sofia/);
  assert.match(await row.textContent(), /\d+ manquant/);
  assert.match(await page.getByTestId('completeness').textContent(), /attendus/);
  await checkA11y(page, 'missing view');
  await shot(page, 'office-11-missing');
  // The office switches the van's kilometres to daily.
  const hotel = 'Kilomètres en utilitaire';
  await page.getByLabel(`Fréquence : ${hotel}`).selectOption('daily');
  await page.getByRole('button', { name: `Enregistrer : ${hotel}` }).click();
  await page.getByRole('button', { name: `Revenir au défaut : ${hotel}` }).waitFor();
  const s = await api.call('GET', `${P}/schedule`);
  const item = s.json.items.find((x) => x.indicator === 'van_km');
  assert.equal(item?.frequency, 'daily');
  assert.equal(item?.source, 'office');
  // Naming a person sets the line's department to theirs.
  const grid = 'Électricité du réseau';
  assert.equal(await page.getByLabel(`Département : ${grid}`).inputValue(), 'image');
  await page.getByLabel(`Qui relève : ${grid}`).selectOption('m-sofia');
  assert.equal(await page.getByLabel(`Département : ${grid}`).inputValue(), 'regie');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('phone: reminders on my day, offline too, and the guide from quick entry', async () => {
  const { page } = await phone(browser);
  const inv = await invite(api, 'm-sofia');
  await pairPhone(page, server.url + '/#pair=' + inv.code, 'Téléphone de Sofia');
  await page.goto(server.url + '/#/jour');
  await page.getByRole('heading', { name: 'Relevés à faire' }).waitFor({ timeout: 15000 });
  const reminder = page.getByTestId('reminder');
  assert.match(
    await reminder.textContent(),
    /Rappel : [1-9]\d* relevés? à faire pour la période en cours, [1-9]\d* en retard/,
  );
  assert.equal(await reminder.getAttribute('role'), 'status');
  const car = page.getByTestId('due-item').filter({ hasText: 'Kilomètres en voiture électrique' });
  assert.match(await car.textContent(), /À relever : aujourd’hui/);
  assert.match(await car.textContent(), /En retard \(\d+\)/);
  await checkA11y(page, 'my day with reminders');
  await shot(page, 'phone-10-reminders');
  await swReady(page);

  // The network goes; the reminders stay, and a reading made offline counts.
  await server.stop();
  await page.reload();
  await ready(page);
  await page.getByRole('heading', { name: 'Relevés à faire' }).waitFor({ timeout: 15000 });
  assert.match(
    await page
      .getByTestId('due-item')
      .filter({ hasText: 'Kilomètres en voiture électrique' })
      .textContent(),
    /À relever : aujourd’hui/,
  );

  await page.getByRole('link', { name: 'Saisir : Kilomètres en voiture électrique' }).click();
  await page.waitForSelector('input[name="value"]');
  const guide = page.getByTestId('guide-link');
  assert.equal(await guide.getAttribute('href'), '#/guide?i=car_electric_km');
  await guide.click();
  await page
    .getByRole('heading', { name: 'Comment relever : Kilomètres en voiture électrique' })
    .waitFor();
  assert.match(await page.getByTestId('guide-where').textContent(), /compteur kilométrique/);
  await checkA11y(page, 'guide');
  await shot(page, 'phone-11-guide');
  await page.getByRole('link', { name: 'Saisir ce relevé' }).click();
  await page.waitForSelector('input[name="value"]');
  await page.locator('input[name="value"]').fill('42');
  await page.locator('select[name="vehicle"]').selectOption('zoe-1');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForFunction(() => window.ecoplateau.client.status.pending === 1);
  await page.goto(page.url().replace(/#.*$/, '') + '#/jour');
  await page.getByRole('heading', { name: 'Relevés à faire' }).waitFor();
  const after = await page
    .getByTestId('due-item')
    .filter({ hasText: 'Kilomètres en voiture électrique' })
    .textContent();
  assert.doesNotMatch(
    after,
    /À relever : aujourd’hui/,
    'today is covered by the reading made offline',
  );
  assert.match(after, /En retard/, 'the past days are still missing');
  assert.deepEqual(page.errors, []);
});
