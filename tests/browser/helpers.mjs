// Shared helpers of the browser tests: the real server binary (EP_BIN, set by
// ctest), Debian's chromium through playwright-core, axe-core checks and
// screenshots (tests/artifacts/, gitignored).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, devices } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const SRC =
  process.env.EP_SOURCE_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.EP_BIN || join(SRC, 'build', 'pwa', 'backend', 'ecoplateau');
export const CHROMIUM = process.env.EP_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = join(SRC, 'tests', 'artifacts');
export const PRODUCTION = 'p-loue-2026';
export const DEMO_LOGIN = 'eco@demo.ecoplateau.fr';
export const DEMO_PASSWORD = 'demo-ecoplateau';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tempDir(name) {
  return mkdtempSync(join(tmpdir(), `ep-${name}-`));
}

// Starts `ecoplateau serve --demo` on dataDir; port 0 picks a free one (then
// pass the same port again to restart on the same origin: the service worker
// and IndexedDB belong to the origin). demo: false starts an empty server.
// threads: 4 worker threads (one per open connection) spare the shared test
// machine; 0 keeps the server's default (128), as deployed.
export async function startServer(
  dataDir,
  port = 0,
  pwaDir = join(SRC, 'pwa'),
  { demo = true, env = {}, threads = 4 } = {},
) {
  const portFile = join(dataDir, `port-${Date.now()}`);
  const proc = spawn(
    BIN,
    [
      'serve',
      ...(demo ? ['--demo'] : []),
      '--port',
      String(port),
      '--port-file',
      portFile,
      '--data-dir',
      dataDir,
      '--pwa-dir',
      pwaDir,
      '--log-level',
      'warn',
      ...(threads ? ['--threads', String(threads)] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => proc.on('exit', r));
  for (let i = 0; i < 300; i++) {
    if (existsSync(portFile)) {
      const p = Number(readFileSync(portFile, 'utf8').trim());
      if (p > 0) {
        const url = `http://127.0.0.1:${p}`;
        return {
          url,
          port: p,
          proc,
          log: () => log,
          async stop() {
            if (proc.exitCode === null) proc.kill('SIGTERM');
            await exited;
          },
        };
      }
    }
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start: ${log}`);
}

export async function launch() {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (make test does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function phone(browser, locale = 'fr-FR') {
  const ctx = await browser.newContext({ ...devices['Pixel 7'], serviceWorkers: 'allow', locale });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.errors = errors;
  return { ctx, page };
}

// Waits for the app to have started (data-ready on <html>).
export async function ready(page) {
  await page.waitForSelector('html[data-ready="1"]', { timeout: 15000 });
}

// Signs the demo office in on page (through the sign-in screen at url) and,
// unless sync is false, waits for its first sync to finish: what every
// office test does before it starts.
export async function officeSignIn(page, url, { sync = true, syncTimeout = 15000 } = {}) {
  await page.goto(url + '/#/connexion');
  await ready(page);
  await page.getByLabel('Adresse e-mail').fill(DEMO_LOGIN);
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Bureau de production' }).waitFor({ timeout: 15000 });
  if (sync)
    await page.waitForFunction(
      () =>
        window.ecoplateau.client.status.lastSync > 0 && !window.ecoplateau.client.status.running,
      null,
      { timeout: syncTimeout },
    );
}

export async function checkA11y(page, label) {
  const res = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const msg = res.violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\n/g, ' ')).join('\n    ')}`,
    )
    .join('\n  ');
  assert.equal(res.violations.length, 0, `axe on "${label}":\n  ${msg}`);
  return res.passes.length;
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// An office session from node (cookie + CSRF), for the admin API.
export async function officeSession(url, email = DEMO_LOGIN, password = DEMO_PASSWORD) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, `login: ${await res.clone().text()}`);
  const me = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const call = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-EP-CSRF': me.csrf,
        'X-EP-Production': PRODUCTION,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, json, text };
  };
  return { me, cookie, call, device: `office-${me.account.id}` };
}

