// i18n.js - French first, English second. t(key, params) looks the key up in
// the current catalog, falls back to French, then to the key itself.
// Each language pack is loaded when first chosen (docs/pwa.md, "Loading"):
// a French phone never downloads the English one. Each pack carries its
// words (default export) and the server's refusals (ERRORS).
const packs = {
  fr: () => import('./i18n/fr.js'),
  en: () => import('./i18n/en.js'),
};
const catalogs = {};
const refusals = {};
let lang = 'fr';

// Loads language l (French for an unknown one) and makes it current.
// Resolves to the language set.
export async function setLang(l) {
  const want = packs[l] ? l : 'fr';
  // French is every key's fallback (app.name is only there), and
  // index.html preloads it anyway: English loads on top of it.
  for (const x of new Set(['fr', want])) {
    if (catalogs[x]) continue;
    const pack = await packs[x]();
    catalogs[x] = pack.default;
    refusals[x] = pack.ERRORS;
  }
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
// message of its code (ERRORS of i18n/fr.js and en.js), never the server's
// English text unless this version does not know the code.
export function codeText(code) {
  const cat = refusals[lang] || refusals.fr;
  const s = cat[code] ?? refusals.fr[code];
  return s ?? cat.unknown.replace('{code}', code || '?');
}

export function errorText(err) {
  if (err && typeof err.code === 'string' && err.code) return codeText(err.code);
  return (err && err.message) || String(err);
}

// Numbers and dates in the user's language.
// A value as entered (up to two decimals); computed figures go through
// number() below, which picks a sensible precision.
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

// ---- formats ---------------------------------------------------------------
// Numbers, money, shares, dates and plurals as people write them, through
// Intl: "5,6 tCO2e", "10 000 €", "−14 %", "vendredi 4 décembre 2026",
// "4 déc.". ISO dates are turned into words here and stay only in inputs.
// Each takes the language last ('fr' or 'en'); without it, the page's (set
// by setLang), so they run under node --test too. (Kept in this module: the
// first screen loads no extra file for them.)
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };
const cache = new Map();

function current(lang) {
  const l = lang || globalThis.document?.documentElement?.lang || 'fr';
  return LOCALES[l] ? l : 'fr';
}

function cached(kind, lang, opts, make) {
  const key = `${kind}|${lang}|${JSON.stringify(opts)}`;
  if (!cache.has(key)) cache.set(key, make(LOCALES[lang], opts));
  return cache.get(key);
}

const nf = (lang, opts) => cached('n', lang, opts, (l, o) => new Intl.NumberFormat(l, o));
const df = (lang, opts) => cached('d', lang, opts, (l, o) => new Intl.DateTimeFormat(l, o));

// Intl writes a hyphen-minus; people (and the issue) read a true minus.
const minus = (s) => s.replace(/^-|(?<=\s)-/u, '−');

// Sensible precision for a computed figure: no decimals from 100 up, one
// from 1 up, two significant digits below 1 (0,35 ; 0,042).
function digitsFor(n) {
  const a = Math.abs(n);
  if (a >= 100) return { maximumFractionDigits: 0 };
  if (a >= 1) return { maximumFractionDigits: 1 };
  return { maximumSignificantDigits: 2 };
}

// A number. digits: the maximum of decimals (default: sensible precision).
export function number(n, { digits, signed = false } = {}, lang) {
  const x = Number(n);
  if (!Number.isFinite(x)) return '—';
  const o = digits === undefined ? digitsFor(x) : { maximumFractionDigits: digits };
  if (signed) o.signDisplay = 'exceptZero';
  return minus(nf(current(lang), o).format(x));
}

// A number with its unit: "212 km", "5,6 tCO2e". unit is already words
// (unitLabel below turns a catalogue unit into words).
export function quantity(n, unit, opts = {}, lang) {
  return unit ? `${number(n, opts, lang)}\u00a0${unit}` : number(n, opts, lang);
}

