// charts.js - the footprint dashboard (#/bilan, C8): by Carbon'Clap category
// and by theme with the provisional and final side by side, per week, and the
// action plan's targets. Hand-built SVG; each chart is role="img" named by
// its <title> and <desc>, and followed by the same numbers as a data table.
// The figure is ecoplateau's working estimate (docs/carbon.md).
import { t, tn, num, getLang, errorText, date, share, percent, h } from '../i18n.js';
import * as ind from '../indicators.js';
import { request, NetworkError } from '../store.js';
import { today } from '../indicators.js';
import { factorSets } from './factors.js';

const NS = 'http://www.w3.org/2000/svg';
// Final: the project's green; provisional: a brown, both >= 4.5:1 on white.
const COLORS = ['#1f5c3a', '#9a4a00'];
const W = 640;
const LABEL_W = 250;
// Labels longer than this are cut in the picture (the table has them whole).
const short = (x) => (x.length > 34 ? `${x.slice(0, 33)}…` : x);

function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const k of kids.flat())
    if (k !== null && k !== undefined)
      el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
}

let uid = 0;

// rows: [{label, values:[...]}]; series: names of values; fmt formats one value.
// Horizontal bars, one group per row. Returns a <figure>.
export function barChart({ key, title, desc, rows, series, fmt, max, marker }) {
  const id = `chart-${key}-${++uid}`;
  const barH = 14;
  const groupH = series.length * barH + 12;
  const top = 28;
  const height = top + rows.length * groupH + 8;
  const top_ = Math.max(
    max || 0,
    ...rows.flatMap((r) => r.values.filter((v) => typeof v === 'number')),
    1e-9,
  );
  const scale = (v) => ((W - LABEL_W - 100) * Math.max(0, v)) / top_;
  const legend = series.map((name, i) =>
    s(
      'g',
      {},
      s('rect', {
        x: LABEL_W + i * 150,
        y: 6,
        width: 12,
        height: 12,
        fill: COLORS[i % COLORS.length],
      }),
      s('text', { x: LABEL_W + i * 150 + 18, y: 16, 'font-size': 12, fill: '#1a1a1a' }, name),
    ),
  );
  const groups = rows.map((r, gi) => {
    const y0 = top + gi * groupH;
    return s(
      'g',
      {},
      s(
        'text',
        {
          x: LABEL_W - 8,
          y: y0 + groupH / 2,
          'text-anchor': 'end',
          'font-size': 12,
          fill: '#1a1a1a',
        },
        short(r.label),
      ),
      r.values.map((v, i) => {
        const y = y0 + 4 + i * barH;
        if (typeof v !== 'number') {
          return s(
            'text',
            { x: LABEL_W + 4, y: y + barH - 3, 'font-size': 11, fill: '#4a4a4a' },
            t('chart.nodata'),
          );
        }
        return s(
          'g',
          {},
          s('rect', {
            x: LABEL_W,
            y,
            width: Math.max(scale(v), v > 0 ? 1 : 0),
            height: barH - 2,
            fill: COLORS[i % COLORS.length],
          }),
          s(
            'text',
            { x: LABEL_W + scale(v) + 4, y: y + barH - 3, 'font-size': 11, fill: '#1a1a1a' },
            fmt(v),
          ),
        );
      }),
    );
  });
  const mark =
    typeof marker === 'number'
      ? s('line', {
          x1: LABEL_W + scale(marker),
          x2: LABEL_W + scale(marker),
          y1: top - 4,
          y2: height - 4,
          stroke: '#1a1a1a',
          'stroke-dasharray': '4 3',
        })
      : null;
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${W} ${height}`,
      role: 'img',
      'aria-labelledby': `${id}-t ${id}-d`,
      class: 'chart',
      'data-testid': `chart-${key}`,
    },
    s('title', { id: `${id}-t` }, title),
    s('desc', { id: `${id}-d` }, desc),
    legend,
    groups,
    mark,
  );
  const table = h(
    'div',
    {
      class: 'table-wrap',
      tabindex: '0',
      role: 'region',
      'aria-label': t('chart.table', { title }),
    },
    h(
      'table',
      {},
      h('caption', {}, t('chart.table', { title })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('chart.item')),
          series.map((n) => h('th', { scope: 'col' }, n)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, r.label),
            r.values.map((v) =>
              h('td', { class: 'num' }, typeof v === 'number' ? fmt(v) : t('chart.nodata')),
            ),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart-figure' }, svg, table);
}

const kg = (v) => `${num(Math.round(v))} kgCO2e`;

// Monday (UTC) of an ISO day.
function weekOf(iso) {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

// Final kgCO2e per week from the readings this replica holds, with the
// catalogue's factors (same factors as the server's latest set).
// A vehicle's litres replace its kilometres of the same week (server rule).
export function weekly(replica) {
  const weeks = new Map();
  const cur = replica
    .listFacts('readings')
    .filter((f) => f.current && f.fields.void !== true && typeof f.fields.value === 'number');
  const vw = (f) => `${f.fields.vehicle}|${weekOf(String(f.fields.at || ''))}`;
  const fuel = new Set(
    cur
      .filter(
        (f) =>
          f.fields.vehicle &&
          ind.indicator(f.fields.indicator)?.measures === 'fuel' &&
          ind.indicator(f.fields.indicator).theme === 'mobility',
      )
      .map(vw),
  );
  for (const f of cur) {
    const i = ind.indicator(f.fields.indicator);
    const factor = i?.factor?.value;
    const w = weekOf(String(f.fields.at || ''));
    if (typeof factor !== 'number' || !w || (i.measures === 'distance' && fuel.has(vw(f))))
      continue;
    weeks.set(w, (weeks.get(w) || 0) + f.fields.value * factor);
  }
  return [...weeks.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

// Every week of the production up to today (Monday dates), so a week without
// readings shows as "no data", never as a zero bar.
export function productionWeeks(starts, ends, todayIso) {
  const first = starts ? weekOf(starts) : null;
  const last = weekOf([ends, todayIso].filter(Boolean).sort()[0] || '');
  const out = [];
  if (!first || !last) return out;
  for (let d = new Date(`${first}T00:00:00Z`); out.length < 520; d.setUTCDate(d.getUTCDate() + 7)) {
    const w = d.toISOString().slice(0, 10);
    if (w > last) break;
    out.push(w);
  }
  return out;
}

function catLabel(c) {
  return t('cat.' + c) !== 'cat.' + c ? t('cat.' + c) : c;
}

// Issue 18: running or closed, coverage, missing (never a reduction), the
// method per vehicle, what the uncertainty covers, and the exports.
function honesty(cmp, prod) {
  const sp = cmp.span || {},
    cov = cmp.coverage || {},
    ms = cmp.final?.methods || [];
  const sec = (k, list) =>
    h('section', {}, h('h2', {}, t(`fp.${k}.title`)), h('ul', { 'data-testid': `fp-${k}` }, list));
  return [
    h(
      'p',
      { 'data-testid': 'fp-status' },
      cmp.status === 'clos'
        ? t('fp.status.closed')
        : t('fp.status.running', { e: num(sp.elapsed_days), n: num(sp.total_days) }),
    ),
    // Which forecast the gaps are against: the version filed, never the
    // live estimates unless nothing was filed (and then it says so).
    h(
      'p',
      { 'data-testid': 'fp-forecast' },
      cmp.forecast?.source === 'filed'
        ? t('fp.forecast.filed', {
            v: num(cmp.forecast.version),
            label: cmp.forecast.label,
            date: new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'fr-FR', {
              dateStyle: 'long',
            }).format(new Date(cmp.forecast.filed_at)),
            set: num(cmp.forecast.factor_version),
          })
        : t('fp.forecast.live'),
    ),
    // A forecast filed with another factor set than the readings': the
    // gaps mix two sets, and the screen says so.
    cmp.forecast?.source === 'filed' &&
    cmp.final?.factor_version != null &&
    cmp.forecast.factor_version !== cmp.final.factor_version
      ? h(
          'p',
          { 'data-testid': 'fp-forecast-mixed', class: 'warn' },
          t('fp.forecast.mixed', { now: num(cmp.final.factor_version) }),
        )
      : null,
    h(
      'p',
      { 'data-testid': 'fp-coverage' },
      typeof cov.share === 'number'
        ? t('fp.coverage', {
            pct: share(cov.share),
            covered: kg(cov.covered_kg),
            expected: kg(cov.expected_kg),
          })
        : t('fp.coverage.none'),
    ),
    cmp.missing?.length
      ? sec('missing', [
          h('li', {}, t('fp.missing.intro')),
          ...cmp.missing.map((m) =>
            h(
              'li',
              {},
              t('fp.missing.item', {
                name: ind.name(m.indicator, getLang()),
                kg: kg(m.expected_kg),
              }),
            ),
          ),
        ])
      : null,
    ms.length
      ? sec(
          'methods',
          ms.map((m) =>
            h(
              'li',
              {},
              t(`fp.method.${m.method === 'fuel+distance' ? 'mixed' : m.method}`, {
                name: m.name || m.vehicle,
                l: num(Math.round(m.fuel_l)),
                km: num(Math.round(m.method === 'fuel' ? m.distance_replaced_km : m.distance_km)),
                kmr: num(Math.round(m.distance_replaced_km)),
              }),
            ),
          ),
        )
      : null,
    h('p', { class: 'hint' }, t('fp.uncertainty')),
    sec(
      'exports',
      [
        ['xlsx', '.xlsx'],
        ['pdf', '.pdf'],
        ['csv.final', '.csv?kind=final'],
        ['csv.provisional', '.csv?kind=provisional'],
      ].map(([k, x]) => {
        // The documents in the screen's language (?lang=), French otherwise.
        const lang = (x.includes('?') ? '&' : '?') + 'lang=' + (getLang() === 'en' ? 'en' : 'fr');
        return h(
          'li',
          {},
          h('a', { href: `${prod}/footprint${x}${lang}`, download: '' }, t(`fp.export.${k}`)),
        );
      }),
    ),
  ];
}

// docs/carbon.md "Phases"
const phaseChart = (fin, desc) =>
  fin.by_phase &&
  h(
    'section',
    { 'aria-labelledby': 'h-phase' },
    h('h2', { id: 'h-phase' }, t('chart.byphase')),
    barChart({
      key: 'phase',
      title: t('chart.byphase'),
      desc,
      rows: ['preparation', 'shooting', 'post_production'].map((k) => ({
        label: t('phase.' + k),
        values: [fin.by_phase[k].kg],
      })),
      series: [t('chart.final')],
      fmt: kg,
    }),
  );

export async function footprint(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const title = t('chart.title');
  const prod = `/api/v1/productions/${encodeURIComponent(id.production_id)}`;
  let cmp = null;
  let progress = [];
  let completeness = null;
  let sched = null;
  let error = '';
  try {
    cmp = await request(id, 'GET', `${prod}/footprint/compare`);
    progress =
      (await request(id, 'GET', `${prod}/plan/progress`).catch(() => ({ actions: [] }))).actions ||
      [];
    completeness = cmp.collection || null;
    sched = await request(id, 'GET', `${prod}/schedule`).catch(() => null);
  } catch (e) {
    error = e instanceof NetworkError ? t('chart.offline') : errorText(e);
  }
  const series = [t('chart.final'), t('chart.provisional')];
  const parts = [];
  if (cmp) {
    const fin = cmp.final;
    const prov = cmp.provisional;
    parts.push(
      h(
        'p',
        { class: 'value' },
        t('chart.total', {
          final: kg(fin.total_kg),
          unc: kg(fin.uncertainty_kg),
          prov: kg(prov.total_kg),
        }),
      ),
    );
    if (completeness?.expected) {
      parts.push(
        h(
          'p',
          { class: completeness.missing ? 'warn' : '' },
          t('chart.completeness', {
            pct: share(completeness.ratio || 0),
            missing: tn('count.missing', completeness.missing),
          }),
          ' ',
          h('a', { href: '#/collecte' }, t('chart.completeness.link')),
        ),
      );
    }
    parts.push(...honesty(cmp, prod));
    parts.push(await factorSets(ctx, prod));
    const catRows = cmp.categories.map((c) => ({
      label: catLabel(c.category),
      values: [c.final_kg, c.provisional_kg],
    }));
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'h-cat' },
        h('h2', { id: 'h-cat' }, t('chart.bycat')),
        barChart({
          key: 'category',
          title: t('chart.bycat'),
          desc: t('chart.bycat.desc', { final: kg(fin.total_kg), prov: kg(prov.total_kg) }),
          rows: catRows,
          series,
          fmt: kg,
        }),
      ),
    );
    const themes = Object.keys(fin.by_theme || {});
    const themeRows = themes.map((k) => ({
      label: t('theme.' + k) !== 'theme.' + k ? t('theme.' + k) : k,
      values: [fin.by_theme[k].kg, prov.by_theme?.[k]?.kg ?? 0],
    }));
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'h-theme' },
        h('h2', { id: 'h-theme' }, t('chart.bytheme')),
        barChart({
          key: 'theme',
          title: t('chart.bytheme'),
          desc: t('chart.bytheme.desc'),
          rows: themeRows,
          series,
          fmt: kg,
        }),
      ),
    );
    parts.push(phaseChart(fin, parts[0].textContent));
  } else {
    parts.push(h('p', { class: 'bad' }, error));
  }
  // Per week: the readings' kgCO2e, beside the provisional spread evenly
  // over the production's weeks (the estimates carry no dates).
  const byWeek = new Map(weekly(ctx.client.replica));
  const span = productionWeeks(sched?.starts_on, sched?.ends_on, today());
  const allWeeks = span.length
    ? [...new Set([...span, ...byWeek.keys()])].sort()
    : [...byWeek.keys()];
  const nWeeks =
    sched?.starts_on && sched?.ends_on
      ? productionWeeks(sched.starts_on, sched.ends_on, sched.ends_on).length
      : 0;
  const provWeek = cmp && nWeeks ? cmp.provisional.total_kg / nWeeks : null;
  const weekSeries =
    provWeek !== null ? [t('chart.final'), t('chart.provisional.week')] : [t('chart.final')];
  parts.push(
    h(
      'section',
      { 'aria-labelledby': 'h-week' },
      h('h2', { id: 'h-week' }, t('chart.byweek')),
      allWeeks.length
        ? barChart({
            key: 'week',
            title: t('chart.byweek'),
            desc: t('chart.byweek.desc', { n: allWeeks.length }),
            rows: allWeeks.map((w) => ({
              label: t('chart.week', { date: date(w, 'short') }),
              values:
                provWeek !== null ? [byWeek.get(w) ?? null, provWeek] : [byWeek.get(w) ?? null],
            })),
            series: weekSeries,
            fmt: kg,
          })
        : h('p', {}, t('dash.none')),
    ),
  );
  const actions = progress.filter(
    (a) => a.target !== null && a.target !== undefined && a.status !== 'brouillon',
  );
  parts.push(
    h(
      'section',
      { 'aria-labelledby': 'h-targets' },
      h('h2', { id: 'h-targets' }, t('chart.targets')),
      actions.length
        ? barChart({
            key: 'targets',
            title: t('chart.targets'),
            desc: t('chart.targets.desc'),
            marker: 100,
            max: 120,
            rows: actions.map((a) => ({
              label: a.title || a.id,
              values: [typeof a.attainment_pct === 'number' ? a.attainment_pct : null],
            })),
            series: [t('dash.plan.attainment')],
            fmt: (v) => percent(v),
          })
        : h('p', {}, t('dash.plan.none')),
    ),
  );
  parts.push(h('p', { class: 'hint' }, t('chart.notice')));
  return { title, view: h('div', { class: 'wide' }, h('h1', { tabindex: '-1' }, title), parts) };
}
