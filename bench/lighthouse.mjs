// lighthouse.mjs - Lighthouse 12 (mobile preset: simulated slow 4G, 4x CPU
// slowdown, Moto G Power screen) on the first screens a crew phone and an
// office see (bench/README.md, "Weak link"). Not part of `make test`:
// `make bench-lighthouse` runs it. Lighthouse is a measuring tool only, so it
// is not in package.json: bench/lighthouse.sh installs it on demand into
// build/lighthouse and passes its path as LIGHTHOUSE.
//
//   EP_BIN=build/bench/backend/ecoplateau LIGHTHOUSE=.../cli/index.js node bench/lighthouse.mjs
//     --runs N   runs per page (3); the median run by performance score is kept
//
// Pages, each a cold first visit (fresh Chromium profile, no service worker,
// no cache): the login page (#/connexion) and the pairing link of a new phone
// (#pair=CODE, the crew's way to Ma journée). "Ma journée" itself needs a
// paired phone: it is measured as the same phone coming back (the profile of
// a phone paired by playwright, storage kept: service worker and IndexedDB),
// which is what a crew member opens every morning.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, devices } from 'playwright-core';
import {
  startServer,
  tempDir,
  cleanup,
  officeSession,
  invite,
  CHROMIUM,
  SRC,
} from '../tests/browser/helpers.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const RUNS = Number(args.runs || 3);
const LH = process.env.LIGHTHOUSE;
if (!LH) throw new Error('LIGHTHOUSE: path of lighthouse/cli/index.js (bench/lighthouse.sh)');

// One Lighthouse run of url; profile: a Chromium user data dir to keep (a
// paired phone), or none for a cold visit. Returns the figures kept.
function lighthouse(url, profile) {
  const out = join(mkdtempSync(join(tmpdir(), 'ep-lh-')), 'report.json');
  const flags = ['--headless=new', '--no-sandbox', '--disable-gpu'];
  if (profile) flags.push(`--user-data-dir=${profile}`);
  execFileSync(
    process.execPath,
    [
      LH,
      url,
      '--only-categories=performance',
      '--output=json',
      `--output-path=${out}`,
      '--quiet',
      `--chrome-flags=${flags.join(' ')}`,
      ...(profile ? ['--disable-storage-reset'] : []),
    ],
    { env: { ...process.env, CHROME_PATH: CHROMIUM }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const r = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(join(out, '..'), { recursive: true, force: true });
  const a = r.audits;
  const items = a['network-requests']?.details?.items || [];
  return {
    score: r.categories.performance.score,
    lcp_s: +(a['largest-contentful-paint'].numericValue / 1000).toFixed(2),
    fcp_s: +(a['first-contentful-paint'].numericValue / 1000).toFixed(2),
    tbt_ms: Math.round(a['total-blocking-time'].numericValue),
    cls: +a['cumulative-layout-shift'].numericValue.toFixed(3),
    requests: items.length,
    kib: +(items.reduce((n, i) => n + (i.transferSize || 0), 0) / 1024).toFixed(1),
    chains: a['critical-request-chains']?.displayValue || '',
    // The elements that moved the most (CLS), as Lighthouse names them.
    shifts: (a['layout-shifts']?.details?.items || [])
      .slice(0, 3)
      .map((i) => `${(i.node?.selector || i.node?.snippet || '?').slice(0, 60)} ${i.score.toFixed(3)}`),
    // What Lighthouse suggests, with the estimated saving.
    advice: Object.values(a)
      .filter((x) => x.details?.type === 'opportunity' && (x.numericValue || 0) > 0)
      .map((x) => `${x.id} ${Math.round(x.numericValue)} ms`),
  };
}

function median(name, runs) {
  const sorted = [...runs].sort((x, y) => x.score - y.score);
  const m = sorted[Math.floor(sorted.length / 2)];
  const row = { page: name, runs: runs.length, ...m, scores: runs.map((r) => r.score) };
  console.log('RESULT ' + JSON.stringify(row));
  return row;
}

// A phone paired through the invite link in a persistent profile, left on
// Ma journée with its service worker installed; the profile is then reused.
async function pairedProfile(server, office) {
  const dir = tempDir('lh-phone');
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
    ...devices['Pixel 7'],
    locale: 'fr-FR',
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  await page.goto(server.url + '/#pair=' + (await code(server, office)));
  await page.getByLabel('Nom de ce téléphone').fill('Téléphone de Sofia');
  await page.getByRole('button', { name: 'Appairer' }).click();
  await page.waitForURL(/#\/jour/);
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await ctx.close();
  return dir;
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: SRC }).toString().trim();
  } catch {
    return '?';
  }
})();
const lhVersion = JSON.parse(readFileSync(join(LH, '..', '..', 'package.json'), 'utf8')).version;
console.log(
  `lighthouse ${lhVersion} ${new Date().toISOString()} commit ${commit}: mobile preset, ` +
    `${RUNS} runs per page, median kept`,
);
// A fresh invite code for m-sofia. The office's keep-alive connection may
// have been closed by the server during a long Lighthouse run: sign in
// again then.
async function code(server, office) {
  try {
    return (await invite(office.session, 'm-sofia')).code;
  } catch {
    office.session = await officeSession(server.url);
    return (await invite(office.session, 'm-sofia')).code;
  }
}

const dir = tempDir('lighthouse');
// The server's default worker threads, as deployed: with the tests' four,
// a first visit's six parallel connections (Chromium's limit per host) left
// two requests waiting for a keep-alive connection to time out (5 s), which
// Lighthouse's speed index counted.
const server = await startServer(dir, undefined, undefined, { threads: 0 });
try {
  const office = { session: await officeSession(server.url) };
  const rows = [];
  const cold = (hash) => Array.from({ length: RUNS }, () => lighthouse(server.url + '/' + hash));
  rows.push(median('login (#/connexion), first visit', cold('#/connexion')));
  const pairs = [];
  for (let i = 0; i < RUNS; i++)
    pairs.push(lighthouse(server.url + '/#pair=' + (await code(server, office))));
  rows.push(median('pairing link (#pair=CODE), first visit', pairs));
  const profile = await pairedProfile(server, office);
  const back = [];
  for (let i = 0; i < RUNS; i++) back.push(lighthouse(server.url + '/#/jour', profile));
  rows.push(median('Ma journée (#/jour), paired phone coming back', back));
  cleanup(profile);
} finally {
  await server.stop();
  cleanup(dir);
}
