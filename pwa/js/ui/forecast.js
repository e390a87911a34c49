// forecast.js - the provisional footprint entered by the office (#/previsionnel;
// docs/carbon.md, "The forecast, filed"): a quantity per indicator, grouped by
// Carbon'Clap category, with the project analysis (C2) as a starting
// suggestion the office takes or corrects. Quantities are "estimates" records
// made through the outbox (offline too); filing freezes them as a numbered
// version on the server, so the one filed with the budget stays as it was.
import {
  t,
  tn,
  num,
  getLang,
  errorText,
  dateTime,
  h,
  field,
  showErrors,
  announce,
} from '../i18n.js';
import * as ind from '../indicators.js';
import { request, NetworkError } from '../store.js';
import { c2Framing } from './diag.js';

const CATEGORIES = [
  'production',
  'locations',
  'sets',
  'hmc_costume',
  'transport',
  'logistics',
  'equipment',
  'postproduction',
];
const unitText = (u) =>
  ({
    meal: t('unit.meal'),
    night: t('unit.night'),
    'TB.yr': t('unit.tbyr'),
    EUR: t('unit.eur'),
    't.km': t('unit.tkm'),
    day: t('unit.day'),
    piece: t('unit.piece'),
  })[u] || u;

// The live estimate of each indicator (the first record naming it).
function estimates(ctx) {
  const m = new Map();
  for (const r of ctx.client.replica.listRecords('estimates')) {
    if (r.deleted || !r.fields?.indicator || m.has(r.fields.indicator)) continue;
    m.set(r.fields.indicator, r);
  }
  return m;
}

// The C2 analysis' estimate lines (indicator, value in the indicator's unit),
// or null (no framing yet, offline, refused).
async function suggestions(ctx, prod) {
  const body = c2Framing(ctx);
  if (!body) return null;
  try {
    const res = await request(ctx.client.identity, 'POST', `${prod}/diagnostic/project`, { body });
    return new Map((res.lines || []).map((l) => [l.indicator, l.value]));
  } catch {
    return null;
  }
}

async function save(ctx, rows, summary) {
  const errors = [];
  const changes = [];
  for (const r of rows) {
    const raw = r.wrap.input.value.trim().replace(',', '.');
    const before = r.rec?.fields.value;
    if (raw === '') {
      if (r.rec) changes.push([r, null]);
      continue;
    }
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) {
      errors.push([r.wrap, t('fc.err.value', { name: r.name })]);
      continue;
    }
    if (v !== before) changes.push([r, v]);
  }
  showErrors(
    summary,
    rows.map((r) => r.wrap),
    errors,
  );
  if (errors.length) return;
  for (const [r, v] of changes) {
    const id = r.rec?.id || `est-${r.ind.id}`;
    const fields =
      v === null
        ? { _deleted: true }
        : { indicator: r.ind.id, value: v, unit: r.ind.unit, dept: r.ind.collector || '' };
    await ctx.client.makeOp('estimates', id, 'put', fields);
  }
  announce(tn('fc.saved', changes.length));
  ctx.rerender();
}

async function file(ctx, prod, label) {
  try {
    // Everything entered must be on the server before it is frozen: a sync
    // already running may have started before the last save, so sync until
    // nothing is pending (three rounds at most), else refuse to file.
    for (let i = 0; i < 3 && (i === 0 || ctx.client.status.pending > 0); i++)
      await ctx.client.sync('button');
    if (ctx.client.status.pending > 0) {
      announce(t('fc.offline'));
      return;
    }
    const v = await request(ctx.client.identity, 'POST', `${prod}/forecast`, { body: { label } });
    announce(t('fc.filed', { v: v.version, kg: num(Math.round(v.total_kg)) }));
    ctx.rerender();
  } catch (e) {
    announce(e instanceof NetworkError ? t('fc.offline') : errorText(e));
  }
}

function versionsTable(list) {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-fc-versions' },
    h(
      'table',
      { 'data-testid': 'fc-versions' },
      h('caption', {}, t('fc.versions.caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['version', 'label', 'date', 'by', 'set', 'total'].map((k) =>
            h('th', { scope: 'col' }, t(`fc.col.${k}`)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((v) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, String(v.version)),
            h('td', {}, v.label),
            h('td', {}, dateTime(v.filed_at)),
            h('td', {}, v.filed_by_name || v.filed_by),
            h('td', {}, String(v.factor_version)),
            h('td', {}, `${num(Math.round(v.total_kg))} kgCO2e`),
          ),
        ),
      ),
    ),
  );
}

