// diag.js - diagnose and prioritise (office): the company's maturity (C1) as
// a questionnaire in steps, the project's impacts and priorities (C2). The
// answers are synced records of "diagnostics" (c1-<year>, c2-project), one
// field per answer so concurrent edits merge field by field; the server
// computes the results (sync/diagnostic.c). Edits of graded items
// (edit_<item id>) and matrix placements (adj_<theme>) are fields of the same
// records, each with who and when.
import {
  t,
  tn,
  num,
  dateTime,
  getLang,
  money,
  share,
  h,
  field,
  showErrors,
  announce,
  formDialog,
} from '../i18n.js';
import { request, ApiError, NetworkError } from '../store.js';

const COL = 'diagnostics';
const C2_ID = 'c2-project';

// ---- questions ---------------------------------------------------------------
// num: [min, max, integer]; the server checks the same bounds (diagnostic.c).
const CHAPTERS = [
  'governance',
  'energy_mobility',
  'purchasing_food_waste',
  'digital',
  'biodiversity',
  'inclusion',
  'training',
];
const Q = {
  company: { type: 'text' },
  production_types: {
    type: 'multi',
    options: ['fiction', 'series', 'animation', 'flux', 'documentary', 'advertising'],
  },
  headcount: { type: 'num', num: [1, 100000, true] },
  intermittent_pct: { type: 'num', num: [0, 100], unit: '%' },
  staff_turnover_pct: { type: 'num', num: [0, 100], unit: '%' },
  crew_briefing: { type: 'bool' },
  standard_methods: { type: 'enum', options: ['none', 'partial', 'full'] },
  partners: { type: 'list' },
  providers: { type: 'list' },
  supplier_criteria: { type: 'bool' },
  csr_charter: { type: 'bool' },
  ecoprod_label: { type: 'bool' },
  ecoprod_stars: { type: 'num', num: [0, 3, true] },
  afnor_spec_2308_level: { type: 'num', num: [0, 3, true] },
  // One field per AFNOR SPEC 2308 chapter (docs/diagnostic.md), sent as
  // "afnor_chapters": two people answering two chapters merge.
  ...Object.fromEntries(CHAPTERS.map((c) => ['afnor_ch_' + c, { type: 'num', num: [0, 3, true] }])),
  eco_referent: { type: 'enum', options: ['none', 'part_time', 'dedicated'] },
  trained_staff_pct: { type: 'num', num: [0, 100], unit: '%' },
  past_footprints: { type: 'num', num: [0, 10000, true] },
};
const STEPS = [
  ['productions', ['company', 'production_types']],
  [
    'organisation',
    ['headcount', 'intermittent_pct', 'staff_turnover_pct', 'crew_briefing', 'standard_methods'],
  ],
  ['partners', ['partners', 'providers', 'supplier_criteria']],
  [
    'maturity',
    [
      'csr_charter',
      'ecoprod_label',
      'ecoprod_stars',
      'afnor_spec_2308_level',
      ...CHAPTERS.map((c) => 'afnor_ch_' + c),
      'eco_referent',
      'trained_staff_pct',
      'past_footprints',
    ],
  ],
];
const REQUIRED_C1 = [
  'production_types',
  'headcount',
  'intermittent_pct',
  'staff_turnover_pct',
  'standard_methods',
  'csr_charter',
  'ecoprod_label',
  'afnor_spec_2308_level',
  'eco_referent',
  'trained_staff_pct',
  'past_footprints',
  'partners',
  'providers',
  'supplier_criteria',
];

const P = {
  title: { type: 'text' },
  type: {
    type: 'enum',
    options: ['fiction', 'series', 'documentary', 'animation', 'advertising', 'flux'],
  },
  format: { type: 'text' },
  budget_eur: { type: 'num', num: [0, 1e10], unit: '€' },
  eco_budget_eur: { type: 'num', num: [0, 1e9], unit: '€' },
  extras_days: { type: 'num', num: [0, 1e6] },
  animals: { type: 'bool' },
  vfx_shots: { type: 'num', num: [0, 1e5, true] },
  shooting_days: { type: 'num', num: [0, 1000] },
  studio_days: { type: 'num', num: [0, 1000] },
  night_shoots: { type: 'num', num: [0, 1000] },
  production_months: { type: 'num', num: [0, 120] },
  seasons: { type: 'multi', options: ['spring', 'summer', 'autumn', 'winter'] },
  crew_size: { type: 'num', num: [0, 5000, true] },
  cast_size: { type: 'num', num: [0, 5000, true] },
  train_pkm: { type: 'num', num: [0, 1e8] },
  flight_pkm: { type: 'num', num: [0, 1e8] },
  accommodation_nights: { type: 'num', num: [0, 1e6] },
  sets_to_build: { type: 'num', num: [0, 500, true] },
  catering: { type: 'enum', options: ['caterer', 'restaurant', 'canteen', 'meal_boxes', 'self'] },
  vegetarian_pct: { type: 'num', num: [0, 100], unit: '%' },
  image_format: { type: 'enum', options: ['HD', '2K', '4K UHD'] },
  rushes_tb: { type: 'num', num: [0, 1e5] },
  retention_years: { type: 'num', num: [0, 100] },
};
const SECTIONS = [
  ['project', ['title', 'type', 'format', 'budget_eur', 'eco_budget_eur']],
  [
    'shoot',
    ['shooting_days', 'studio_days', 'night_shoots', 'production_months', 'seasons', 'animals'],
  ],
  ['locations', []],
  [
    'people',
    ['crew_size', 'cast_size', 'extras_days', 'train_pkm', 'flight_pkm', 'accommodation_nights'],
  ],
  ['sets', ['sets_to_build', 'catering', 'vegetarian_pct']],
  ['post', ['image_format', 'rushes_tb', 'retention_years', 'vfx_shots']],
];
const THEMES = ['mobility', 'energy', 'food', 'waste', 'purchases'];
const QUADRANTS = [
  ['prioritaire', 'a_planifier'],
  ['gestes_simples', 'secondaire'],
];

