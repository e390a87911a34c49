// The app shell: the service worker precaches exactly the files served from
// pwa/ (except sw.js itself), they stay under 680 KB uncompressed and 215 KB
// gzipped (a phone installs the whole shell once, on set or at the office,
// gzipped since the weak-link work: about 1.5 s at 1 Mbit/s). The budget
// follows the product: 460 KB until setup, productions, the footprint screen
// and the error catalogue landed and Prettier formatted the JS (about +10 %
// uncompressed, +5 % gzipped); 520 KB until the people screens, per-person
// communication preferences, the forecast and factor-set screens and the C1
// model's questions landed together (575 KB, 177 KB gzipped); 620 KB and
// 190 KB until every screen spoke in words (docs/pwa.md, "Words and
// formats": counts with plural forms, labels for tags and fields, conflicts
// told in full, the Intl formatter; 624 -> 651 KB, 192 -> 201 KB gzipped,
// measured); 205 KB until the sessions of 7 December 2026 (the sign-in screens
// apart, languages and errors per pack, the footprint's phases and sets, the
// evaluation in both languages: 210 KB gzipped, measured; the first visit has
// its own budget of 120 KiB, tests/browser/lazyload.test.mjs). The
// manifest has what installation needs, and no file carries inline script
// or style (the CSP has no 'unsafe-inline').
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fr from '../../pwa/js/i18n/fr.js';
import en from '../../pwa/js/i18n/en.js';

const catalogs = { fr, en };

const pwa = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pwa');
const sw = readFileSync(join(pwa, 'sw.js'), 'utf8');
const shell = JSON.parse(
  sw
    .match(/const SHELL = (\[[\s\S]*?\]);/)[1]
    .replace(/'/g, '"')
    .replace(/,\s*\]/, ']'),
);

const core = JSON.parse(
  sw
    .match(/const CORE = (\[[\s\S]*?\]);/)[1]
    .replace(/'/g, '"')
    .replace(/,\s*\]/, ']'),
);

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : ['/' + relative(pwa, p)];
  });
}

test('the precache lists exactly the served files', () => {
  const served = walk(pwa)
    .filter((p) => p !== '/sw.js')
    .sort();
  const listed = shell.filter((p) => p !== '/').sort();
  if (!existsSync(join(pwa, 'vendor', 'idb.js')))
    assert.fail('pwa/vendor/idb.js is missing: run `make pwa-vendor`');
  assert.deepEqual(listed, served, 'run `make pwa-vendor` (cmake/sw_shell.mjs writes SHELL)');
});

// Installed phones keep the cached shell until sw.js changes: VERSION carries
// a hash of the shell (cmake/sw_shell.mjs computes it the same way), so a
// shell file changed without re-running the step fails here.
test('the service worker version follows the shell files', () => {
  const h = createHash('sha256');
  for (const p of shell.filter((x) => x !== '/'))
    h.update(p + '\n').update(readFileSync(join(pwa, p)));
  const want = `ecoplateau-shell-${h.digest('hex').slice(0, 12)}`;
  const got = sw.match(/const VERSION = '([^']+)'/)?.[1];
  assert.equal(
    got,
    want,
    'a shell file changed: run `make pwa-vendor` (cmake/sw_shell.mjs writes VERSION)',
  );
});

test('the app shell is at most 680 KB uncompressed, 215 KB gzipped', () => {
  const files = [...new Set(shell.filter((p) => p !== '/').concat(['/sw.js']))];
  const total = files.reduce((n, p) => n + statSync(join(pwa, p)).size, 0);
  const gz = files.reduce((n, p) => n + gzipSync(readFileSync(join(pwa, p))).length, 0);
  console.log(`app shell: ${files.length} files, ${total} bytes, ${gz} bytes gzipped`);
  assert.ok(total <= 680 * 1024, `app shell is ${total} bytes`);
  assert.ok(gz <= 215 * 1024, `app shell is ${gz} bytes gzipped`);
});

// Static imports of a module, resolved to shell paths (import() excluded).
function staticImports(path) {
  const src = readFileSync(join(pwa, path), 'utf8');
  return [...src.matchAll(/^import\s[^;]*?\sfrom\s+'([^']+)';/gms)].map(
    (m) => '/' + relative(pwa, join(pwa, dirname(path), m[1])),
  );
}

