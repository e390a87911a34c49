// Diagnose and prioritise (docs/diagnostic.md), as the office on a laptop (and the same
// screens at phone width): the C1 questionnaire saved as a draft that says
// what is missing, completed, its level and graded items, one edited; the C2
// framing with its impacts, priorities and an adjusted matrix; impossible
// values refused on their field; axe on every screen; one flow offline, then
// synced; the PDF summaries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  tempDir,
  startServer,
  launch,
  ready,
  checkA11y,
  shot,
  officeSession,
  pullAll,
  syncNow,
  DEMO_LOGIN,
  DEMO_PASSWORD,
} from './helpers.mjs';
import { cleanup } from './helpers.mjs';

const dir = tempDir('diag');
const server = await startServer(dir);
const browser = await launch();
const ctx = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  serviceWorkers: 'allow',
  locale: 'fr-FR',
  acceptDownloads: true,
});
const page = await ctx.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
after(async () => {
  await ctx.close();
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const YEAR = new Date().getFullYear();
const hlcNow = () => Date.now().toString(16).padStart(12, '0') + '-0000';
const main = page.locator('main');

// The winning value of a field of a diagnostics record on the server.
async function serverField(office, id, name) {
  const ops = (await pullAll(office)).filter(
    (o) => o.col === 'diagnostics' && o.id === id && name in o.fields,
  );
  ops.sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0));
  return ops.length ? ops[ops.length - 1].fields[name] : undefined;
}

async function submit(name) {
  await main.getByRole('button', { name }).click();
}

async function noHorizontalScroll(label) {
  const [sw, cw] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(sw <= cw, `${label}: the page scrolls sideways (${sw} > ${cw})`);
}

test('the office opens the diagnostic area from its home', async () => {
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await main.getByRole('link', { name: /Diagnostic de l’entreprise/ }).click();
  await page.getByRole('heading', { name: 'Diagnostic et analyse', level: 1 }).waitFor();
  assert.equal(await page.locator('nav#nav a[aria-current="page"]').textContent(), 'Diagnostic');
  await checkA11y(page, 'diagnostic hub');
  await shot(page, 'diag-01-hub');
});

