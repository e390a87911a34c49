// Communications reach each person (docs/communications.md, "Each person's
// channels and needs"), end to end in Chromium against the real server and a
// real SMTP server on loopback (Debian's python3-aiosmtpd,
// tests/support/smtp_sink.py): the office sets Hugo's channels and needs on
// his member card, Sofia sets her own on her phone (her choice wins over the
// office's), the preview says who gets what and who gets nothing and why, the
// briefing is signed and sent, and the sink receives the right emails: the
// .ics parsed back by python3-icalendar, the audio attached for who needs it.
// The demo's own briefing was really sent when the demo was seeded: its
// queued emails reach the sink as soon as the server starts, Nour's in
// English, Marie's with the FALC version and the audio, and Nour's phone
// shows the English version with the signature verified.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  SRC,
  tempDir,
  startServer,
  launch,
  phone,
  ready,
  checkA11y,
  officeSession,
  invite,
  pairPhone,
  swReady,
  syncNow,
  cleanup,
  PRODUCTION,
  officeSignIn,
  holdRequests,
} from './helpers.mjs';

const freePort = () =>
  new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

const dir = tempDir('reach');
const mailDir = join(dir, 'mail');
const smtpPort = await freePort();
execFileSync('mkdir', ['-p', mailDir]);
const sink = spawn(
  '/usr/bin/python3',
  [join(SRC, 'tests', 'support', 'smtp_sink.py'), String(smtpPort), mailDir],
  { stdio: 'ignore' },
);
for (let i = 0; i < 100 && !existsSync(join(mailDir, 'ready')); i++)
  await new Promise((r) => setTimeout(r, 100));
const server = await startServer(join(dir, 'data'), 0, undefined, {
  env: {
    EP_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    EP_SMTP_FROM: 'eco@production.test',
    EP_SMTP_POLL_MS: '200',
  },
});
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  sink.kill('SIGTERM');
  cleanup(dir);
});

const api = await officeSession(server.url);
const ctx = await browser.newContext({
  viewport: { width: 1280, height: 800 },
  serviceWorkers: 'allow',
  locale: 'fr-FR',
});
const office = await ctx.newPage();
const { page: sofia } = await phone(browser);
const { page: nourPhone } = await phone(browser);
const CID = 'c-demo-tri'; // the demo's briefing, written and not yet sent

// The sink writes each message as it arrives: one still being written is
// read on the next poll.
const messages = () =>
  readdirSync(mailDir)
    .filter((f) => f.startsWith('msg-'))
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(mailDir, f), 'utf8'))];
      } catch {
        return [];
      }
    });
const preview = async () => {
  const r = await api.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/communications/${CID}/preview`,
  );
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const who = (p, m) => p.recipients.find((r) => r.member === m);
const icsRead = (name, content) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return execFileSync('/usr/bin/python3', [
    join(SRC, 'tests', 'support', 'check_ics.py'),
    file,
  ]).toString();
};

test('the demo’s briefing was really sent: English for Nour, FALC and audio for Marie', async () => {
  const EN = 'Canteen: the last week without disposables';
  const FR = 'Cantine : la dernière semaine sans jetable';
  const about = (all, a, subject) =>
    all.find((m) => m.rcpt_tos.includes(a) && m.subject === subject);
  let all = [];
  for (let i = 0; i < 150; i++) {
    all = messages();
    if (
      about(all, 'nour.benali@demo.ecoplateau.fr', EN) &&
      about(all, 'marie.dubois@demo.ecoplateau.fr', FR)
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const nour = about(all, 'nour.benali@demo.ecoplateau.fr', EN);
  assert.ok(nour, 'Nour got the English version');
  assert.equal(nour.content_language, 'en');
  assert.match(nour.parts.find((p) => p.type === 'text/plain').content, /No more disposable/);
  const ics = icsRead('nour.ics', nour.parts.find((p) => p.filename === 'invitation.ics').content);
  assert.match(ics, /SUMMARY Canteen: the last week without disposables/);
  assert.match(ics, /TZID Europe\/Paris/);
  const marie = about(all, 'marie.dubois@demo.ecoplateau.fr', FR);
  assert.ok(marie, 'Marie got the French version');
  assert.match(marie.parts.find((p) => p.type === 'text/plain').content, /Version facile à lire/);
  const wav = marie.parts.find((p) => p.filename === 'message.wav');
  assert.ok(wav && wav.base64.startsWith('UklGR'), 'audio attached for Marie');
  // The follow-up: accepted by the server, opening not measured, and the
  // audit records the send.
  const d = await api.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/communications/com-cantine/delivery`,
  );
  const n = d.json.people.find((x) => x.member === 'm-nour');
  assert.equal(n.per_channel.email.status, 'sent');
  assert.equal(n.per_channel.email.opened, 'not_measured');
  const audit = await api.call('GET', `/api/v1/productions/${PRODUCTION}/audit`);
  assert.match(audit.text, /communication com-cantine sent, 6 emails queued/);
});

