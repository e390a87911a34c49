// i18n.js - French first, English second. t(key, params) looks the key up in
// the current catalog, falls back to French, then to the key itself.
// Each language pack is loaded when first chosen (docs/pwa.md, "Loading"):
// a French phone never downloads the English one.
import { ERRORS } from './i18n/errors.js';
import { number, pluralOf, dateTime as moment } from './format.js';

const packs = {
  fr: () => import('./i18n/fr.js'),
  en: () => import('./i18n/en.js'),
};
const catalogs = {};
let lang = 'fr';

// Loads language l (French for an unknown one) and makes it current.
// Resolves to the language set.
export async function setLang(l) {
  const want = packs[l] ? l : 'fr';
  // French is every key's fallback (app.name is only there), and
  // index.html preloads it anyway: English loads on top of it.
  for (const x of new Set(['fr', want])) catalogs[x] ??= (await packs[x]()).default;
  lang = want;
  document.documentElement.lang = lang;
  return lang;
}

export function getLang() {
  return lang;
}

export function t(key, params = {}) {
  const s = catalogs[lang]?.[key] ?? catalogs.fr?.[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

// A count in words, by the language's plural rules (Intl.PluralRules): the
// catalog holds `key.one` and `key.other` (and `key.many` where a language
// has it), never "erreur(s)". {n} is the count written in the language.
export function tn(key, n, params = {}) {
  const cat = catalogs[lang] ?? catalogs.fr ?? {};
  const form = pluralOf(n, lang);
  const k = `${key}.${form}` in cat ? `${key}.${form}` : `${key}.other`;
  return t(k, { ...params, n: number(n, { digits: 2 }, lang) });
}

// A catalogue unit in words ("meal" -> "repas"); units that are symbols
// (km, L, kWh, kg) stay as they are.
const UNITS = {
  meal: 'meal',
  night: 'night',
  'TB.yr': 'tbyr',
  EUR: 'eur',
  't.km': 'tkm',
  day: 'day',
  piece: 'piece',
  'p.km': 'pkm',
};
// count picks the form: unitName('meal', 1) is "repas"/"meal", the default
// the plural ("repas"/"meals"); "kgCO2e / repas" passes 1.
export function unitName(u, count = 2) {
  if (!UNITS[u]) return u || '';
  const one = `unit.${UNITS[u]}.one`;
  const cat = catalogs[lang] ?? catalogs.fr ?? {};
  return pluralOf(count, lang) === 'one' && one in cat ? t(one) : t('unit.' + UNITS[u]);
}

// A server refusal in the reader's language, with what to do next: the
// message of its code (i18n/errors.js), never the server's English text
// unless this version does not know the code.
export function codeText(code) {
  const cat = ERRORS[lang] || ERRORS.fr;
  const s = cat[code] ?? ERRORS.fr[code];
  return s ?? cat.unknown.replace('{code}', code || '?');
}

export function errorText(err) {
  if (err && typeof err.code === 'string' && err.code) return codeText(err.code);
  return (err && err.message) || String(err);
}

// Numbers and dates in the user's language.
// A value as entered (up to two decimals); computed figures go through
// format.js's number(), which picks a sensible precision.
export function num(n) {
  return number(n, { digits: 2 }, lang);
}

export function dateTime(ms) {
  if (!ms) return t('never');
  return moment(ms, lang);
}

// Fills every [data-i18n] element of root with its text.
export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
