// The directory and the action plan (docs/plan.md) in the real app: the company
// directory imported as CSV is searched and filtered with the network cut
// (after a reload: the shell from the service worker, the records from
// IndexedDB); an action is started from the library, flagged as a draft,
// and reaches the server; a crew phone is turned away from the plan editor.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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
  syncNow,
  pullAll,
  PRODUCTION,
  officeSignIn,
} from './helpers.mjs';
import { cleanup } from './helpers.mjs';

const dir = tempDir('plan');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const hlcNow = (i = 0) => Date.now().toString(16).padStart(12, '0') + '-000' + i;

// The company's criteria (through sync), then the directory (CSV import).
async function seedDirectory(office) {
  const ops = [
    ['crit-cle-verte', 'Clé Verte ou Écolabel européen'],
    ['crit-veg', 'Menu végétarien'],
  ].map(([id, label], i) => ({
    op: randomUUID(),
    col: 'criteria',
    id,
    kind: 'put',
    hlc: hlcNow(i),
    dev: office.device,
    fields: { label },
  }));
  const r = await office.call('POST', '/api/v1/sync/push', {
    schema: 1,
    device: office.device,
    ops,
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(
    r.json.results.map((x) => x.status),
    ['applied', 'applied'],
  );
  const csv =
    '\uFEFFnom;type;périmètre;lieu;niveau de prix;critères remplis;preuves\r\n' +
    'Hôtel du Lac;prestataire;hébergement;Ornans;€€;crit-cle-verte;"Clé Verte n° 1234; vérifié le 2 septembre"\r\n' +
    'Le Bon Traiteur;prestataire;restauration;Besançon;€;crit-veg;Menu du jour végétarien\r\n' +
    'Navettes du Doubs;prestataire;transport;Pontarlier;€€€;;\r\n';
  const res = await fetch(`${server.url}/api/v1/productions/${PRODUCTION}/directory/import`, {
    method: 'POST',
    body: csv,
    headers: { Cookie: office.cookie, 'X-EP-CSRF': office.me.csrf, 'Content-Type': 'text/csv' },
  });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal((await res.json()).imported, 3);
}

test('the office searches the directory offline and starts an action from the library', async () => {
  const office = await officeSession(server.url);
  await seedDirectory(office);
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'allow',
    locale: 'fr-FR',
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await officeSignIn(page, server.url);
  await swReady(page);

  // Offline from here: reload, the directory opens and searches from IndexedDB.
  await ctx.setOffline(true);
  await page.reload();
  await ready(page);
  await page.getByRole('link', { name: 'Annuaire des fournisseurs' }).click();
  await page.getByRole('heading', { name: 'Annuaire écoresponsable' }).waitFor();
  const count = page.locator('#dir-count');
  await page.waitForFunction(
    () => document.getElementById('dir-count')?.textContent === '7 sur 7 fiches',
  );
  // Accents and case do not matter; the criterion's label is searched too.
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill('cle verte');
  assert.equal(await count.textContent(), '2 sur 7 fiches'); // ours and the demo's hotel
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill('cle verte 1234');
  assert.equal(await count.textContent(), '1 sur 7 fiches');
  await page.locator('#dir-list').getByRole('heading', { name: 'Hôtel du Lac' }).waitFor();
  assert.match(
    await page.locator('#dir-list').textContent(),
    /Clé Verte n° 1234; vérifié le 2 septembre/,
  );
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill('');
  await page.getByLabel('Périmètre').first().selectOption('catering');
  assert.equal(await count.textContent(), '2 sur 7 fiches');
  await page.locator('#dir-list').getByRole('heading', { name: 'Le Bon Traiteur' }).waitFor();
  await page.getByLabel('Périmètre').first().selectOption('');
  await page.getByLabel('Critère rempli').selectOption('crit-veg');
  assert.equal(await count.textContent(), '1 sur 7 fiches');
  await page.getByLabel('Critère rempli').selectOption('crit-rental');
  assert.equal(await count.textContent(), '2 sur 7 fiches'); // the demo's van hire and costumes
  await page.getByLabel('Critère rempli').selectOption('');
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill('fusée');
  assert.equal(await count.textContent(), '0 sur 7 fiches');
  // Feedback after use, written offline on the entry's card.
  await page.getByRole('searchbox', { name: 'Rechercher' }).fill('1234');
  const hotel = page.locator('#dir-list > li').filter({ hasText: 'Hôtel du Lac' });
  await hotel.getByText('Donner un retour d’usage').click();
  await hotel.getByLabel('Retour d’usage : Hôtel du Lac').fill('Calme, parking pour les camions.');
  await hotel.getByLabel('Note : Hôtel du Lac').selectOption('4');
  await hotel.getByRole('button', { name: 'Enregistrer le retour : Hôtel du Lac' }).click();
  await page.waitForFunction(() => window.ecoplateau.client.status.pending > 0);
  await checkA11y(page, 'directory offline');
  await shot(page, 'plan-01-directory-offline');
  await ctx.setOffline(false);
  await syncNow(page);
  const fb = (await pullAll(office)).filter(
    (o) => o.col === 'suppliers' && o.fields.feedback === 'Calme, parking pour les camions.',
  );
  assert.equal(fb.length, 1, 'the feedback written offline reached the server');
  assert.equal(fb[0].fields.rating, 4);

  // The plan: start an action from the library; it is a flagged draft.
  await page.goto(server.url + '/#/plan');
  await page.getByRole('heading', { name: 'Bibliothèque d’actions' }).waitFor();
  await page
    .getByRole('button', { name: 'Démarrer cette action : Un repas végétarien par semaine' })
    .click();
  const card = page
    .locator('#plan-actions li')
    .filter({ hasText: 'Un repas végétarien par semaine' });
  await card.waitFor();
  assert.match(await card.textContent(), /Brouillon : sans responsable, sans objectif chiffré/);
  assert.match(await card.textContent(), /indicateur : Repas végétariens/);
  // A new action written by hand, without owner or indicator: allowed, flagged.
  await page.getByRole('button', { name: 'Ajouter l’action' }).click();
  // (each action's card has its own editor: the new action's form is the last)
  const newTitle = page.locator('section[aria-labelledby="h-plan-new"]').getByLabel('Intitulé');
  assert.equal(await newTitle.getAttribute('aria-invalid'), 'true');
  await newTitle.fill('Gourdes pour toute l’équipe');
  await page.getByRole('button', { name: 'Ajouter l’action' }).click();
  await page
    .locator('#plan-actions li')
    .filter({ hasText: 'Gourdes pour toute l’équipe' })
    .getByText(/sans indicateur/)
    .waitFor();
  // Saving syncs, and the sync's end redraws the page: let it finish before
  // typing in the new-action form, or the redraw empties it.
  await page.waitForFunction(() => !window.ecoplateau.client.status.running, null, {
    timeout: 15000,
  });
  await page.waitForTimeout(500);
  // The demo's vegetarian action replaces beef meals: its card says what it
  // avoided against its baseline, beside its objective in kgCO2e.
  assert.match(
    await page
      .locator('#plan-actions li')
      .filter({ hasText: 'Un repas végétarien par jour au choix' })
      .getByTestId('plan-avoided')
      .textContent(),
    /^Émissions (évitées|en plus) par rapport à la mesure initiale : [\d\s  ]+ kgCO2e ; objectif : 400 kgCO2e évités \(substitution/,
  );
  // A share is a share: the form says so, and 30 is refused. (Each card has
  // its own editor with the same labels: the new-action form is scoped.)
  const add = page.locator('form', {
    has: page.getByRole('button', { name: 'Ajouter l’action' }),
  });
  await add.getByLabel('Intitulé').fill('Moitié de repas végétariens');
  await add.getByLabel('Indicateur', { exact: true }).selectOption('meals_vegetarian');
  await add.getByLabel('Type d’objectif').selectOption('share');
  assert.match(
    await add.locator('.field', { has: page.getByLabel('Cible') }).textContent(),
    /Une part en % : la part de « Repas végétariens » parmi les relevés de son thème/,
  );
  await add.getByLabel('Mesure initiale').fill('20');
  await add.getByLabel('Cible').fill('300');
  await page.getByRole('button', { name: 'Ajouter l’action' }).click();
  await page
    .getByRole('link', {
      name: 'Une part s’écrit en pourcentage, entre 0 et 100 : 30 % s’écrit 30.',
    })
    .waitFor();
  await add.getByLabel('Cible').fill('50');
  await add.getByLabel('Ce que l’action remplace').selectOption('meals_beef');
  await add.getByLabel('Objectif en kgCO2e évités (facultatif)').fill('250');
  await page.getByRole('button', { name: 'Ajouter l’action' }).click();
  await page
    .locator('#plan-actions li')
    .filter({ hasText: 'Moitié de repas végétariens' })
    .getByText(/20\s% → 50\s%/)
    .waitFor();
  await checkA11y(page, 'plan editor');
  await shot(page, 'plan-02-editor');
  await syncNow(page);
  const ops = await pullAll(office);
  const started = ops.find((o) => o.col === 'actions' && o.fields.library === 'lib-veggie-meal');
  assert.ok(started, 'the action started from the library reached the server');
  assert.equal(started.fields.indicator, 'meals_vegetarian');
  assert.equal(started.fields.status, 'draft');
  const progress = await office.call('GET', `/api/v1/productions/${PRODUCTION}/plan/progress`);
  const a = progress.json.actions.find((x) => x.id === started.id);
  assert.deepEqual(a.draft_flags, ['sans_responsable', 'sans_objectif_chiffre']);
  const half = ops.find(
    (o) => o.col === 'actions' && o.fields.title === 'Moitié de repas végétariens',
  );
  assert.equal(half.fields.measure, 'share');
  assert.equal(half.fields.target, 0.5);
  assert.equal(half.fields.replaces, 'meals_beef');
  assert.equal(half.fields.target_kg, 250);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a crew phone reads the directory but never gets the plan editor', async () => {
  const office = await officeSession(server.url);
  const P = await phone(browser);
  await pairPhone(
    P.page,
    server.url + '/#pair=' + (await invite(office, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  await P.page.goto(server.url + '/#/plan');
  await P.page.waitForURL(/#\/jour/);
  await P.page.getByRole('link', { name: 'Annuaire' }).click();
  await P.page.waitForFunction(
    () => document.getElementById('dir-count')?.textContent === '7 sur 7 fiches',
  );
  assert.equal(await P.page.getByRole('button', { name: 'Ajouter à l’annuaire' }).count(), 0);
  await checkA11y(P.page, 'directory on a crew phone');
  await shot(P.page, 'plan-03-directory-phone');
  assert.deepEqual(P.page.errors, []);
  await P.ctx.close();
});

test('the office reassigns a task with history, plans and records a checkpoint, drafts an advice note', async () => {
  const office = await officeSession(server.url);
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'allow',
    locale: 'fr-FR',
  });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await officeSignIn(page, server.url);
  // Karim's profile: keen and able. It puts him first when choosing who gets a task.
  await page.getByRole('navigation').getByRole('link', { name: 'Plan d’action' }).click();
  await page.getByRole('heading', { name: 'Profils de l’équipe' }).waitFor();
  await page.getByLabel('Membre de l’équipe').selectOption('m-karim');
  assert.equal(await page.getByLabel(/^Nom/).last().inputValue(), 'Karim Haddad');
  await page.getByLabel('Appétence').selectOption('3');
  await page.getByLabel('Savoir-faire').selectOption('2');
  await page.getByRole('button', { name: 'Ajouter le profil' }).click();
  await page
    .locator('section[aria-labelledby="h-prof"] li')
    .filter({ hasText: 'Karim Haddad' })
    .getByText(/Appétence : forte/)
    .waitFor();
  await page.getByRole('navigation').getByRole('link', { name: 'Suivi' }).click();
  await page.getByRole('heading', { name: 'Suivi du plan' }).waitFor();

  // The van's odometer task goes from Sofia to Karim; the history shows both.
  const card = page.locator('#follow-tasks > li').filter({ hasText: 'Relever le compteur' });
  assert.match(await card.textContent(), /confiée à Sofia Lopes/);
  const options = await card.getByLabel('Confier à').locator('option').allTextContents();
  assert.equal(options[1], 'Karim Haddad (Régie) — appétence forte, savoir-faire moyenne');
  await card.getByLabel('Confier à').selectOption('m-karim');
  await card.getByRole('button', { name: /^Réassigner/ }).click();
  await page
    .locator('#follow-tasks > li')
    .filter({ hasText: 'Relever le compteur' })
    .getByText(/confiée à Karim Haddad/)
    .waitFor();
  await syncNow(page);
  await page
    .locator('#follow-tasks > li')
    .filter({ hasText: 'Relever le compteur' })
    .getByRole('button', { name: /^Historique des attributions/ })
    .click();
  const hist = page
    .locator('#follow-tasks > li')
    .filter({ hasText: 'Relever le compteur' })
    .locator('ol li');
  await hist.nth(1).waitFor();
  assert.match(await hist.nth(0).textContent(), /Sofia Lopes/);
  assert.match(await hist.nth(1).textContent(), /Karim Haddad/);

  // A checkpoint: planned, then its minutes recorded.
  await page.getByLabel(/^Point d’étape/).fill('Point mi-tournage');
  await page.getByLabel('Date prévue').fill('2026-12-01');
  await page.getByRole('button', { name: 'Planifier' }).click();
  const cp = page.locator('li').filter({ hasText: 'Point mi-tournage' });
  await cp.getByText('prévu le mardi 1er décembre 2026').waitFor();
  // Planned: a calendar invitation to download, built by the server once synced.
  const icsHref = await cp.getByRole('link', { name: /Invitation d’agenda/ }).getAttribute('href');
  await syncNow(page);
  const ics = await office.call('GET', icsHref);
  assert.equal(ics.status, 200, ics.text);
  assert.match(ics.text, /SUMMARY:Point mi-tournage/);
  assert.match(ics.text, /DTSTART;TZID=Europe\/Paris:20261201T090000/);
  await cp
    .getByLabel('Compte rendu', { exact: true })
    .fill('Tri en place ; relevés cantine à relancer.');
  await cp.getByRole('button', { name: /^Enregistrer le compte rendu/ }).click();
  await page
    .locator('li')
    .filter({ hasText: 'Point mi-tournage' })
    .getByText(/tenu le/)
    .waitFor();

  // An advice note drafted from the plan for the régie, then edited.
  await page
    .locator('section[aria-labelledby="h-f-notes"] > form')
    .getByLabel('Département', { exact: true })
    .selectOption('regie');
  await page.getByRole('button', { name: 'Rédiger depuis le plan' }).click();
  const note = page.locator('#follow-notes > li').filter({ hasText: 'Note de conseil : Régie' });
  await note.waitFor();
  const body = note.getByLabel('Texte de la note', { exact: true });
  assert.match(await body.inputValue(), /^Bonjour, voici les actions du plan/);
  assert.match(await body.inputValue(), /• /);
  await body.fill((await body.inputValue()) + '\nPS : les gourdes arrivent lundi.');
  await note.getByRole('button', { name: /^Enregistrer la note/ }).click();
  await checkA11y(page, 'follow-up');
  await shot(page, 'plan-04-follow');
  await syncNow(page);
  const ops = await pullAll(office);
  assert.ok(
    ops.some((o) => o.col === 'advice' && /gourdes arrivent lundi/.test(o.fields.body || '')),
    'the edited note reached the server',
  );
  assert.ok(
    ops.some(
      (o) =>
        o.col === 'checkpoints' && o.fields.held_on && /relevés cantine/.test(o.fields.notes || ''),
    ),
  );
  const hst = await office.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/tasks/task-odometer/history`,
  );
  assert.deepEqual(
    hst.json.assignee.map((v) => v.value),
    ['m-sofia', 'm-karim'],
  );
  assert.deepEqual(errors, []);
  await ctx.close();
});