test('Nour’s phone shows the English version, signed and verified', async () => {
  await pairPhone(
    nourPhone,
    server.url + '/#pair=' + (await invite(api, 'm-nour')).code,
    'Téléphone de Nour',
  );
  await nourPhone.goto(server.url + '/#/messages');
  await ready(nourPhone);
  const card = nourPhone
    .getByTestId('message')
    .filter({ hasText: 'Canteen: the last week without disposables' });
  await card.getByText(/Signé par la production, vérifié/).waitFor({ timeout: 20000 });
  await card.getByText(/No more disposable tableware/).waitFor();
  assert.equal(await card.getByText(/Plus de vaisselle jetable/).count(), 0);
  assert.equal(await card.locator('h2').getAttribute('lang'), 'en');
  await checkA11y(nourPhone, 'messages in English');
});

test('the office sets Hugo’s channels and needs on his member card', async () => {
  await officeSignIn(office, server.url, { sync: false });
  await office.goto(server.url + '/#/telephones');
  const card = office.getByTestId('prefs-office-m-hugo');
  await office.getByText('Canaux et besoins de Hugo Lambert').click();
  // A phone number with letters is refused, naming the field.
  await card.getByLabel('Numéro de téléphone').fill('06 12 ab');
  await card.getByRole('button', { name: 'Enregistrer' }).click();
  assert.equal(await card.getByLabel('Numéro de téléphone').getAttribute('aria-invalid'), 'true');
  await card.getByText(/Numéro invalide/).waitFor();
  await card.getByLabel('Numéro de téléphone').fill('+33 6 98 76 54 32');
  await card.getByLabel('Adresse e-mail').fill('hugo@demo.test');
  await card.getByRole('checkbox', { name: 'Invitation d’agenda' }).check();
  await card
    .getByRole('group', { name: 'Recevoir par' })
    .getByRole('checkbox', { name: 'Audio' })
    .check();
  await card
    .getByRole('group', { name: 'Besoins d’accessibilité' })
    .getByRole('checkbox', { name: 'Audio' })
    .check();
  await card.getByRole('button', { name: 'Enregistrer' }).click();
  await card.getByText('Enregistré.').waitFor();
  await checkA11y(office, 'member card preferences');
  // The office's edit is an op like any other: pushed, then the server sees it.
  for (let i = 0; i < 100 && who(await preview(), 'm-hugo').email !== 'hugo@demo.test'; i++)
    await new Promise((r) => setTimeout(r, 200));
  const h = who(await preview(), 'm-hugo');
  assert.deepEqual(h.channels, ['app', 'email', 'calendar', 'audio']);
  assert.equal(h.phone, '+33 6 98 76 54 32');
  assert.ok(h.variants.includes('audio'));
});

