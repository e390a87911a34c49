// directory.js - the company's directory of eco-responsible suppliers (C3).
// Entries ("suppliers") and the criteria they are assessed against
// ("criteria") are company-scoped records: every production of the company
// syncs them, so search and filters run on the local replica and work
// offline. Office roles (admin, eco-referent) add entries and criteria, and
// import or export the directory as CSV; everyone else reads.
import { t, tn, errorText, h, field, showErrors, announce, getLang } from '../i18n.js';
import { ApiError, NetworkError } from '../store.js';
import { uuidv7 } from '../sync/engine.js';
import { recordEditor } from './edit.js';

export const SCOPES = [
  'catering',
  'transport',
  'accommodation',
  'costumes',
  'makeup',
  'sets',
  'energy',
  'equipment',
  'digital',
  'waste',
  'other',
];
const KINDS = ['partner', 'provider', 'material', 'tool'];
const EDITORS = ['admin', 'eco_referent'];

export const canEdit = (id) => id?.kind === 'office' && EDITORS.includes(id.role);
const live = (ctx, col) => ctx.client.replica.listRecords(col).filter((r) => !r.deleted);
const norm = (s) =>
  String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
const price = (n) => (n >= 1 && n <= 3 ? '€'.repeat(n) : '');

// What a search matches: every text of the entry and its criteria's labels.
function haystack(rec, crit) {
  const f = rec.fields;
  const labels = (f.criteria_met || []).map((c) => crit.get(c)?.label || c);
  return norm(
    [
      f.name,
      f.location,
      f.contact,
      f.evidence,
      f.feedback,
      f.constraints,
      f.budget,
      t('scope.' + f.scope),
      t('kind.' + f.kind),
      ...labels,
    ].join(' '),
  );
}

// Feedback after use, written on the entry's card (offline too).
function feedbackForm(ctx, rec) {
  const f = rec.fields;
  const name = String(f.name || rec.id);
  const text = field({
    name: `fb-${rec.id}`,
    type: 'textarea',
    label: `${t('dir.feedback')} : ${name}`,
    value: f.feedback || '',
    attrs: { maxlength: '4000' },
  });
  const rating = field({
    name: `rt-${rec.id}`,
    type: 'select',
    label: `${t('dir.rating')} : ${name}`,
    value: f.rating ? String(f.rating) : '',
    options: [['', '—'], ...[1, 2, 3, 4, 5].map((n) => [String(n), `${n}/5`])],
  });
  return h(
    'form',
    {
      class: 'feedback',
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const put = {
          feedback: text.input.value.trim() || null,
          rating: rating.input.value ? Number(rating.input.value) : null,
        };
        await ctx.client.makeOp('suppliers', rec.id, 'put', put, {
          feedback: rec.heads.feedback || [],
          rating: rec.heads.rating || [],
        });
        announce(t('dir.feedback.saved'));
      },
    },
    text,
    rating,
    h(
      'button',
      { type: 'submit', class: 'small', 'aria-label': `${t('dir.feedback.save')} : ${name}` },
      t('dir.feedback.save'),
    ),
  );
}

// The fields of an entry and of a criterion, as their editors show them.
function entrySpecs(crit) {
  return [
    { name: 'name', label: t('dir.name'), required: true, attrs: { maxlength: '200' } },
    {
      name: 'kind',
      label: t('dir.kind'),
      type: 'select',
      options: KINDS.map((k) => [k, t('kind.' + k)]),
    },
    {
      name: 'scope',
      label: t('dir.scope'),
      type: 'select',
      options: SCOPES.map((s) => [s, t('scope.' + s)]),
    },
    { name: 'location', label: t('dir.location'), attrs: { maxlength: '200' } },
    { name: 'contact', label: t('dir.contact'), attrs: { maxlength: '200' } },
    {
      name: 'price_level',
      label: t('dir.price'),
      type: 'select',
      number: true,
      options: [
        ['', '—'],
        ['1', '€'],
        ['2', '€€'],
        ['3', '€€€'],
      ],
    },
    { name: 'budget', label: t('dir.budget'), attrs: { maxlength: '200' } },
    {
      name: 'constraints',
      label: t('dir.constraints'),
      type: 'textarea',
      attrs: { maxlength: '2000' },
    },
    {
      name: 'criteria_met',
      label: t('dir.criteria.met'),
      type: 'checks',
      options: [...crit].map(([id, c]) => [id, String(c.label || id)]),
    },
    { name: 'evidence', label: t('dir.evidence'), type: 'textarea', attrs: { maxlength: '2000' } },
  ];
}

