// productions.js - a company's first start and its productions
// (docs/operations.md "First start", "Productions"):
// the setup screen opened from the server's one-time link (#setup=TOKEN),
// and the company view: its productions with their footprint and plan
// progress, to create, edit, open, archive, reopen, export as one archive
// and import from another server ("Closing a production"). The server checks
// every field (sync/domain/production.c) and names the one it refuses; this
// screen puts that message on the field.
import { t, tn, num, errorText, date, h, field, submitForm, announce } from '../i18n.js';
import * as store from '../store.js';
import { request, ApiError, NetworkError, officeIdentity } from '../store.js';

const KINDS = [
  'fiction',
  'documentary',
  'animation',
  'advertising',
  'flux',
  'series',
  'short',
  'other',
];
const RHYTHMS = ['auto', 'daily', 'weekly', 'monthly'];
const DEPTS = [
  'production',
  'regie',
  'decor',
  'costumes',
  'hmc',
  'image',
  'son',
  'catering',
  'post',
];
const PHASES = ['preparation', 'shooting', 'post_production'];

function apiMessage(err) {
  if (err instanceof NetworkError) return t('setup.err.network');
  const k = 'setup.err.' + (err?.code || '');
  return t(k) !== k ? t(k) : err?.message || String(err);
}

// ---- #setup=TOKEN -------------------------------------------------------------
export function setup(ctx, params) {
  const token = params.get('token') || '';
  const company = field({
    name: 'company',
    label: t('setup.company'),
    required: true,
    attrs: { autocomplete: 'organization' },
  });
  const siret = field({
    name: 'siret',
    label: t('setup.siret'),
    hint: t('setup.siret.hint'),
    attrs: { inputmode: 'numeric' },
  });
  const city = field({
    name: 'city',
    label: t('setup.city'),
    attrs: { autocomplete: 'address-level2' },
  });
  const name = field({
    name: 'admin-name',
    label: t('setup.name'),
    required: true,
    attrs: { autocomplete: 'name' },
  });
  const email = field({
    name: 'admin-email',
    type: 'email',
    label: t('setup.email'),
    required: true,
    attrs: { autocomplete: 'username', spellcheck: 'false' },
  });
  const password = field({
    name: 'admin-password',
    type: 'password',
    label: t('setup.password'),
    hint: t('setup.password.hint'),
    required: true,
    attrs: { autocomplete: 'new-password' },
  });
  const fields = [company, siret, city, name, email, password];
  const byServerField = {
    'company.name': company,
    'company.siret': siret,
    'company.city': city,
    'admin.name': name,
    'admin.email': email,
    'admin.password': password,
  };
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, t('setup.submit'));
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: submitForm({
        summary,
        fields,
        button,
        check: () => {
          const errors = [];
          const digits = siret.input.value.replace(/\s/g, '');
          if (!company.input.value.trim()) errors.push([company, t('setup.err.company')]);
          if (digits && !/^\d{14}$/.test(digits)) errors.push([siret, t('setup.err.siret')]);
          if (!name.input.value.trim()) errors.push([name, t('setup.err.name')]);
          if (!/^[^@\s]+@[^@\s]+$/.test(email.input.value.trim()))
            errors.push([email, t('login.err.email')]);
          if (password.input.value.length < 12) errors.push([password, t('setup.err.password')]);
          return errors;
        },
        send: async () => {
          const me = await request(null, 'POST', '/api/v1/setup', {
            body: {
              token,
              company: {
                name: company.input.value.trim(),
                siret: siret.input.value.trim(),
                city: city.input.value.trim(),
              },
              admin: {
                name: name.input.value.trim(),
                email: email.input.value.trim(),
                password: password.input.value,
              },
            },
          });
          password.input.value = '';
          const identity = officeIdentity(me, null);
          await store.setMeta('identity', identity);
          ctx.client.identity = identity;
          announce(t('setup.done', { company: me.company?.name || '' }));
          ctx.go('productions');
        },
        failed: (err) => {
          const f = err instanceof ApiError ? byServerField[err.field] : null;
          return [[f || company, apiMessage(err)]];
        },
      }),
    },
    summary,
    h('fieldset', {}, h('legend', {}, t('setup.company.legend')), company, siret, city),
    h('fieldset', {}, h('legend', {}, t('setup.admin.legend')), name, email, password),
    button,
  );
  const view = h(
    'div',
    {},
    h('h1', { tabindex: '-1' }, t('setup.title')),
    h('p', {}, t('setup.intro')),
    token ? form : h('p', { class: 'bad' }, t('setup.notoken')),
  );
  return { title: t('setup.title'), view };
}

