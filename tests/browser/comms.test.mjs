// Communications (docs/communications.md), end to end in Chromium against the real server:
// the office composes once (form errors tied to the fields, targeting),
// previews every channel (recipients with their channels and variants, the
// missing FALC shown, the email text, the invitation, flyer and audio
// links), signs and sends; the phone shows the verified message, records
// "read" and "compris", asks a question offline; the office sees who read
// and understood, who has not been reached, and answers; the call sheet's
// eco block is valid HTML. axe-core (WCAG 2.2 AA) on every screen and state;
// user text carrying markup is shown as text, never run.
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
  syncNow,
  cleanup,
  PRODUCTION,
  DEMO_LOGIN,
  DEMO_PASSWORD,
  waitInPage,
} from './helpers.mjs';

const dir = tempDir('comms');
const server = await startServer(dir);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

const api = await officeSession(server.url);
const ctx = await browser.newContext({
  viewport: { width: 1280, height: 900 },
  serviceWorkers: 'allow',
  locale: 'fr-FR',
});
const office = await ctx.newPage();
const errors = [];
office.on('pageerror', (e) => errors.push(String(e)));
const { page: sofia } = await phone(browser);
let cid = '';

const UNSAFE = 'Tri <img src=x onerror="window.__pwned=1"> au barnum';

test('Sofia needs the easy-to-read version and large print (recorded by the office)', async () => {
  const r = await api.call('PUT', `/api/v1/productions/${PRODUCTION}/members/m-sofia/preferences`, {
    email: 'sofia@demo.test',
    channels: ['app', 'email'],
    needs: ['falc', 'large_print'],
  });
  assert.equal(r.status, 200, r.text);
  const bad = await api.call(
    'PUT',
    `/api/v1/productions/${PRODUCTION}/members/m-sofia/preferences`,
    { channels: ['fax'], needs: [] },
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'channels');
});

test('the compose screen validates, tied to the fields, with no axe violation', async () => {
  await office.goto(server.url + '/#/connexion');
  await ready(office);
  await office.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await office.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await office.getByRole('button', { name: 'Se connecter' }).click();
  await office.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await office.getByRole('link', { name: /Rédiger une fois/ }).click();
  await office.getByRole('heading', { name: 'Communications', level: 1 }).waitFor();
  await checkA11y(office, 'compose, empty');
  await office.getByRole('button', { name: 'Enregistrer et prévisualiser' }).click();
  assert.equal(await office.getByLabel('Titre').getAttribute('aria-invalid'), 'true');
  assert.equal(
    await office.getByRole('textbox', { name: 'Texte', exact: true }).getAttribute('aria-invalid'),
    'true',
  );
  await checkA11y(office, 'compose with errors');
  await shot(office, 'comms-01-errors');
  // Text but no recipient: refused before anything is sent.
  await office.getByLabel('Titre').fill(UNSAFE);
  await office
    .getByRole('textbox', { name: 'Texte', exact: true })
    .fill(
      'Cinq bacs : verre, emballages, biodéchets, papier, reste.\n\n<script>window.__pwned=2</script>',
    );
  await office.getByRole('button', { name: 'Enregistrer et prévisualiser' }).click();
  await office
    .getByText('Choisissez au moins un département, un niveau ou une personne.')
    .first()
    .waitFor();
  await checkA11y(office, 'compose without recipients');
});