export async function invite(office, memberId) {
  const r = await office.call('POST', `/api/v1/productions/${PRODUCTION}/invites`, {
    member_id: memberId,
  });
  assert.equal(r.status, 201, `invite: ${r.text}`);
  return r.json; // {code, link, qr_svg, member_id, expires_at}
}

// Every op of the production, pulled as the office.
export async function pullAll(office) {
  const ops = [];
  let cursor = '';
  for (let i = 0; i < 100; i++) {
    const r = await office.call(
      'GET',
      `/api/v1/sync/pull?schema=1&cursor=${encodeURIComponent(cursor)}&limit=2000`,
    );
    assert.equal(r.status, 200, `pull: ${r.text}`);
    ops.push(...r.json.ops);
    cursor = r.json.cursor;
    if (!r.json.more) break;
  }
  return ops;
}

// Pairs a phone by opening the invite link and naming the phone.
export async function pairPhone(page, link, name) {
  await page.goto(link);
  await ready(page);
  await page.getByLabel('Nom de ce téléphone').fill(name);
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/, { timeout: 15000 });
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0, null, {
    timeout: 15000,
  });
}

// Holds the page's requests matching pattern until the returned function is
// called; later ones then pass at once (the route stays: removing it while
// a held request is on its way would answer that one twice). To check what
// the page does while an answer is on its way.
export async function holdRequests(page, pattern) {
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

export async function swReady(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Controlled after a reload at the latest; make sure for offline tests.
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
    await ready(page);
  }
  // A first install caches CORE only; the rest follows the first sync
  // (pwa/sw.js, docs/pwa.md "Two-step precache"): offline tests open any screen.
  await page.waitForSelector('html[data-shell="complete"]', { state: 'attached' });
}

export async function syncNow(page) {
  return page.evaluate(() => window.ecoplateau.client.sync('test'));
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// Polls an async function in the page until it returns a truthy value.
// page.waitForFunction does not await a promise its predicate returns (the
// promise itself is truthy), so async checks go through page.evaluate here.
export async function waitInPage(page, fn, { timeout = 20000, interval = 250 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn).catch(() => false);
    if (v) return v;
    if (Date.now() > end) throw new Error(`waitInPage: still false after ${timeout} ms: ${fn}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// Every screen of the office and of a crew phone (a route after "#/", with
// the variants that draw a different screen: a step's result, an
// indicator's form or guide, one message). The layout and words tests walk
// these same lists, so a screen added here is checked by both.
export const OFFICE_ROUTES = [
  'bureau',
  'tableau',
  'telephones',
  'diagnostic',
  'diagnostic-c1',
  'diagnostic-c2',
  'diagnostic-c2?v=result',
  'diagnostic-c1?y=2026&s=result',
  'annuaire',
  'plan',
  'suivi',
  'collecte',
  'guide?i=van_km',
  'bilan',
  'previsionnel',
  'evaluation',
  'communications',
  'communications?id=com-kickoff',
  'photos',
  'dossier',
  'productions',
  'reglages',
];
export const PHONE_ROUTES = [
  'jour',
  'saisie',
  'saisie?i=van_km',
  'saisie?i=meals_vegetarian',
  'entrees',
  'messages',
  'photos',
  'annuaire',
  'guide?i=meals_vegetarian',
  'reglages',
];

// A route as a file name part ("diagnostic-c2?v=result" -> "diagnostic-c2-v-result").
export const routeName = (r) => r.replace(/[^a-z0-9-]+/gi, '-').replace(/-$/, '');

// Opens each route on page (served at url), waits for the app and its
// requests to settle, then awaits onScreen(route).
export async function walkRoutes(page, url, routes, onScreen, { settle = 300 } = {}) {
  for (const r of routes) {
    await page.goto(`${url}/#/${r}`);
    await ready(page);
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(settle);
    await onScreen(r);
  }
}
