// Every screen speaks to people (docs/pwa.md, "Words and formats"): each office
// and phone screen of the demo, in French then in English, is read for text a
// person should never see: internal ids (the catalogue's indicator ids, every
// record and member id the production holds, `p-…`, `m-…`, `d-…`, `office-…`,
// UUIDs, snake_case words, `tag:value` codes) and ISO dates outside inputs.
// Visible text nodes and the aria-label, title, alt and placeholder attributes
// are read, with every <details> opened so folded text is read too, and the
// options of every visible list. The phone is Sofia's (crew), who has a conflict on her
// own task in the demo, and records a reading first so "Mes saisies" and the
// receipt are read too.
// Allowed, and only these: the criteria codes of the directory's CSV annex
// (<code> inside [data-annex]: the file format names criteria by code) and
// link addresses shown as such. Text the server drafts (the evaluation's
// sentences, the kit's preview, the dossier's parts: [data-server-text]) is
// read by the third test, in French and in English, where it must also hold
// none of the French text files' sentences (sync/domain/data/text.fr.json):
// an English screen quoting the French evaluation is a defect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer,
  launch,
  tempDir,
  cleanup,
  invite,
  pairPhone,
  officeSession,
  pullAll,
  officeSignIn,
  walkRoutes,
  OFFICE_ROUTES as OFFICE,
  PHONE_ROUTES as PHONE,
} from './helpers.mjs';

let server, browser, dir, ids;

// Pieces of the French texts the English file does not share (between
// placeholders, 24 characters or more): one on an English screen is French
// leaking through. Spaces of any kind compare as one.
const squash = (s) => s.replace(/[\s\u00a0\u202f]+/g, ' ');
function frenchSentences() {
  const data = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sync', 'domain', 'data');
  const load = (l) => JSON.parse(readFileSync(join(data, `text.${l}.json`), 'utf8'));
  const english = squash(Object.values(load('en')).join('\n'));
  const out = new Set();
  for (const text of Object.values(load('fr')))
    for (const piece of text.split(/\{[a-z_]+\}|\n/)) {
      const p = squash(piece).replace(/^[ .,;:]+|[ .,;:]+$/g, '');
      if (p.length >= 24 && !english.includes(p)) out.add(p);
    }
  return [...out];
}

// Runs in the page: the French pieces found in the server's text.
function frenchIn({ french }) {
  const found = [];
  for (const el of document.querySelectorAll('[data-server-text]')) {
    const text = el.textContent.replace(/[\s\u00a0\u202f]+/g, ' ');
    for (const f of french) if (text.includes(f)) found.push(`French "${f.slice(0, 60)}"`);
  }
  return [...new Set(found)];
}

