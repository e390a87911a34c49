// plan.js - the action plan editor (C4) and people's profiles (C6), for the
// office roles. Actions started from the library or written new are synced
// records made through the outbox, so the editor works offline; the library
// itself is fetched once and kept in IndexedDB. An action without owner or
// indicator is allowed, as a draft, and flagged. Crew never see this screen
// (and the server refuses their writes to "actions": sync/authz.h).
import {
  t,
  getLang,
  num,
  unitName,
  percent,
  quantity,
  share,
  h,
  field,
  showErrors,
  announce,
} from '../i18n.js';
import * as ind from '../indicators.js';
import * as store from '../store.js';
import { request } from '../store.js';
import { canEdit } from './directory.js';
import { members } from './follow.js';
import { officeList, gallery } from './photos.js';
import { uuidv7 } from '../sync/engine.js';
import { recordEditor } from './edit.js';

const THEMES = ['food', 'waste', 'energy', 'mobility', 'purchases', 'carbon', 'other'];
const live = (ctx, col) => ctx.client.replica.listRecords(col).filter((r) => !r.deleted);

// Fresh from the server when online, else the copy kept from last time.
async function library(ctx) {
  try {
    const res = await request(ctx.client.identity, 'GET', '/api/v1/plan/library');
    await store.setMeta('library', res.library);
    return res.library;
  } catch {
    return (await store.getMeta('library')) || [];
  }
}

// What a draft lacks, each with the field that fills it (the card links
// there: "#/plan?edit=ID&f=FIELD" opens the editor on it).
export function draftFlags(f) {
  const flags = [];
  if (!f.owner) flags.push(['plan.flag.owner', 'owner']);
  if (!f.indicator) flags.push(['plan.flag.indicator', 'indicator']);
  if (typeof f.baseline !== 'number') flags.push(['plan.flag.figures', 'baseline']);
  else if (typeof f.target !== 'number') flags.push(['plan.flag.figures', 'target']);
  return flags;
}

const STATUSES = ['draft', 'planned', 'in_progress', 'done', 'dropped'];
const MEASURES = ['total', 'share'];
const DEPTS = [
  'regie',
  'decor',
  'costumes',
  'hmc',
  'image',
  'son',
  'catering',
  'production',
  'post',
];

// A share is stored as the model expects (a fraction, docs/plan.md) and typed
// and shown as a percentage: 0.3 is "30 %". Rounded so that 0.35 shows 35,
// not 35.00000000000001.
const toPct = (x) => (typeof x === 'number' ? Math.round(x * 1e8) / 1e6 : x);
const fromPct = (x) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e8 : x);

