// The map stays true (docs/architecture.md, "Layout" and "Routes"): every C
// source under sync/ and backend/ is in one of architecture.md's file tables,
// every module under pwa/js in docs/pwa.md's, every table row names a file
// that exists, the documented routes are exactly the server's route table
// (backend/core/server.c), with every route the docs mention in it, and no
// header of sync/ or backend/ includes itself through others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(join(root, p), 'utf8');

function walk(dir, keep) {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(join(root, p)).isDirectory()) return walk(p, keep);
    return keep(p) ? [p] : [];
  });
}

// `x.[ch]` -> x.c, x.h; `i18n/{fr,en}.js` -> i18n/fr.js, i18n/en.js.
function expand(name) {
  const m = name.match(/^(.*)\{([^}]*)\}(.*)$/) ?? name.match(/^(.*)\[([a-z]+)\](.*)$/);
  if (m === null) return [name];
  const alts = m[2].includes(',') ? m[2].split(',') : [...m[2]];
  return alts.flatMap((a) => expand(m[1] + a + m[3]));
}

// The files named in the first cell of each table row under a "### <dir>"
// heading, resolved against that directory (or against base when the
// document has no such headings).
function tableFiles(doc, base) {
  const files = new Map();
  let dir = base;
  for (const line of doc.split('\n')) {
    const h = line.match(/^###? +((?:sync|backend)\/[a-z]+)\b/);
    if (h) dir = h[1];
    else if (/^## /.test(line)) dir = base;
    if (dir === null || !line.startsWith('| `')) continue;
    const cell = line.split('|')[1];
    for (const [, name] of cell.matchAll(/`([^`]+)`/g)) {
      for (const f of expand(name)) files.set(normalize(join(dir, f)), line);
    }
  }
  return files;
}

const arch = read('docs/architecture.md');

test('every C source under sync/ and backend/ is in docs/architecture.md', () => {
  const listed = tableFiles(arch, null);
  const sources = ['sync', 'backend'].flatMap((d) => walk(d, (p) => /\.[ch]$/.test(p)));
  const missing = sources.filter((p) => !listed.has(p));
  assert.deepEqual(missing, [], `add these to docs/architecture.md's table of their folder`);
  const gone = [...listed.keys()].filter((p) => !existsSync(join(root, p)));
  assert.deepEqual(gone, [], 'docs/architecture.md lists files that do not exist');
});

test('every module under pwa/js is in docs/pwa.md', () => {
  const listed = tableFiles(read('docs/pwa.md'), 'pwa');
  const sources = walk('pwa/js', (p) => p.endsWith('.js'));
  const missing = sources.filter((p) => !listed.has(p));
  assert.deepEqual(missing, [], "add these to docs/pwa.md's file table");
  const gone = [...listed.keys()].filter((p) => !existsSync(join(root, p)));
  assert.deepEqual(gone, [], 'docs/pwa.md lists files that do not exist');
  const rows = read('docs/pwa.md')
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  const firsts = rows.map((l) => l.split('|')[1].trim());
  assert.deepEqual(
    firsts.filter((f, i) => firsts.indexOf(f) !== i),
    [],
    'rows listed twice',
  );
});

// The server's route table: {"GET", "/api/v1/...", handler}.
const server = read('backend/core/server.c');
const routes = [
  ...server.matchAll(/\{"(GET|POST|PUT|DELETE)", "(\/api\/v1\/[^"]*)", (\w+)\}/g),
].map(([, m, p, h]) => ({ key: `${m} ${p}`, handler: h }));

test('the route table is read', () => {
  assert.ok(routes.length >= 50, `only ${routes.length} routes found in server.c`);
});

test("docs/architecture.md's Routes table is the server's route table", () => {
  const section = arch.split(/^## Routes$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'docs/architecture.md has no "## Routes" section');
  const documented = [
    ...section.matchAll(/^\| `(GET|POST|PUT|DELETE) ([^`]+)` \| `(\w+)` \|/gm),
  ].map(([, m, p, h]) => `${m} ${p} ${h}`);
  const table = routes.map((r) => `${r.key} ${r.handler}`);
  assert.deepEqual(
    table.filter((r) => !documented.includes(r)),
    [],
    'routes missing from docs/architecture.md "## Routes"',
  );
  assert.deepEqual(
    documented.filter((r) => !table.includes(r)),
    [],
    'documented routes that backend/core/server.c does not serve',
  );
});

// A route as the docs write it: `GET /api/v1/productions/ID/x?y=`,
// `POST /sync/resolve`, `GET .../footprint.csv`, `{pid}`, `<p>`, `TID`.
function pattern(method, path) {
  let p = path.replace(/[?#].*$/, '');
  const suffix = p.startsWith('.../');
  if (suffix) p = p.slice(3);
  else if (!p.startsWith('/api/v1/')) p = '/api/v1' + p;
  p = p
    .split('/')
    .map((s) => (/^([A-Z]+|<[^>]*>|\{[^}]*\}|:\w+|\*)$/.test(s) ? '*' : s))
    .join('/');
  return (r) =>
    r.key.startsWith(method + ' ') && (suffix ? r.key.endsWith(p) : r.key === `${method} ${p}`);
}

test('every route the docs mention is served', () => {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`)
    .concat(['README.md']);
  const unknown = [];
  for (const f of docs) {
    const re =
      /\b(GET|POST|PUT|DELETE) +`?((?:\/api\/v1|\.\.\.|\/sync|\/auth|\/productions|\/devices)[^\s`|,)]*)/g;
    for (const [, method, path] of read(f).matchAll(re)) {
      if (!routes.some(pattern(method, path))) unknown.push(`${f}: ${method} ${path}`);
    }
  }
  assert.deepEqual(unknown, [], 'documented routes missing from backend/core/server.c');
});

