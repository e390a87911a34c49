// An invitation in the invitee's language (docs/communications.md, "In each
// person's language"): the office, its screen in French, invites someone in
// English; the link opens the join page in English on a French browser that
// never chose a language, the person joins, the choice is kept, and the
// language button still switches. axe on the English join page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  tempDir,
  startServer,
  launch,
  ready,
  officeSignIn,
  checkA11y,
  cleanup,
} from './helpers.mjs';

const dir = tempDir('invite');
const server = await startServer(dir);
const browser = await launch();
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
const page = await ctx.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
after(async () => {
  await ctx.close();
  await browser.close();
  await server.stop();
  cleanup(dir);
});

// The office invites name at email in the language labelled langLabel;
// returns the join link shown to the office.
async function invite(name, email, langLabel) {
  await page.goto(server.url + '/#/telephones');
  await page.getByRole('heading', { name: 'Téléphones de l’équipe', level: 1 }).waitFor();
  await page.locator('input[name="member-name"]').fill(name);
  await page.getByLabel('E-mail (invitation par lien)').fill(email);
  const lang = page.getByLabel('Langue de l’invitation');
  // The screen's own language first.
  assert.equal(await lang.inputValue(), 'fr');
  if (langLabel) await lang.selectOption({ label: langLabel });
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const link = await dialog.getByRole('link').getAttribute('href');
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  return link;
}

test('an English invitation opens in English on a French browser, and joining works', async () => {
  await officeSignIn(page, server.url);
  const link = await invite('Sam Taylor', 'sam@coprod.example', 'English');
  assert.match(link, /\/#join=[A-Za-z0-9_-]{43}&lang=en$/);

  const sam = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const sp = await sam.newPage();
  const samErrors = [];
  sp.on('pageerror', (e) => samErrors.push(String(e)));
  await sp.goto(link);
  await ready(sp);
  await sp.getByRole('heading', { name: 'Join the production office' }).waitFor();
  assert.equal(await sp.evaluate(() => document.documentElement.lang), 'en');
  // Neither the token nor the language stays in the address bar.
  assert.equal(await sp.evaluate(() => location.hash), '#/rejoindre');
  await checkA11y(sp, 'join, English');
  await sp.getByLabel('Your name').fill('Sam Taylor');
  await sp.getByLabel('Password').fill('Sam crosses the Channel 26');
  await sp.getByRole('button', { name: 'Join the production' }).click();
  await sp.getByRole('heading', { name: 'Production office' }).waitFor({ timeout: 15000 });
  // Kept as if chosen: the next visit opens in English too.
  await sp.reload();
  await ready(sp);
  await sp.getByRole('heading', { name: 'Production office' }).waitFor({ timeout: 15000 });
  // The person can still switch.
  await sp.getByRole('button', { name: 'Passer en français' }).click();
  await sp.getByRole('heading', { name: 'Bureau de production' }).waitFor();
  assert.equal(await sp.evaluate(() => document.documentElement.lang), 'fr');
  assert.deepEqual(samErrors, []);
  await sam.close();

  // On the office's list: Sam has joined, no longer pending.
  await page.reload();
  await ready(page);
  const card = page.locator('main').getByRole('listitem').filter({ hasText: 'Sam Taylor' }).first();
  await card.getByText(/Sam Taylor — /).waitFor();
  assert.equal(await card.getByText(/invitation en attente/).count(), 0);
  assert.deepEqual(errors, []);
});

test('a French invitation does not override a language the person chose', async () => {
  const link = await invite('Noé', 'noe@coprod.example');
  assert.match(link, /&lang=fr$/);
  const noe = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const np = await noe.newPage();
  await np.goto(server.url + '/');
  await ready(np);
  await np.getByRole('button', { name: 'Switch to English' }).click();
  await np.waitForFunction(() => document.documentElement.lang === 'en');
  // A fresh load (not a same-page hash change), as from the email.
  await np.goto('about:blank');
  await np.goto(link);
  await ready(np);
  await np.getByRole('heading', { name: 'Join the production office' }).waitFor();
  await noe.close();
});