function criterionSpecs() {
  return [
    { name: 'label', label: t('dir.crit.name'), required: true, attrs: { maxlength: '200' } },
    {
      name: 'scope',
      label: t('dir.scope'),
      type: 'select',
      options: [['all', t('dir.all')], ...SCOPES.map((s) => [s, t('scope.' + s)])],
    },
    {
      name: 'description',
      label: t('dir.crit.description'),
      type: 'textarea',
      attrs: { maxlength: '2000' },
    },
  ];
}

function entryCard(rec, crit, ctx) {
  const f = rec.fields;
  const labels = (f.criteria_met || []).map((c) => crit.get(c)?.label || c);
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'value' }, String(f.name || rec.id)),
    h(
      'p',
      { class: 'meta' },
      [
        f.kind ? t('kind.' + f.kind) : null,
        f.scope ? t('scope.' + f.scope) : null,
        f.location,
        price(f.price_level),
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    labels.length
      ? h(
          'ul',
          { class: 'tags', 'aria-label': t('dir.criteria.met') },
          labels.map((l) => h('li', { class: 'badge' }, l)),
        )
      : null,
    f.evidence ? h('p', {}, h('strong', {}, t('dir.evidence'), ' : '), String(f.evidence)) : null,
    f.budget ? h('p', {}, h('strong', {}, t('dir.budget'), ' : '), String(f.budget)) : null,
    f.constraints
      ? h('p', {}, h('strong', {}, t('dir.constraints'), ' : '), String(f.constraints))
      : null,
    f.feedback
      ? h(
          'p',
          {},
          h('strong', {}, t('dir.feedback'), ' : '),
          String(f.feedback),
          f.rating ? ` (${f.rating}/5)` : '',
        )
      : null,
    f.contact ? h('p', { class: 'meta' }, String(f.contact)) : null,
    ctx ? h('details', {}, h('summary', {}, t('dir.feedback.edit')), feedbackForm(ctx, rec)) : null,
    ctx
      ? recordEditor(ctx, 'suppliers', rec, entrySpecs(crit), {
          label: String(f.name || rec.id),
        })
      : null,
  );
}

function addCriterionForm(ctx) {
  const label = field({
    name: 'crit-label',
    label: t('dir.crit.label'),
    required: true,
    hint: t('dir.crit.hint'),
    attrs: { maxlength: '200' },
  });
  const scope = field({
    name: 'crit-scope',
    type: 'select',
    label: t('dir.scope'),
    value: 'all',
    options: [['all', t('dir.all')], ...SCOPES.map((s) => [s, t('scope.' + s)])],
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = label.input.value.trim() ? [] : [[label, t('dir.err.label')]];
        showErrors(summary, [label], errors);
        if (errors.length) return;
        await ctx.client.makeOp('criteria', 'crit-' + uuidv7(), 'put', {
          label: label.input.value.trim(),
          scope: scope.input.value,
        });
        announce(t('dir.crit.saved'));
        ctx.rerender();
      },
    },
    summary,
    label,
    scope,
    h('button', { type: 'submit' }, t('dir.crit.add')),
  );
}

