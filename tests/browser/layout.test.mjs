// Layouts that hold: every office screen from 1024 to 1920 px and every phone
// screen from 320 to 430 px. On each: no sideways scroll of the page, no
// control cut off by its container or the window, no word broken inside a
// button, every radio and checkbox within 16 px of its label's text.
// Screenshots go to tests/artifacts/layout-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launch,
  tempDir,
  ready,
  shot,
  cleanup,
  swReady,
  invite,
  pairPhone,
  officeSession,
  DEMO_LOGIN,
  DEMO_PASSWORD,
} from './helpers.mjs';

const OFFICE = [
  'bureau',
  'tableau',
  'diagnostic',
  'plan',
  'annuaire',
  'communications',
  'telephones',
  'collecte',
  'suivi',
  'bilan',
  'evaluation',
  'dossier',
  'reglages',
];
const PHONE = ['jour', 'saisie', 'entrees', 'messages', 'photos', 'annuaire', 'reglages'];

let server, browser, dir;

before(async () => {
  dir = tempDir('layout');
  server = await startServer(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  cleanup(dir);
});

// Runs in the page: what is wrong with the current layout, as sentences.
function problems() {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const name = (el) =>
    (el.getAttribute('aria-label') || el.textContent || el.name || el.id || el.tagName)
      .trim()
      .slice(0, 40);
  if (document.documentElement.scrollWidth > vw + 1)
    out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return (
      r.width > 0 &&
      r.height > 0 &&
      s.visibility !== 'hidden' &&
      !el.closest('[hidden], details:not([open]) > :not(summary), dialog:not([open])')
    );
  };
  const controls = [
    ...document.querySelectorAll(
      'main button, main a.button, main input, main select, main textarea, nav button, nav a',
    ),
  ].filter(visible);
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    // Cut off by an ancestor that clips (overflow hidden) or by the window,
    // unless that ancestor is a scroll region the person can scroll.
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible') continue;
      const ar = a.getBoundingClientRect();
      const scrolls =
        (s.overflowX === 'auto' || s.overflowX === 'scroll') && a.scrollWidth > a.clientWidth;
      if (!scrolls && (r.right > ar.right + 1 || r.left < ar.left - 1))
        out.push(`"${name(el)}" is cut off by its container`);
      break;
    }
    if (!el.closest('.table-wrap, [data-scroll]') && (r.right > vw + 1 || r.left < -1))
      out.push(`"${name(el)}" goes past the window`);
  }
  // A word broken across lines ("Enr/egis/trer"): each word of the visible
  // text of controls, labels, headings and table cells must sit on one line.
  // Long unbroken strings (links, ids in inputs) are not words.
  const range = document.createRange();
  const seen = new Set();
  for (const el of document.querySelectorAll(
    'main button, main a.button, main label, main th, main td, main h1, main h2, main legend, nav a',
  )) {
    if (!visible(el)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/[\p{L}\p{N}’']{4,30}/gu)) {
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const tops = new Set(
          [...range.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)),
        );
        if (tops.size > 1 && !seen.has(m[0])) {
          seen.add(m[0]);
          out.push(`"${m[0]}" is broken across lines`);
        }
      }
    }
  }
  for (const box of document.querySelectorAll(
    'main input[type=radio], main input[type=checkbox]',
  )) {
    if (!visible(box) || !box.labels || !box.labels.length) continue;
    const label = box.labels[0];
    const range = document.createRange();
    // The first words of the label's text, without the box itself when the
    // label wraps it.
    const texts = [];
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      if (n.textContent.trim()) texts.push(n);
    if (!texts.length) continue;
    range.selectNodeContents(texts[0]);
    const first = range.getClientRects()[0];
    if (!first) continue;
    // The box is drawn as a square centred in the input's box: a radio given
    // the full width of a form shows far from its label, though its box
    // touches the label's text.
    const ib = box.getBoundingClientRect();
    const side = Math.min(ib.width, ib.height);
    const cx = ib.left + ib.width / 2,
      cy = ib.top + ib.height / 2;
    const b = {
      left: cx - side / 2,
      right: cx + side / 2,
      top: cy - side / 2,
      bottom: cy + side / 2,
    };
    const gapX = Math.max(first.left - b.right, b.left - first.right, 0);
    const gapY = Math.max(first.top - b.bottom, b.top - first.bottom, 0);
    if (gapX > 16 || gapY > 16)
      out.push(
        `the box of "${label.textContent.trim().slice(0, 40)}" is ${Math.round(Math.max(gapX, gapY))} px from its label`,
      );
  }
  return [...new Set(out)];
}

async function walk(page, routes, width, kind) {
  const found = [];
  for (const r of routes) {
    await page.goto(`${server.url}/#/${r}`);
    await ready(page);
    await page.waitForTimeout(300);
    const p = await page.evaluate(problems);
    if (p.length) found.push(`${kind} ${width}px #/${r}: ${p.join('; ')}`);
    if (width === 1280 || width === 390) await shot(page, `layout-${kind}-${width}-${r || 'jour'}`);
  }
  return found;
}

test('office screens hold from 1024 to 1920 px', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  await page.waitForFunction(
    () => window.ecoplateau.client.status.lastSync > 0 && !window.ecoplateau.client.status.running,
    null,
    { timeout: 15000 },
  );
  const found = [];
  for (const width of [1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    found.push(...(await walk(page, OFFICE, width, 'office')));
  }
  await ctx.close();
  assert.deepEqual(found, []);
});

test('phone screens hold from 320 to 430 px', async () => {
  const api = await officeSession(server.url);
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 800 },
    locale: 'fr-FR',
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(api, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  await swReady(page);
  const found = [];
  for (const width of [320, 390, 430]) {
    await page.setViewportSize({ width, height: 800 });
    found.push(...(await walk(page, PHONE, width, 'phone')));
  }
  await ctx.close();
  assert.deepEqual(found, []);
});