before(async () => {
  dir = tempDir('words');
  server = await startServer(dir);
  browser = await launch();
  // Every id the production holds: its records, members, phones, indicators.
  const office = await officeSession(server.url);
  ids = new Set();
  for (const op of await pullAll(office)) {
    for (const v of [op.id, op.dev])
      if (typeof v === 'string' && /[-_:]/.test(v) && v.length > 3) ids.add(v);
  }
  const cat = await office.call('GET', '/api/v1/indicators');
  for (const i of cat.json?.indicators ?? cat.json ?? []) ids.add(i.id);
  assert.ok(ids.size > 40, `only ${ids.size} ids found in the demo`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  cleanup(dir);
});

// Runs in the page: each offending string with where it was seen.
function offences({ idList, serverText }) {
  const known = new Set(idList);
  // "CO2e" and units such as "kgCO2e" are words; file names offered for
  // download (bilan.csv) are not ids; URLs stay as they are.
  const PATTERNS = [
    [/(?<![\p{L}\p{N}_./#=-])[pmd]-[a-z0-9]+(?:-[a-z0-9]+)*/gu, 'id'],
    [/(?<![\p{L}\p{N}_./#=-])office-[a-z0-9-]+/gu, 'phone id'],
    [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}\b/g, 'uuid'],
    [/(?<![\p{L}\p{N}./#=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\p{L}\p{N}.])/gu, 'snake_case'],
    [/(?<![\p{L}\p{N}./#=-])[a-z]+:[a-z][a-z_]*(?![\p{L}\p{N}])/gu, 'code'],
    [/\b\d{4}-\d{2}-\d{2}\b/g, 'ISO date'],
  ];
  const out = [];
  const visible = (el) => {
    if (!el || el.closest('[hidden], dialog:not([open]), script, style, template')) return false;
    // An option shows when its list is opened: read it if the list shows.
    if (el.closest('select')) el = el.closest('select');
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const check = (text, where) => {
    for (const [re, what] of PATTERNS)
      for (const m of text.matchAll(re)) out.push(`${what} "${m[0]}" in ${where}`);
    for (const w of text.split(/[^\p{L}\p{N}_:.-]+/u))
      if (known.has(w.replace(/[.:]+$/, ''))) out.push(`id "${w}" in ${where}`);
  };
  const describe = (el) =>
    `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${(el.textContent || '').trim().slice(0, 60)}"`;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !visible(el)) continue;
    if (el.closest('[data-annex] code')) continue;
    if (!!el.closest('[data-server-text]') !== serverText) continue;
    // A link's address shown as such (invitation links) is a URL, not an id.
    if (el.closest('a[href]')?.textContent.trim().startsWith('http')) continue;
    check(n.textContent, describe(el));
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[alt],[placeholder]')) {
    if (!visible(el) && el.tagName !== 'IMG') continue;
    if (!!el.closest('[data-server-text]') !== serverText) continue;
    for (const a of ['aria-label', 'title', 'alt', 'placeholder'])
      if (el.hasAttribute(a)) check(el.getAttribute(a), `${a} of ${describe(el)}`);
  }
  if (!serverText) check(document.title, 'the page title');
  return [...new Set(out)];
}

async function walk(page, routes, kind, lang, serverText = false, french = []) {
  const found = [];
  await walkRoutes(
    page,
    server.url,
    routes,
    async (r) => {
      await page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
      });
      await page.waitForTimeout(200);
      for (const o of await page.evaluate(offences, { idList: [...ids], serverText }))
        found.push(`${kind} ${lang} #/${r}: ${o}`);
      if (french.length)
        for (const o of await page.evaluate(frenchIn, { french }))
          found.push(`${kind} ${lang} #/${r}: ${o}`);
    },
    { settle: 400 },
  );
  return found;
}

async function otherLanguage(page, want) {
  await page.locator('#lang').click();
  await page.waitForFunction((l) => document.documentElement.lang === l, want);
}

test('office screens show no id and no ISO date, in French and in English', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  await officeSignIn(page, server.url);
  const found = await walk(page, OFFICE, 'office', 'fr');
  await otherLanguage(page, 'en');
  found.push(...(await walk(page, OFFICE, 'office', 'en')));
  await ctx.close();
  assert.deepEqual(found, []);
});

test('phone screens show no id and no ISO date, in French and in English', async () => {
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
  // A reading on Utilitaire 1, so the receipt and "Mes saisies" have one.
  await page.goto(`${server.url}/#/saisie?i=van_km`);
  await page.waitForSelector('select[name="vehicle"]');
  await page.locator('select[name="vehicle"]').selectOption('van-1');
  await page.locator('input[name="value"]').fill('212');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor();
  assert.match(await receipt.textContent(), /212\u00a0km enregistrés pour Utilitaire 1/);
  const found = (await page.evaluate(offences, { idList: [...ids], serverText: false })).map(
    (o) => `phone fr receipt: ${o}`,
  );
  found.push(...(await walk(page, PHONE, 'phone', 'fr')));
  await otherLanguage(page, 'en');
  found.push(...(await walk(page, PHONE, 'phone', 'en')));
  await ctx.close();
  assert.deepEqual(found, []);
});

test("text the server drafts shows no id, no ISO date, and speaks the screen's language", async () => {
  const french = frenchSentences();
  assert.ok(french.length > 100, `only ${french.length} French sentences to look for`);
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'fr-FR',
  });
  const page = await ctx.newPage();
  await officeSignIn(page, server.url, { sync: false });
  const routes = ['evaluation', 'dossier'];
  // The French screens do show the server's sentences (the check can fail).
  await page.goto(`${server.url}/#/evaluation`);
  await page.locator('[data-server-text]').first().waitFor();
  const found = await walk(page, routes, 'office', 'fr', true);
  await otherLanguage(page, 'en');
  found.push(...(await walk(page, routes, 'office', 'en', true, french)));
  await ctx.close();
  assert.deepEqual(found, []);
});
