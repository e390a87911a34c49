// Evaluation and promotion (C9, C10), office screen: the plan against
// reality from GET .../evaluation, the eco-referent's judgement of each
// successful action written on the action record (synced like any edit, so
// it works offline once the evaluation was loaded), and the communication
// kits per audience from GET .../kit, previewed here and downloaded as
// Markdown or HTML.
import { t, num, percent, quantity, getLang, h, announce } from '../i18n.js';
import * as store from '../store.js';
import { request } from '../store.js';
import { officeList, gallery } from './photos.js';

const AUDIENCES = ['diffuseur', 'financeur', 'partenaires', 'collaborateurs', 'grand_public'];
const VERDICT_CLASS = {
  reussie: 'good',
  partielle: '',
  non_atteinte: 'bad',
  sans_donnee: 'bad',
  brouillon: '',
};

const prodPath = (id) => `/api/v1/productions/${encodeURIComponent(id.production_id || '')}`;

// Fresh when online; otherwise the copy from the last visit, said so.
async function load(ctx, path, key) {
  try {
    const res = await request(ctx.client.identity, 'GET', path);
    await store.setMeta(key, res);
    return { data: res, stale: false };
  } catch {
    return { data: await store.getMeta(key, null), stale: true };
  }
}

function pct(v) {
  return typeof v === 'number' ? percent(v) : t('eval.missing');
}

// The judgement form of one action: reproducible or specific, and why.
function judgement(ctx, a) {
  const rec = ctx.client.replica.record('actions', a.id);
  const f = rec?.fields || a;
  const name = `rep-${a.id}`;
  const radio = (value, label) =>
    h(
      'label',
      {},
      h('input', {
        type: 'radio',
        name,
        value,
        checked: typeof f.reproducible === 'boolean' && f.reproducible === (value === 'yes'),
      }),
      ' ',
      label,
    );
  const factors = h(
    'textarea',
    { id: `sf-${a.id}`, rows: '2', maxlength: '2000' },
    f.success_factors || '',
  );
  const lessons = h(
    'textarea',
    { id: `ls-${a.id}`, rows: '2', maxlength: '2000' },
    f.lessons || '',
  );
  const form = h(
    'form',
    { class: 'stack', 'aria-label': t('eval.judge.for', { title: a.title || a.id }) },
    h(
      'fieldset',
      {},
      h('legend', {}, t('eval.judge.legend')),
      radio('yes', t('eval.judge.yes')),
      radio('no', t('eval.judge.no')),
    ),
    h('label', { for: `sf-${a.id}` }, t('eval.judge.factors')),
    factors,
    h('label', { for: `ls-${a.id}` }, t('eval.judge.lessons')),
    lessons,
    h('button', { type: 'submit', class: 'small' }, t('eval.judge.save')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const choice = form.querySelector(`input[name="${name}"]:checked`)?.value;
    const fields = { success_factors: factors.value.trim(), lessons: lessons.value.trim() };
    if (choice) fields.reproducible = choice === 'yes';
    await ctx.client.makeOp('actions', a.id, 'put', fields);
    announce(t('eval.judge.saved', { title: a.title || a.id }));
  });
  return form;
}

function actionRow(ctx, a, photos) {
  const judged = a.verdict === 'reussie' || a.verdict === 'partielle';
  return h(
    'li',
    { class: 'card', 'data-testid': 'eval-action' },
    h('h3', { class: 'value' }, String(a.title || a.id)),
    h(
      'p',
      {},
      h('strong', { class: VERDICT_CLASS[a.verdict] || '' }, t('eval.verdict.' + a.verdict)),
      ' — ',
      t('eval.attainment', { pct: pct(a.attainment_pct) }),
    ),
    a.check
      ? h(
          'p',
          { class: 'flag' },
          t('plan.check.' + a.check, { pct: pct(a.attainment_pct) }),
          ' ',
          h('a', { href: `#/plan?edit=${encodeURIComponent(a.id)}` }, t('eval.check.go')),
        )
      : null,
    gallery(ctx, photos, a.id, String(a.title || a.id)),
    judged ? judgement(ctx, a) : null,
  );
}

function items(list, withSolutions) {
  if (!list?.length) return h('p', {}, t('eval.none'));
  return h(
    'ul',
    {},
    list.map((x) =>
      h(
        'li',
        // Sentences drafted by the server (sync/domain/eval.c) in the
        // screen's language; marked so the words test reads them apart.
        { 'data-server-text': '' },
        String(x.text),
        withSolutions && x.solutions?.length
          ? h(
              'ul',
              { 'aria-label': t('eval.solutions') },
              x.solutions.map((s) => h('li', {}, String(s))),
            )
          : null,
      ),
    ),
  );
}

// The kit previewed as the page a reader would get (figures and sheets).
function kitPreview(kit) {
  return h(
    'div',
    { 'data-testid': 'kit-preview', 'data-server-text': '' },
    h('h3', {}, `${kit.title} — ${kit.production}`),
    h('p', {}, kit.intro),
    kit.figures.length
      ? h(
          'table',
          {},
          h('caption', {}, t('eval.kit.figures')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, t('eval.kit.label')),
              h('th', { scope: 'col' }, t('eval.kit.value')),
            ),
          ),
          h(
            'tbody',
            {},
            kit.figures.map((f) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, f.label),
                h('td', {}, f.value === null ? t('eval.missing') : `${num(f.value)} ${f.unit}`),
              ),
            ),
          ),
        )
      : null,
    kit.practices.length
      ? h(
          'div',
          {},
          h('h4', {}, t('eval.kit.sheets')),
          h(
            'ul',
            {},
            kit.practices.map((p) =>
              h(
                'li',
                {},
                h('strong', {}, String(p.title || p.id)),
                ' — ',
                p.result,
                p.success_factors ? ` — ${p.success_factors}` : '',
              ),
            ),
          ),
        )
      : h('p', {}, t('eval.kit.nosheets')),
  );
}