export async function forecast(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const title = t('fc.title');
  const prod = `/api/v1/productions/${encodeURIComponent(id.production_id)}`;
  const lang = getLang();
  const est = estimates(ctx);
  const [sugg, filed] = await Promise.all([
    suggestions(ctx, prod),
    request(id, 'GET', `${prod}/forecast`).catch((e) => ({
      error: e instanceof NetworkError ? t('fc.offline') : errorText(e),
    })),
  ]);
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const rows = [];
  const groups = CATEGORIES.map((cat) => {
    const inds = ind.all().filter((i) => (i.category || 'production') === cat);
    if (!inds.length) return null;
    return h(
      'fieldset',
      {},
      h('legend', {}, t('cat.' + cat)),
      inds.map((i) => {
        const name = ind.name(i.id, lang);
        const rec = est.get(i.id);
        const s = sugg?.get(i.id);
        const wrap = field({
          name: `fc-${i.id}`,
          label: `${name} (${unitText(i.unit)})`,
          type: 'text',
          value: rec ? String(rec.fields.value) : '',
          hint:
            typeof s === 'number' ? t('fc.suggestion', { q: num(s), unit: unitText(i.unit) }) : '',
          attrs: { inputmode: 'decimal', autocomplete: 'off' },
        });
        if (typeof s === 'number')
          wrap.append(
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-label': t('fc.take.one', { name }),
                onclick: () => {
                  wrap.input.value = String(s);
                },
              },
              t('fc.take'),
            ),
          );
        rows.push({ ind: i, name, rec, wrap, s });
        return wrap;
      }),
    );
  });
  const takeAll = sugg?.size
    ? h(
        'button',
        {
          type: 'button',
          onclick: () => {
            for (const r of rows)
              if (typeof r.s === 'number' && r.wrap.input.value.trim() === '')
                r.wrap.input.value = String(r.s);
            announce(t('fc.taken'));
          },
        },
        t('fc.take.all'),
      )
    : null;
  const versions = filed.versions || [];
  const label = field({
    name: 'fc-label',
    label: t('fc.label'),
    value: versions.length ? t('fc.label.revision', { n: versions.length }) : t('fc.label.budget'),
  });
  const view = h(
    'div',
    { class: 'wide' },
    h('h1', { tabindex: '-1' }, title),
    h('p', {}, t('fc.intro')),
    sugg
      ? h('p', { 'data-testid': 'fc-c2' }, t('fc.c2.yes'), ' ', takeAll)
      : h(
          'p',
          { 'data-testid': 'fc-c2' },
          t('fc.c2.no'),
          ' ',
          h('a', { href: '#/diagnostic-c2' }, t('fc.c2.link')),
        ),
    summary,
    h(
      'form',
      {
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          save(ctx, rows, summary);
        },
      },
      groups,
      h('button', { type: 'submit' }, t('fc.save')),
    ),
    h(
      'section',
      { 'aria-labelledby': 'h-fc-versions' },
      h('h2', { id: 'h-fc-versions' }, t('fc.versions')),
      filed.error
        ? h('p', { class: 'bad' }, filed.error)
        : h(
            'p',
            { 'data-testid': 'fc-current' },
            t('fc.current', {
              kg: num(Math.round(filed.current.total_kg)),
              set: filed.current.factor_version,
            }),
          ),
      versions.length ? versionsTable(versions) : h('p', {}, t('fc.versions.none')),
      h(
        'form',
        {
          novalidate: true,
          onsubmit: (e) => {
            e.preventDefault();
            const v = label.input.value.trim();
            if (!v) {
              label.setError(t('fc.err.label'));
              label.input.focus();
              return;
            }
            label.setError(null);
            file(ctx, prod, v);
          },
        },
        label,
        h('p', { class: 'hint' }, t('fc.file.hint')),
        h('button', { type: 'submit' }, t('fc.file')),
      ),
    ),
  );
  return { title, view };
}
