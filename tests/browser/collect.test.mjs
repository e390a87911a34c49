// One notion of missing (docs/carbon.md, "Collection schedule and what is
// missing"), in the browser: the office schedules
// every meal count in one step from Collecte and sees the edit in the
// schedule's history; the dashboard flags the caterer's phone, quiet for a
// whole period of her department, by its name and its owner's, never an id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launch,
  tempDir,
  ready,
  shot,
  cleanup,
  officeSession,
  checkA11y,
  invite,
  pairPhone,
  phone,
  PRODUCTION,
  DEMO_LOGIN,
  DEMO_PASSWORD,
} from './helpers.mjs';

let server, browser, dir, page, ctx;

before(async () => {
  dir = tempDir('collect');
  server = await startServer(dir);
  browser = await launch();
  ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  page = await ctx.newPage();
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
});

after(async () => {
  await ctx?.close();
  await browser?.close();
  await server?.stop();
  cleanup(dir);
});

test('the dashboard flags the quiet phone by its name and its owner', async () => {
  const api = await officeSession(server.url);
  const devices = (await api.call('GET', `/api/v1/productions/${PRODUCTION}/devices`)).json.devices;
  const marie = devices.find((d) => d.member_id === 'm-marie');
  // The demo's caterer has been silent for three shooting days; her meals are
  // daily (set by group in the demo), so a whole period passed without a sync.
  assert.equal(marie.stale, true);
  const quiet = devices.filter((d) => d.stale);

  await page.goto(server.url + '/#/tableau');
  await ready(page);
  const flags = page.getByTestId('stale-device');
  await flags.first().waitFor({ timeout: 15000 });
  assert.equal(await flags.count(), quiet.length);
  const text = await page.getByTestId('stale-devices').innerText();
  assert.match(text, /Marie Dubois/);
  assert.match(text, new RegExp(marie.name));
  assert.doesNotMatch(text, /d-demo-|m-marie/);
  // A phone that synced in its department's period is not flagged.
  for (const d of devices.filter((x) => x.stale === false))
    assert.doesNotMatch(text, new RegExp(`« ${d.name} »`));
  await shot(page, 'collect-dashboard-stale-1280');
});

