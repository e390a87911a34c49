// The PWA's formats (pwa/js/i18n.js) against fixed expectations in both
// languages, and the catalogs' counts written through plural rules: no
// "erreur(s)" in fr.js or en.js, and every tn() key has its forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as f from '../../pwa/js/i18n.js';
import fr from '../../pwa/js/i18n/fr.js';
import en from '../../pwa/js/i18n/en.js';

// Intl separates thousands with a narrow no-break space in French, and puts a
// no-break space before "%" and "€".
const sp = (s) => s.replace(/(\d) (?=\d)/g, '$1\u202f').replace(/ (?=[%€])/g, '\u00a0');

test('numbers with the locale separators and a sensible precision', () => {
  assert.equal(f.number(5.6432, {}, 'fr'), '5,6');
  assert.equal(f.number(5.6432, {}, 'en'), '5.6');
  assert.equal(f.number(10000, {}, 'fr'), sp('10 000'));
  assert.equal(f.number(10000, {}, 'en'), '10,000');
  assert.equal(f.number(1234.56, {}, 'fr'), sp('1 235'));
  assert.equal(f.number(0.042, {}, 'fr'), '0,042');
  assert.equal(f.number(38.25, { digits: 2 }, 'fr'), '38,25');
  assert.equal(f.number(-3.2, { signed: true }, 'fr'), '−3,2');
  assert.equal(f.number(3.2, { signed: true }, 'en'), '+3.2');
  assert.equal(f.number('abc', {}, 'fr'), '—');
  assert.equal(f.quantity(5.6, 'tCO2e', {}, 'fr'), '5,6\u00a0tCO2e');
  assert.equal(f.quantity(212, 'km', {}, 'en'), '212\u00a0km');
});

test('money and shares', () => {
  assert.equal(f.money(10000, 'fr'), sp('10 000 €'));
  assert.equal(f.money(10000, 'en'), '€10,000');
  assert.equal(f.money(1234.5, 'fr'), sp('1 234,50 €'));
  assert.equal(f.share(-0.14, { signed: true }, 'fr'), sp('−14 %'));
  assert.equal(f.share(-0.14, { signed: true }, 'en'), '−14%');
  assert.equal(f.share(0.2, {}, 'fr'), sp('20 %'));
  assert.equal(f.share(0.35, {}, 'en'), '35%');
  assert.equal(f.percent(42, {}, 'fr'), sp('42 %'));
  assert.equal(f.share(null, {}, 'fr'), sp('0 %'));
  assert.equal(f.share(undefined, {}, 'en'), '—');
});

test('dates as people write them, never ISO', () => {
  assert.equal(f.date('2026-12-04', 'long', 'fr'), 'vendredi 4 décembre 2026');
  assert.equal(f.date('2026-12-04', 'long', 'en'), 'Friday, 4 December 2026');
  assert.equal(f.date('2026-12-04', 'day', 'fr'), '4 décembre 2026');
  assert.equal(f.date('2026-12-04', 'short', 'fr'), '4 déc.');
  assert.equal(f.date('2026-12-04', 'short', 'en'), '4 Dec');
  assert.equal(f.date('2026-01-01', 'short', 'fr'), '1er janv.');
  assert.equal(f.date('2026-12-01', 'long', 'fr'), 'mardi 1er décembre 2026');
  assert.equal(f.date('2026-12-11', 'day', 'fr'), '11 décembre 2026');
  assert.equal(f.date('2026-12-01', 'day', 'en'), '1 December 2026');
  assert.equal(f.date('2026-12-04', 'dm', 'fr'), '4 décembre');
  assert.equal(f.date('2026-12-04', 'dm', 'en'), '4 December');
  assert.equal(f.date('', 'day', 'fr'), '—');
  assert.equal(f.date('not a date', 'day', 'fr'), 'not a date');
  const ms = new Date(2026, 11, 4, 14, 5).getTime();
  assert.equal(f.moment(ms, 'fr'), '4 déc. 2026, 14:05');
  assert.equal(f.moment(ms, 'en'), '4 Dec 2026, 14:05');
  assert.equal(f.moment(0, 'en'), '—');
  assert.doesNotMatch(f.dateRange('2026-12-04', '2026-12-09', 'fr'), /\d{4}-\d{2}/);
});

test('plural categories follow each language', () => {
  // French: 0 and 1 are singular; English: only 1.
  assert.deepEqual(
    [0, 1, 1.5, 2].map((n) => f.pluralOf(n, 'fr')),
    ['one', 'one', 'one', 'other'],
  );
  assert.deepEqual(
    [0, 1, 1.5, 2].map((n) => f.pluralOf(n, 'en')),
    ['other', 'one', 'other', 'other'],
  );
  assert.equal(f.list(['A', 'B', 'C'], 'fr'), 'A, B et C');
  assert.equal(f.list(['A', 'B', 'C'], 'en'), 'A, B and C');
});

test('no "(s)" plural in the catalogs, and every tn() key has its forms', () => {
  for (const [lang, cat] of Object.entries({ fr, en }))
    for (const [k, v] of Object.entries(cat))
      assert.doesNotMatch(
        v,
        /\p{L}\((?:s|e|es|x|ies)\)/u,
        `${lang} ${k}: use tn() and .one/.other`,
      );
  const pwa = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pwa', 'js');
  const walk = (d) =>
    readdirSync(d).flatMap((x) => {
      const p = join(d, x);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') ? [p] : [];
    });
  const used = new Set();
  for (const file of walk(pwa))
    for (const m of readFileSync(file, 'utf8').matchAll(/\btn\('([a-z][a-zA-Z0-9_.]*)'/g))
      used.add(m[1]);
  assert.ok(used.size > 10, 'tn() is used for counts');
  for (const k of used)
    for (const [lang, cat] of Object.entries({ fr, en }))
      for (const form of ['one', 'other'])
        assert.ok(`${k}.${form}` in cat, `${lang} lacks ${k}.${form}`);
});