test('C1: a partial questionnaire is a draft that says what is missing; an impossible value is refused on its field', async () => {
  // The demo has its own diagnostics (C1 this year and last, C2): emptied
  // and deleted here, the screens start from nothing, as in a new company.
  const ids = [`c1-${YEAR}`, `c1-${YEAR - 1}`, 'c2-project'];
  // Each field's current leaves are the base: a replacement, not a conflict.
  const heads = await page.evaluate(
    (list) =>
      list.map((id) => window.ecoplateau.client.replica.record('diagnostics', id)?.heads || {}),
    ids,
  );
  const office = await officeSession(server.url);
  const r = await office.call('POST', '/api/v1/sync/push', {
    schema: 1,
    device: office.device,
    ops: ids.map((id, i) => ({
      op: randomUUID(),
      col: 'diagnostics',
      id,
      kind: 'put',
      hlc: hlcNow(),
      dev: office.device,
      fields: {
        ...Object.fromEntries(Object.keys(heads[i]).map((k) => [k, null])),
        _deleted: true,
      },
      base: heads[i],
    })),
  });
  assert.equal(r.status, 200, r.text);
  await syncNow(page);
  await page.evaluate(() => window.ecoplateau.rerender());
  await main.getByRole('link', { name: `Commencer le diagnostic ${YEAR}` }).click();
  await page.getByRole('heading', { name: 'Étape 1 sur 4 : Productions' }).waitFor();
  await page.getByLabel('Nom de la société').fill('Les Films du Doubs');
  await page.getByLabel('Fiction', { exact: true }).check();
  await page.getByLabel('Documentaire', { exact: true }).check();
  await checkA11y(page, 'C1 step 1');
  await submit('Enregistrer et continuer');
  await page.getByRole('heading', { name: 'Étape 2 sur 4 : Organisation' }).waitFor();
  // Focus follows to the new step (a screen reader hears where it is).
  await page.waitForFunction(
    () => document.activeElement?.textContent === 'Étape 2 sur 4 : Organisation',
  );
  // Impossible: a negative headcount, a turnover above 100 %.
  const headcount = page.getByLabel('Effectif permanent');
  await headcount.fill('-3');
  await page.getByLabel('Renouvellement des équipes par an (%)').fill('140');
  await submit('Enregistrer et continuer');
  assert.equal(await headcount.getAttribute('aria-invalid'), 'true');
  const errId = (await headcount.getAttribute('aria-describedby')).split(' ').pop();
  assert.match(await page.locator(`[id="${errId}"]`).textContent(), /négative est impossible/);
  await page
    .locator('.error-summary')
    .getByText(/comprise entre 0 et 100/)
    .waitFor();
  await checkA11y(page, 'C1 step 2 with errors');
  await shot(page, 'diag-02-c1-errors');
  // Nothing was written for this step.
  assert.equal(
    await page.evaluate(
      (y) =>
        window.ecoplateau.client.replica.record('diagnostics', 'c1-' + y).fields.headcount ??
        undefined,
      YEAR,
    ),
    undefined,
  );
  await headcount.fill('12');
  await page.getByLabel('Part d’intermittents dans les équipes de tournage (%)').fill('70');
  await page.getByLabel('Accueil éco-responsable de chaque nouvelle équipe').selectOption('true');
  await page.getByLabel('Renouvellement des équipes par an (%)').fill('20');
  await page.getByLabel('Méthodes de production standardisées').selectOption('partial');
  await submit('Enregistrer et continuer');
  await page
    .getByRole('heading', { name: 'Étape 3 sur 4 : Partenaires et prestataires' })
    .waitFor();
  // Skip the rest: the result is a draft listing what is missing.
  await page.getByRole('link', { name: 'Résultat' }).click();
  const missing = main.locator('.warn');
  await missing.getByText(/réponses? manquantes?/).waitFor();
  for (const q of ['Partenaires financiers', 'Charte RSE', 'Éco-référent·e'])
    await missing.getByRole('link', { name: q }).waitFor();
  assert.equal(await missing.getByRole('link', { name: 'Effectif permanent' }).count(), 0);
  await main.getByText('Provisoire : les réponses manquantes comptent pour zéro.').waitFor();
  await checkA11y(page, 'C1 draft result');
  await shot(page, 'diag-03-c1-draft');
});