// The demo schedules the meals by group (every diet, daily, the caterer):
// Collecte, the dashboard and the caterer's phone each show one "Repas"
// line, with the same missed periods, never a line per diet.
test('a group scheduled together is one line of what is missing, everywhere', async () => {
  const api = await officeSession(server.url);
  const sched = (await api.call('GET', `/api/v1/productions/${PRODUCTION}/schedule`)).json;
  const meals = sched.items.filter((x) => x.group === 'meals');
  assert.ok(meals.length >= 5, `meal lines in the demo's group: ${meals.length}`);

  await page.goto(server.url + '/#/collecte');
  await ready(page);
  const table = page.getByTestId('missing');
  await table.waitFor({ timeout: 15000 });
  const lines = await table.evaluate((t) =>
    [...t.tBodies[0].rows].map((r) => [r.cells[0].textContent, r.innerText]),
  );
  const names = lines.map(([n]) => n);
  assert.equal(names.filter((n) => n === 'Repas').length, 1, names.join(' | '));
  assert.deepEqual(
    names.filter((n) => /^Repas /.test(n)),
    [],
    'no line per diet',
  );
  const [, collecte] = lines.find(([n]) => n === 'Repas');
  const n = Number(/(\d+) manquants?/.exec(collecte)?.[1]);
  assert.ok(n > 0, collecte);
  // People's dates, never ISO ones.
  assert.match(collecte, /\d{1,2} [a-zéû]+/);
  assert.doesNotMatch(collecte, /\d{4}-\d{2}-\d{2}/);
  // The completeness counts those lines: the meals once, not once a diet.
  // Its missing periods are the table's, added up, as a funder would.
  const int = (x) => Number(x.replace(/\D/g, ''));
  const sentence = await page.getByTestId('completeness').textContent();
  const fig =
    /^Complétude : ([\d\s]+) relevés? reçus? sur ([\d\s]+) attendus? pour les périodes terminées \([^)]*\), ([\d\s]+) manquants?\.$/.exec(
      sentence,
    );
  assert.ok(fig, sentence);
  const [reported, expected, missed] = fig.slice(1).map(int);
  const perLine = lines.map(([, text]) => Number(/(\d+) manquants?/.exec(text)?.[1]));
  assert.equal(
    missed,
    perLine.reduce((a, x) => a + x, 0),
    `${sentence} | ${lines.map(([name], i) => `${name}: ${perLine[i]}`).join(' | ')}`,
  );
  assert.equal(reported + missed, expected);
  // The server's figure, and its lines: one per group and department, the
  // periods ended (begun, less the current one) counted once for the group.
  const day = await page.evaluate(() => {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  });
  const m = (
    await api.call('GET', `/api/v1/productions/${PRODUCTION}/collect/missing?today=${day}`)
  ).json;
  assert.deepEqual(
    [m.completeness.reported, m.completeness.expected, m.completeness.missing],
    [reported, expected, missed],
  );
  const seen = new Set();
  let ended = 0;
  for (const x of m.items) {
    const key = x.group ? `${x.group}/${x.dept}` : null;
    if (key && seen.has(key)) continue;
    if (key) seen.add(key);
    ended += x.periods - (x.due ? 1 : 0);
  }
  assert.equal(expected, ended);
  await shot(page, 'collect-missing-grouped-1280');

  // The dashboard: one "Repas" entry, the same count.
  await page.goto(server.url + '/#/tableau');
  await ready(page);
  const watch = page.locator('li.card').filter({ hasText: /^Repas \(/ });
  await watch.first().waitFor({ timeout: 15000 });
  assert.equal(await watch.count(), 1);
  assert.match(await watch.innerText(), new RegExp(`Repas \\(Cantine\\) : ${n} relevés? manqués?`));
  assert.equal(
    await page
      .locator('li.card')
      .filter({ hasText: /^Repas (avec|de|vég)/ })
      .count(),
    0,
  );

  // The caterer's phone: one "Repas" reminder, the same periods late.
  const { ctx: phoneCtx, page: marie } = await phone(browser);
  await pairPhone(marie, server.url + '/#pair=' + (await invite(api, 'm-marie')).code, 'Cantine 2');
  await marie.goto(server.url + '/#/jour');
  await ready(marie);
  const due = marie.getByTestId('due-item');
  await due.first().waitFor({ timeout: 15000 });
  const cards = await due.allInnerTexts();
  const repas = cards.filter((c) => /^Repas\n/.test(c));
  assert.equal(repas.length, 1, cards.join(' | '));
  assert.match(repas[0], new RegExp(`En retard \\(${n}\\)`));
  assert.equal(cards.filter((c) => /^Repas (avec|de|vég)/.test(c)).length, 0, cards.join(' | '));
  await marie.getByRole('link', { name: 'Saisir : Repas' }).waitFor();
  await shot(marie, 'collect-phone-grouped-390');
  await phoneCtx.close();
});

test('the meals are scheduled in one step, and the history says who and when', async () => {
  const api = await officeSession(server.url);
  const path = `/api/v1/productions/${PRODUCTION}/schedule`;
  const before = (await api.call('GET', path)).json;
  const meals = before.groups.find((g) => g.id === 'meals').indicators;
  assert.ok(meals.includes('meals_vegan') && meals.includes('meals_unknown'));

  await page.goto(server.url + '/#/collecte');
  await ready(page);
  const form = page.getByTestId('group-form');
  await form.waitFor({ timeout: 15000 });
  await form.getByLabel('Groupe d’indicateurs').selectOption('meals');
  await form.getByLabel('Fréquence du groupe').selectOption('weekly');
  await form.getByLabel('Département du groupe').selectOption('catering');
  await form.getByRole('button', { name: 'Programmer le groupe' }).click();
  const history = page.getByTestId('schedule-history');
  await history
    .getByText(/Repas végétaliens \(Repas\), chaque semaine/)
    .first()
    .waitFor({ timeout: 15000 });
  // The author is named, never an id.
  assert.match(await history.innerText(), /Claire Martin/);
  assert.doesNotMatch(await history.innerText(), /m-claire/);
  await shot(page, 'collect-group-1280');
  await checkA11y(page, 'collecte with the group form');

  // Every meal count, whatever the diet, changed in that one step.
  const after = (await api.call('GET', path)).json;
  for (const id of meals) {
    const item = after.items.find((x) => x.indicator === id);
    assert.ok(item, `${id} scheduled`);
    assert.equal(item.frequency, 'weekly', id);
    assert.equal(item.dept, 'catering', id);
    assert.equal(item.group, 'meals', id);
  }
  // The schedule table shows it too.
  const row = page.getByTestId('schedule').getByRole('row', { name: /Repas avec poisson/ });
  assert.equal(await row.getByRole('combobox').first().inputValue(), 'weekly');
});