// ---- helpers -----------------------------------------------------------------
function needOffice(ctx) {
  if (ctx.client.identity?.kind !== 'office') {
    ctx.go(ctx.client.identity?.kind === 'device' ? 'jour' : 'connexion');
    return false;
  }
  return true;
}

// Only the administration and the eco-referent write diagnostics (sync/authz.c):
// others read them, without buttons whose changes the server would refuse.
const canEdit = (ctx) => ['admin', 'eco_referent'].includes(ctx.client.identity.role);
// A deleted record is no record: its year or framing starts afresh.
const rec = (ctx, id) => {
  const r = ctx.client.replica.record(COL, id);
  return r && !r.deleted ? r : null;
};
const prodPath = (ctx, kind) =>
  `/api/v1/productions/${encodeURIComponent(ctx.client.identity.production_id)}/diagnostic/${kind}`;
const author = (ctx) => ({
  by: ctx.client.identity.name || ctx.client.identity.email || ctx.client.device,
  at: new Date().toISOString(),
});
const when = (iso) => dateTime(Date.parse(iso));
const blank = (v) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const label = (k) => t('diag.q.' + k);

// One input for a question; .read() -> {value} or {error}.
function input(name, spec, value, key = name) {
  const hintKey = name === 'afnor_ch_governance' ? 'diag.hint.afnor_ch' : 'diag.hint.' + name;
  const hint = t(hintKey) !== hintKey ? t(hintKey) : undefined;
  if (spec.type === 'multi') {
    const boxes = spec.options.map((o) => {
      const id = `q-${key}-${o}`;
      const box = h('input', {
        type: 'checkbox',
        id,
        name: key,
        value: o,
        checked: (value || []).includes(o),
      });
      return [
        box,
        h('div', { class: 'check' }, box, h('label', { for: id }, t(`diag.opt.${name}.${o}`))),
      ];
    });
    const wrap = h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, label(name)),
      boxes.map((b) => b[1]),
    );
    wrap.read = () => ({ value: boxes.filter(([b]) => b.checked).map(([b]) => b.value) });
    return wrap;
  }
  let f;
  if (spec.type === 'enum' || spec.type === 'bool') {
    const opts =
      spec.type === 'bool'
        ? [
            ['', t('diag.unanswered')],
            ['true', t('diag.yes')],
            ['false', t('diag.no')],
          ]
        : [['', t('diag.unanswered')], ...spec.options.map((o) => [o, t(`diag.opt.${name}.${o}`)])];
    f = field({
      name: key,
      type: 'select',
      label: label(name),
      hint,
      options: opts,
      value: value === undefined || value === null ? '' : String(value),
    });
  } else if (spec.type === 'list') {
    f = field({
      name: key,
      type: 'textarea',
      label: label(name),
      hint: hint || t('diag.hint.list'),
      value: (value || []).join('\n'),
    });
  } else {
    f = field({
      name: key,
      type: 'text',
      label: spec.unit ? `${label(name)} (${spec.unit})` : label(name),
      hint,
      value: value ?? '',
      attrs:
        spec.type === 'num'
          ? { inputmode: 'decimal', autocomplete: 'off' }
          : { autocomplete: 'off' },
    });
  }
  f.read = () => {
    const raw = f.input.value.trim();
    if (spec.type === 'bool') return { value: raw === '' ? null : raw === 'true' };
    if (spec.type === 'list')
      return {
        value: raw
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean)
          .slice(0, 50),
      };
    if (spec.type !== 'num') return { value: raw === '' ? null : raw.slice(0, 300) };
    return readNumber(raw, spec.num);
  };
  return f;
}

export function readNumber(raw, [min, max, integer]) {
  if (raw === '') return { value: null };
  const n = Number(raw.replace(/\s/g, '').replace(',', '.'));
  if (!Number.isFinite(n)) return { error: t('diag.err.number') };
  if (n < 0 && min >= 0) return { error: t('diag.err.negative') };
  if (n < min || n > max) return { error: t('diag.err.range', { min: num(min), max: num(max) }) };
  if (integer && !Number.isInteger(n)) return { error: t('diag.err.int') };
  return { value: n };
}