test('preview every channel: recipients, missing FALC, email, flyer, audio', async () => {
  await office.getByRole('checkbox', { name: 'Régie', exact: true }).check();
  await office.getByRole('checkbox', { name: /^Léa/ }).check();
  await office.getByLabel('Type').selectOption('briefing');
  await office.getByLabel('Date et heure (heure de Paris)').fill('2026-12-01T08:30');
  await office.getByLabel('Lieu').fill('Barnum cantine');
  await office.getByRole('button', { name: 'Enregistrer et prévisualiser' }).click();
  await office.getByRole('heading', { name: 'Aperçu par canal' }).waitFor({ timeout: 20000 });
  cid = new URLSearchParams(office.url().split('?')[1]).get('id');
  assert.ok(cid, 'the new communication has an id in the URL');
  const table = office.locator('table').first();
  assert.match(await table.textContent(), /Sofia Lopes/);
  assert.match(await table.textContent(), /a besoin du FALC, pas encore écrit/);
  assert.match(await table.textContent(), /gros caractères/);
  await office
    .getByText(/La version FALC n’est pas écrite : \d+ personnes? en (?:a|ont) besoin\./)
    .waitFor();
  // One collapsed section per channel, each with a readable summary; the
  // invitation as a human summary, the raw file on demand.
  const invitation = office.locator('details.channel > summary', {
    hasText: 'Invitation de calendrier',
  });
  assert.match(
    await invitation.textContent(),
    /mardi 1er décembre 2026 à 08:30, 30 min, Barnum cantine/,
  );
  assert.equal(await office.locator('details.channel[open]').count(), 0);
  // The whole preview fits in two screen heights at 1280×800, and
  // "sign and send" stays on screen even scrolled to the bottom.
  await office.setViewportSize({ width: 1280, height: 800 });
  const box = await office.locator('section[aria-labelledby="comms-preview-h"]').boundingBox();
  assert.ok(box.height <= 1600, `preview is ${box.height} px tall`);
  await office.locator('details.channel > summary', { hasText: 'Affiche' }).click();
  await office.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const send = await office.getByRole('button', { name: 'Signer et envoyer' }).boundingBox();
  assert.ok(send.y >= 0 && send.y + send.height <= 800, `send button at ${send.y}`);
  await office.setViewportSize({ width: 1280, height: 900 });
  // The invitation, the flyer and audio links are there.
  assert.match(await office.locator('pre.preview').last().textContent(), /TZID=Europe\/Paris/);
  assert.equal(
    await office.getByRole('link', { name: 'Affiche A4 en gros caractères' }).count(),
    1,
  );
  // The markup in the title and text is text: no image, no script ran.
  assert.equal(await office.locator('main img:not(.page)').count(), 0);
  assert.equal(await office.evaluate(() => window.__pwned), undefined);
  const flyer = await office.evaluate(
    async (href) => {
      const r = await fetch(href);
      return {
        status: r.status,
        type: r.headers.get('content-type'),
        head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)),
      };
    },
    await office.getByRole('link', { name: 'Affiche A4 (PDF accessible)' }).getAttribute('href'),
  );
  assert.deepEqual(flyer, { status: 200, type: 'application/pdf', head: '%PDF-' });
  await checkA11y(office, 'preview');
  await shot(office, 'comms-02-preview');
  // Each email's HTML part, as a mail client would render it: axe clean,
  // and the markup of the title is text there too.
  const p = await api.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/communications/${cid}/preview`,
  );
  assert.equal(p.status, 200, p.text);
  const mail = await ctx.newPage();
  for (const e of Object.values(p.json.email)) {
    await mail.setContent(e.html);
    assert.equal(await mail.locator('img').count(), 0);
    assert.match(await mail.locator('h1').textContent(), /<img src=x/);
    await checkA11y(mail, 'email HTML ' + e.variants.join('+'));
  }
  assert.equal(await mail.evaluate(() => window.__pwned), undefined);
  await mail.close();
});

test('sign and send; the follow-up lists who has not been reached', async () => {
  await office.getByRole('button', { name: 'Signer et envoyer' }).click();
  await office
    .getByText(/Envoyée à \d+ personnes?, \d+ e-mails? en file d’envoi\./)
    .first()
    .waitFor({ timeout: 20000 });
  await office.getByRole('heading', { name: 'Suivi' }).waitFor();
  const unreached = office
    .getByRole('heading', { name: 'Pas encore atteint·es' })
    .locator('xpath=following-sibling::ul[1]');
  assert.match(await unreached.textContent(), /Sofia Lopes/);
  await checkA11y(office, 'sent, follow-up');
  await shot(office, 'comms-03-follow-up');
});

test('the phone shows it verified, records read and compris, asks a question offline', async () => {
  await pairPhone(
    sofia,
    server.url + '/#pair=' + (await invite(api, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  await swReady(sofia);
  await sofia.goto(server.url + '/#/messages');
  await ready(sofia);
  const card = sofia.getByTestId('message').filter({ hasText: 'au barnum' });
  await card.getByText(/Signé par la production, vérifié/).waitFor({ timeout: 15000 });
  // The title is shown as written, markup included, as text.
  assert.equal(await card.locator('h2').textContent(), UNSAFE);
  assert.equal(await sofia.evaluate(() => window.__pwned), undefined);
  // Paragraphs as written (the blank line starts a second one), and the
  // briefing's day, time, duration and place.
  const paras = await card.locator(':scope > p:not(.badge):not(.meeting)').allTextContents();
  assert.ok(
    paras.includes('Cinq bacs : verre, emballages, biodéchets, papier, reste.'),
    paras.join(' | '),
  );
  assert.ok(paras.includes('<script>window.__pwned=2</script>'), paras.join(' | '));
  assert.match(
    await card.getByTestId('meeting').textContent(),
    /Quand : mardi 1er décembre 2026, 08:30, \d+ min\s*Où : Barnum cantine/,
  );
  await card.getByRole('button', { name: 'J’ai compris' }).click();
  await card.getByText('Vous avez indiqué avoir compris.').waitFor();
  // Offline: the question waits in the outbox, then syncs.
  await sofia.context().setOffline(true);
  await card.getByText('Poser une question').click();
  await card.getByLabel('Votre question').fill('Où est le bac à biodéchets ?');
  await card.getByRole('button', { name: 'Envoyer la question' }).click();
  await card.getByText('Votre question : Où est le bac à biodéchets ?').waitFor();
  await checkA11y(sofia, 'messages with receipts and a question');
  await shot(sofia, 'comms-04-phone');
  await sofia.context().setOffline(false);
  await waitInPage(
    sofia,
    async () => {
      await window.ecoplateau.client.sync('test');
      return window.ecoplateau.client.status.pending === 0;
    },
    { timeout: 20000, interval: 500 },
  );
});

test('the office sees read and compris, answers; the phone gets the answer', async () => {
  const d = await api.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/communications/${cid}/delivery`,
  );
  assert.equal(d.status, 200, d.text);
  const me = d.json.people.find((p) => p.member === 'm-sofia');
  assert.equal(me.read, true);
  assert.equal(me.acknowledged, true);
  assert.ok(!d.json.not_reached.some((p) => p.member === 'm-sofia'));
  // Back to the communication from the list, as the office would.
  await office.goto(server.url + '/#/bureau');
  await office.getByRole('link', { name: /Rédiger une fois/ }).click();
  await office.getByLabel('Communication', { exact: true }).selectOption(cid);
  await office.getByRole('button', { name: 'Ouvrir' }).click();
  await office.getByRole('heading', { name: 'Suivi' }).waitFor({ timeout: 15000 });
  assert.equal(await office.getByLabel('Titre').inputValue(), UNSAFE);
  await office.getByText('Sofia Lopes : Où est le bac à biodéchets ?').waitFor();
  await office.getByLabel('Réponse à Sofia Lopes').fill('Derrière la cantine, bac marron.');
  await office.getByRole('button', { name: 'Répondre' }).click();
  await office.getByText('Réponse : Derrière la cantine, bac marron.').waitFor({ timeout: 15000 });
  await checkA11y(office, 'follow-up with a question answered');
  await syncNow(sofia);
  await sofia.goto(server.url + '/#/messages');
  await sofia.getByText('Réponse : Derrière la cantine, bac marron.').waitFor({ timeout: 15000 });
});

test('the call sheet eco block is accessible HTML', async () => {
  await office.goto(`${server.url}/api/v1/productions/${PRODUCTION}/callsheet/eco?date=2026-12-01`);
  await office
    .getByRole('heading', { name: /feuille de service du mardi 1er décembre 2026/ })
    .waitFor();
  assert.match(await office.locator('table').textContent(), /08:30/);
  assert.equal(await office.locator('img').count(), 0);
  await checkA11y(office, 'call sheet eco block');
  assert.deepEqual(errors, []);
});
