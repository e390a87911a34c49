// The professional dossier (docs/evaluation.md) in the real app: the office sees the
// parts with their margin competencies and a page meter that matches the
// server's pagination; an edited part that pushes the dossier over 12 pages
// (a synced edit through the outbox) brings the warning with what to cut,
// the PDF is refused with 422 and the cut list shown, the draft PDF still
// downloads; reverting the part brings the generated draft back under the
// limit. axe on each state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  tempDir,
  startServer,
  launch,
  ready,
  checkA11y,
  shot,
  officeSession,
  swReady,
  syncNow,
  PRODUCTION,
  officeSignIn,
} from './helpers.mjs';
import { cleanup } from './helpers.mjs';

const dir = tempDir('dossier');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const PATH = `/api/v1/productions/${PRODUCTION}/dossier`;

// Polls the server's dossier until pred holds (the edit has arrived).
async function until(office, pred, what) {
  let d = null;
  for (let i = 0; i < 80; i++) {
    d = (await office.call('GET', PATH)).json;
    if (pred(d)) return d;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(
    `the server's dossier never ${what}: ${JSON.stringify(d && { total: d.total_pages, over: d.over_budget })}`,
  );
}

test('the office drafts the dossier, goes over 12 pages, is refused, gets a draft, reverts', async () => {
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
  await swReady(page);

  // The evaluation screen offers its PDF and leads to the dossier.
  await page.goto(server.url + '/#/evaluation');
  await page
    .getByRole('heading', { name: 'Évaluation et valorisation', level: 1 })
    .waitFor({ timeout: 15000 });
  const evalPdf = page.waitForEvent('download');
  await page.getByRole('link', { name: "Télécharger l'évaluation en PDF" }).click();
  const evalFile = await evalPdf;
  assert.match(evalFile.suggestedFilename(), /^evaluation-.*\.pdf$/);
  assert.equal(
    readFileSync(await evalFile.path())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  await page.getByRole('link', { name: 'Rédiger le dossier professionnel' }).click();
  await page
    .getByRole('heading', { name: 'Dossier professionnel', level: 1 })
    .waitFor({ timeout: 15000 });
  // And the office nav has its own entry; the demo's draft fits in 12 pages.
  assert.equal(await page.locator('#nav a[href="#/dossier"]').getAttribute('aria-current'), 'page');
  await page.goto(server.url + '/#/bureau');
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await page.locator('#nav').getByRole('link', { name: 'Dossier professionnel' }).click();
  await page
    .getByRole('heading', { name: 'Dossier professionnel', level: 1 })
    .waitFor({ timeout: 15000 });
  const api = (await office.call('GET', PATH)).json;
  assert.equal(api.over_budget, false);
  assert.ok(
    api.total_pages >= 1 && api.total_pages <= 12,
    `demo dossier: ${api.total_pages} pages`,
  );
  assert.match(
    await page.getByTestId('dossier-meter').textContent(),
    new RegExp(`${api.total_pages} / 12 pages`),
  );
  const parts = page.getByTestId('dossier-part');
  assert.equal(await parts.count(), api.parts.length);
  // Parts in the référentiel's order, each with its margin competencies.
  assert.match(await parts.nth(0).textContent(), /Méthodologie/);
  assert.match(await parts.nth(1).textContent(), /Marge : C1/);
  assert.match(await parts.nth(3).textContent(), /Marge : C3 · C4/);
  assert.match(await parts.last().textContent(), /Marge : C10/);
  assert.equal(await page.getByTestId('dossier-warning').count(), 0);
  await checkA11y(page, 'dossier');
  await shot(page, 'office-21-dossier');

  // The candidate's own explanations, far too long: over 12 pages. One part
  // holds one op (16 KiB): a text beyond it is refused on the screen first.
  const para = (i) =>
    `Paragraphe ${i + 1} : le groupe électrogène au HVO n'a pas pu être livré sur le site de la source ; nous avons expliqué le choix du branchement forain à la mairie, puis mesuré chaque jour les litres versés.`;
  const long = Array.from({ length: 50 }, (_, i) => para(i)).join('\n');
  const part = parts.filter({ has: page.getByRole('heading', { name: /Échecs et difficultés/ }) });
  await part.getByRole('button', { name: 'Modifier le texte' }).click();
  await part.getByLabel(/Texte de la partie/).fill(long + '\n' + long);
  await part.getByRole('button', { name: 'Enregistrer' }).click();
  await part.getByText(/Texte trop long pour une partie/).waitFor();
  await part.getByLabel(/Texte de la partie/).fill(long);
  await part.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText(/Partie « Échecs et difficultés, solutions » enregistrée/).waitFor();
  // The screen sends the edit, then shows the server's dossier again.
  await part
    .getByTestId('dossier-source')
    .filter({ hasText: 'texte modifié' })
    .waitFor({ timeout: 15000 });
  for (const name of [/Méthodologie/]) {
    const p = parts.filter({ has: page.getByRole('heading', { name }) });
    await p.getByRole('button', { name: 'Modifier le texte' }).click();
    await p.getByLabel(/Texte de la partie/).fill(long);
    await p.getByRole('button', { name: 'Enregistrer' }).click();
    await p
      .getByTestId('dossier-source')
      .filter({ hasText: 'texte modifié' })
      .waitFor({ timeout: 15000 });
  }
  await syncNow(page);
  const over = await until(office, (d) => d.over_budget, 'went over 12 pages');
  assert.equal(over.parts.find((p) => p.id === 'difficultes').source, 'edited');
  // Each edit was based on the version shown: no conflict with the draft.
  assert.equal(over.parts.find((p) => p.id === 'difficultes').conflict, false);
  assert.ok(
    over.warning.cut.some((c) => c.id === 'difficultes'),
    JSON.stringify(over.warning.cut),
  );
  assert.equal(over.pages_over, over.total_pages - 12);

  // The screen shows the warning with what to cut.
  await page.reload();
  await ready(page);
  const warning = page.getByTestId('dossier-warning');
  await warning.waitFor({ timeout: 15000 });
  assert.match(await warning.textContent(), new RegExp(`${over.total_pages} pages hors annexes`));
  assert.match(await warning.textContent(), /Échecs et difficultés/);
  assert.match(
    await page.getByTestId('dossier-meter').textContent(),
    new RegExp(`${over.total_pages} / 12 pages`),
  );

  // The PDF is refused: 422 with the cut list, shown on the screen.
  const refused = await office.call('GET', `${PATH}?format=pdf`);
  assert.equal(refused.status, 422);
  assert.equal(refused.json.error.code, 'dossier_too_long');
  assert.deepEqual(refused.json.error.details.warning.cut, over.warning.cut);
  await page.getByRole('button', { name: 'PDF', exact: true }).click();
  const alert = page.getByTestId('dossier-refused');
  await alert.waitFor();
  assert.match(await alert.textContent(), /422/);
  assert.match(await alert.textContent(), /Échecs et difficultés/);
  await checkA11y(page, 'dossier over 12 pages');
  await shot(page, 'office-22-dossier-too-long');

  // The draft PDF still downloads, marked as such.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /PDF brouillon/ }).click();
  assert.match((await download).suggestedFilename(), /brouillon\.pdf$/);
  const draft = await fetch(`${server.url}${PATH}?format=pdf&draft=1`, {
    headers: { Cookie: office.cookie, 'X-EP-Production': PRODUCTION },
  });
  assert.equal(draft.status, 200);
  assert.equal(draft.headers.get('content-type'), 'application/pdf');

  // Revert: the generated draft is back, under the limit again.
  for (const name of [/Échecs et difficultés/, /Méthodologie/]) {
    const p = parts.filter({ has: page.getByRole('heading', { name }) });
    await p.getByRole('button', { name: 'Revenir au texte proposé' }).click();
    // The screen sends the edit, then shows the server's draft again.
    await p
      .getByTestId('dossier-source')
      .filter({ hasText: 'texte proposé par ecoplateau' })
      .waitFor({ timeout: 15000 });
  }
  await syncNow(page);
  const back = await until(office, (d) => !d.over_budget, 'came back under 12 pages');
  assert.equal(back.parts.find((p) => p.id === 'difficultes').source, 'generated');
  assert.equal(back.parts.find((p) => p.id === 'difficultes').conflict, false);
  await page.reload();
  await ready(page);
  await page.getByTestId('dossier-meter').waitFor();
  assert.match(
    await page.getByTestId('dossier-meter').textContent(),
    new RegExp(`${back.total_pages} / 12 pages`),
  );
  assert.equal(await page.getByTestId('dossier-warning').count(), 0);

  // Offline: the edit goes to the outbox and shows at once; it reaches the
  // server when the connection is back.
  await ctx.setOffline(true);
  const promo = parts.filter({ has: page.getByRole('heading', { name: /Valorisation/ }) });
  await promo.getByRole('button', { name: 'Modifier le texte' }).click();
  await promo
    .getByLabel(/Texte de la partie/)
    .fill('Fiche pratique des navettes, écrite hors ligne.');
  await promo.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByTestId('dossier-local').waitFor({ timeout: 15000 });
  await promo.getByText('Fiche pratique des navettes, écrite hors ligne.').waitFor();
  assert.match(await promo.getByTestId('dossier-source').textContent(), /texte modifié/);
  assert.ok((await page.evaluate(() => window.ecoplateau.client.status.pending)) > 0);
  assert.equal(
    (await office.call('GET', PATH)).json.parts.find((p) => p.id === 'valorisation').source,
    'generated',
  );
  await checkA11y(page, 'dossier offline edit');
  await ctx.setOffline(false);
  await syncNow(page);
  const synced = await until(
    office,
    (d) => d.parts.find((p) => p.id === 'valorisation').source === 'edited',
    'received the offline edit',
  );
  assert.equal(
    synced.parts.find((p) => p.id === 'valorisation').text,
    'Fiche pratique des navettes, écrite hors ligne.',
  );

  // On a phone: the same screen, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await ready(page);
  await page.getByTestId('dossier-meter').waitFor();
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'no sideways scrolling on a phone',
  );
  await checkA11y(page, 'dossier on a phone');
  // The office menu folds behind one button naming the current screen.
  const menu = page.getByRole('button', { name: 'Menu : Dossier professionnel' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('link', { name: 'Évaluation' }).isVisible(), false);
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await page
    .getByRole('group', { name: 'Bilan' })
    .getByRole('link', { name: 'Évaluation' })
    .waitFor();
  await checkA11y(page, 'office menu open on a phone');
  await page.getByRole('link', { name: 'Évaluation' }).click();
  await page.getByRole('heading', { name: 'Évaluation et valorisation', level: 1 }).waitFor();
  assert.equal(
    await page.getByRole('button', { name: /^Menu/ }).getAttribute('aria-expanded'),
    'false',
  );
  await page.goto(server.url + '/#/dossier');
  await page.getByTestId('dossier-meter').waitFor();
  await shot(page, 'office-23-dossier-phone');
  assert.deepEqual(errors, []);
  await ctx.close();
});