// Writes the fields that changed, each based on the version shown (a
// concurrent edit of the same answer stays a conflict the office sees). A
// derived field (derived: true) supersedes every version it replaces.
async function save(ctx, id, values, derived = false) {
  // The raw record, deleted or not: its versions are the base of the edit.
  const r = ctx.client.replica.record(COL, id);
  const fields = {};
  const base = {};
  for (const [k, v] of Object.entries(values)) {
    const cur = r?.fields[k];
    const same = JSON.stringify(cur ?? null) === JSON.stringify(v ?? null);
    if (same && !(derived && r?.conflicts[k])) continue;
    fields[k] = v;
    if (r?.winners[k]) base[k] = derived ? r.heads[k] : [r.winners[k].op];
  }
  if (!Object.keys(fields).length) return false;
  // Answering a deleted record brings it back (deletion is a field).
  if (r?.deleted) {
    fields._deleted = false;
    base._deleted = [r.winners._deleted.op];
  }
  await ctx.client.makeOp(COL, id, 'put', fields, base);
  return true;
}

// POSTs to the diagnostic endpoint: {result} or {offline} or {error}.
async function evaluate(ctx, kind, body) {
  try {
    // The graded texts come back in the reader's language.
    const path = `${prodPath(ctx, kind)}?lang=${getLang()}`;
    return { result: await request(ctx.client.identity, 'POST', path, { body }) };
  } catch (e) {
    if (e instanceof NetworkError) return { offline: true };
    if (e instanceof ApiError) return { error: e };
    throw e;
  }
}

// The printable summary: the same POST with ?format=pdf, saved as a file.
async function downloadPdf(ctx, kind, body, name) {
  const id = ctx.client.identity;
  try {
    const res = await fetch(`${prodPath(ctx, kind)}?format=pdf&lang=${getLang()}`, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      body: JSON.stringify(body),
      headers: {
        'Content-Type': 'application/json',
        'X-EP-Production': id.production_id,
        'X-EP-CSRF': id.csrf || '',
      },
    });
    if (!res.ok) throw new Error(String(res.status));
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    announce(t('diag.pdf.done'));
  } catch {
    announce(t('diag.pdf.failed'));
  }
}

function pdfButton(ctx, kind, body, name, comp) {
  return h(
    'p',
    {},
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => downloadPdf(ctx, kind, body, name) },
      t('diag.pdf', { c: comp }),
    ),
  );
}

function missingList(names, hrefOf) {
  return h(
    'div',
    { class: 'warn', role: 'note' },
    h('p', {}, tn('diag.missing', names.length)),
    h(
      'ul',
      {},
      names.map((m) => h('li', {}, hrefOf(m) ? h('a', { href: hrefOf(m) }, label(m)) : label(m))),
    ),
  );
}

// A save moves to the next screen of the same route, where the router keeps
// focus in place (on a button now gone): move it to what the screen is about.
let moveFocus = false;
function focusAfterSave(view) {
  if (!moveFocus) return view;
  moveFocus = false;
  requestAnimationFrame(() => {
    const el = view.querySelector('.warn') || view.querySelector('h2');
    if (!el) return;
    el.setAttribute('tabindex', '-1');
    el.focus();
  });
  return view;
}

const stepOf = (name) =>
  STEPS.findIndex(([, fs]) =>
    fs.includes(name.startsWith('afnor_chapters.') ? 'afnor_ch_' + name.slice(15) : name),
  ) + 1;

