// The domain's prose per language (sync/domain/data/text.{fr,en}.json, read
// by sync/domain/text.c): both files hold the same keys with the same
// placeholders; every key the C code names exists, and every key is named by
// the C code (whole, or through a prefix it completes, "oral.q.%s.%zu").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const data = join(root, 'sync', 'domain', 'data');
const load = (lang) => JSON.parse(readFileSync(join(data, `text.${lang}.json`), 'utf8'));
const walk = (d) =>
  readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.c') ? [p] : [];
  });
const placeholders = (s) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();

// The namespaces the files hold: a literal starting with one of them is a key.
const fr = load('fr');
const en = load('en');
const spaces = [...new Set(Object.keys(fr).map((k) => k.split('.')[0]))];
const labels = JSON.parse(readFileSync(join(root, 'backend', 'render', 'labels.fr.json'), 'utf8'));

// Every literal naming a key or a key prefix in the C sources, with its file.
function literals() {
  const re = new RegExp(
    `"((?:${spaces.join('|')})\\.[a-z0-9_.]*[a-z0-9_])((?:\\.%z?[sud])+)?"`,
    'g',
  );
  const out = [];
  for (const f of [...walk(join(root, 'sync')), ...walk(join(root, 'backend'))]) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(re))
      if (!/\.(?:[ch]|json)$/.test(m[1]))
        // "diag.h" is an include, not a key
        out.push({ lit: m[1], prefix: m[2] !== undefined, file: f.slice(root.length + 1) });
  }
  return out;
}

test('French and English hold the same keys and placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  for (const k of Object.keys(fr)) {
    assert.equal(typeof fr[k], 'string', k);
    assert.ok(fr[k].length > 0 && en[k].length > 0, `${k} is empty`);
    assert.deepEqual(placeholders(en[k]), placeholders(fr[k]), `placeholders of ${k}`);
  }
});

test('every key the C code names exists in both languages', () => {
  const keys = Object.keys(fr);
  const found = literals();
  assert.ok(found.length > 50, 'the sources name keys');
  for (const { lit, prefix, file } of found) {
    const ok =
      (!prefix && lit in fr && lit in en) ||
      keys.some((k) => k.startsWith(`${lit}.`)) ||
      // the document labels (backend/render/labels.*.json, export_label) share namespaces
      (!prefix && lit in labels) ||
      Object.keys(labels).some((k) => k.startsWith(`${lit}.`));
    assert.ok(ok, `${file} asks for "${lit}${prefix ? '.…' : ''}", which no text file holds`);
  }
});

test('every key is asked for by the C code', () => {
  const found = literals().map((x) => x.lit);
  const named = new Set(found);
  for (const k of Object.keys(fr)) {
    const parts = k.split('.');
    let used = named.has(k);
    // a prefix the code completes (a label table, a plural's .one/.other)
    for (let n = parts.length - 1; !used && n >= 2; n--)
      used = named.has(parts.slice(0, n).join('.'));
    assert.ok(used, `"${k}" is in the text files but no C code asks for it`);
  }
});
