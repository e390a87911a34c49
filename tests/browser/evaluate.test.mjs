// Evaluation and promotion (docs/evaluation.md) in the real app: the office sees every
// action of the demo plan with its verdict and attainment against reality,
// records that a successful action is reproducible and what made the
// difference (a synced edit that reaches the server), and the funder's kit
// then carries that practice sheet; the kit downloads as Markdown and HTML.
// axe on each state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
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

const dir = tempDir('evaluate');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

test('the office evaluates the plan, marks a practice reproducible and gets the kits', async () => {
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

  // The office tile leads to the screen.
  await page
    .getByRole('link', { name: /Évaluation/ })
    .first()
    .click();
  await page
    .getByRole('heading', { name: 'Évaluation et valorisation', level: 1 })
    .waitFor({ timeout: 15000 });
  // Every action of the plan, each with a verdict the server computed.
  const api = (await office.call('GET', `/api/v1/productions/${PRODUCTION}/evaluation`)).json;
  const cards = page.getByTestId('eval-action');
  assert.equal(await cards.count(), api.actions.length);
  const veggie = api.actions.find((a) => a.verdict === 'reussie' && a.reproducible !== true);
  assert.ok(veggie, 'the demo plan has a successful action not judged yet');
  // The demo already judged the waste sorting reproducible, with photos.
  const tri = api.actions.find((a) => a.id === 'act-tri');
  assert.equal(tri.reproducible, true);
  const card = cards.filter({ hasText: veggie.title });
  assert.match(await card.textContent(), /Réussie/);
  assert.match(await card.textContent(), new RegExp(`${Math.round(veggie.attainment_pct)}\\s%`));
  const failed = api.actions.find((a) => a.verdict === 'non_atteinte');
  if (failed)
    assert.equal(await cards.filter({ hasText: failed.title }).locator('form').count(), 0);
  assert.match(
    await page.getByTestId('eval-summary').textContent(),
    new RegExp(`${api.summary.reussies} / ${api.summary.actions}`),
  );
  await checkA11y(page, 'evaluation');
  await shot(page, 'office-20-evaluation');

  // The funder's kit has the demo's practice sheet, not this action's yet.
  await page.getByLabel('Public').selectOption('financeur');
  await page.getByTestId('kit-preview').filter({ hasText: tri.title }).waitFor({ timeout: 15000 });
  assert.ok(!(await page.getByTestId('kit-preview').textContent()).includes(veggie.title));

  // The eco-referent's judgement: reproducible, and why.
  await card.getByLabel('reproductible sur un prochain projet').check();
  await card
    .getByLabel('Ce qui a fait la différence')
    .fill('Menu co-construit avec le traiteur <b>local</b>');
  await card.getByRole('button', { name: 'Enregistrer le bilan' }).click();
  await page.getByText(/Bilan de « .* » enregistré/).waitFor();
  await syncNow(page);
  // Then wait until the server's evaluation shows the edit.
  let after = null;
  for (let i = 0; i < 60; i++) {
    after = (await office.call('GET', `/api/v1/productions/${PRODUCTION}/evaluation`)).json;
    if (after.actions.find((a) => a.id === veggie.id)?.reproducible !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const judged = after.actions.find((a) => a.id === veggie.id);
  assert.equal(judged.reproducible, true);
  assert.equal(judged.success_factors, 'Menu co-construit avec le traiteur <b>local</b>');
  assert.deepEqual([...after.reproducible].sort(), [tri.id, veggie.id].sort());

  // Now the kit carries the practice sheet, the user's text shown as text.
  // The office adds its own evidence to the action: a photo from the laptop.
  const before = (await office.call('GET', `/api/v1/productions/${PRODUCTION}/attachments`)).json
    .attachments;
  const pngRes = await fetch(
    `${server.url}/api/v1/productions/${PRODUCTION}/attachments/seed-photo-bins`,
    { headers: { Cookie: office.cookie, 'X-EP-Production': PRODUCTION } },
  );
  assert.equal(pngRes.status, 200);
  const png = Buffer.from(await pngRes.arrayBuffer());
  await page.getByRole('link', { name: `Ajouter une photo : ${veggie.title}` }).click();
  await page.getByRole('heading', { name: 'Ajouter une photo', level: 1 }).waitFor();
  await checkA11y(page, 'office photo form');
  await page
    .locator('input[type="file"][name="photo"]')
    .setInputFiles({ name: 'barnum.png', mimeType: 'image/png', buffer: png });
  await page.locator('textarea[name="caption"]').fill('Le barnum à midi, côté plats végétariens');
  await page.getByRole('button', { name: 'Enregistrer la photo' }).click();
  let added = null;
  for (let i = 0; i < 80 && !added; i++) {
    const list = (await office.call('GET', `/api/v1/productions/${PRODUCTION}/attachments`)).json
      .attachments;
    added = list.find(
      (x) =>
        !before.some((b) => b.id === x.id) && x.target_id === veggie.id && x.status === 'complete',
    );
    if (!added) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(added, 'the office photo reached the server, complete');
  assert.equal(added.caption, 'Le barnum à midi, côté plats végétariens');
  await page.getByRole('link', { name: 'Retour' }).click();
  await page
    .getByRole('heading', { name: 'Évaluation et valorisation', level: 1 })
    .waitFor({ timeout: 15000 });

  await page.reload();
  await ready(page);
  await page
    .getByRole('heading', { name: 'Évaluation et valorisation', level: 1 })
    .waitFor({ timeout: 15000 });
  await page.getByLabel('Public').selectOption('financeur');
  await page
    .getByTestId('kit-preview')
    .filter({ hasText: veggie.title })
    .waitFor({ timeout: 15000 });
  assert.match(
    await page.getByTestId('kit-preview').textContent(),
    /Menu co-construit avec le traiteur <b>local<\/b>/,
  );
  assert.equal(await page.getByTestId('kit-preview').locator('b').count(), 0);
  await checkA11y(page, 'evaluation with kit');
  await shot(page, 'office-21-kit');

  // The downloads: Markdown for a blog, a standalone accessible HTML page.
  const md = await page.getByRole('link', { name: 'Télécharger en Markdown' }).getAttribute('href');
  const html = await page
    .getByRole('link', { name: 'Télécharger la page HTML' })
    .getAttribute('href');
  const pdf = await page.getByRole('link', { name: 'Télécharger en PDF' }).getAttribute('href');
  const pdfRes = await fetch(server.url + pdf, {
    headers: { Cookie: office.cookie, 'X-EP-Production': PRODUCTION },
  });
  assert.equal(pdfRes.status, 200);
  assert.equal(
    Buffer.from(await pdfRes.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  const mdText = (await office.call('GET', md)).text;
  assert.match(mdText, /^# Résultats de la démarche éco-responsable/);
  assert.ok(mdText.includes(`### ${veggie.title}`));
  const page2 = await ctx.newPage();
  await page2.setContent((await office.call('GET', html)).text);
  assert.equal(await page2.locator('html').getAttribute('lang'), 'fr');
  // The photos of the two reproducible actions (the demo's sorting bins and
  // the menu board), embedded, each with its caption as alt.
  const photos = page2.locator('img[src^="data:image/png"]');
  assert.equal(await photos.count(), 2);
  const alts = await photos.evaluateAll((imgs) => imgs.map((i) => i.alt));
  assert.ok(
    alts.some((a) => /bacs de tri/i.test(a)),
    alts.join(' | '),
  );
  assert.ok(
    alts.some((a) => /plat végétarien/i.test(a)),
    alts.join(' | '),
  );
  assert.equal(await page2.locator('script').count(), 0);
  await checkA11y(page2, 'kit HTML page');
  await page2.close();
  assert.deepEqual(errors, []);
  await ctx.close();
});