// ---- hub ---------------------------------------------------------------------
export function hub(ctx) {
  if (!needOffice(ctx)) return null;
  const year = new Date().getFullYear();
  const years = ctx.client.replica
    .listRecords(COL)
    .filter((r) => !r.deleted && /^c1-\d{4}$/.test(r.id))
    .map((r) => Number(r.id.slice(3)))
    .sort((a, b) => b - a);
  const p = rec(ctx, C2_ID);
  const item = (y) => {
    const r = rec(ctx, 'c1-' + y);
    const res = r.fields.result;
    return h(
      'li',
      { class: 'card row' },
      h(
        'span',
        {},
        h('strong', {}, t('diag.c1.year', { year: y })),
        ' — ',
        res
          ? t('diag.level.short', {
              level: res.level,
              // The record keeps the label in the language it was computed
              // in: the list shows it in the reader's (same names as the
              // server's "diag.level.N" texts).
              label: [1, 2, 3, 4, 5].includes(res.level)
                ? t(`diag.level.name.${res.level}`)
                : res.level_label,
              score: num(res.score),
            })
          : t('diag.notyet'),
        res?.status === 'draft' ? ` (${t('diag.draft')})` : '',
      ),
      h(
        'a',
        {
          class: 'button small',
          href: `#/diagnostic-c1?y=${y}`,
          'aria-label': t('diag.open.year', { year: y }),
        },
        t('diag.open'),
      ),
    );
  };
  return {
    title: t('diag.title'),
    view: h(
      'div',
      { class: 'diag' },
      h('h1', { tabindex: '-1' }, t('diag.title')),
      h('p', {}, t('diag.intro')),
      h(
        'section',
        { 'aria-labelledby': 'h-c1' },
        h('h2', { id: 'h-c1' }, t('diag.c1.title')),
        h('p', {}, t('diag.c1.intro')),
        years.length ? h('ul', { class: 'cards' }, years.map(item)) : null,
        years.includes(year)
          ? null
          : h(
              'p',
              {},
              h(
                'a',
                { class: 'button', href: `#/diagnostic-c1?y=${year}&s=1` },
                t('diag.c1.start', { year }),
              ),
            ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-c2' },
        h('h2', { id: 'h-c2' }, t('diag.c2.title')),
        h('p', {}, t('diag.c2.intro')),
        h(
          'p',
          {},
          h(
            'a',
            { class: 'button', href: '#/diagnostic-c2' },
            p ? t('diag.c2.open') : t('diag.c2.start'),
          ),
        ),
      ),
    ),
  };
}

// ---- C1: the questionnaire in steps, then the result -------------------------
function answersOf(r, year) {
  const a = { year };
  for (const k of Object.keys(Q))
    if (k !== 'company' && !k.startsWith('afnor_ch_') && r && !blank(r.fields[k]))
      a[k] = r.fields[k];
  const ch = {};
  for (const c of CHAPTERS)
    if (r && !blank(r.fields['afnor_ch_' + c])) ch[c] = r.fields['afnor_ch_' + c];
  if (Object.keys(ch).length) a.afnor_chapters = ch;
  return a;
}

function editsOf(r) {
  const e = {};
  for (const [k, v] of Object.entries(r?.fields || {}))
    if (k.startsWith('edit_') && v) e[k.slice(5)] = v;
  return e;
}

export async function company(ctx, params) {
  if (!needOffice(ctx)) return null;
  const year = Number(params.get('y')) || new Date().getFullYear();
  if (year < 2000 || year > 2100) return ctx.go('diagnostic');
  const id = 'c1-' + year;
  const step =
    params.get('s') === 'result'
      ? 0
      : Math.min(Math.max(Number(params.get('s')) || 1, 1), STEPS.length);
  const r = rec(ctx, id);
  const steps = h(
    'ol',
    { class: 'steps' },
    STEPS.map(([k], i) =>
      h(
        'li',
        {},
        h(
          'a',
          {
            href: `#/diagnostic-c1?y=${year}&s=${i + 1}`,
            'aria-current': step === i + 1 ? 'step' : undefined,
          },
          t('diag.step.' + k),
        ),
      ),
    ),
    h(
      'li',
      {},
      h(
        'a',
        {
          href: `#/diagnostic-c1?y=${year}&s=result`,
          'aria-current': step === 0 ? 'step' : undefined,
        },
        t('diag.step.result'),
      ),
    ),
  );
  const head = [
    h('h1', { tabindex: '-1' }, t('diag.c1.heading', { year })),
    h('nav', { 'aria-label': t('diag.steps') }, steps),
  ];
  const title = t('diag.c1.heading', { year });
  if (step === 0)
    return {
      title,
      view: focusAfterSave(h('div', { class: 'diag wide' }, head, await c1Result(ctx, year, r))),
    };

  const [key, names] = STEPS[step - 1];
  const fields = names.map((n) => input(n, Q[n], r?.fields[n]));
  const byName = Object.fromEntries(names.map((n, i) => [n, fields[i]]));
  const plain = fields.filter((f) => f.setError);
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const last = step === STEPS.length;
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const values = {};
        const errors = [];
        names.forEach((n, i) => {
          const got = fields[i].read();
          if (got.error) errors.push([fields[i], `${label(n)} : ${got.error}`]);
          else values[n] = got.value;
        });
        if (values.ecoprod_label === false && values.ecoprod_stars > 0)
          errors.push([byName.ecoprod_stars, `${label('ecoprod_stars')} : ${t('diag.err.stars')}`]);
        showErrors(summary, plain, errors);
        if (errors.length) return;
        values.kind = 'company';
        values.year = year;
        await save(ctx, id, values);
        announce(t('diag.saved'));
        moveFocus = true;
        ctx.go(`diagnostic-c1?y=${year}&s=${last ? 'result' : step + 1}`);
      },
    },
    summary,
    h('h2', {}, t('diag.step.n', { n: step, total: STEPS.length, name: t('diag.step.' + key) })),
    fields,
    h(
      'div',
      { class: 'actions' },
      step > 1
        ? h(
            'a',
            { class: 'button secondary', href: `#/diagnostic-c1?y=${year}&s=${step - 1}` },
            t('diag.prev'),
          )
        : null,
      canEdit(ctx)
        ? h('button', { type: 'submit' }, last ? t('diag.save.result') : t('diag.save.next'))
        : null,
    ),
  );
  const note = canEdit(ctx)
    ? h('p', {}, t('diag.c1.draftnote'))
    : h('p', { class: 'warn' }, t('diag.readonly'));
  return { title, view: focusAfterSave(h('div', { class: 'diag' }, head, note, form)) };
}

