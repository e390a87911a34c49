// Layouts that hold: every office screen from 1024 to 1920 px and every phone
// screen from 320 to 430 px. On each: no sideways scroll of the page, no
// control cut off by its container or the window, no word broken inside a
// button, every radio and checkbox within 16 px of its label's text; a
// table wider than its region scrolls inside it with its first column kept
// in view. The screens are helpers.mjs's OFFICE_ROUTES and PHONE_ROUTES.
// Screenshots go to tests/artifacts/layout-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launch,
  tempDir,
  shot,
  cleanup,
  swReady,
  invite,
  pairPhone,
  officeSession,
  officeSignIn,
  walkRoutes,
  routeName,
  OFFICE_ROUTES,
  PHONE_ROUTES,
} from './helpers.mjs';

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

// Runs in the page: each table that scrolls inside its region is scrolled to
// its far end, and the cells of its first column must still be in the
// region's visible box and drawn on top (a person reading a row still sees
// which row it is). Scroll positions are put back afterwards.
function firstColumnLost() {
  const out = [];
  let scrolled = 0;
  for (const wrap of document.querySelectorAll('main .table-wrap')) {
    const w = wrap.getBoundingClientRect();
    if (wrap.scrollWidth <= wrap.clientWidth + 1 || w.width === 0) continue;
    scrolled++;
    const before = [wrap.scrollLeft, window.scrollX, window.scrollY];
    // The region in the middle of the window, clear of bars stuck to its top.
    wrap.scrollIntoView({ block: 'center' });
    wrap.scrollLeft = wrap.scrollWidth;
    const box = wrap.getBoundingClientRect();
    const label = (wrap.querySelector('caption, th')?.textContent || '').trim().slice(0, 30);
    for (const row of wrap.querySelectorAll('tr')) {
      const cell = row.cells[0];
      // A cell spanning the whole row is a heading of the rows below, not a column.
      if (!cell || cell.colSpan > 1 || row.cells.length < 2) continue;
      const r = cell.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = cell.textContent.trim().slice(0, 30);
      const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1);
      const hit =
        r.top < window.innerHeight && r.bottom > 0
          ? document.elementFromPoint(r.left + Math.min(r.width / 2, 8), y)
          : cell;
      if (r.left < box.left - 1 || r.left > box.right - 8)
        out.push(`the first column ("${name}") of the table "${label}" scrolls out of view`);
      else if (hit && !cell.contains(hit))
        out.push(`the first column ("${name}") of the table "${label}" is covered when scrolled`);
      else if (/rgba\(.*, 0\)|transparent/.test(getComputedStyle(cell).backgroundColor))
        out.push(
          `the first column ("${name}") of the table "${label}" lets the scrolled cells show through`,
        );
      else continue;
      break;
    }
    wrap.scrollLeft = before[0];
    window.scrollTo(before[1], before[2]);
  }
  return { out, scrolled };
}

async function walk(page, routes, width, kind) {
  const found = [];
  await walkRoutes(page, server.url, routes, async (r) => {
    const p = [...(await page.evaluate(problems)), ...(await page.evaluate(firstColumnLost)).out];
    if (p.length) found.push(`${kind} ${width}px #/${r}: ${p.join('; ')}`);
    if (width === 1280 || width === 390)
      await shot(page, `layout-${kind}-${width}-${routeName(r)}`);
  });
  return found;
}

test('office screens hold from 1024 to 1920 px', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  await officeSignIn(page, server.url);
  const found = [];
  for (const width of [1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    found.push(...(await walk(page, OFFICE_ROUTES, width, 'office')));
  }
  await ctx.close();
  assert.deepEqual(found, []);
});

// At 400 % zoom a 1280 px window is 320 CSS px wide (WCAG 1.4.10, reflow):
// the office's tables no longer fit and scroll in their region, which must
// keep their first column in view. At least one table must scroll, or the
// check would check nothing.
test('office tables keep their first column in view when they scroll (320 px)', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  const page = await ctx.newPage();
  await officeSignIn(page, server.url);
  await page.setViewportSize({ width: 320, height: 800 });
  const found = [];
  const screens = [];
  await walkRoutes(page, server.url, OFFICE_ROUTES, async (r) => {
    const { out, scrolled } = await page.evaluate(firstColumnLost);
    if (scrolled) screens.push(r);
    if (out.length) found.push(`office 320px #/${r}: ${out.join('; ')}`);
  });
  // A control reached by the keyboard in the second column of a table
  // scrolled to its end is scrolled out from under the first column.
  await page.goto(`${server.url}/#/collecte`);
  const schedule = page.getByTestId('schedule');
  await schedule.waitFor();
  const focus = await schedule.evaluate((table) => {
    const wrap = table.closest('.table-wrap');
    wrap.scrollLeft = wrap.scrollWidth;
    const row = table.tBodies[0].rows[0];
    const control = row.cells[1].querySelector('select');
    control.focus();
    const covered = row.cells[0].getBoundingClientRect().right;
    return {
      left: control.getBoundingClientRect().left,
      covered,
      focused: document.activeElement === control,
    };
  });
  assert.ok(focus.focused);
  assert.ok(
    focus.left >= focus.covered,
    `focused select at ${focus.left}, first column up to ${focus.covered}`,
  );
  await page.goto(`${server.url}/#/bilan`);
  await page
    .locator('main .table-wrap')
    .first()
    .evaluate((w) => (w.scrollLeft = w.scrollWidth));
  await shot(page, 'layout-office-320-bilan-scrolled');
  await ctx.close();
  assert.ok(screens.length >= 3, `tables that scroll at 320 px: ${screens.join(', ')}`);
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
    found.push(...(await walk(page, PHONE_ROUTES, width, 'phone')));
  }
  await ctx.close();
  assert.deepEqual(found, []);
});
