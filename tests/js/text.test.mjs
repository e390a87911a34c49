// The domain's prose per language (sync/domain/data/text.{fr,en}.json, read
// by sync/domain/text.c): both files hold the same keys with the same
// placeholders; every key the C code names exists, and every key is named by
// the C code (whole, or through a prefix it completes, "oral.q.%s.%zu").
// The documents' labels live there too under "label." (export_label adds the
// prefix, so the renderers name them without it): each is a non-empty
// string, never a printf conversion (export_fill fills "{name}" blanks) nor
// a "(s)" plural, and a counted word has its singular and its plural.
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
const LABEL = 'label.';
const isLabel = (k) => k.startsWith(LABEL);
// The labels' own namespaces ("status", "theme"...), as export_label's callers write them.
const labels = Object.fromEntries(
  Object.entries(fr)
    .filter(([k]) => isLabel(k))
    .map(([k, v]) => [k.slice(LABEL.length), v]),
);
const spaces = [
  ...new Set([...Object.keys(fr), ...Object.keys(labels)].map((k) => k.split('.')[0])),
];

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
      if (!/\.(?:[ch]|json|pdf)$/.test(m[1]))
        // "diag.h" is an include, "flyer.pdf" a file name, not keys
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
      // the document labels (export_label adds "label.") share namespaces
      (!prefix && lit in labels) ||
      Object.keys(labels).some((k) => k.startsWith(`${lit}.`));
    assert.ok(ok, `${file} asks for "${lit}${prefix ? '.…' : ''}", which no text file holds`);
  }
});

test('every key is asked for by the C code', () => {
  const found = literals().map((x) => x.lit);
  const named = new Set(found);
  for (const k of Object.keys(fr)) {
    if (isLabel(k)) continue; // named through export_label's groups, checked above
    const parts = k.split('.');
    let used = named.has(k);
    // a prefix the code completes (a label table, a plural's .one/.other)
    for (let n = parts.length - 1; !used && n >= 2; n--)
      used = named.has(parts.slice(0, n).join('.'));
    assert.ok(used, `"${k}" is in the text files but no C code asks for it`);
  }
});

test('every document label is a string without printf conversions or "(s)"', () => {
  const keys = Object.keys(fr).filter(isLabel);
  assert.ok(keys.length > 200, 'the document labels are in the text files');
  for (const [lang, table] of [
    ['fr', fr],
    ['en', en],
  ]) {
    for (const k of keys) {
      const v = table[k];
      assert.equal(typeof v, 'string', `${lang} ${k}`);
      assert.notEqual(v.trim(), '', `${lang} ${k} is empty`);
      assert.doesNotMatch(v, /%[-+ #0-9.]*[sdifgxculp]/, `${lang} ${k} has a printf conversion`);
      assert.doesNotMatch(v, /\w\((?:s|e|es|x)\)/, `${lang} ${k} writes a plural with "(s)"`);
    }
  }
});

test('every counted word has its singular and its plural', () => {
  for (const k of Object.keys(fr)) {
    const m = k.match(/^(.*)\.(one|other)$/);
    if (!m) continue;
    const twin = `${m[1]}.${m[2] === 'one' ? 'other' : 'one'}`;
    assert.ok(twin in fr, `${k} has no ${twin}`);
  }
});
