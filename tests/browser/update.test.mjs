// The service worker's update flow: a new version of the shell installs in
// the background, the page says "a new version is ready", and only the
// user's click switches to it (then the old shell cache is gone).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  tempDir,
  startServer,
  launch,
  phone,
  ready,
  checkA11y,
  shot,
  cleanup,
  SRC,
  waitInPage,
} from './helpers.mjs';

const dir = tempDir('update');
const pwa = join(dir, 'pwa');
cpSync(join(SRC, 'pwa'), pwa, { recursive: true });
const server = await startServer(dir, 0, pwa);
const browser = await launch();
after(async () => {
  await browser.close();
  await server.stop();
  cleanup(dir);
});

test('a new version is announced, and applied on request', async () => {
  const { page } = await phone(browser);
  await page.goto(server.url + '/');
  await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await ready(page);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller));
  const v1 = await page.evaluate(() => caches.keys());
  assert.equal(v1.length, 1);

  const sw = readFileSync(join(pwa, 'sw.js'), 'utf8');
  const next = sw.replace(/const VERSION = '([^']+)'/, (m, v) => `const VERSION = '${v}-test'`);
  assert.notEqual(next, sw);
  writeFileSync(join(pwa, 'sw.js'), next);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const banner = page.getByText('Une nouvelle version est prête.');
  await banner.waitFor({ timeout: 15000 });
  await checkA11y(page, 'update banner');
  await shot(page, 'phone-12-update-ready');
  // Still the old worker until the user accepts.
  assert.deepEqual(
    await page.evaluate(() =>
      caches.keys().then((k) => k.filter((x) => x.endsWith('test')).length),
    ),
    1,
  );
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: 'Mettre à jour' }).click(),
  ]);
  await ready(page);
  await waitInPage(page, async () => {
    const keys = await caches.keys();
    return keys.length === 1 && keys[0].endsWith('-test');
  });
  assert.ok(await page.locator('#update').isHidden());
  assert.deepEqual(page.errors, []);
});