// ---- the productions of the company ------------------------------------------
const lines = (s) =>
  s
    .split(/[\n,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

// "Name | commune | oui" or "Name | 47.1, 6.3 | non" per line.
function parseLocations(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name, where = '', prot = ''] = l.split('|').map((x) => x.trim());
      const loc = { name, protected: /^(oui|yes|o|y|1|true)$/i.test(prot) };
      const m = where.match(/^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/);
      if (m) {
        loc.lat = Number(m[1]);
        loc.lon = Number(m[2]);
      } else if (where) loc.commune = where;
      return loc;
    });
}

function locationsText(locs) {
  return (locs || [])
    .map((l) =>
      [
        l.name,
        l.commune || (l.lat !== undefined ? `${l.lat}, ${l.lon}` : ''),
        l.protected ? t('yes') : t('no'),
      ].join(' | '),
    )
    .join('\n');
}

function productionForm(ctx, existing, done, earlier = []) {
  const p = existing || {};
  const from =
    !existing && earlier.length
      ? field({
          name: 'from',
          type: 'select',
          label: t('prod.f.from'),
          hint: t('prod.f.from.hint'),
          value: '',
          options: [['', t('prod.f.from.none')], ...earlier.map((e) => [e.id, e.title])],
        })
      : null;
  const phases = p.phases || {};
  const title = field({
    name: 'title',
    label: t('prod.f.title'),
    required: true,
    value: p.title || '',
  });
  const kind = field({
    name: 'kind',
    type: 'select',
    label: t('prod.f.kind'),
    value: p.kind || 'fiction',
    options: KINDS.map((k) => [k, t('prod.kind.' + k)]),
  });
  const dates = {};
  for (const ph of PHASES) {
    for (const end of ['from', 'to']) {
      dates[`${ph}.${end}`] = field({
        name: `${ph}-${end}`,
        type: 'date',
        label: t(`prod.f.${ph}.${end}`),
        value: phases[ph]?.[end] || '',
      });
    }
  }
  const daysOff = field({
    name: 'days_off',
    type: 'textarea',
    label: t('prod.f.days_off'),
    hint: t('prod.f.days_off.hint'),
    value: (p.days_off || []).join('\n'),
  });
  const locations = field({
    name: 'locations',
    type: 'textarea',
    label: t('prod.f.locations'),
    hint: t('prod.f.locations.hint'),
    value: locationsText(p.locations),
  });
  const crew = field({
    name: 'crew_size',
    type: 'number',
    label: t('prod.f.crew_size'),
    value: p.crew_size ?? '',
    attrs: { min: 1 },
  });
  const budget = field({
    name: 'budget_eur',
    type: 'number',
    label: t('prod.f.budget_eur'),
    value: p.budget_eur ?? '',
    attrs: { min: 0 },
  });
  const rhythm = field({
    name: 'rhythm',
    type: 'select',
    label: t('prod.f.rhythm'),
    hint: t('prod.f.rhythm.hint'),
    value: p.rhythm || 'auto',
    options: RHYTHMS.map((r) => [r, t('prod.rhythm.' + r)]),
  });
  const chosen = new Set(p.departments || []);
  const deptBoxes = DEPTS.map((d) => {
    const box = h('input', { type: 'checkbox', id: `dept-${d}`, value: d, checked: chosen.has(d) });
    return [d, box, h('label', { class: 'check' }, box, ' ', t('dept.' + d))];
  });
  const fields = [title, kind, ...Object.values(dates), daysOff, locations, crew, budget, rhythm];
  const byServerField = (f) => {
    if (!f) return title;
    if (f.startsWith('phases.')) {
      const [, ph, end] = f.split('.');
      return dates[`${ph}.${end || 'from'}`] || dates['shooting.from'];
    }
    if (f.startsWith('days_off')) return daysOff;
    if (f.startsWith('locations')) return locations;
    return { title, kind, crew_size: crew, budget_eur: budget, rhythm }[f] || title;
  };
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, existing ? t('prod.save') : t('prod.create'));
  return h(
    'form',
    {
      novalidate: true,
      class: 'production-form',
      onsubmit: submitForm({
        summary,
        fields,
        button,
        check: () => (title.input.value.trim() ? [] : [[title, t('prod.err.title')]]),
        send: async () => {
          const body = {
            title: title.input.value.trim(),
            kind: kind.input.value,
            rhythm: rhythm.input.value,
            phases: {},
            days_off: lines(daysOff.input.value),
            locations: parseLocations(locations.input.value),
            departments: deptBoxes.filter(([, box]) => box.checked).map(([d]) => d),
            crew_size: crew.input.value ? Number(crew.input.value) : null,
            budget_eur: budget.input.value ? Number(budget.input.value) : null,
          };
          for (const ph of PHASES) {
            const a = dates[`${ph}.from`].input.value,
              b = dates[`${ph}.to`].input.value;
            if (a || b) body.phases[ph] = { from: a, to: b };
          }
          if (from?.input.value) body.from = from.input.value;
          const saved = existing
            ? await request(
                ctx.client.identity,
                'PUT',
                `/api/v1/productions/${encodeURIComponent(existing.id)}`,
                { body },
              )
            : await request(ctx.client.identity, 'POST', '/api/v1/productions', { body });
          announce(t(existing ? 'prod.saved' : 'prod.created', { title: saved.title }));
          done(saved);
        },
        failed: (err) => [
          [
            err instanceof ApiError ? byServerField(err.field) : title,
            err instanceof NetworkError ? t('setup.err.network') : err.message,
          ],
        ],
      }),
    },
    summary,
    from,
    title,
    kind,
    h('fieldset', {}, h('legend', {}, t('prod.f.phases')), Object.values(dates)),
    daysOff,
    locations,
    h(
      'fieldset',
      {},
      h('legend', {}, t('prod.f.departments')),
      deptBoxes.map(([, , label]) => label),
    ),
    crew,
    budget,
    rhythm,
    button,
  );
}