// Loading (docs/pwa.md): the first paint needs app.js's static imports only;
// index.html declares exactly those (and French, the default language, and
// the sign-in screens, the first screen of every first visit) as
// modulepreload, so they come in one round trip instead of one per level.
test('screens and languages load on first use; the first ones are preloaded', () => {
  const closure = new Set();
  const visit = (p) => {
    if (closure.has(p)) return;
    closure.add(p);
    staticImports(p).forEach(visit);
  };
  visit('/js/app.js');
  for (const p of closure) {
    assert.doesNotMatch(p, /^\/js\/ui\//, `${p} is a screen: import() it`);
    assert.doesNotMatch(p, /^\/js\/i18n\/(fr|en)\.js$/, `${p} is a language pack: import() it`);
  }
  const html = readFileSync(join(pwa, 'index.html'), 'utf8');
  const preload = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  closure.delete('/js/app.js');
  assert.deepEqual(preload.sort(), [...closure, '/js/i18n/fr.js', '/js/ui/signin.js'].sort());
  // Every import() target is a shell file, so the service worker has it offline.
  for (const f of walk(join(pwa, 'js'))) {
    const src = readFileSync(join(pwa, f), 'utf8');
    for (const m of src.matchAll(/import\('([^']+)'\)/g)) {
      const target = '/' + relative(pwa, join(pwa, dirname(f), m[1]));
      assert.ok(shell.includes(target), `${f}: import('${m[1]}') is not precached`);
    }
  }
});

// Two-step precache (docs/pwa.md): a new phone's worker takes control once
// it has CORE, and the page waits for it after pairing, so whatever pairing
// to Ma journée and the screens it opens need must be in CORE, and nothing
// only the office uses.
test('the first precache has everything a phone opens, and no office screen', () => {
  for (const p of core) assert.ok(shell.includes(p), `${p} is in CORE, not in SHELL`);
  const html = readFileSync(join(pwa, 'index.html'), 'utf8');
  const preload = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  for (const p of ['/', '/index.html', '/css/app.css', '/js/app.js', ...preload])
    assert.ok(core.includes(p), `${p} is not in CORE`);
  for (const p of core.filter((x) => x.endsWith('.js')))
    for (const q of staticImports(p)) assert.ok(core.includes(q), `${p} imports ${q}, not in CORE`);
  for (const p of ['/js/ui/crew.js', '/js/sync/client.js']) {
    assert.ok(core.includes(p), `${p} is not in CORE`);
    const src = readFileSync(join(pwa, p), 'utf8');
    for (const m of src.matchAll(/import\('([^']+)'\)/g)) {
      const target = '/' + relative(pwa, join(pwa, dirname(p), m[1]));
      assert.ok(core.includes(target), `${p} opens ${target}, not in CORE`);
    }
  }
  for (const p of ['/js/ui/office.js', '/js/ui/diag.js', '/js/ui/plan.js', '/js/i18n/en.js'])
    assert.ok(!core.includes(p), `${p} is in CORE`);
});

test('the manifest is installable', () => {
  const m = JSON.parse(readFileSync(join(pwa, 'manifest.webmanifest'), 'utf8'));
  for (const k of [
    'name',
    'short_name',
    'id',
    'start_url',
    'scope',
    'theme_color',
    'background_color',
  ])
    assert.ok(m[k], k);
  assert.equal(m.display, 'standalone');
  assert.equal(m.lang, 'fr');
  assert.ok(m.icons.some((i) => i.sizes === '192x192'));
  assert.ok(m.icons.some((i) => i.sizes === '512x512' && i.purpose === 'any'));
  assert.ok(m.icons.some((i) => i.purpose === 'maskable'));
  for (const i of m.icons) assert.ok(existsSync(join(pwa, i.src)), i.src);
  assert.ok(m.shortcuts.some((s) => s.name === 'Saisir un relevé'));
});

test('no inline script, style or event handler in the HTML', () => {
  for (const f of walk(pwa).filter((p) => p.endsWith('.html'))) {
    const html = readFileSync(join(pwa, f), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, `${f}: inline script`);
    assert.doesNotMatch(html, /<style/i, `${f}: inline style`);
    assert.doesNotMatch(html, /\sstyle=/i, `${f}: style attribute`);
    assert.doesNotMatch(html, /\son[a-z]+=/i, `${f}: event handler attribute`);
  }
});

test('English translates every French string', () => {
  const missing = Object.keys(catalogs.fr).filter((k) => !(k in catalogs.en) && k !== 'app.name');
  assert.deepEqual(missing, []);
  const extra = Object.keys(catalogs.en).filter((k) => !(k in catalogs.fr));
  assert.deepEqual(extra, []);
});

test('every t() key used by the app exists in French', () => {
  const used = new Set();
  for (const f of walk(join(pwa, 'js')).map((p) => join(pwa, p))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-z][a-zA-Z0-9_.]*)'\s*[,)]/g))
      used.add(m[1]);
  }
  const missing = [...used].filter((k) => !(k in catalogs.fr));
  assert.deepEqual(missing, []);
});
