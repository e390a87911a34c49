// A weak link: a phone's pushes go gzip-encoded (CompressionStream), signed
// over the compressed bytes, and the server applies them; its pulls come back
// gzip-encoded because Chromium asks for it. Bytes as sent are measured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launch,
  phone,
  tempDir,
  ready,
  cleanup,
  invite,
  pairPhone,
  officeSession,
  pullAll,
} from './helpers.mjs';

let server, browser, dir, page;

before(async () => {
  dir = tempDir('weaklink');
  server = await startServer(dir);
  browser = await launch();
  ({ page } = await phone(browser));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  cleanup(dir);
});

test('pushes go gzip, signed as sent, and are applied once', async () => {
  const office = await officeSession(server.url);
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(office, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  const pushes = [];
  const pulls = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/v1/sync/push'))
      pushes.push({
        enc: req.headers()['content-encoding'] || '',
        bytes: req.postDataBuffer()?.length || 0,
      });
  });
  page.on('response', async (res) => {
    if (res.url().includes('/api/v1/sync/pull'))
      pulls.push((await res.allHeaders())['content-encoding'] || '');
  });
  // Twelve readings recorded offline-first, then one sync.
  const device = await page.evaluate(async () => {
    const c = window.ecoplateau.client;
    for (let i = 0; i < 12; i++) {
      await c.makeOp('readings', `wl-${i}`, 'add', {
        indicator: 'waste_wood_kg',
        value: 10 + i,
        unit: 'kg',
        dept: 'regie',
        at: '2026-11-20',
        note: 'bois du décor, benne 2',
      });
    }
    return c.device;
  });
  await page.evaluate(() => window.ecoplateau.client.sync('test'));
  await page.waitForFunction(
    () => window.ecoplateau.client.status.pending === 0 && !window.ecoplateau.client.status.running,
    null,
    { timeout: 15000 },
  );
  const gz = pushes.filter((p) => p.enc === 'gzip');
  assert.ok(gz.length >= 1, JSON.stringify(pushes));
  assert.equal(await page.evaluate(() => window.ecoplateau.client.status.rejected), 0);
  const mine = (await pullAll(office)).filter((op) => op.dev === device && op.id.startsWith('wl-'));
  assert.equal(mine.length, 12);
  assert.deepEqual(
    mine.map((o) => o.fields.value).sort((a, b) => a - b),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
  );
  // Twelve ops in JSON are about 4 KB; gzip sends well under half.
  const plain = JSON.stringify(mine).length;
  assert.ok(gz[0].bytes < plain / 2, `${gz[0].bytes} bytes gzip for ${plain} bytes of ops`);
  await ready(page);
  assert.ok(pulls.includes('gzip'), `pull encodings: ${pulls.join(',')}`);
});