function addEntryForm(ctx, criteria) {
  const name = field({
    name: 'sup-name',
    label: t('dir.name'),
    required: true,
    attrs: { maxlength: '200' },
  });
  const kind = field({
    name: 'sup-kind',
    type: 'select',
    label: t('dir.kind'),
    value: 'provider',
    options: KINDS.map((k) => [k, t('kind.' + k)]),
  });
  const scope = field({
    name: 'sup-scope',
    type: 'select',
    label: t('dir.scope'),
    value: 'catering',
    options: SCOPES.map((s) => [s, t('scope.' + s)]),
  });
  const location = field({
    name: 'sup-location',
    label: t('dir.location'),
    attrs: { maxlength: '200' },
  });
  const priceF = field({
    name: 'sup-price',
    type: 'select',
    label: t('dir.price'),
    value: '',
    options: [
      ['', '—'],
      ['1', '€'],
      ['2', '€€'],
      ['3', '€€€'],
    ],
  });
  const budget = field({ name: 'sup-budget', label: t('dir.budget'), attrs: { maxlength: '200' } });
  const constraints = field({
    name: 'sup-constraints',
    type: 'textarea',
    label: t('dir.constraints'),
    hint: t('dir.constraints.hint'),
    attrs: { maxlength: '2000' },
  });
  const evidence = field({
    name: 'sup-evidence',
    type: 'textarea',
    label: t('dir.evidence'),
    hint: t('dir.evidence.hint'),
    attrs: { maxlength: '2000' },
  });
  const feedback = field({
    name: 'sup-feedback',
    type: 'textarea',
    label: t('dir.feedback'),
    attrs: { maxlength: '4000' },
  });
  const boxes = criteria.map((c) => {
    const id = `sup-crit-${c.id}`;
    return h(
      'div',
      { class: 'check' },
      h('input', { type: 'checkbox', id, value: c.id }),
      h('label', { for: id }, String(c.fields.label || c.id)),
    );
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const all = [name, kind, scope, location, priceF, budget, constraints, evidence, feedback];
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = name.input.value.trim() ? [] : [[name, t('dir.err.name')]];
        showErrors(summary, all, errors);
        if (errors.length) return;
        const f = {
          name: name.input.value.trim(),
          kind: kind.input.value,
          scope: scope.input.value,
        };
        for (const [w, k] of [
          [location, 'location'],
          [budget, 'budget'],
          [constraints, 'constraints'],
          [evidence, 'evidence'],
          [feedback, 'feedback'],
        ]) {
          if (w.input.value.trim()) f[k] = w.input.value.trim();
        }
        if (priceF.input.value) f.price_level = Number(priceF.input.value);
        f.criteria_met = boxes
          .map((b) => b.querySelector('input'))
          .filter((i) => i.checked)
          .map((i) => i.value);
        await ctx.client.makeOp('suppliers', 'sup-' + uuidv7(), 'put', f);
        announce(t('dir.saved'));
        ctx.rerender();
      },
    },
    summary,
    name,
    kind,
    scope,
    location,
    priceF,
    budget,
    criteria.length
      ? h('fieldset', {}, h('legend', {}, t('dir.criteria.met')), boxes)
      : h('p', { class: 'meta' }, t('dir.crit.none')),
    evidence,
    constraints,
    feedback,
    h('button', { type: 'submit' }, t('dir.add')),
  );
}

// CSV import: the file goes as is; the server checks every row and keeps
// none of a file with a bad one, listing each by its line.
function importForm(ctx) {
  const id = ctx.client.identity;
  const file = field({
    name: 'dir-file',
    type: 'file',
    label: t('dir.import.file'),
    hint: t('dir.import.hint'),
    attrs: { accept: '.csv,text/csv' },
  });
  const out = h('div', { role: 'status' });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const f = file.input.files?.[0];
        if (!f) {
          file.setError(t('dir.import.nofile'));
          return;
        }
        file.setError(null);
        out.replaceChildren(t('dir.import.busy'));
        try {
          const res = await fetch(
            `/api/v1/productions/${encodeURIComponent(id.production_id)}/directory/import`,
            {
              method: 'POST',
              credentials: 'same-origin',
              cache: 'no-store',
              body: await f.arrayBuffer(),
              headers: {
                'Content-Type': 'text/csv',
                'X-EP-CSRF': id.csrf,
                'X-EP-Production': id.production_id,
              },
            },
          );
          const json = await res.json().catch(() => null);
          if (res.status === 422 && json?.rows) {
            out.replaceChildren(
              h('p', {}, tn('dir.import.bad', json.rows.length)),
              h(
                'ul',
                {},
                json.rows.map((r) =>
                  h(
                    'li',
                    {},
                    t('dir.import.line', { line: r.line }),
                    r.column ? ` (${r.column})` : '',
                    ' : ',
                    r.message,
                  ),
                ),
              ),
            );
            return;
          }
          if (!res.ok)
            throw new ApiError(
              res.status,
              json?.error?.code,
              json?.error?.message,
              json?.error?.field,
            );
          out.replaceChildren(tn('dir.import.done', json.imported));
          ctx.client.sync('import');
        } catch (err) {
          out.replaceChildren(
            err instanceof NetworkError || err instanceof TypeError
              ? t('dir.import.offline')
              : errorText(err),
          );
        }
      },
    },
    file,
    h('button', { type: 'submit' }, t('dir.import.go')),
    out,
  );
}