// The fields of an action as the editor shows them (owner among members),
// the target's kind as in the new-action form: a quantity, a share, and
// the kgCO2e avoided.
function actionSpecs(people, f) {
  const owners = people.map((m) => [m.id, `${m.name} (${t('dept.' + m.department)})`]);
  // An owner written as free text before owners were members stays visible
  // until someone picks a member instead.
  if (f.owner && !people.some((m) => m.id === f.owner))
    owners.push([f.owner, t('plan.f.owner.text', { who: f.owner })]);
  return [
    { name: 'title', label: t('plan.f.title'), required: true, attrs: { maxlength: '300' } },
    {
      name: 'theme',
      label: t('plan.f.theme'),
      type: 'select',
      options: THEMES.map((x) => [x, t('plan.theme.' + x)]),
    },
    {
      name: 'owner',
      label: t('plan.f.owner'),
      type: 'select',
      hint: t('plan.f.owner.hint'),
      options: [['', t('plan.f.nobody')], ...owners],
    },
    {
      name: 'dept',
      label: t('plan.f.dept'),
      type: 'select',
      options: [['', t('plan.f.none')], ...DEPTS.map((d) => [d, t('dept.' + d)])],
    },
    {
      name: 'indicator',
      label: t('plan.f.indicator'),
      type: 'select',
      options: [['', t('plan.f.none')], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
    },
    {
      name: 'measure',
      label: t('plan.f.measure'),
      type: 'select',
      hint: t('plan.f.measure.hint'),
      options: MEASURES.map((m) => [m, t('plan.measure.' + m)]),
    },
    { name: 'baseline', label: t('plan.f.baseline'), number: true },
    { name: 'target', label: t('plan.f.target'), number: true },
    {
      name: 'replaces',
      label: t('plan.f.replaces'),
      type: 'select',
      hint: t('plan.f.replaces.hint'),
      options: [['', t('plan.f.none')], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
    },
    {
      name: 'target_kg',
      label: t('plan.f.target_kg'),
      hint: t('plan.f.target_kg.hint'),
      number: true,
    },
    {
      name: 'objective',
      label: t('plan.f.objective'),
      type: 'textarea',
      attrs: { maxlength: '2000' },
    },
    { name: 'means', label: t('plan.f.means'), type: 'textarea', attrs: { maxlength: '2000' } },
    {
      name: 'status',
      label: t('plan.f.status'),
      type: 'select',
      options: STATUSES.map((x) => [x, t('plan.status.' + x)]),
    },
  ];
}

function actionEditor(ctx, a, people, params) {
  const share = (x) => (x.measure || 'total') === 'share';
  return recordEditor(ctx, 'actions', a, actionSpecs(people, a.fields), {
    label: String(a.fields.title || a.id),
    open: params.get('edit') === a.id,
    focus: params.get('edit') === a.id ? params.get('f') : null,
    // A share is typed as a percentage (30 for 30 %), as in the new form,
    // and stored as a fraction.
    toForm: (f) =>
      share(f)
        ? { measure: 'total', ...f, baseline: toPct(f.baseline), target: toPct(f.target) }
        : { measure: 'total', ...f },
    fromForm: (v) =>
      share(v) ? { ...v, baseline: fromPct(v.baseline), target: fromPct(v.target) } : v,
    check: (v) => [
      ...(share(v)
        ? ['baseline', 'target']
            .filter((k) => typeof v[k] === 'number' && (v[k] < 0 || v[k] > 100))
            .map((k) => [k, t('plan.err.share')])
        : []),
      ...(typeof v.target_kg === 'number' && v.target_kg < 0
        ? [['target_kg', t('plan.err.target_kg')]]
        : []),
    ],
  });
}

// The attainment line of an action (server's progress, when online): a figure
// above 200 % or below 0 % is "à vérifier" with why, and a person confirms it.
function progressLine(ctx, a, p) {
  if (!p || typeof p.attainment_pct !== 'number') return null;
  const pct = percent(p.attainment_pct, { digits: 1 });
  if (p.status !== 'a_verifier')
    return h(
      'p',
      { class: 'meta' },
      t('plan.attainment', { pct, status: t('plan.status.' + p.status) }),
    );
  return h(
    'div',
    { class: 'flag', role: 'note' },
    h(
      'p',
      {},
      h('strong', {}, t('plan.status.a_verifier')),
      ' : ',
      t('plan.check.' + p.check, { pct }),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-label': `${t('plan.check.confirm')} : ${a.fields.title || a.id}`,
        onclick: async () => {
          await ctx.client.makeOp(
            'actions',
            a.id,
            'put',
            { confirmed_pct: p.attainment_pct },
            { confirmed_pct: a.heads.confirmed_pct || [] },
          );
          announce(t('plan.check.confirmed', { pct }));
          ctx.rerender();
        },
      },
      t('plan.check.confirm'),
    ),
  );
}

// The server's progress by action id, or an empty map offline.
async function progressById(ctx) {
  const id = ctx.client.identity;
  try {
    const res = await request(
      id,
      'GET',
      // avoided_method is prose: in the screen's language.
      `/api/v1/productions/${encodeURIComponent(id.production_id)}/plan/progress?lang=${getLang()}`,
    );
    return new Map(res.actions.map((x) => [x.id, x]));
  } catch {
    return new Map();
  }
}

async function startFromLibrary(ctx, e) {
  const f = {
    title: getLang() === 'en' ? e.title_en : e.title_fr,
    theme: e.theme,
    dept: e.dept,
    objective: e.objective,
    means: e.means,
    measure: e.measure,
    library: e.id,
    status: 'draft',
    tags: e.tags,
  };
  if (e.indicator) f.indicator = e.indicator;
  await ctx.client.makeOp('actions', 'act-' + uuidv7(), 'put', f);
  announce(t('plan.started', { title: f.title }));
  ctx.rerender();
}

// What the action avoided against its baseline, from the server's progress
// (docs/plan.md, "Avoided emissions"): a figure with its method, or why none.
function avoidedLine(p) {
  if (!p) return null;
  const kg = p.avoided_kg;
  return h(
    'p',
    { class: 'meta', 'data-testid': 'plan-avoided' },
    typeof kg === 'number'
      ? t(kg >= 0 ? 'plan.avoided' : 'plan.added', { kg: num(Math.round(Math.abs(kg))) })
      : t('plan.avoided.none'),
    typeof p.target_kg === 'number' ? t('plan.avoided.target', { kg: num(p.target_kg) }) : '',
    p.avoided_method ? ` (${p.avoided_method})` : '',
  );
}

// A baseline or target as people read it: a share as a percentage
// ("20 % → 35 %"), a quantity with its unit in words.
function figure(f, v) {
  if (f.measure === 'share') return share(v);
  return quantity(v, unitName(ind.indicator(f.indicator)?.unit || ''));
}

// A library tag ("afnor:digital") by its label in the reader's language.
function tagName(tag) {
  const [ref, key] = String(tag).split(':');
  const k = `tag.${ref}.${key}`;
  if (!key || t(k) === k)
    return String(tag)
      .replace(/^[a-z]+:/, '')
      .replace(/_/g, ' ');
  return t(`tag.${ref}`, { label: t(k) });
}

function actionCard(ctx, a, photos, more) {
  const f = a.fields;
  const flags = draftFlags(f);
  // An owner typed as text (with spaces) is already words; an id is not.
  const who =
    more.people.find((m) => m.id === f.owner)?.name ||
    (f.owner && (/\s/.test(f.owner) ? f.owner : t('plan.owner.unknown')));
  const dept = f.dept && t('dept.' + f.dept) !== 'dept.' + f.dept ? t('dept.' + f.dept) : f.dept;
  return h(
    'li',
    { class: 'card', id: 'action-' + a.id },
    h('h3', { class: 'value' }, String(f.title || a.id)),
    h(
      'p',
      { class: 'meta' },
      [
        f.theme ? t('plan.theme.' + f.theme) : null,
        dept,
        who ? t('plan.owner.is', { who }) : null,
        f.status ? t('plan.status.' + f.status) : null,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    f.objective ? h('p', {}, String(f.objective)) : null,
    f.indicator
      ? h(
          'p',
          { class: 'meta' },
          t('plan.indicator.is', { name: ind.name(f.indicator, getLang()) || f.indicator }),
          typeof f.baseline === 'number' && typeof f.target === 'number'
            ? ` — ${figure(f, f.baseline)} → ${figure(f, f.target)}`
            : '',
        )
      : null,
    avoidedLine(more.progress.get(a.id)),
    progressLine(ctx, a, more.progress.get(a.id)),
    flags.length
      ? h(
          'p',
          { class: 'flag' },
          h('strong', {}, t('plan.draft')),
          ' : ',
          flags.flatMap(([k, name], i) => [
            i ? ', ' : '',
            more.editor
              ? h('a', { href: `#/plan?edit=${encodeURIComponent(a.id)}&f=${name}` }, t(k))
              : t(k),
          ]),
        )
      : null,
    more.editor ? actionEditor(ctx, a, more.people, more.params) : null,
    gallery(ctx, photos, a.id, String(f.title || a.id), 'plan'),
  );
}

function newActionForm(ctx, people) {
  const title = field({
    name: 'act-title',
    label: t('plan.f.title'),
    required: true,
    attrs: { maxlength: '300' },
  });
  const theme = field({
    name: 'act-theme',
    type: 'select',
    label: t('plan.f.theme'),
    value: 'food',
    options: THEMES.map((x) => [x, t('plan.theme.' + x)]),
  });
  const owner = field({
    name: 'act-owner',
    type: 'select',
    label: t('plan.f.owner'),
    hint: t('plan.f.owner.hint'),
    value: '',
    options: [
      ['', t('plan.f.nobody')],
      ...people.map((m) => [m.id, `${m.name} (${t('dept.' + m.department)})`]),
    ],
  });
  const indicator = field({
    name: 'act-ind',
    type: 'select',
    label: t('plan.f.indicator'),
    value: '',
    options: [['', t('plan.f.none')], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
  });
  // A share is a share: the form says which quantity it divides and that
  // 30 % is written 0,30 (docs/plan.md).
  const measure = field({
    name: 'act-measure',
    type: 'select',
    label: t('plan.f.measure'),
    value: 'total',
    options: [
      ['total', t('plan.f.measure.total')],
      ['share', t('plan.f.measure.share')],
    ],
  });
  const baseline = field({
    name: 'act-base',
    label: t('plan.f.baseline'),
    hint: t('plan.f.figures.total'),
    attrs: { inputmode: 'decimal' },
  });
  const target = field({
    name: 'act-target',
    label: t('plan.f.target'),
    hint: t('plan.f.figures.total'),
    attrs: { inputmode: 'decimal' },
  });
  const replaces = field({
    name: 'act-replaces',
    type: 'select',
    label: t('plan.f.replaces'),
    hint: t('plan.f.replaces.hint'),
    value: '',
    options: [['', t('plan.f.none')], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
  });
  const targetKg = field({
    name: 'act-target-kg',
    label: t('plan.f.target_kg'),
    hint: t('plan.f.target_kg.hint'),
    attrs: { inputmode: 'decimal' },
  });
  const figuresHint = () => {
    const i = ind.indicator(indicator.input.value);
    const unit = i ? i.unit : '';
    const text =
      measure.input.value === 'share'
        ? t('plan.f.figures.share', { name: i ? ind.name(i.id, getLang()) : '…' })
        : t('plan.f.figures.total') + (unit ? ` (${unit})` : '');
    for (const w of [baseline, target]) w.querySelector('.hint').textContent = text;
  };
  measure.input.addEventListener('change', figuresHint);
  indicator.input.addEventListener('change', figuresHint);
  const objective = field({
    name: 'act-obj',
    type: 'textarea',
    label: t('plan.f.objective'),
    hint: t('plan.f.objective.hint'),
    attrs: { maxlength: '2000' },
  });
  const means = field({
    name: 'act-means',
    type: 'textarea',
    label: t('plan.f.means'),
    attrs: { maxlength: '2000' },
  });
  const all = [
    title,
    theme,
    owner,
    indicator,
    measure,
    baseline,
    target,
    replaces,
    targetKg,
    objective,
    means,
  ];
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const numOf = (w) => Number(w.input.value.trim().replace(',', '.'));
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = [];
        if (!title.input.value.trim()) errors.push([title, t('plan.err.title')]);
        for (const w of [baseline, target, targetKg])
          if (w.input.value.trim() && !Number.isFinite(numOf(w)))
            errors.push([w, t('plan.err.number')]);
        const share = measure.input.value === 'share';
        for (const w of share ? [baseline, target] : [])
          if (w.input.value.trim() && (numOf(w) < 0 || numOf(w) > 100))
            errors.push([w, t('plan.err.share')]);
        if (targetKg.input.value.trim() && numOf(targetKg) < 0)
          errors.push([targetKg, t('plan.err.target_kg')]);
        showErrors(summary, all, errors);
        if (errors.length) return;
        const f = {
          title: title.input.value.trim(),
          theme: theme.input.value,
          measure: measure.input.value,
          status: 'draft',
        };
        if (owner.input.value) f.owner = owner.input.value;
        if (indicator.input.value) f.indicator = indicator.input.value;
        if (share) f.measure = 'share';
        // A share typed in % (30) is stored as the model expects (0.3).
        const stored = (w) => (share ? fromPct(numOf(w)) : numOf(w));
        if (baseline.input.value.trim()) f.baseline = stored(baseline);
        if (target.input.value.trim()) f.target = stored(target);
        if (replaces.input.value) f.replaces = replaces.input.value;
        if (targetKg.input.value.trim()) f.target_kg = numOf(targetKg);
        if (objective.input.value.trim()) f.objective = objective.input.value.trim();
        if (means.input.value.trim()) f.means = means.input.value.trim();
        await ctx.client.makeOp('actions', 'act-' + uuidv7(), 'put', f);
        announce(t('plan.saved'));
        ctx.rerender();
      },
    },
    summary,
    ...all,
    h('button', { type: 'submit' }, t('plan.add')),
  );
}

function profileForm(ctx, people) {
  const member = field({
    name: 'pr-member',
    type: 'select',
    label: t('prof.member'),
    hint: t('prof.member.hint'),
    value: '',
    options: [['', '—'], ...people.map((m) => [m.id, m.name])],
  });
  const name = field({
    name: 'pr-name',
    label: t('prof.name'),
    required: true,
    attrs: { maxlength: '200' },
  });
  const role = field({ name: 'pr-role', label: t('prof.role'), attrs: { maxlength: '100' } });
  const dept = field({ name: 'pr-dept', label: t('prof.dept'), attrs: { maxlength: '32' } });
  const scale = [
    ['0', t('prof.0')],
    ['1', t('prof.1')],
    ['2', t('prof.2')],
    ['3', t('prof.3')],
  ];
  const know = field({
    name: 'pr-know',
    type: 'select',
    label: t('prof.knowledge'),
    value: '1',
    options: scale,
  });
  const skill = field({
    name: 'pr-skill',
    type: 'select',
    label: t('prof.skill'),
    value: '1',
    options: scale,
  });
  const app = field({
    name: 'pr-app',
    type: 'select',
    label: t('prof.appetite'),
    value: '1',
    options: scale,
  });
  member.input.addEventListener('change', () => {
    const m = people.find((x) => x.id === member.input.value);
    if (m && !name.input.value.trim()) name.input.value = m.name;
    if (m && !dept.input.value.trim()) dept.input.value = m.department;
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = name.input.value.trim() ? [] : [[name, t('prof.err.name')]];
        showErrors(summary, [name], errors);
        if (errors.length) return;
        const f = {
          name: name.input.value.trim(),
          knowledge: Number(know.input.value),
          skill: Number(skill.input.value),
          appetite: Number(app.input.value),
        };
        if (role.input.value.trim()) f.role = role.input.value.trim();
        if (dept.input.value.trim()) f.dept = dept.input.value.trim();
        if (member.input.value) f.member = member.input.value;
        await ctx.client.makeOp('profiles', 'prof-' + uuidv7(), 'put', f);
        announce(t('prof.saved'));
        ctx.rerender();
      },
    },
    summary,
    member,
    name,
    role,
    dept,
    know,
    skill,
    app,
    h('button', { type: 'submit' }, t('prof.add')),
  );
}

export async function plan(ctx, params = new URLSearchParams()) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const editor = canEdit(id);
  const lib = editor ? await library(ctx) : [];
  const actions = live(ctx, 'actions').sort((a, b) =>
    String(a.fields.title || '').localeCompare(String(b.fields.title || '')),
  );
  const profiles = live(ctx, 'profiles').sort((a, b) =>
    String(a.fields.name || '').localeCompare(String(b.fields.name || '')),
  );
  const prod = encodeURIComponent(id.production_id || '');
  const photos = await officeList(ctx);
  const people = editor ? await members(ctx) : [];
  const more = { people, editor, params, progress: await progressById(ctx) };
  const level = (n) => t('prof.' + (n ?? 0));
  return {
    title: t('plan.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('plan.title')),
      h(
        'section',
        { 'aria-labelledby': 'h-plan-actions' },
        h('h2', { id: 'h-plan-actions' }, t('plan.actions')),
        actions.length
          ? h(
              'ul',
              { class: 'cards', id: 'plan-actions' },
              actions.map((a) => actionCard(ctx, a, photos, more)),
            )
          : h('p', {}, t('plan.none')),
        h(
          'p',
          { class: 'row' },
          ['csv', 'xlsx', 'pdf'].map((x) =>
            h(
              'a',
              {
                class: 'button secondary small',
                href: `/api/v1/productions/${prod}/plan.${x}?lang=${getLang()}`,
                download: '',
              },
              t('plan.export.' + x),
            ),
          ),
        ),
      ),
      editor
        ? h(
            'section',
            { 'aria-labelledby': 'h-plan-lib' },
            h('h2', { id: 'h-plan-lib' }, t('plan.library')),
            h('p', {}, t('plan.library.intro')),
            lib.length
              ? h(
                  'ul',
                  { class: 'cards' },
                  lib.map((e) => {
                    const title = getLang() === 'en' ? e.title_en : e.title_fr;
                    return h(
                      'li',
                      { class: 'card' },
                      h('h3', { class: 'value' }, title),
                      h('p', {}, e.objective),
                      h(
                        'ul',
                        { class: 'tags', 'aria-label': t('plan.tags') },
                        e.tags.map((tag) => h('li', { class: 'badge' }, tagName(tag))),
                      ),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'small',
                          'aria-label': `${t('plan.start')} : ${title}`,
                          onclick: () => startFromLibrary(ctx, e),
                        },
                        t('plan.start'),
                      ),
                    );
                  }),
                )
              : h('p', {}, t('plan.library.offline')),
          )
        : null,
      editor
        ? h(
            'section',
            { 'aria-labelledby': 'h-plan-new' },
            h('h2', { id: 'h-plan-new' }, t('plan.new')),
            newActionForm(ctx, people),
          )
        : null,
      h(
        'section',
        { 'aria-labelledby': 'h-prof' },
        h('h2', { id: 'h-prof' }, t('prof.title')),
        h('p', {}, t('prof.intro')),
        profiles.length
          ? h(
              'ul',
              { class: 'cards' },
              profiles.map((p) =>
                h(
                  'li',
                  { class: 'card' },
                  h('h3', { class: 'value' }, String(p.fields.name || p.id)),
                  h(
                    'p',
                    { class: 'meta' },
                    [p.fields.role, p.fields.dept].filter(Boolean).join(' · '),
                  ),
                  h(
                    'p',
                    {},
                    `${t('prof.knowledge')} : ${level(p.fields.knowledge)} · ${t('prof.skill')} : ${level(p.fields.skill)} · ${t('prof.appetite')} : ${level(p.fields.appetite)}`,
                  ),
                ),
              ),
            )
          : h('p', {}, t('prof.none')),
        editor ? profileForm(ctx, people) : null,
      ),
    ),
  };
}