async function c1Result(ctx, year, r) {
  const answers = answersOf(r, year);
  const prev = rec(ctx, 'c1-' + (year - 1));
  const body = { answers, edits: editsOf(r) };
  if (r?.fields.company) body.company = r.fields.company;
  if (prev) body.previous = answersOf(prev, year - 1);
  const hrefOf = (m) => (stepOf(m) ? `#/diagnostic-c1?y=${year}&s=${stepOf(m)}` : null);
  const out = await evaluate(ctx, 'company', body);
  if (out.offline) {
    const missing = REQUIRED_C1.filter(
      (k) => blank(answers[k]) && !(k === 'afnor_spec_2308_level' && answers.afnor_chapters),
    );
    return h(
      'div',
      {},
      h('p', { class: 'warn' }, t('diag.offline.result')),
      missing.length ? missingList(missing, hrefOf) : null,
    );
  }
  if (out.error) {
    const f = out.error.field;
    return h(
      'div',
      {},
      h('p', { class: 'bad', role: 'alert' }, t('diag.err.server', { msg: out.error.message })),
      f && hrefOf(f)
        ? h('p', {}, h('a', { href: hrefOf(f) }, t('diag.fix', { field: label(f) })))
        : null,
    );
  }
  const res = out.result;
  // Keep the level in the record (the list of years shows it offline).
  // Two offices computing the same answers write the same value: no conflict.
  if (r)
    await save(
      ctx,
      'c1-' + year,
      {
        result: {
          score: res.score,
          level: res.level,
          level_label: res.level_label,
          status: res.status,
        },
      },
      true,
    );
  const editItem = async (it, kind) => {
    const isStrength = kind === 'strengths';
    let text;
    let sel;
    const form = await formDialog({
      title: t('diag.edit.title'),
      ok: t('diag.edit.ok'),
      cancel: t('diag.cancel'),
      build: (f) => {
        text = field({
          name: 'text',
          type: 'textarea',
          label: t('diag.edit.text'),
          value: it.text,
        });
        sel = isStrength
          ? field({
              name: 'grade',
              type: 'select',
              label: t('diag.grade'),
              value: it.grade,
              options: ['fort', 'solide'].map((g) => [g, t('diag.grade.' + g)]),
            })
          : field({
              name: 'priority',
              type: 'select',
              label: t('diag.priority'),
              value: it.priority,
              options: ['haute', 'moyenne', 'basse'].map((g) => [g, t('diag.prio.' + g)]),
            });
        f.append(text, sel);
        if (it.edited_by) {
          f.append(
            h(
              'div',
              { class: 'check' },
              h('input', { type: 'checkbox', id: 'edit-reset', name: 'reset' }),
              h('label', { for: 'edit-reset' }, t('diag.edit.reset')),
            ),
          );
        }
      },
    });
    if (!form) return;
    const reset = form.querySelector('#edit-reset')?.checked;
    const txt = text.input.value.trim().slice(0, 1000);
    const a = author(ctx);
    const value = reset
      ? null
      : {
          text: txt || it.computed_text || it.text,
          [isStrength ? 'grade' : 'priority']: sel.input.value,
          ...a,
        };
    await save(ctx, 'c1-' + year, { ['edit_' + it.id]: value });
    announce(t('diag.edit.saved'));
    ctx.rerender();
  };
  const list = (kind, tagKey) =>
    res[kind].length
      ? h(
          'ul',
          { class: 'cards' },
          res[kind].map((it) =>
            h(
              'li',
              { class: 'card' },
              h(
                'p',
                {},
                h(
                  'span',
                  { class: 'badge' },
                  tagKey === 'grade' ? t('diag.grade.' + it.grade) : t('diag.prio.' + it.priority),
                ),
                ' ',
                h('span', { class: 'value' }, it.text),
              ),
              it.why ? h('p', { class: 'meta' }, t('diag.why', { why: it.why })) : null,
              it.edited_by
                ? h(
                    'p',
                    { class: 'meta' },
                    t('diag.edited', { by: it.edited_by, when: when(it.edited_at) }),
                  )
                : null,
              canEdit(ctx)
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small secondary',
                      'aria-label': t('diag.edit.label', { text: it.text }),
                      onclick: () => editItem(it, kind),
                    },
                    t('diag.edit'),
                  )
                : null,
            ),
          ),
        )
      : h('p', {}, t('diag.none'));
  const cmp = res.compared_with_previous;
  return h(
    'div',
    {},
    res.status === 'draft' ? missingList(res.missing, hrefOf) : null,
    h(
      'section',
      { 'aria-labelledby': 'h-level' },
      h('h2', { id: 'h-level' }, t('diag.level')),
      h(
        'p',
        { class: 'level' },
        t('diag.level.text', { level: res.level, label: res.level_label, score: num(res.score) }),
      ),
      res.status === 'draft' ? h('p', { class: 'meta' }, t('diag.level.draft')) : null,
      h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-reason' },
        h(
          'table',
          {},
          h('caption', { id: 'h-reason' }, t('diag.reasoning')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [t('diag.marker'), t('diag.points'), t('diag.whyh')].map((x) =>
                h('th', { scope: 'col' }, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            res.markers.map((m) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, label(m.marker)),
                h('td', { class: 'num' }, `${num(m.points)} / ${num(m.max)}`),
                h('td', {}, m.why),
              ),
            ),
          ),
        ),
      ),
    ),
    res.context?.length
      ? h(
          'section',
          { 'aria-labelledby': 'h-ctx' },
          h('h2', { id: 'h-ctx' }, t('diag.context')),
          h(
            'ul',
            {},
            res.context.map((x) => h('li', {}, x.text)),
          ),
        )
      : null,
    res.afnor_chapters?.length
      ? h(
          'section',
          { 'aria-labelledby': 'h-spec' },
          h('h2', { id: 'h-spec' }, t('diag.spec')),
          h(
            'ul',
            {},
            res.afnor_chapters.map((c) =>
              h(
                'li',
                {},
                t('diag.spec.row', {
                  chapter: label('afnor_ch_' + c.chapter),
                  level: c.level,
                  points: num(Math.round(c.points * 10) / 10),
                  max: num(c.max),
                }),
              ),
            ),
          ),
        )
      : null,
    h(
      'section',
      { 'aria-labelledby': 'h-str' },
      h('h2', { id: 'h-str' }, t('diag.strengths')),
      list('strengths', 'grade'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-weak' },
      h('h2', { id: 'h-weak' }, t('diag.weaknesses')),
      list('weaknesses', 'priority'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-axes' },
      h('h2', { id: 'h-axes' }, t('diag.axes')),
      list('axes', 'priority'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-cmp' },
      h('h2', { id: 'h-cmp' }, t('diag.compare', { year: year - 1 })),
      cmp
        ? [
            h(
              'p',
              {},
              t('diag.compare.delta', {
                score: (cmp.score_delta >= 0 ? '+' : '') + num(cmp.score_delta),
                level: (cmp.level_delta >= 0 ? '+' : '') + cmp.level_delta,
              }),
            ),
            h(
              'div',
              { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-cmp' },
              h(
                'table',
                {},
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    [t('diag.marker'), String(year - 1), String(year)].map((x) =>
                      h('th', { scope: 'col' }, x),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  cmp.markers.map((m) =>
                    h(
                      'tr',
                      {},
                      h('th', { scope: 'row' }, label(m.marker)),
                      h('td', { class: 'num' }, num(m.before)),
                      h('td', { class: 'num' }, num(m.after)),
                    ),
                  ),
                ),
              ),
            ),
          ]
        : h(
            'p',
            {},
            t('diag.compare.none', { year: year - 1 }),
            ' ',
            h(
              'a',
              { href: `#/diagnostic-c1?y=${year - 1}&s=1` },
              t('diag.compare.fill', { year: year - 1 }),
            ),
          ),
    ),
    pdfButton(ctx, 'company', body, `diagnostic-C1-${year}.pdf`, 'C1'),
  );
}

// ---- C2: the framing, then impacts, priorities and the matrix ----------------

// Between a name and what follows: French sets a space before the colon.
const colon = () => (getLang() === 'en' ? ': ' : ' : ');

function framingOf(r) {
  const f = {};
  for (const k of Object.keys(P))
    if (k !== 'title' && k !== 'format' && r && !blank(r.fields[k])) f[k] = r.fields[k];
  if (Array.isArray(r?.fields.locations)) f.locations = r.fields.locations;
  const ov = {};
  for (const th of THEMES) if (r?.fields['adj_' + th]) ov[th] = r.fields['adj_' + th];
  if (Object.keys(ov).length) f.overrides = ov;
  return f;
}

// The saved C2 framing as the analysis takes it, or null when there is none
// (the forecast screen's suggestion, forecast.js).
export function c2Framing(ctx) {
  const r = rec(ctx, C2_ID);
  return r ? framingOf(r) : null;
}

export async function project(ctx, params) {
  if (!needOffice(ctx)) return null;
  if (params.get('v') === 'result') return projectResult(ctx);
  const r = rec(ctx, C2_ID);
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const inputs = {};
  const sections = SECTIONS.map(([key, names]) => {
    const kids = names.map((n) => (inputs[n] = input(n, P[n], r?.fields[n])));
    if (key === 'locations') kids.push(locationsEditor(r?.fields.locations || [], inputs));
    return h('fieldset', { class: 'group' }, h('legend', {}, t('diag.sec.' + key)), kids);
  });
  const all = () => Object.values(inputs).filter((f) => f.setError);
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const values = {};
        const errors = [];
        for (const [n, f] of Object.entries(inputs)) {
          if (n.startsWith('locations[')) continue;
          const got = f.read();
          if (got.error) errors.push([f, `${label(n)} : ${got.error}`]);
          else values[n] = got.value;
        }
        const locs = [];
        for (const row of form.querySelectorAll('.loc')) {
          const loc = {};
          const name = row.nameField.input.value.trim().slice(0, 200);
          if (name) loc.name = name;
          for (const k of ['km_from_base', 'km_from_previous']) {
            const f = row[k];
            const got = readNumber(f.input.value.trim(), [0, 20000]);
            if (got.error)
              errors.push([f, `${f.querySelector('label').textContent} : ${got.error}`]);
            else if (got.value !== null) loc[k] = got.value;
            else if (k === 'km_from_base')
              errors.push([
                f,
                `${f.querySelector('label').textContent} : ${t('diag.err.required')}`,
              ]);
          }
          loc.protected_area = row.protectedBox.checked;
          locs.push(loc);
        }
        // Only against a valid number of shooting days (an invalid one has its own message).
        if (
          values.type !== 'animation' &&
          'shooting_days' in values &&
          values.studio_days > (values.shooting_days ?? 0)
        ) {
          errors.push([inputs.studio_days, `${label('studio_days')} : ${t('diag.err.studio')}`]);
        }
        showErrors(summary, all(), errors);
        if (errors.length) return;
        values.locations = locs.length || r?.fields.locations ? locs : null;
        values.kind = 'project';
        await save(ctx, C2_ID, values);
        announce(t('diag.saved'));
        moveFocus = true;
        ctx.go('diagnostic-c2?v=result');
      },
    },
    summary,
    sections,
    h(
      'div',
      { class: 'actions' },
      r
        ? h('a', { class: 'button secondary', href: '#/diagnostic-c2?v=result' }, t('diag.c2.see'))
        : null,
      canEdit(ctx) ? h('button', { type: 'submit' }, t('diag.c2.save')) : null,
    ),
  );
  return {
    title: t('diag.c2.title'),
    view: h(
      'div',
      { class: 'diag' },
      h('h1', { tabindex: '-1' }, t('diag.c2.title')),
      canEdit(ctx)
        ? h('p', {}, t('diag.c2.formintro'))
        : h('p', { class: 'warn' }, t('diag.readonly')),
      form,
    ),
  };
}

