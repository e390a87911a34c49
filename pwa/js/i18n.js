// i18n.js - French first, English second. t(key, params) looks the key up in
// the current catalog, falls back to French, then to the key itself.
// Each language pack is loaded when first chosen (docs/pwa.md, "Loading"):
// a French phone never downloads the English one.
import { ERRORS } from './i18n/errors.js';

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
export function num(n) {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: 2,
  }).format(n);
}

export function dateTime(ms) {
  if (!ms) return t('never');
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(ms));
}

// Fills every [data-i18n] element of root with its text.
export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]'))
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