test('C1: completed, it gives the level with its reasoning and graded items; one is edited and kept with author and date', async () => {
  await main.locator('.warn').getByRole('link', { name: 'Partenaires financiers' }).click();
  await page.getByRole('heading', { name: /Étape 3 sur 4/ }).waitFor();
  await page.getByLabel('Partenaires financiers').fill('CNC\nRégion Bourgogne-Franche-Comté');
  await page.getByLabel('Prestataires habituels').fill('Loueur Lumière');
  await page
    .getByLabel('Critères environnementaux dans le choix des prestataires')
    .selectOption('false');
  await submit('Enregistrer et continuer');
  await page.getByRole('heading', { name: /Étape 4 sur 4/ }).waitFor();
  await page.getByLabel('Charte RSE').selectOption('true');
  await page.getByLabel('Label Ecoprod obtenu').selectOption('false');
  await page.getByLabel('Étoiles Ecoprod').fill('2');
  await page.getByLabel('Niveau AFNOR SPEC 2308 engagé').fill('1');
  await page.getByLabel('Éco-référent·e').selectOption('part_time');
  await page.getByLabel('Part des permanents formés (%)').fill('25');
  await page.getByLabel('Bilans carbone déjà réalisés').fill('2');
  await submit('Enregistrer et voir le résultat');
  // Stars without the label: refused on the field.
  assert.equal(await page.getByLabel('Étoiles Ecoprod').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Étoiles Ecoprod').fill('0');
  await submit('Enregistrer et voir le résultat');
  await page.getByRole('heading', { name: 'Niveau de maturité' }).waitFor();
  // c1-model.json: charter 12 + part-time referent 6 + no label 0 + SPEC 2308
  // level 1 on 7 chapters 9.33 + 2 footprints 5 + 25 % trained 2 + partial
  // methods 3 + continuity 6 x (0.3 x 0.5 + 0.7 x 1) = 5.1 + suppliers 0
  // = 42.4: level 3.
  await main.getByText('Niveau 3 sur 5 : Engagée (42,4 points sur 100)').waitFor();
  // The analysis in words: organisation and partners.
  await main
    .locator('section[aria-labelledby="h-ctx"]')
    .getByText(/70\u00a0% des équipes de tournage sont intermittentes/)
    .waitFor();
  assert.equal(await main.locator('.warn').count(), 0, 'complete: nothing missing');
  const reasoning = main.getByRole('table').filter({ hasText: 'Marqueur' }).first();
  await reasoning.getByRole('row', { name: /Charte RSE 12 \/ 12/ }).waitFor();
  await main
    .locator('section[aria-labelledby="h-str"]')
    .getByText("Une charte RSE formalise l'engagement de la société.")
    .waitFor();
  const weak = main.locator('section[aria-labelledby="h-weak"]');
  await weak.getByText('Aucun label Ecoprod.').waitFor();
  await weak.getByText('priorité haute').first().waitFor();
  await main
    .locator('section[aria-labelledby="h-axes"]')
    .getByText(/prime RSE\+/)
    .waitFor();
  await checkA11y(page, 'C1 complete result');
  await shot(page, 'diag-04-c1-result');

  // Edit the Ecoprod axis: new words, another priority.
  const axes = main.locator('section[aria-labelledby="h-axes"]');
  await axes.getByRole('button', { name: /^Modifier : Viser le label Ecoprod/ }).click();
  const dlg = page.getByRole('dialog', { name: 'Modifier cet élément' });
  await dlg.waitFor();
  await dlg
    .getByLabel('Texte')
    .fill('Candidater au label Ecoprod en janvier, avec le prochain long métrage.');
  await dlg.getByLabel('Priorité').selectOption('moyenne');
  await checkA11y(page, 'C1 edit dialog');
  await dlg.getByRole('button', { name: 'Enregistrer' }).click();
  const edited = axes.locator('li').filter({ hasText: 'Candidater au label Ecoprod en janvier' });
  await edited.waitFor();
  await edited.getByText('priorité moyenne').waitFor();
  await edited
    .getByText(/^Modifié par Claire Martin le \d{1,2}(?:er)? [a-zéû]+\.? \d{4}, \d\d:\d\d/)
    .waitFor();
  await shot(page, 'diag-05-c1-edited');
  // Synced, with its author and date, and printed in the C1 summary.
  await syncNow(page);
  const office = await officeSession(server.url);
  const edit = await serverField(office, 'c1-' + YEAR, 'edit_a_ecoprod_label');
  assert.equal(edit.by, 'Claire Martin');
  assert.equal(edit.priority, 'moyenne');
  assert.ok(Date.parse(edit.at) > Date.now() - 600000, edit.at);
  assert.equal(await serverField(office, 'c1-' + YEAR, 'headcount'), 12);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    main.getByRole('button', { name: 'Télécharger la synthèse PDF (compétence C1)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `diagnostic-C1-${YEAR}.pdf`);
  assert.equal(
    readFileSync(await download.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
});

test('C1: year to year, against last year’s diagnostic', async () => {
  const office = await officeSession(server.url);
  const r = await office.call('POST', '/api/v1/sync/push', {
    schema: 1,
    device: office.device,
    ops: [
      {
        op: randomUUID(),
        col: 'diagnostics',
        id: `c1-${YEAR - 1}`,
        kind: 'put',
        hlc: hlcNow(),
        dev: office.device,
        fields: {
          _deleted: false,
          kind: 'company',
          year: YEAR - 1,
          production_types: ['fiction'],
          headcount: 10,
          staff_turnover_pct: 50,
          standard_methods: 'none',
          csr_charter: false,
          ecoprod_label: false,
          afnor_spec_2308_level: 0,
          eco_referent: 'none',
          trained_staff_pct: 0,
          past_footprints: 1,
          partners: ['CNC'],
          providers: ['Loueur'],
          supplier_criteria: false,
        },
      },
    ],
  });
  assert.equal(r.status, 200, r.text);
  await syncNow(page);
  // Still on this year's result: show it again with what the sync brought.
  assert.match(page.url(), new RegExp(`#/diagnostic-c1\\?y=${YEAR}&s=result$`));
  await page.evaluate(() => window.ecoplateau.rerender());
  const cmp = main.locator('section[aria-labelledby="h-cmp"]');
  await cmp.getByRole('heading', { name: `Comparaison avec ${YEAR - 1}` }).waitFor();
  // Last year: 2.5 points (one footprint); this year 42.4.
  await cmp.getByText('Score : +39,9 points ; niveau : +2.').waitFor();
  await cmp.getByRole('row', { name: /Charte RSE 0 12/ }).waitFor();
  await checkA11y(page, 'C1 comparison');
  // The hub lists both years with their level.
  await page.getByRole('link', { name: 'Diagnostic', exact: true }).click();
  await main.getByText(/niveau 3 Engagée, 42,4 sur 100/).waitFor();
});

test('C2: the framing refuses impossible values on their field, then gives impacts, priorities and the matrix', async () => {
  await page.goto(server.url + '/#/diagnostic');
  await main.getByRole('link', { name: 'Commencer l’analyse du projet' }).click();
  await page.getByRole('heading', { name: 'Analyse du projet (C2)' }).waitFor();
  await page.getByLabel('Titre du projet').fill('Marée basse');
  await page.getByLabel('Type de production').selectOption('fiction');
  await page.getByLabel('Format (durée, épisodes…)').fill('Long métrage, 100 min');
  await page.getByLabel('Budget fixé par la direction de production (€)').fill('4 500 000');
  await page.getByLabel('Jours de tournage').fill('-50');
  await page.getByLabel('dont jours en studio').fill('5');
  await page.getByLabel('Nuits de tournage').fill('10');
  await page.getByLabel('Hiver').check();
  await main.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await page.getByLabel('Nom du lieu').fill('Plage');
  await page.getByLabel('Distance depuis la base (km)').fill('35');
  await page.getByLabel('Espace naturel protégé').check();
  await main.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await page.getByLabel('Nom du lieu').nth(1).fill('Port');
  await page.getByLabel('Distance depuis la base (km)').nth(1).fill('-60');
  await page.getByLabel('Distance depuis le lieu précédent (km)').nth(1).fill('30');
  // A third location added by mistake, removed.
  await main.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await page.getByRole('group', { name: 'Lieu 3' }).waitFor();
  await main.getByRole('button', { name: 'Retirer le lieu 3' }).click();
  assert.equal(await page.getByRole('group', { name: /^Lieu \d$/ }).count(), 2);
  await page.getByLabel('Taille de l’équipe technique').fill('70');
  await page.getByLabel('Comédiens et figurants').fill('12');
  await page.getByLabel('Voyages en train (passagers·km)').fill('20000');
  await page.getByLabel('Nuitées d’hébergement').fill('2500');
  await page.getByLabel('Décors à construire').fill('1');
  await page.getByLabel('Restauration').selectOption('caterer');
  await page.getByLabel('Part de repas végétariens (%)').fill('30');
  await page.getByLabel('Format image final').selectOption('4K UHD');
  await page.getByLabel('Volume de rushes (To)').fill('40');
  await page.getByLabel('Durée de conservation des rushes (années)').fill('2');
  await submit('Enregistrer et analyser');
  const days = page.getByLabel('Jours de tournage');
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  // Studio days are only compared with a valid number of shooting days.
  assert.equal(await page.getByLabel('dont jours en studio').getAttribute('aria-invalid'), null);
  const dist = page.getByLabel('Distance depuis la base (km)').nth(1);
  assert.equal(await dist.getAttribute('aria-invalid'), 'true');
  const distErr = (await dist.getAttribute('aria-describedby')).split(' ').pop();
  assert.match(await page.locator(`[id="${distErr}"]`).textContent(), /négative est impossible/);
  await checkA11y(page, 'C2 framing with errors');
  await shot(page, 'diag-06-c2-errors');
  assert.equal(
    await page.evaluate(
      () =>
        window.ecoplateau.client.replica.record('diagnostics', 'c2-project')?.fields
          .shooting_days ?? null,
    ),
    null,
    'nothing saved',
  );
  await days.fill('50');
  await dist.fill('60');
  await submit('Enregistrer et analyser');
  await page.getByRole('heading', { name: 'Ce que chaque élément implique' }).waitFor();
  const impacts = main.locator('section[aria-labelledby="h-impacts"]');
  for (const e of [
    'Lieux de tournage',
    'Zone protégée',
    'Hébergement',
    'Tournages de nuit',
    'Saison',
    'Restauration',
    'Déplacements entre lieux',
    'Format image',
  ]) {
    await impacts.getByText(e, { exact: true }).first().waitFor();
  }
  // Shuttles to the coast and hotel nights: mobility first, a priority.
  const themes = main.locator('section[aria-labelledby="h-themes"] tbody tr');
  assert.equal(await themes.count(), 5);
  assert.match(await themes.first().textContent(), /^1Mobilité/);
  assert.match(await themes.first().textContent(), /Prioritaire/);
  const matrix = main.locator('table.matrix');
  await matrix.locator('td.q-prioritaire').getByText('Mobilité').waitFor();
  assert.equal(await matrix.locator('td.q-prioritaire').getByText('Déchets').count(), 0);
  await main.getByText(/Carbone \(mesure et bilans\)/).waitFor();
  // The library's actions by kgCO2e avoided per euro; no envelope set: said so.
  const acts = main.locator('section[aria-labelledby="h-actions"]');
  await acts.getByText(/Enveloppe non fixée par la direction de production/).waitFor();
  assert.ok((await acts.locator('tbody tr').count()) >= 3);
  await acts.getByText('Raccordement au réseau plutôt que groupe').waitFor();
  await checkA11y(page, 'C2 result');
  await shot(page, 'diag-07-c2-result');
});

test('C2: the office adjusts the matrix; the placement is saved with who and when', async () => {
  await main.getByRole('button', { name: 'Ajuster la place de Déchets dans la matrice' }).click();
  const dlg = page.getByRole('dialog', { name: 'Ajuster : Déchets' });
  await dlg.waitFor();
  await dlg.getByLabel('Budget et effort').selectOption('1');
  await dlg.getByLabel('Impact').selectOption('high');
  await checkA11y(page, 'C2 adjust dialog');
  await dlg.getByRole('button', { name: 'Enregistrer' }).click();
  const matrix = main.locator('table.matrix');
  await matrix.locator('td.q-prioritaire').getByText('Déchets').waitFor();
  const row = main
    .locator('section[aria-labelledby="h-themes"] tbody tr')
    .filter({ hasText: 'Déchets' });
  await row.getByText(/ajusté par Claire Martin le/).waitFor();
  await shot(page, 'diag-08-c2-adjusted');
  await syncNow(page);
  const office = await officeSession(server.url);
  const adj = await serverField(office, 'c2-project', 'adj_waste');
  assert.equal(adj.impact, 'high');
  assert.equal(adj.effort, 1);
  assert.equal(adj.by, 'Claire Martin');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    main.getByRole('button', { name: 'Télécharger la synthèse PDF (compétence C2)' }).click(),
  ]);
  assert.equal(
    readFileSync(await download.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
});

test('at phone width, the screens reflow without sideways scrolling', async () => {
  await page.setViewportSize({ width: 360, height: 780 });
  await noHorizontalScroll('C2 result at 360 px');
  await page.goto(`${server.url}/#/diagnostic-c1?y=${YEAR}&s=4`);
  await page.getByRole('heading', { name: /Étape 4 sur 4/ }).waitFor();
  await noHorizontalScroll('C1 step 4 at 360 px');
  await checkA11y(page, 'C1 step 4 at 360 px');
  await shot(page, 'diag-09-phone-step');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('offline: a step saved as a draft in the outbox, the result waits; back online it syncs', async () => {
  await page.goto(`${server.url}/#/diagnostic-c1?y=${YEAR}&s=2`);
  await page.getByRole('heading', { name: /Étape 2 sur 4/ }).waitFor();
  await ctx.setOffline(true);
  await page.getByLabel('Effectif permanent').fill('15');
  await submit('Enregistrer et continuer');
  await page.getByRole('heading', { name: /Étape 3 sur 4/ }).waitFor();
  await page.getByRole('link', { name: 'Résultat' }).click();
  await main.getByText(/Hors ligne : vos réponses sont enregistrées sur cet appareil/).waitFor();
  assert.ok((await page.evaluate(() => window.ecoplateau.client.status.pending)) >= 1);
  await checkA11y(page, 'C1 result offline');
  await shot(page, 'diag-10-offline');
  const office = await officeSession(server.url);
  assert.equal(await serverField(office, 'c1-' + YEAR, 'headcount'), 12, 'not sent while offline');
  // Meanwhile someone else changes another answer of the same diagnostic.
  const base = (await pullAll(office))
    .filter((o) => o.id === 'c1-' + YEAR && 'partners' in o.fields)
    .map((o) => o.op);
  const r = await office.call('POST', '/api/v1/sync/push', {
    schema: 1,
    device: office.device,
    ops: [
      {
        op: randomUUID(),
        col: 'diagnostics',
        id: 'c1-' + YEAR,
        kind: 'put',
        hlc: hlcNow(),
        dev: office.device,
        fields: { partners: ['CNC', 'Région Bourgogne-Franche-Comté', 'Procirep'] },
        base: { partners: base },
      },
    ],
  });
  assert.equal(r.status, 200, r.text);
  await ctx.setOffline(false);
  assert.equal(await syncNow(page), true);
  assert.equal(await page.evaluate(() => window.ecoplateau.client.status.pending), 0);
  assert.equal(await serverField(office, 'c1-' + YEAR, 'headcount'), 15);
  // Both answers kept, field by field, without a conflict.
  const merged = await page.evaluate(
    (y) => window.ecoplateau.client.replica.record('diagnostics', 'c1-' + y),
    YEAR,
  );
  assert.equal(merged.fields.headcount, 15);
  assert.deepEqual(merged.fields.partners, ['CNC', 'Région Bourgogne-Franche-Comté', 'Procirep']);
  assert.deepEqual(merged.conflicts, {});
  await page.evaluate(() => window.ecoplateau.rerender());
  // Headcount is not scored: the level stays the same.
  await main.getByText('Niveau 3 sur 5 : Engagée (42,4 points sur 100)').waitFor();
  assert.deepEqual(errors, []);
});

test('in English, the same screens', async () => {
  await page.getByRole('button', { name: 'English' }).click();
  await page.goto(server.url + '/#/diagnostic');
  await page.getByRole('heading', { name: 'Diagnosis and analysis', level: 1 }).waitFor();
  // The stored level reads in the reader's language, whichever it was computed in.
  await main.getByText(/level 3 Committed, 42.4 out of 100/).waitFor();
  await checkA11y(page, 'hub in English');
  await page.goto(server.url + '/#/diagnostic-c2?v=result');
  await page.getByRole('heading', { name: 'Impact × budget matrix' }).waitFor();
  // The analysis the server writes, in English too: no French sentence left.
  const impacts = main.locator('section[aria-labelledby="h-impacts"]');
  await impacts.getByText('Shooting locations', { exact: true }).first().waitFor();
  for (const e of ['Protected area', 'Accommodation', 'Night shoots', 'Season', 'Catering'])
    await impacts.getByText(e, { exact: true }).first().waitFor();
  const said = await impacts.textContent();
  assert.match(said, /Shooting locations: \d+ locations? [\d,]+ km from the base on average/);
  assert.doesNotMatch(said, /Lieux de tournage|Hébergement|nuitées|lieu\(x\)| : /);
  const acts = await main.locator('section[aria-labelledby="h-actions"]').textContent();
  assert.doesNotMatch(acts, /Raccordement au réseau|branchement forain/);
  await checkA11y(page, 'C2 result in English');
  assert.deepEqual(errors, []);
});