// Locations: rows of name, distance from the base and from the previous one,
// protected area; rows are added and removed in place.
function locationsEditor(list, inputs) {
  const box = h('div', { class: 'locs' });
  let n = 0;
  const renumber = () =>
    [...box.querySelectorAll('.loc')].forEach((row, i) => {
      row.querySelector('.loc-title').textContent = t('diag.loc.n', { n: i + 1 });
      row.querySelector('.loc-remove').textContent = t('diag.loc.remove', { n: i + 1 });
      inputs[`locations[${i}].km_from_base`] = row.km_from_base;
      inputs[`locations[${i}].km_from_previous`] = row.km_from_previous;
    });
  const add = (loc = {}) => {
    const k = ++n;
    const nameField = field({
      name: `loc-name-${k}`,
      label: t('diag.loc.name'),
      value: loc.name || '',
      attrs: { autocomplete: 'off' },
    });
    const base = field({
      name: `loc-base-${k}`,
      label: t('diag.loc.km_from_base'),
      value: loc.km_from_base ?? '',
      attrs: { inputmode: 'decimal', autocomplete: 'off' },
    });
    const prev = field({
      name: `loc-prev-${k}`,
      label: t('diag.loc.km_from_previous'),
      value: loc.km_from_previous ?? '',
      attrs: { inputmode: 'decimal', autocomplete: 'off' },
    });
    const protectedBox = h('input', {
      type: 'checkbox',
      id: `loc-prot-${k}`,
      checked: !!loc.protected_area,
    });
    // A group per location: its fields have the same labels, the legend tells them apart.
    const row = h(
      'fieldset',
      { class: 'loc card group' },
      h('legend', { class: 'loc-title' }),
      nameField,
      base,
      prev,
      h(
        'div',
        { class: 'check' },
        protectedBox,
        h('label', { for: `loc-prot-${k}` }, t('diag.loc.protected')),
      ),
      h('button', {
        type: 'button',
        class: 'small secondary loc-remove',
        onclick: () => {
          row.remove();
          for (const key of Object.keys(inputs))
            if (key.startsWith('locations[')) delete inputs[key];
          renumber();
          announce(t('diag.loc.removed'));
        },
      }),
    );
    Object.assign(row, { nameField, km_from_base: base, km_from_previous: prev, protectedBox });
    box.append(row);
    renumber();
    return row;
  };
  list.forEach((l) => add(l));
  return h(
    'div',
    {},
    box,
    h(
      'p',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            add().querySelector('input').focus();
          },
        },
        t('diag.loc.add'),
      ),
    ),
  );
}

