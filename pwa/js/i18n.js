// i18n.js - French first, English second. t(key, params) looks the key up in
// the current catalog, falls back to French, then to the key itself.
import fr from './i18n/fr.js';
import en from './i18n/en.js';

export const catalogs = { fr, en };
let lang = 'fr';

export function setLang(l) {
  lang = catalogs[l] ? l : 'fr';
  document.documentElement.lang = lang;
  return lang;
}

export function getLang() {
  return lang;
}

export function t(key, params = {}) {
  const s = catalogs[lang][key] ?? fr[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

// Numbers and dates in the user's language.
export function num(n) {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
}

export function dateTime(ms) {
  if (!ms) return t('never');
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms));
}

// Fills every [data-i18n] element of root with its text.
export function translateDom(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