test('Sofia sets her own on her phone, and her choice wins over the office’s', async () => {
  // The office first noted app only for her, with no address.
  const r = await api.call('PUT', `/api/v1/productions/${PRODUCTION}/members/m-sofia/preferences`, {
    channels: ['app'],
  });
  assert.equal(r.status, 200, r.text);
  await pairPhone(
    sofia,
    server.url + '/#pair=' + (await invite(api, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  await swReady(sofia);
  await sofia.goto(server.url + '/#/reglages');
  await ready(sofia);
  const form = sofia.getByTestId('prefs-self-m-sofia');
  await form.getByLabel('Adresse e-mail').fill('sofia at demo');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  assert.equal(await form.getByLabel('Adresse e-mail').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Adresse e-mail').fill('sofia@demo.test');
  await form.getByRole('checkbox', { name: 'E-mail' }).check();
  await form.getByRole('checkbox', { name: 'Invitation d’agenda' }).check();
  await form.getByRole('checkbox', { name: /FALC/ }).check();
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.getByText('Enregistré.').waitFor();
  await checkA11y(sofia, 'phone settings, preferences');
  await syncNow(sofia);
  // The office changes her channels again afterwards: hers still win.
  await api.call('PUT', `/api/v1/productions/${PRODUCTION}/members/m-sofia/preferences`, {
    channels: ['print'],
  });
  const s = who(await preview(), 'm-sofia');
  assert.equal(s.set_by.channels, 'self');
  assert.equal(s.email, 'sofia@demo.test');
  assert.deepEqual(s.channels, ['app', 'email', 'calendar']);
  assert.ok(s.variants.includes('falc'));
});

test('the preview says who gets what, who gets nothing and why; sign and send', async () => {
  // Léo, just added, has no phone and no address: he gets nothing, and
  // the preview lists him before anything is sent.
  const add = await api.call('POST', `/api/v1/productions/${PRODUCTION}/members`, {
    name: 'Léo Marchand',
    department: 'regie',
    role: 'crew',
  });
  assert.ok(add.status === 200 || add.status === 201, add.text);
  await office.goto(server.url + `/#/communications?id=${CID}`);
  await office.getByRole('button', { name: 'Enregistrer et prévisualiser' }).click();
  await office.getByRole('heading', { name: 'Aperçu par canal' }).waitFor({ timeout: 20000 });
  const warn = office.getByTestId('unreachable');
  assert.match(await warn.textContent(), /Léo Marchand/);
  const table = office.locator('table').first();
  assert.match(await table.textContent(), /Application : pas de téléphone associé/);
  assert.match(await table.textContent(), /SMS : pas encore envoyés/);
  assert.match(await table.textContent(), /réserver un interprète LSF/);
  // The flyer and the call sheet as page pictures, drawn by the server.
  await office.locator('details.channel > summary', { hasText: 'Affiche' }).click();
  for (const img of await office.locator('img.page').all()) {
    await img.scrollIntoViewIfNeeded();
    await office.waitForFunction(
      (el) => el.complete && el.naturalWidth > 100,
      await img.elementHandle(),
    );
  }
  assert.equal(await office.locator('img.page').count(), 3);
  await office.locator('details.channel > summary', { hasText: 'Affiche' }).click();
  const box = await office.locator('section[aria-labelledby="comms-preview-h"]').boundingBox();
  assert.ok(box.height <= 1600, `preview is ${box.height} px tall`);
  await checkA11y(office, 'preview with unreachable people');
  await office.getByRole('button', { name: 'Signer et envoyer' }).click();
  await office.getByRole('heading', { name: 'Suivi' }).waitFor({ timeout: 20000 });
});

test('the SMTP server gets the right emails, the .ics parses, the audio is there', async () => {
  let all = [];
  for (let i = 0; i < 150; i++) {
    all = messages();
    // The demo's own briefing reached the sink first (see above).
    if (['hugo@demo.test', 'sofia@demo.test'].every((a) => all.some((m) => m.rcpt_tos.includes(a))))
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const to = (a) => all.find((m) => m.rcpt_tos.includes(a));
  const sofiaMail = to('sofia@demo.test');
  const hugoMail = to('hugo@demo.test');
  assert.ok(sofiaMail, 'Sofia got the email');
  assert.ok(hugoMail, 'Hugo got the email');
  // Yann chose the app and SMS only: no email for him.
  assert.ok(!all.some((m) => m.rcpt_tos.some((a) => a.includes('yann'))));
  // Sofia's: the FALC version in the text, the time and place.
  const text = sofiaMail.parts.find((p) => p.type === 'text/plain').content;
  assert.match(text, /Version facile à lire/);
  assert.match(text, /Où : Barnum cantine/);
  assert.match(text, /Durée : 20 minutes/);
  // Hugo's invitation parsed back by a second parser, and his audio.
  const ics = hugoMail.parts.find((p) => p.filename === 'invitation.ics');
  assert.ok(ics, 'invitation attached');
  const read = icsRead('hugo.ics', ics.content);
  assert.match(read, /TZID Europe\/Paris/);
  assert.match(read, /MINUTES 20/);
  assert.match(read, /SUMMARY Briefing tri et gourdes/);
  const wav = hugoMail.parts.find((p) => p.filename === 'message.wav');
  assert.ok(wav && wav.base64.startsWith('UklGR'), 'audio attached as WAV');
  assert.ok(!sofiaMail.parts.some((p) => p.filename === 'message.wav'));
  // The follow-up per channel and per person.
  const d = await api.call(
    'GET',
    `/api/v1/productions/${PRODUCTION}/communications/${CID}/delivery`,
  );
  const hugo = d.json.people.find((x) => x.member === 'm-hugo');
  assert.equal(hugo.per_channel.email.status, 'sent');
  assert.equal(hugo.per_channel.calendar.status, 'sent');
  assert.equal(hugo.per_channel.audio.status, 'attached');
  await checkA11y(office, 'follow-up per channel');
});

test('Sofia listens to the message on her phone: the server speaks it', async () => {
  await syncNow(sofia);
  await sofia.goto(server.url + '/#/messages');
  await ready(sofia);
  const card = sofia.getByTestId('message').filter({ hasText: 'Briefing tri et gourdes' });
  // A sync redraws the card while the server speaks (its read receipt does,
  // on a phone): held back here, the answer must still reach the card on
  // screen, and the player stay through the next redraw.
  const release = await holdRequests(sofia, '**/audio.wav*');
  await card.getByRole('button', { name: 'Écouter le message' }).click();
  await sofia.evaluate(() => window.ecoplateau.rerender());
  await card.getByRole('button', { name: 'Écouter le message' }).waitFor();
  release();
  const audio = card.locator('audio');
  await audio.waitFor({ timeout: 20000 });
  await sofia.evaluate(() => window.ecoplateau.rerender());
  await audio.waitFor({ timeout: 5000 });
  const seconds = await audio.evaluate(
    (a) =>
      new Promise((r) =>
        a.readyState >= 1
          ? r(a.duration)
          : a.addEventListener('loadedmetadata', () => r(a.duration)),
      ),
  );
  // Title, the day, time, duration and place, then the easy-to-read text.
  assert.ok(seconds > 8, `${seconds} s of speech`);
  await checkA11y(sofia, 'message with its audio');
});

test('the tri briefing has no English version: Nour’s copy says so', async () => {
  await syncNow(nourPhone);
  await nourPhone.goto(server.url + '/#/messages');
  await ready(nourPhone);
  const card = nourPhone.getByTestId('message').filter({ hasText: 'Briefing tri et gourdes' });
  await card.getByTestId('untranslated').waitFor({ timeout: 20000 });
  assert.match(await card.getByTestId('untranslated').textContent(), /pas encore été traduit/);
  await card.getByText(/Signé par la production, vérifié/).waitFor({ timeout: 20000 });
});

test('the office sees the demo’s English version and what is measured', async () => {
  await office.goto(server.url + '/#/communications?id=com-cantine');
  await office.getByRole('heading', { name: 'Suivi' }).waitFor({ timeout: 20000 });
  // The form draws before the replica's record is read into it: wait for the
  // value (the assertion below still fails on a wrong or missing one).
  const titleEn = office.getByLabel('Intitulé en anglais');
  for (let i = 0; i < 80 && (await titleEn.inputValue()) === ''; i++)
    await office.waitForTimeout(250);
  assert.equal(await titleEn.inputValue(), 'Canteen: the last week without disposables');
  assert.match(await office.getByLabel('Message en anglais').inputValue(), /No more disposable/);
  assert.match(await office.getByTestId('opened-note').textContent(), /pas de pixel de suivi/);
  // An SMTP server is configured here: no "nothing has left" warning.
  assert.equal(await office.getByTestId('smtp-off').count(), 0);
  const row = office.locator('tr', { hasText: 'Nour Benali' });
  assert.match(await row.textContent(), /E-mail : remis au serveur, ouverture non mesurée/);
  await checkA11y(office, 'follow-up of the demo’s sent briefing');
});
