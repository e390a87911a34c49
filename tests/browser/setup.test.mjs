// A company from nothing (docs/operations.md "First start"), in the browser, on a server started
// without the demo: the one-time setup link printed by `ecoplateau
// setup-link`, the setup screen (a refused SIRET on its field), the first
// administrator signed in, a first production created from the productions
// screen, then a crew member's phone paired and its first reading synced;
// archived, the phone keeps its next reading and says why. axe on each screen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BIN,
  tempDir,
  startServer,
  launch,
  ready,
  checkA11y,
  shot,
  phone,
  pairPhone,
  syncNow,
  waitInPage,
  cleanup,
} from './helpers.mjs';

const dir = tempDir('setup');
const server = await startServer(dir, 0, undefined, { demo: false });
const browser = await launch();
const ctx = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  serviceWorkers: 'allow',
  locale: 'fr-FR',
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
const main = page.locator('main');
let productionId = '';

// The office's own API calls, with the browser's session cookie.
async function officeCall(method, path, body, prod = productionId) {
  return page.evaluate(
    async ([m, p, b, prod]) => {
      const id = window.ecoplateau.client.identity;
      const r = await fetch(p, {
        method: m,
        credentials: 'same-origin',
        headers: {
          'X-EP-CSRF': id.csrf,
          ...(prod ? { 'X-EP-Production': prod } : {}),
          ...(b ? { 'Content-Type': 'application/json' } : {}),
        },
        body: b ? JSON.stringify(b) : undefined,
      });
      return { status: r.status, json: await r.json().catch(() => null) };
    },
    [method, path, body, prod],
  );
}

test('the setup link opens the setup screen and creates the company', async () => {
  const link = execFileSync(BIN, ['setup-link', '--data-dir', dir, '--public-url', server.url], {
    encoding: 'utf8',
  }).trim();
  assert.match(link, new RegExp(`^${server.url}/#setup=[A-Za-z0-9_-]{43}$`));
  await page.goto(link);
  await ready(page);
  await page.getByRole('heading', { name: 'Première installation' }).waitFor();
  // The token leaves the address bar at once.
  assert.equal(await page.evaluate(() => location.hash), '#/installation');
  await checkA11y(page, 'setup');
  await page.getByLabel('Nom de la société').fill('Les Films du Doubs');
  await page.getByLabel('SIRET (facultatif)').fill('732 829 320 00075');
  await page.getByLabel('Ville').fill('Besançon');
  await page.getByLabel('Votre nom').fill('Inès Roy');
  await page.getByLabel('Votre e-mail (identifiant)').fill('ines@doubs.fr');
  await page.getByLabel('Mot de passe').fill('la Loue au printemps');
  await page.getByRole('button', { name: 'Créer la société et le compte' }).click();
  // The server's check digit refusal lands on the SIRET field.
  const siret = page.getByLabel('SIRET (facultatif)');
  await page.waitForFunction(
    () => document.querySelector('input[name="siret"]')?.getAttribute('aria-invalid') === 'true',
  );
  assert.equal(await siret.getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'setup with an error');
  await siret.fill('732 829 320 00074');
  await page.getByRole('button', { name: 'Créer la société et le compte' }).click();
  await page.getByRole('heading', { name: 'Productions', level: 1 }).waitFor({ timeout: 15000 });
  await main.getByText('Société : Les Films du Doubs').waitFor();
  await checkA11y(page, 'productions, none yet');
  await shot(page, 'setup-01-productions-empty');
});

// ISO day `off` days from today: the shoot is under way whenever the test
// runs, so the phone's reading of today falls inside it.
const day = (off) => new Date(Date.now() + off * 86400000).toISOString().slice(0, 10);

