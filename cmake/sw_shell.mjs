// sw_shell.mjs - writes pwa/sw.js's SHELL (every file served from pwa/ but
// sw.js itself), CORE (the part of SHELL a phone's first install fetches
// before it takes control, see below) and VERSION (a hash of those files'
// names and contents), so that no commit pastes them by hand. Run by
// `make pwa-vendor`, after the vendor files are copied (they are part of the shell). No bundler: the rest
// of sw.js is left as written. tests/js/shell.test.mjs checks the result.
//
//   node cmake/sw_shell.mjs [pwa-dir]     rewrites sw.js if it changed
//   CI=true node cmake/sw_shell.mjs       fails instead (CI checks the commit)
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pwa = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'pwa');
const swPath = join(pwa, 'sw.js');

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : ['/' + relative(pwa, p)];
  });
}

// Sorted by code unit so the list, and so VERSION, do not depend on the
// file system's order or the locale.
const files = walk(pwa)
  .filter((p) => p !== '/sw.js')
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const shell = ['/', ...files];
const h = createHash('sha256');
for (const p of files) h.update(p + '\n').update(readFileSync(join(pwa, p)));
const version = `ecoplateau-shell-${h.digest('hex').slice(0, 12)}`;

// CORE: what a crew phone needs from its pairing link to Ma journée and
// every screen Ma journée opens, offline (docs/pwa.md, "Two-step
// precache"): the page and its style, app.js's static imports (not the
// screens its router loads on demand), and the sign-in screens, the sync
// client and Ma journée with everything they import, statically or on
// demand, French (the default language) included. A phone's first install
// fetches only these before it takes control; the office's screens, the
// other language and the icons follow once the first sync is over.
const ENTRIES = ['/js/app.js', '/js/ui/signin.js', '/js/sync/client.js', '/js/ui/crew.js'];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
function imports(path) {
  const src = readFileSync(join(pwa, path), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  for (const m of src.matchAll(IMPORT)) {
    const dynamic = m[0].includes('(');
    // A screen's own on-demand imports are part of it; the router's
    // (app.js: every screen) and i18n.js's (every language) are not.
    if (dynamic && !path.startsWith('/js/ui/')) continue;
    out.push(new URL(m[1], 'http://x' + path).pathname);
  }
  return out;
}
const core = new Set([
  '/',
  '/index.html',
  '/css/app.css',
  '/manifest.webmanifest',
  '/js/i18n/fr.js',
]);
const todo = [...ENTRIES];
while (todo.length) {
  const p = todo.pop();
  if (core.has(p)) continue;
  if (!files.includes(p)) {
    console.error(`${p}: imported but not in pwa/`);
    process.exit(1);
  }
  core.add(p);
  todo.push(...imports(p));
}
const coreList = shell.filter((p) => core.has(p));

const sw = readFileSync(swPath, 'utf8');
const fmt = (name, l) => `const ${name} = [\n` + l.map((p) => `  '${p}',\n`).join('') + '];';
const list = fmt('SHELL', shell);
const clist = fmt('CORE', coreList);
const out = sw
  .replace(/const VERSION = '[^']*';/, `const VERSION = '${version}';`)
  .replace(/const SHELL = \[[\s\S]*?\];/, list)
  .replace(/const CORE = \[[\s\S]*?\];/, clist);
if (!out.includes(version) || !out.includes(list) || !out.includes(clist)) {
  console.error(
    `${swPath}: no "const VERSION = '...';", "const SHELL = [...];" or "const CORE = [...];" to rewrite`,
  );
  process.exit(1);
}
if (out !== sw && process.env.CI === 'true') {
  // CI checks the commit as it is: a stale sw.js would reach phones.
  console.error(
    `${swPath}: SHELL, CORE or VERSION is stale: run \`make pwa-vendor\` and commit pwa/sw.js`,
  );
  process.exit(1);
}
if (out !== sw) {
  writeFileSync(swPath, out);
  console.log(
    `pwa/sw.js: ${shell.length} shell files (${coreList.length} in CORE), VERSION ${version}`,
  );
}
