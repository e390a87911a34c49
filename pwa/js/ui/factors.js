// factors.js - the emission factor set behind the footprint (#/bilan;
// docs/carbon.md, "The factor catalogue"): which set is used and since when,
// each factor with its official id, year, status and source, what the latest
// set would change, and the office's button to move to it. A new set never
// changes the footprint by itself.
import { t, tn, getLang, errorText, unitName, date, h, announce } from '../i18n.js';
import * as ind from '../indicators.js';
import { request, NetworkError } from '../store.js';

// Factors go down to 0.003 kgCO2e: four significant digits, not two decimals.
const val = (v) =>
  typeof v === 'number'
    ? new Intl.NumberFormat(getLang() === 'fr' ? 'fr-FR' : 'en-GB', {
        maximumSignificantDigits: 4,
      }).format(v)
    : '—';

// A factor by its own name in French (the server's, the most precise); in
// English by its indicator's name when the catalogue has one.
const factorName = (f) => {
  if (getLang() === 'fr') return f.name_fr;
  const n = ind.name(f.id, 'en');
  return n && n !== f.id ? n : f.name_fr;
};
const perUnit = (u) => `kgCO2e / ${unitName(u, 1)}`;

function factorTable(factors) {
  const head = ['name', 'value', 'id', 'year', 'status', 'source'];
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-fs-table' },
    h(
      'table',
      { 'data-testid': 'fs-factors' },
      h('caption', { id: 'h-fs-table' }, t('fs.table')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((k) => h('th', { scope: 'col' }, t(`fs.col.${k}`))),
        ),
      ),
      h(
        'tbody',
        {},
        factors.map((f) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, factorName(f)),
            h('td', {}, `${val(f.value)} ${perUnit(f.unit)}`),
            h('td', {}, f.official_id || t('fs.noid')),
            h('td', {}, f.year ? String(f.year) : '—'),
            h('td', { title: f.method || '' }, t(`fs.status.${f.status}`)),
            h(
              'td',
              {},
              f.source_url ? h('a', { href: f.source_url, rel: 'noopener' }, t('fs.source')) : '—',
            ),
          ),
        ),
      ),
    ),
  );
}

async function move(ctx, prod, version) {
  try {
    await request(ctx.client.identity, 'PUT', `${prod}/factor-sets`, { body: { version } });
    announce(t('fs.moved', { v: version }));
    ctx.rerender();
  } catch (e) {
    announce(e instanceof NetworkError ? t('chart.offline') : errorText(e));
  }
}

// The section, or a line saying why it is missing (offline, refused).
export async function factorSets(ctx, prod) {
  let fs;
  try {
    fs = await request(ctx.client.identity, 'GET', `${prod}/factor-sets`);
  } catch (e) {
    return h('p', { class: 'bad' }, e instanceof NetworkError ? t('chart.offline') : errorText(e));
  }
  const using = fs.sets.find((s) => s.version === fs.using) || {};
  const changes = fs.changes || [];
  return h(
    'section',
    { 'aria-labelledby': 'h-fs' },
    h('h2', { id: 'h-fs' }, t('fs.title')),
    h(
      'p',
      { 'data-testid': 'fs-using' },
      fs.pinned
        ? t('fs.pinned', { v: fs.using, date: date(using.published, 'day') })
        : t('fs.latest', { v: fs.using, date: date(using.published, 'day') }),
    ),
    fs.using === fs.latest
      ? h('p', {}, t('fs.uptodate'))
      : h(
          'div',
          { 'data-testid': 'fs-changes' },
          h('p', {}, tn('fs.newer', changes.length, { v: fs.latest })),
          h(
            'ul',
            {},
            changes.map((c) =>
              h(
                'li',
                {},
                c.from === null
                  ? t('fs.change.new', {
                      name: factorName(c),
                      to: val(c.to),
                      unit: unitName(c.unit, 1),
                    })
                  : c.to === null
                    ? t('fs.change.gone', { name: factorName(c) })
                    : t('fs.change.value', {
                        name: factorName(c),
                        from: val(c.from),
                        to: val(c.to),
                        unit: unitName(c.unit, 1),
                      }),
              ),
            ),
          ),
          h(
            'button',
            { type: 'button', onclick: () => move(ctx, prod, fs.latest) },
            t('fs.move', { v: fs.latest }),
          ),
        ),
    h(
      'details',
      {},
      h('summary', {}, t('fs.details', { n: fs.factors.length })),
      factorTable(fs.factors),
    ),
  );
}