// Header -> headers it includes, by file name (every header name is unique).
function includeGraph(files) {
  const graph = new Map();
  for (const [name, text] of files) {
    const deps = [...text.matchAll(/^#include "([^"]+\.h)"/gm)].map(([, h]) => h);
    graph.set(
      name,
      deps.filter((h) => h !== name && files.has(h)),
    );
  }
  return graph;
}

// The first include cycle found, as [a.h, b.h, ..., a.h], or null.
function includeCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (h) => {
    state.set(h, 1);
    stack.push(h);
    for (const d of graph.get(h)) {
      if (state.get(d) === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(h, 2);
    return null;
  };
  for (const h of graph.keys()) {
    if (!state.has(h)) {
      const c = visit(h);
      if (c) return c;
    }
  }
  return null;
}

test('no header includes itself through others', () => {
  const headers = ['sync', 'backend'].flatMap((d) => walk(d, (p) => p.endsWith('.h')));
  const files = new Map(headers.map((p) => [p.split('/').pop(), read(p)]));
  assert.equal(files.size, headers.length, 'two headers share a name');
  assert.deepEqual(includeCycle(includeGraph(files)), null, 'include cycle');
});

test('the checks can fail', () => {
  const loop = new Map([
    ['a.h', '#include "b.h"\n'],
    ['b.h', '#include "c.h"\n'],
    ['c.h', '#include "a.h"\n'],
  ]);
  assert.deepEqual(includeCycle(includeGraph(loop)), ['a.h', 'b.h', 'c.h', 'a.h']);
  loop.set('c.h', '#include <a.h>\n');
  assert.equal(includeCycle(includeGraph(loop)), null);
  assert.ok(!routes.some(pattern('GET', '/api/v1/productions/ID/nothing-here')));
  assert.ok(!routes.some(pattern('POST', '.../footprint.csv')));
  assert.ok(routes.some(pattern('GET', '.../footprint.csv?kind=final')));
  assert.ok(!tableFiles('### sync/util\n| `a.[ch]` | x |\n', null).has('sync/util/b.c'));
  assert.ok(tableFiles('### sync/util\n| `a.[ch]` | x |\n', null).has('sync/util/a.h'));
});