export function directory(ctx) {
  const id = ctx.client.identity;
  if (!id) {
    ctx.go('');
    return null;
  }
  const criteria = live(ctx, 'criteria').sort((a, b) =>
    String(a.fields.label).localeCompare(String(b.fields.label)),
  );
  const crit = new Map(criteria.map((c) => [c.id, c.fields]));
  const entries = live(ctx, 'suppliers').sort((a, b) =>
    String(a.fields.name || '').localeCompare(String(b.fields.name || '')),
  );
  const index = entries.map((r) => [r, haystack(r, crit)]);

  const q = field({
    name: 'dir-q',
    type: 'search',
    label: t('dir.search'),
    hint: t('dir.search.hint'),
    attrs: { autocomplete: 'off' },
  });
  const scope = field({
    name: 'dir-scope',
    type: 'select',
    label: t('dir.scope'),
    value: '',
    options: [['', t('dir.all')], ...SCOPES.map((s) => [s, t('scope.' + s)])],
  });
  const crF = field({
    name: 'dir-crit',
    type: 'select',
    label: t('dir.criterion'),
    value: '',
    options: [['', t('dir.all')], ...criteria.map((c) => [c.id, String(c.fields.label || c.id)])],
  });
  const count = h('p', { role: 'status', id: 'dir-count' });
  const list = h('ul', { class: 'cards', id: 'dir-list' });
  const apply = () => {
    const words = norm(q.input.value).split(/\s+/).filter(Boolean);
    const shown = index
      .filter(
        ([r, text]) =>
          (!scope.input.value || r.fields.scope === scope.input.value) &&
          (!crF.input.value || (r.fields.criteria_met || []).includes(crF.input.value)) &&
          words.every((w) => text.includes(w)),
      )
      .map(([r]) => r);
    list.replaceChildren(...shown.map((r) => entryCard(r, crit, canEdit(id) ? ctx : null)));
    count.textContent = t('dir.count', { n: shown.length, total: entries.length });
  };
  for (const w of [q, scope, crF]) w.input.addEventListener('input', apply);
  apply();
  const prod = encodeURIComponent(id.production_id || '');
  return {
    title: t('dir.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('dir.title')),
      h('p', {}, t('dir.intro')),
      h(
        'form',
        { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
        q,
        scope,
        crF,
      ),
      count,
      list,
      id.kind === 'office'
        ? h(
            'p',
            {},
            h(
              'a',
              {
                class: 'button secondary',
                href: `/api/v1/productions/${prod}/directory.csv?lang=${getLang()}`,
                download: '',
              },
              t('dir.export'),
            ),
          )
        : null,
      canEdit(id)
        ? [
            h(
              'section',
              { 'aria-labelledby': 'h-dir-add' },
              h('h2', { id: 'h-dir-add' }, t('dir.add.title')),
              addEntryForm(ctx, criteria),
            ),
            h(
              'section',
              { 'aria-labelledby': 'h-dir-crit' },
              h('h2', { id: 'h-dir-crit' }, t('dir.crit.title')),
              criteria.length
                ? h(
                    'ul',
                    {},
                    criteria.map((c) =>
                      h(
                        'li',
                        {},
                        String(c.fields.label || c.id),
                        c.fields.scope && c.fields.scope !== 'all'
                          ? ` (${t('scope.' + c.fields.scope)})`
                          : '',
                        recordEditor(ctx, 'criteria', c, criterionSpecs(), {
                          label: String(c.fields.label || c.id),
                        }),
                      ),
                    ),
                  )
                : h('p', {}, t('dir.crit.none')),
              addCriterionForm(ctx),
            ),
            h(
              'section',
              { 'aria-labelledby': 'h-dir-import' },
              h('h2', { id: 'h-dir-import' }, t('dir.import.title')),
              importForm(ctx),
              // The file names criteria by their codes: a technical annex,
              // the one place they are shown.
              criteria.length
                ? h(
                    'details',
                    { 'data-annex': '' },
                    h('summary', {}, t('dir.import.codes')),
                    h(
                      'ul',
                      {},
                      criteria.map((c) =>
                        h('li', {}, `${String(c.fields.label || '')} : `, h('code', {}, c.id)),
                      ),
                    ),
                  )
                : null,
            ),
          ]
        : null,
    ),
  };
}