function kitSection(ctx) {
  const id = ctx.client.identity;
  const select = h(
    'select',
    { id: 'kit-audience' },
    AUDIENCES.map((a) => h('option', { value: a }, t('eval.aud.' + a))),
  );
  const out = h('div', { 'aria-live': 'polite' });
  const links = h('p', { class: 'row' });
  const show = async () => {
    const a = select.value;
    const base = `${prodPath(id)}/kit?audience=${a}&lang=${getLang()}`;
    links.replaceChildren(
      h(
        'a',
        { class: 'button secondary small', href: `${base}&format=md`, download: '' },
        t('eval.kit.md'),
      ),
      h(
        'a',
        { class: 'button secondary small', href: `${base}&format=html`, download: '' },
        t('eval.kit.html'),
      ),
      h(
        'a',
        { class: 'button secondary small', href: `${base}&format=pdf`, download: '' },
        t('eval.kit.pdf'),
      ),
    );
    const { data, stale } = await load(ctx, base, `kit-${a}-${getLang()}`);
    out.replaceChildren(
      data ? kitPreview(data) : h('p', {}, t('eval.offline')),
      stale && data ? h('p', { class: 'meta' }, t('eval.stale')) : '',
    );
  };
  select.addEventListener('change', show);
  show();
  return h(
    'section',
    { 'aria-labelledby': 'h-kit' },
    h('h2', { id: 'h-kit' }, t('eval.kit.title')),
    h('p', {}, t('eval.kit.intro')),
    h('label', { for: 'kit-audience' }, t('eval.kit.audience')),
    select,
    links,
    out,
  );
}

export async function evaluation(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  // The sentences are written by the server in the screen's language.
  const { data: ev, stale } = await load(
    ctx,
    `${prodPath(id)}/evaluation?lang=${getLang()}`,
    `evaluation-${getLang()}`,
  );
  if (!ev)
    return {
      title: t('eval.title'),
      view: h(
        'div',
        {},
        h('h1', { tabindex: '-1' }, t('eval.title')),
        h('p', {}, t('eval.offline')),
      ),
    };
  const s = ev.summary;
  const fp = ev.footprint || {};
  const photos = await officeList(ctx);
  const tco2 = (o) =>
    o && typeof o.total_kg === 'number' && o.total_kg > 0
      ? quantity(o.total_kg / 1000, 'tCO2e', { digits: 1 })
      : t('eval.missing');
  return {
    title: t('eval.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('eval.title')),
      stale ? h('p', { class: 'meta' }, t('eval.stale')) : null,
      h(
        'section',
        { 'aria-labelledby': 'h-eval-sum' },
        h('h2', { id: 'h-eval-sum' }, t('eval.summary')),
        h(
          'dl',
          { class: 'facts', 'data-testid': 'eval-summary' },
          h('dt', {}, t('eval.sum.reached')),
          h('dd', {}, `${s.reussies} / ${s.actions}`),
          h('dt', {}, t('eval.sum.partial')),
          h('dd', {}, String(s.partielles)),
          h('dt', {}, t('eval.sum.failed')),
          h('dd', {}, String(s.non_atteintes)),
          h('dt', {}, t('eval.sum.nodata')),
          h('dd', {}, String(s.sans_donnee)),
          s.a_verifier ? h('dt', {}, t('eval.sum.check')) : null,
          s.a_verifier ? h('dd', {}, String(s.a_verifier)) : null,
          h('dt', {}, t('eval.sum.mean')),
          h('dd', {}, pct(s.mean_attainment_pct)),
          h('dt', {}, t('eval.sum.provisional')),
          h('dd', {}, tco2(fp.provisional)),
          h('dt', {}, t('eval.sum.final')),
          h('dd', {}, tco2(fp.final)),
        ),
        h(
          'p',
          { class: 'row' },
          h(
            'a',
            {
              class: 'button secondary small',
              href: `${prodPath(id)}/evaluation?format=pdf&lang=${getLang()}`,
              download: '',
            },
            t('eval.pdf'),
          ),
          h('a', { class: 'button secondary small', href: '#/dossier' }, t('eval.dossier')),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-eval-actions' },
        h('h2', { id: 'h-eval-actions' }, t('eval.actions')),
        h('p', {}, t('eval.actions.intro')),
        h(
          'ul',
          { class: 'cards' },
          ev.actions.map((a) => actionRow(ctx, a, photos)),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-eval-str' },
        h('h2', { id: 'h-eval-str' }, t('eval.strengths')),
        items(ev.strengths, false),
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-eval-dif' },
        h('h2', { id: 'h-eval-dif' }, t('eval.difficulties')),
        items(ev.difficulties, true),
      ),
      kitSection(ctx),
    ),
  };
}