// Euros, without cents unless there are some: "10 000 €", "1 234,50 €".
export function money(n, lang) {
  const x = Number(n);
  if (!Number.isFinite(x)) return '—';
  const whole = Math.round(x * 100) % 100 === 0;
  return minus(
    nf(current(lang), {
      style: 'currency',
      currency: 'EUR',
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(x),
  );
}

// A share (0.2) as a percentage ("20 %"); signed adds "+"/"−" for changes.
export function share(x, { signed = false, digits = 0 } = {}, lang) {
  const v = Number(x);
  if (!Number.isFinite(v)) return '—';
  return minus(
    nf(current(lang), {
      style: 'percent',
      maximumFractionDigits: digits,
      ...(signed ? { signDisplay: 'exceptZero' } : {}),
    }).format(v),
  );
}

// A value already in percent (14.2 means 14.2 %).
export function percent(pct, opts = {}, lang) {
  return share(Number(pct) / 100, opts, lang);
}

// Dates: "2026-12-04", a full ISO time or unix ms. A calendar date (no time)
// is read as that day wherever the phone is, not shifted by its time zone.
function toDate(v) {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  const s = String(v ?? '');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(s);
}

const STYLES = {
  long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, // jeudi 4 décembre 2026
  day: { day: 'numeric', month: 'long', year: 'numeric' }, // 4 décembre 2026
  short: { day: 'numeric', month: 'short' }, // 4 déc.
  dm: { day: 'numeric', month: 'long' }, // 4 décembre
  weekday: { weekday: 'short', day: 'numeric', month: 'short' }, // jeu. 4 déc.
  month: { month: 'long', year: 'numeric' }, // décembre 2026
};

export function date(v, style = 'day', lang) {
  if (v === null || v === undefined || v === '') return '—';
  const d = toDate(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return premier(df(current(lang), STYLES[style] || STYLES.day).format(d), lang);
}

// French writes the first of the month "1er" ("1er décembre"); Intl does not.
function premier(s, lang) {
  return current(lang) === 'fr' ? s.replace(/(^|\s)1(?= \p{L})/u, '$11er') : s;
}

// A moment: "4 déc. 2026, 14:05" / "4 Dec 2026, 14:05".
export function moment(v, lang) {
  if (v === null || v === undefined || v === '' || v === 0) return '—';
  const d = toDate(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return premier(df(current(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(d), lang);
}

// From one day to another: "du 4 au 9 déc." style ranges as Intl writes them.
export function dateRange(from, to, lang) {
  if (!from || !to) return date(from || to, 'day', lang);
  return df(current(lang), STYLES.day).formatRange(toDate(from), toDate(to));
}

// The plural category of n in the language ("one", "other", "many"...).
export function pluralOf(n, lang) {
  return cached('p', current(lang), {}, (l) => new Intl.PluralRules(l)).select(Number(n));
}

// A list as the language joins it: "A, B et C" / "A, B and C".
export function list(items, lang) {
  return cached(
    'l',
    current(lang),
    {},
    (l) => new Intl.ListFormat(l, { style: 'long', type: 'conjunction' }),
  ).format(items.map(String));
}

// ---- the DOM the words are shown in (formerly ui/dom.js) --------------------
// Building DOM without innerHTML (CSP: no inline anything; user data only
// ever becomes text nodes). Here because every screen needs both before it
// can draw (docs/pwa.md, "Loading").
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

// Polite announcement in the page's own live region (not the sync status).
export function announce(msg) {
  const el = document.getElementById('announce');
  if (!el) return;
  el.textContent = '';
  // A fresh text node after a tick so repeated messages are read again.
  setTimeout(() => (el.textContent = msg), 50);
}

let uid = 0;

// A labelled form field with a hint and an error slot tied by aria-describedby.
// spec: {name, label, type, required, hint, value, options:[[value,label]], attrs}
export function field(spec) {
  const id = `f-${spec.name}-${++uid}`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const described = [hintId, errId].filter(Boolean).join(' ');
  let input;
  const common = {
    id,
    name: spec.name,
    'aria-describedby': described,
    required: spec.required || undefined,
    ...(spec.attrs || {}),
  };
  if (spec.type === 'select') {
    input = h(
      'select',
      common,
      spec.options.map(([v, l]) =>
        h('option', { value: v, selected: v === spec.value || undefined }, l),
      ),
    );
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, rows: 3 });
    input.value = spec.value ?? '';
  } else {
    input = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '' });
  }
  const wrap = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { for: id },
      spec.label,
      spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
    ),
    hintId ? h('p', { class: 'hint', id: hintId }, spec.hint) : null,
    input,
    h('p', { class: 'error', id: errId, hidden: true }),
  );
  wrap.input = input;
  wrap.setError = (msg) => {
    const p = wrap.querySelector('.error');
    if (msg) {
      p.textContent = msg;
      p.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else {
      p.textContent = '';
      p.hidden = true;
      input.removeAttribute('aria-invalid');
    }
  };
  return wrap;
}

// A form's submit handler, with the habits every form keeps: its checks
// first (check() returns [[fieldWrap, message]], shown by showErrors), then
// one submission at a time (a double tap sends once), the button disabled
// and saying busy (a translation key) meanwhile and given back its words
// whatever happens; send() does the work, and a failure is shown as
// failed(err) says ([[fieldWrap, message]]).
export function submitForm({ summary, fields, button, busy, check, send, failed }) {
  let running = false;
  return async (e) => {
    e.preventDefault();
    if (running) return;
    const errors = check ? check() : [];
    showErrors(summary, fields, errors);
    if (errors.length) return;
    running = true;
    const words = button.textContent;
    button.disabled = true;
    if (busy) button.textContent = t(busy);
    try {
      await send();
    } catch (err) {
      showErrors(summary, fields, failed(err));
    } finally {
      running = false;
      button.disabled = false;
      button.textContent = words;
    }
  };
}

// Shows the errors of a form: each field's message, and a summary that takes
// focus and links to the fields. errors: [[fieldWrap, message]].
export function showErrors(summary, fields, errors) {
  for (const f of fields) f.setError(null);
  summary.replaceChildren();
  summary.hidden = errors.length === 0;
  if (!errors.length) return;
  for (const [f, msg] of errors) f.setError(msg);
  summary.append(
    h('p', {}, tn('entry.errors', errors.length)),
    h(
      'ul',
      {},
      errors.map(([f, msg]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: '#' + f.input.id,
              onclick: (e) => {
                e.preventDefault();
                f.input.focus();
              },
            },
            msg,
          ),
        ),
      ),
    ),
  );
  summary.focus();
}

// A modal confirmation (native <dialog>). Resolves true or false.
export function confirmDialog({ title, text, ok, cancel }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      text ? h('p', {}, text) : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close('no') }, cancel),
        h('button', { type: 'button', class: 'danger', onclick: () => dlg.close('yes') }, ok),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(dlg.returnValue === 'yes');
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A modal form dialog: build(form) adds fields; resolves with the form or null.
export function formDialog({ title, ok, cancel, build }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const form = h('form', { method: 'dialog' });
    build(form);
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      form,
    );
    form.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close('no') }, cancel),
        h('button', { type: 'submit', value: 'yes' }, ok),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(dlg.returnValue === 'yes' ? form : null);
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A modal dialog that only shows content (body: nodes) with a close button.
export function infoDialog({ title, body, close }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      body,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => dlg.close() }, close),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}
