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
  const pushes = [];
  const pulls = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/v1/sync/push'))
      pushes.push({
        enc: req.headers()['content-encoding'] || '',
        bytes: req.postDataBuffer()?.length || 0,
      });
  });
  // Each pull's encoding, whether it asked to leave out the phone's own ops
  // (docs/sync-protocol.md §5, own=0) and the op ids it brought.
  page.on('response', async (res) => {
    if (!res.url().includes('/api/v1/sync/pull')) return;
    const enc = (await res.allHeaders())['content-encoding'] || '';
    const ids = ((await res.json().catch(() => null))?.ops || []).map((o) => o.id);
    pulls.push({ enc, own0: new URL(res.url()).searchParams.get('own') === '0', ids });
  });
  await pairPhone(
    page,
    server.url + '/#pair=' + (await invite(office, 'm-sofia')).code,
    'Téléphone de Sofia',
  );
  await page.waitForFunction(() => window.ecoplateau.client.status.lastSync > 0);
  // The catch-up of a new phone: from the empty cursor, its own ops
  // included, more than 1 KiB, so gzip-encoded.
  assert.equal(pulls[0]?.own0, false, JSON.stringify(pulls[0]));
  assert.equal(pulls[0]?.enc, 'gzip', `catch-up pull came ${pulls[0]?.enc || 'plain'}`);
  const before = pulls.length;
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
  // Caught up, the phone pulls without its own ops: the pull after its push
  // brings none of the twelve back.
  const after = pulls.slice(before);
  assert.ok(after.length >= 1);
  assert.ok(
    after.every((p) => p.own0 && !p.ids.some((id) => id.startsWith('wl-'))),
    JSON.stringify(after),
  );
});
