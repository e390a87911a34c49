// sw_shell.mjs - writes pwa/sw.js's SHELL (every file served from pwa/ but
// sw.js itself) and VERSION (a hash of those files' names and contents), so
// that no commit pastes them by hand. Run by `make pwa-vendor`, after the
// vendor files are copied (they are part of the shell). No bundler: the rest
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

const sw = readFileSync(swPath, 'utf8');
const list = 'const SHELL = [\n' + shell.map((p) => `  '${p}',\n`).join('') + '];';
const out = sw
  .replace(/const VERSION = '[^']*';/, `const VERSION = '${version}';`)
  .replace(/const SHELL = \[[\s\S]*?\];/, list);
if (!out.includes(version) || !out.includes(list)) {
  console.error(`${swPath}: no "const VERSION = '...';" or "const SHELL = [...];" to rewrite`);
  process.exit(1);
}
if (out !== sw && process.env.CI === 'true') {
  // CI checks the commit as it is: a stale sw.js would reach phones.
  console.error(
    `${swPath}: SHELL or VERSION is stale: run \`make pwa-vendor\` and commit pwa/sw.js`,
  );
  process.exit(1);
}
if (out !== sw) {
  writeFileSync(swPath, out);
  console.log(`pwa/sw.js: ${shell.length} shell files, VERSION ${version}`);
}