// The library's actions ranked by kgCO2e avoided per euro, within the
// envelope the production office set (or said to be missing).
function actionsSection(res) {
  const env = res.envelope || {};
  const eur = (v) => money(Math.round(v));
  return h(
    'section',
    { 'aria-labelledby': 'h-actions' },
    h('h2', { id: 'h-actions' }, t('diag.actions')),
    h(
      'p',
      {},
      env.eur === null || env.eur === undefined
        ? t('diag.envelope.none')
        : t('diag.envelope', {
            eur: eur(env.eur),
            kept: tn('count.actions', env.kept),
            cost: eur(env.cost_max_eur),
            kg: num(Math.round(env.avoided_kg)),
          }),
    ),
    (res.actions || []).length
      ? h(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-actions' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  t('diag.rank'),
                  t('diag.action'),
                  t('diag.avoided'),
                  t('diag.cost'),
                  t('diag.kgpereur'),
                  t('diag.envelope.h'),
                ].map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h(
              'tbody',
              {},
              res.actions.map((a) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, String(a.rank)),
                  h('th', { scope: 'row' }, a.title, h('p', { class: 'meta' }, a.rationale)),
                  h('td', { class: 'num' }, num(Math.round(a.avoided_kg))),
                  h('td', { class: 'num' }, `${eur(a.cost_min_eur)} – ${eur(a.cost_max_eur)}`),
                  h(
                    'td',
                    { class: 'num' },
                    a.kg_per_eur === null ? t('diag.nocost') : num(a.kg_per_eur),
                  ),
                  h(
                    'td',
                    {},
                    a.within_envelope === undefined
                      ? '—'
                      : t(a.within_envelope ? 'diag.kept' : 'diag.notkept'),
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', {}, t('diag.none')),
  );
}

async function projectResult(ctx) {
  const r = rec(ctx, C2_ID);
  const title = t('diag.c2.title');
  const head = h('h1', { tabindex: '-1' }, title);
  const back = h('p', {}, h('a', { href: '#/diagnostic-c2' }, t('diag.c2.edit')));
  if (!r) return { title, view: h('div', {}, head, h('p', {}, t('diag.c2.empty')), back) };
  const body = framingOf(r);
  if (r.fields.title) body.title = r.fields.title;
  const out = await evaluate(ctx, 'project', body);
  if (out.offline)
    return {
      title,
      view: h('div', {}, head, h('p', { class: 'warn' }, t('diag.offline.result')), back),
    };
  if (out.error) {
    return {
      title,
      view: h(
        'div',
        {},
        head,
        h('p', { class: 'bad', role: 'alert' }, t('diag.err.server', { msg: out.error.message })),
        back,
      ),
    };
  }
  const res = out.result;
  const ranked = res.themes.filter((x) => x.rank > 0);
  const carbon = res.themes.find((x) => x.theme === 'carbon');
  const adjust = async (th) => {
    let effort;
    let impact;
    const form = await formDialog({
      title: t('diag.adj.title', { theme: t('diag.theme.' + th.theme) }),
      ok: t('diag.edit.ok'),
      cancel: t('diag.cancel'),
      build: (f) => {
        effort = field({
          name: 'effort',
          type: 'select',
          label: t('diag.effort'),
          value: String(th.effort),
          options: [1, 2, 3].map((e) => [String(e), t('diag.effort.' + e)]),
        });
        impact = field({
          name: 'impact',
          type: 'select',
          label: t('diag.impact'),
          value: r.fields['adj_' + th.theme]?.impact || '',
          options: [
            ['', t('diag.impact.auto')],
            ['high', t('diag.impact.high')],
            ['low', t('diag.impact.low')],
          ],
        });
        f.append(effort, impact);
      },
    });
    if (!form) return;
    const v = { effort: Number(effort.input.value), ...author(ctx) };
    if (impact.input.value) v.impact = impact.input.value;
    await save(ctx, C2_ID, { ['adj_' + th.theme]: v });
    announce(t('diag.adj.saved'));
    ctx.rerender();
  };
  const themeName = (k) => t('diag.theme.' + k);
  const tCO2 = (kg) => num(Math.round(kg / 100) / 10);
  const table = h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-themes' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            t('diag.rank'),
            t('diag.theme'),
            t('diag.tco2'),
            t('diag.share'),
            t('diag.effort'),
            t('diag.quadrant'),
            t('diag.whyh'),
            '',
          ].map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        ranked.map((x) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, String(x.rank)),
            h('th', { scope: 'row' }, themeName(x.theme)),
            h('td', { class: 'num' }, tCO2(x.kg)),
            h('td', { class: 'num' }, share(x.share)),
            h('td', {}, t('diag.effort.' + x.effort)),
            h(
              'td',
              {},
              t('diag.quad.' + x.quadrant),
              x.adjusted_by
                ? h(
                    'span',
                    { class: 'meta' },
                    ' ',
                    t('diag.adjusted', { by: x.adjusted_by, when: when(x.adjusted_at) }),
                  )
                : null,
            ),
            h('td', {}, x.why),
            h(
              'td',
              {},
              canEdit(ctx)
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'small secondary',
                      'aria-label': t('diag.adj.label', { theme: themeName(x.theme) }),
                      onclick: () => adjust(x),
                    },
                    t('diag.adj'),
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
  const inQ = (q) => ranked.filter((x) => x.quadrant === q);
  const matrix = h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-matrix' },
    h(
      'table',
      { class: 'matrix' },
      h('caption', {}, t('diag.matrix.caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', {}),
          h('th', { scope: 'col' }, t('diag.matrix.easy')),
          h('th', { scope: 'col' }, t('diag.matrix.hard')),
        ),
      ),
      h(
        'tbody',
        {},
        QUADRANTS.map((row, i) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, t(i === 0 ? 'diag.impact.high' : 'diag.impact.low')),
            row.map((q) =>
              h(
                'td',
                { class: 'q-' + q },
                h('strong', {}, t('diag.quad.' + q)),
                inQ(q).length
                  ? h(
                      'ul',
                      {},
                      inQ(q).map((x) => h('li', {}, themeName(x.theme))),
                    )
                  : h('p', { class: 'meta' }, '—'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return {
    title,
    view: focusAfterSave(
      h(
        'div',
        { class: 'diag wide' },
        head,
        r.fields.title
          ? h(
              'p',
              {},
              h('strong', {}, r.fields.title),
              r.fields.format ? ` — ${r.fields.format}` : '',
            )
          : null,
        back,
        res.status === 'draft' ? missingList(res.missing, () => '#/diagnostic-c2') : null,
        h(
          'section',
          { 'aria-labelledby': 'h-impacts' },
          h('h2', { id: 'h-impacts' }, t('diag.impacts')),
          res.impacts.length
            ? h(
                'ul',
                {},
                res.impacts.map((x) => h('li', {}, h('strong', {}, x.element), colon(), x.impact)),
              )
            : h('p', {}, t('diag.none')),
        ),
        h(
          'section',
          { 'aria-labelledby': 'h-themes' },
          h('h2', { id: 'h-themes' }, t('diag.themes')),
          h('p', {}, t('diag.total', { t: tCO2(res.total_kg) })),
          table,
          carbon
            ? h('p', { class: 'meta' }, h('strong', {}, themeName('carbon')), colon(), carbon.why)
            : null,
        ),
        actionsSection(res),
        h(
          'section',
          { 'aria-labelledby': 'h-matrix' },
          h('h2', { id: 'h-matrix' }, t('diag.matrix')),
          h('p', {}, t('diag.matrix.intro')),
          matrix,
        ),
        pdfButton(ctx, 'project', body, 'analyse-C2.pdf', 'C2'),
      ),
    ),
  };
}