// Makes p the production the office works on, then goes home.
async function open(ctx, p) {
  const id = ctx.client.identity;
  const me = await request({ ...id, production_id: null }, 'GET', '/api/v1/auth/me');
  const next = officeIdentity(me, p);
  await store.setMeta('identity', next);
  ctx.client.identity = next;
  ctx.client.sync('production');
  ctx.go('bureau');
}

export async function productions(ctx, params) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go('connexion');
    return null;
  }
  const editing = params.get('edit');
  let data = null;
  let error = '';
  try {
    data = await request({ ...id, production_id: null }, 'GET', '/api/v1/productions');
  } catch (e) {
    error = e instanceof NetworkError ? t('setup.err.network') : e.message;
  }
  const list = data?.productions || [];
  const admin = !!data?.company;
  const change = async (p, action) => {
    try {
      await request(
        { ...id, production_id: null },
        'POST',
        `/api/v1/productions/${encodeURIComponent(p.id)}/${action}`,
        { body: {} },
      );
      announce(
        t(action === 'archive' ? 'prod.archived.done' : 'prod.reopened.done', { title: p.title }),
      );
      ctx.rerender();
    } catch (e) {
      announce(e.message);
    }
  };
  // The plan's actions by status, as the company view counts them.
  const progress = (p) => {
    const by = p.plan?.by_status || {};
    if (!p.plan?.actions) return t('prod.plan.none');
    return t('prod.plan', {
      actions: tn('prod.plan.actions', p.plan.actions),
      done: tn('prod.plan.done', by.atteint || 0),
      ontrack: tn('prod.plan.ontrack', by.en_bonne_voie || 0),
      late: tn('prod.plan.late', by.en_retard || 0),
    });
  };
  const rows = list.map((p) =>
    h(
      'li',
      { class: 'card' },
      h(
        'h3',
        {},
        p.title,
        p.archived_at ? h('span', { class: 'badge' }, ' ', t('prod.archived')) : null,
      ),
      h(
        'p',
        { class: 'meta' },
        t('prod.kind.' + p.kind),
        p.starts_on
          ? ' · ' +
              t('prod.shooting.dates', {
                from: date(p.starts_on, 'day'),
                to: date(p.ends_on, 'day'),
              })
          : '',
      ),
      h(
        'p',
        { class: 'meta' },
        typeof p.footprint_kg === 'number'
          ? t('prod.footprint', { t: num(p.footprint_kg / 1000) })
          : '',
        ' · ',
        progress(p),
      ),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'small', onclick: () => open(ctx, p) },
          t('prod.open'),
          h('span', { class: 'visually-hidden' }, ' : ' + p.title),
        ),
        p.company_admin || p.role === 'admin'
          ? [
              h(
                'a',
                {
                  class: 'button small secondary',
                  href: `#/productions?edit=${encodeURIComponent(p.id)}`,
                },
                t('prod.edit'),
                h('span', { class: 'visually-hidden' }, ' : ' + p.title),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'small secondary',
                  onclick: () => change(p, p.archived_at ? 'reopen' : 'archive'),
                },
                t(p.archived_at ? 'prod.reopen' : 'prod.archive'),
                h('span', { class: 'visually-hidden' }, ' : ' + p.title),
              ),
              h(
                'a',
                {
                  class: 'button small secondary',
                  href: `/api/v1/productions/${encodeURIComponent(p.id)}/archive`,
                  // The server names the file after the title (Content-Disposition).
                  download: '',
                },
                t('prod.export'),
                h('span', { class: 'visually-hidden' }, ' : ' + p.title),
              ),
            ]
          : null,
      ),
    ),
  );
  let formView = null;
  if (editing) {
    try {
      const p = await request(
        { ...id, production_id: null },
        'GET',
        `/api/v1/productions/${encodeURIComponent(editing)}`,
      );
      formView = h(
        'section',
        { 'aria-labelledby': 'h-prod-edit' },
        h('h2', { id: 'h-prod-edit' }, t('prod.edit.title', { title: p.title })),
        productionForm(ctx, p, () => ctx.go('productions')),
      );
    } catch (e) {
      formView = h('p', { class: 'bad' }, e.message);
    }
  } else if (admin) {
    formView = h(
      'section',
      { 'aria-labelledby': 'h-prod-new' },
      h('h2', { id: 'h-prod-new' }, t('prod.new')),
      productionForm(ctx, null, (saved) => (list.length ? ctx.rerender() : open(ctx, saved)), list),
    );
  }
  return {
    title: t('prod.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('prod.title')),
      admin ? importForm(ctx) : null,
      data?.company ? h('p', {}, t('prod.company', { name: data.company.name })) : null,
      error ? h('p', { class: 'bad' }, error) : null,
      list.length
        ? h('ul', { class: 'cards', 'aria-label': t('prod.list') }, rows)
        : h('p', {}, t('prod.none')),
      formView,
    ),
  };
}