test('the first production is created from the productions screen', async () => {
  await page.getByLabel('Titre').fill('La Source');
  await page.getByLabel('Genre').selectOption('short');
  await page.getByLabel('Tournage : premier jour').fill(day(-3));
  await page.getByLabel('Tournage : dernier jour').fill(day(-10));
  await page.getByRole('button', { name: 'Créer la production' }).click();
  // Dates in the wrong order: refused by the server, shown on the field.
  await page.waitForFunction(
    () =>
      document.querySelector('input[name="shooting-to"]')?.getAttribute('aria-invalid') === 'true',
  );
  await page.getByLabel('Tournage : dernier jour').fill(day(10));
  await page.getByLabel('Jours non tournés (repos, relâches)').fill(day(4));
  await page.getByLabel('Lieux de tournage').fill('Source de la Loue | Ouhans | oui');
  await page.getByLabel('Régie').check();
  // A double tap creates it once (submitForm, pwa/js/i18n.js).
  await page.getByRole('button', { name: 'Créer la production' }).dblclick();
  // The first production opens at once.
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await main.getByText('Production : La Source').waitFor();
  productionId = await page.evaluate(() => window.ecoplateau.client.identity.production_id);
  assert.match(productionId, /^la-source-[0-9a-f]{6}$/);
  const r = await officeCall('GET', `/api/v1/productions/${productionId}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.shooting_days, 13);
  const all = await officeCall('GET', '/api/v1/productions');
  assert.equal(all.json.productions.filter((p) => p.title === 'La Source').length, 1);
  assert.equal(r.json.locations[0].protected, true);
  assert.deepEqual(r.json.departments, ['regie']);
  await page.goto(server.url + '/#/productions');
  await main.getByRole('heading', { name: 'La Source' }).waitFor();
  await checkA11y(page, 'productions, one');
  await shot(page, 'setup-02-productions');
  assert.deepEqual(errors, []);
});

test('a paired phone sends its first reading; archived, it keeps the next one', async () => {
  let r = await officeCall('POST', `/api/v1/productions/${productionId}/members`, {
    name: 'Tom',
    department: 'regie',
    role: 'crew',
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  r = await officeCall('POST', `/api/v1/productions/${productionId}/invites`, {
    member_id: r.json.id,
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.ok(r.json.link.startsWith(server.url + '/#pair='), r.json.link);
  const ph = await phone(browser);
  await pairPhone(ph.page, r.json.link, 'Pixel de Tom');
  const record = async (value) => {
    await ph.page.goto(server.url + '/#/saisie?i=van_km');
    await ph.page.waitForSelector('form select[name="indicator"]');
    await ph.page.locator('select[name="indicator"]').selectOption('van_km');
    await ph.page.locator('input[name="value"]').fill(String(value));
    await ph.page.locator('input[name="vehicle"]').fill('van-1');
    await ph.page.getByRole('button', { name: 'Enregistrer' }).click();
    await waitInPage(ph.page, () => window.ecoplateau.client.status.pending >= 1);
  };
  await record(42);
  await syncNow(ph.page);
  await waitInPage(ph.page, () => window.ecoplateau.client.status.pending === 0);
  r = await officeCall('GET', '/api/v1/sync/pull?schema=1&cursor=&limit=500');
  assert.equal(r.status, 200);
  assert.ok(
    r.json.ops.some((o) => o.col === 'readings' && o.fields.value === 42),
    'the first reading reached the server',
  );
  // Archived: the phone's push is refused, its entry stays and it says why.
  r = await officeCall('POST', `/api/v1/productions/${productionId}/archive`, {});
  assert.equal(r.status, 200);
  await record(7);
  await syncNow(ph.page);
  assert.equal(await ph.page.evaluate(() => window.ecoplateau.client.status.pending), 1);
  await ph.page
    .locator('#sync-status')
    .getByText(/production archivée/)
    .waitFor();
  await checkA11y(ph.page, 'phone, production archived');
  // Reopened: the kept entry goes.
  r = await officeCall('POST', `/api/v1/productions/${productionId}/reopen`, {});
  assert.equal(r.status, 200);
  await syncNow(ph.page);
  await waitInPage(ph.page, () => window.ecoplateau.client.status.pending === 0);
  assert.deepEqual(ph.page.errors, []);
  await ph.ctx.close();
});

test('the phones screen: people, their phones, an office member joining by link', async () => {
  await page.goto(server.url + '/#/telephones');
  await page.getByRole('heading', { name: 'Téléphones de l’équipe', level: 1 }).waitFor();
  const tom = main.getByRole('listitem').filter({ hasText: 'Tom' }).first();
  await tom.getByText('1 téléphone').waitFor();
  await tom.getByText(/Dernière synchro/).waitFor();
  await checkA11y(page, 'phones and people');
  // An office member by email: a one-time link, emailed and shown.
  await page.locator('input[name="member-name"]').fill('Lou');
  await page.getByLabel('Rôle', { exact: true }).selectOption('eco_referent');
  await page.getByLabel('E-mail (invitation par lien)').fill('lou@doubs.fr');
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByText(/l’invitation à lou@doubs.fr attend dans la file d’envoi/).waitFor();
  const link = await dialog.getByRole('link').getAttribute('href');
  assert.match(link, /\/#join=[A-Za-z0-9_-]{43}&lang=fr$/);
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  // Listed at once, with what the office knows of her, invitation pending.
  const louCard = main.getByRole('listitem').filter({ hasText: 'Lou' }).first();
  await louCard.getByText(/invitation en attente/).waitFor();
  await louCard.getByText(/reçoit par : Application/).waitFor();
  await shot(page, 'setup-03-people');
  // Invited twice: refused on the email field.
  await page.locator('input[name="member-name"]').fill('Lou');
  await page.getByLabel('E-mail (invitation par lien)').fill('lou@doubs.fr');
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await page.waitForFunction(
    () =>
      document.querySelector('input[name="member-email"]')?.getAttribute('aria-invalid') === 'true',
  );
  const lou = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const lp = await lou.newPage();
  await lp.goto(link);
  await ready(lp);
  await lp.getByRole('heading', { name: 'Rejoindre le bureau de production' }).waitFor();
  assert.equal(await lp.evaluate(() => location.hash), '#/rejoindre');
  await checkA11y(lp, 'join');
  await lp.getByLabel('Votre nom').fill('Lou Martin');
  await lp.getByLabel('Mot de passe').fill('Lou et la rivière 26');
  // A double tap joins once (submitForm): the link is not spent twice.
  await lp.getByRole('button', { name: 'Rejoindre la production' }).dblclick();
  await lp.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await lp.getByText('Production : La Source').waitFor();
  await lou.close();
  // Back on the office's list: Lou is a member with her role, no longer pending.
  await page.reload();
  await ready(page);
  const joined = main.getByRole('listitem').filter({ hasText: 'Lou' }).first();
  await joined.getByText(/Lou — Production · éco-référent/).waitFor();
  assert.equal(await joined.getByText(/invitation en attente/).count(), 0);
  // Revoking Tom's phone from the list of paired phones.
  const dev = main.getByRole('list', { name: 'Téléphones appairés' }).getByRole('listitem').first();
  await dev.getByRole('button', { name: /Révoquer/ }).click();
  await dev.getByText('révoqué').waitFor();
  assert.deepEqual(errors, []);
});

test('a new production starts from the first one', async () => {
  await page.goto(server.url + '/#/productions');
  await main.getByRole('heading', { name: 'La Source', exact: true }).waitFor();
  await page.getByLabel('Partir d’une production précédente').selectOption({ label: 'La Source' });
  await page.getByLabel('Titre').fill('La Source II');
  await page.getByRole('button', { name: 'Créer la production' }).click();
  await main.getByRole('heading', { name: 'La Source II' }).waitFor({ timeout: 15000 });
  const r = await officeCall('GET', '/api/v1/productions');
  const second = r.json.productions.find((p) => p.title === 'La Source II');
  const got = await officeCall('GET', `/api/v1/productions/${second.id}`);
  assert.deepEqual(got.json.departments, ['regie'], 'departments carried over');
  // Lou, who has an account, is invited to the second production: nothing
  // is attached until she accepts with her own password.
  let r2 = await officeCall(
    'POST',
    `/api/v1/productions/${second.id}/members`,
    { name: 'Lou', department: 'production', role: 'viewer', email: 'lou@doubs.fr' },
    second.id,
  );
  assert.equal(r2.status, 201, JSON.stringify(r2.json));
  assert.equal(r2.json.account_id, null);
  const lou = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const lp = await lou.newPage();
  await lp.goto(r2.json.join_link);
  await ready(lp);
  await lp.getByRole('heading', { name: 'Rejoindre le bureau de production' }).waitFor();
  await lp.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await lp.getByRole('button', { name: 'Rejoindre la production' }).click();
  await lp.waitForFunction(
    () =>
      document.querySelector('input[name="join-password"]')?.getAttribute('aria-invalid') ===
      'true',
  );
  await checkA11y(lp, 'join, wrong password');
  await lp.getByLabel('Mot de passe').fill('Lou et la rivière 26');
  await lp.getByRole('button', { name: 'Rejoindre la production' }).click();
  await lp
    .getByRole('heading', { name: 'Bureau de production', exact: true })
    .waitFor({ timeout: 15000 });
  await lou.close();
  r2 = await officeCall('GET', `/api/v1/productions/${second.id}/members`, undefined, second.id);
  const member = r2.json.members.find((m) => m.name === 'Lou');
  assert.ok(member && member.account_id, JSON.stringify(r2.json));
  assert.equal(member.role, 'viewer');
  await checkA11y(page, 'productions, two');
  assert.deepEqual(errors, []);
});

test('the company view: footprint and plan; the archive exported, a second import refused', async () => {
  await page.goto(server.url + '/#/productions');
  const card = main.getByRole('listitem').filter({
    has: page.getByRole('heading', { name: 'La Source', exact: true }),
  });
  await card.getByText(/Bilan : [\d,\s ]+ t CO₂e/).waitFor();
  await card.getByText(/plan : /).waitFor();
  const href = await card.getByRole('link', { name: /Exporter l’archive/ }).getAttribute('href');
  assert.equal(href, `/api/v1/productions/${productionId}/archive`);
  // The link's bytes: a zip, as the browser downloads it with the session cookie.
  const got = await page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('Content-Type'), bytes: Array.from(b) };
  }, href);
  assert.equal(got.status, 200);
  assert.equal(got.type, 'application/zip');
  assert.deepEqual(got.bytes.slice(0, 2), [0x50, 0x4b]);
  // Imported into the server that has it: refused, said in French, nothing added.
  await page.getByText('Importer une production d’un autre serveur').click();
  await page.getByLabel('Archive de la production (.zip)').setInputFiles({
    name: 'la-source.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from(got.bytes),
  });
  await page.getByRole('button', { name: 'Importer', exact: true }).click();
  await main.getByText(/existe déjà sur ce serveur/).waitFor();
  const r = await officeCall('GET', '/api/v1/productions');
  assert.equal(r.json.productions.length, 2);
  await checkA11y(page, 'productions, import refused');
  assert.deepEqual(errors, []);
});
