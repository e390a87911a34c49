// The documents' words (backend/render/labels.{fr,en}.json, compiled into the
// server): French and English have the same keys, every label is a non-empty
// string, a template names the same blanks in both languages (export_fill
// leaves an unknown blank as written, so a typo would reach the reader), and
// no label carries a printf conversion (templates use {name}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (lang) =>
  JSON.parse(readFileSync(join(root, 'backend', 'render', `labels.${lang}.json`), 'utf8'));
const fr = load('fr');
const en = load('en');
const blanks = (s) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();

test('French and English document labels have the same keys', () => {
  const onlyFr = Object.keys(fr).filter((k) => !(k in en));
  const onlyEn = Object.keys(en).filter((k) => !(k in fr));
  assert.deepEqual(onlyFr, [], 'keys missing from labels.en.json');
  assert.deepEqual(onlyEn, [], 'keys missing from labels.fr.json');
});

test('every label is a non-empty string without printf conversions', () => {
  for (const [lang, labels] of [
    ['fr', fr],
    ['en', en],
  ]) {
    for (const [k, v] of Object.entries(labels)) {
      assert.equal(typeof v, 'string', `${lang} ${k}`);
      assert.notEqual(v.trim(), '', `${lang} ${k} is empty`);
      assert.doesNotMatch(v, /%[-+ #0-9.]*[sdifgxculp]/, `${lang} ${k} has a printf conversion`);
      assert.doesNotMatch(v, /\w\((?:s|e|es|x)\)/, `${lang} ${k} writes a plural with "(s)"`);
    }
  }
});

test('a template names the same blanks in both languages', () => {
  for (const k of Object.keys(fr)) {
    if (!(k in en)) continue;
    assert.deepEqual(blanks(en[k]), blanks(fr[k]), `blanks of ${k}`);
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