// A production archive exported by another server (GET .../archive): the
// server checks it all and imports it whole, or refuses it whole.
function importForm(ctx) {
  const file = h('input', {
    type: 'file',
    id: 'import-file',
    accept: '.zip,application/zip',
    'aria-describedby': 'import-hint',
  });
  const status = h('p', { role: 'status', class: 'meta' });
  const button = h('button', { type: 'submit', class: 'small' }, t('prod.import.submit'));
  return h(
    'details',
    { class: 'import' },
    h('summary', {}, t('prod.import')),
    h(
      'form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          const f = file.files?.[0];
          if (!f) {
            status.textContent = t('prod.import.choose');
            return;
          }
          button.disabled = true;
          status.textContent = t('prod.import.sending');
          try {
            const p = await request(
              { ...ctx.client.identity, production_id: null },
              'POST',
              '/api/v1/productions/import',
              {
                raw: new Uint8Array(await f.arrayBuffer()),
                contentType: 'application/zip',
                timeoutMs: 300000,
              },
            );
            announce(t('prod.import.done', { title: p.title }));
            ctx.rerender();
          } catch (err) {
            status.textContent =
              err instanceof NetworkError ? t('setup.err.network') : errorText(err);
          } finally {
            button.disabled = false;
          }
        },
      },
      h('label', { for: 'import-file' }, t('prod.import.file')),
      h('p', { id: 'import-hint', class: 'hint' }, t('prod.import.hint')),
      file,
      button,
      status,
    ),
  );
}

// ---- #join=TOKEN: an office member invited by email ----------------------------
export function join(ctx, params) {
  const token = params.get('token') || '';
  // One form for both cases, so the page itself tells nobody whether the
  // address has an account: its owner types that account's password, a
  // newcomer chooses one (docs/security.md, "Joining a production").
  const name = field({
    name: 'join-name',
    label: t('setup.name'),
    hint: t('join.name.hint'),
    attrs: { autocomplete: 'name' },
  });
  const password = field({
    name: 'join-password',
    type: 'password',
    label: t('setup.password'),
    hint: t('join.password.hint'),
    required: true,
    attrs: { autocomplete: 'current-password' },
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, t('join.submit'));
  const form = h(
    'form',
    {
      novalidate: true,
      // One submission at a time: a second tap would spend the link again
      // and show its refusal under a join that worked.
      onsubmit: submitForm({
        summary,
        fields: [name, password],
        button,
        check: () => (password.input.value ? [] : [[password, t('join.err.password')]]),
        send: async () => {
          const body = { token, password: password.input.value };
          if (name.input.value.trim()) body.name = name.input.value.trim();
          const me = await request(null, 'POST', '/api/v1/auth/join', { body });
          password.input.value = '';
          const identity = officeIdentity(me, null);
          await store.setMeta('identity', identity);
          ctx.client.identity = identity;
          ctx.client.sync('login');
          ctx.go(identity.production_id ? 'bureau' : 'productions');
        },
        failed: (err) => [[err?.field === 'name' ? name : password, apiMessage(err)]],
      }),
    },
    summary,
    name,
    password,
    button,
  );
  return {
    title: t('join.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('join.title')),
      h('p', {}, t('join.intro')),
      token ? form : h('p', { class: 'bad' }, t('setup.notoken')),
    ),
  };
}
