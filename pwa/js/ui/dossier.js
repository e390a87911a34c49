// The professional dossier (office screen, #/dossier): the parts drafted by
// the server from the production's data (GET .../dossier), in the order of
// the référentiel, each with the competencies written in its margin; the
// candidate edits a part's text as a synced record of "dossier_parts" (the
// outbox, so offline too), which replaces the generated draft. A page meter
// against the 12-page limit, the warning with what to cut, and the
// downloads: PDF (refused over 12 pages, then a draft PDF), ODT, Markdown;
// then the oral defence's slides (PDF, ODP) and jury sheet.
import { t, tn, errorText, getLang, h, announce } from '../i18n.js';
import * as store from '../store.js';
import { request } from '../store.js';

const COL = 'dossier_parts';
const MAX_CHARS = 16000; // schema/0010_dossier.sql
const MAX_BYTES = 15000; // an op is at most 16 KiB, with its other fields
const prodPath = (id) => `/api/v1/productions/${encodeURIComponent(id.production_id || '')}`;

// Fresh when online; otherwise the copy from the last visit, said so.
async function load(ctx) {
  const id = ctx.client.identity;
  try {
    const res = await request(id, 'GET', `${prodPath(id)}/dossier?lang=${getLang()}`);
    await store.setMeta('dossier', res);
    return { data: res, stale: false };
  } catch {
    return { data: await store.getMeta('dossier', null), stale: true };
  }
}

const pages = (n) => tn('dossier.pages', n);

function meter(d) {
  const over = d.over_budget;
  return h(
    'div',
    { class: 'stack', 'data-testid': 'dossier-meter' },
    h(
      'p',
      { class: over ? 'bad' : 'good', id: 'dossier-count' },
      h('strong', {}, t('dossier.meter', { n: d.total_pages, limit: d.limit })),
    ),
    h('meter', {
      min: '0',
      max: String(Math.max(d.limit, d.total_pages)),
      high: String(d.limit),
      optimum: '0',
      value: String(d.total_pages),
      'aria-labelledby': 'dossier-count',
    }),
    over ? warning(d.warning) : h('p', {}, t('dossier.fits')),
  );
}

function warning(w) {
  return h(
    'div',
    { role: 'alert', class: 'card bad', 'data-testid': 'dossier-warning' },
    h('p', {}, h('strong', {}, w.message)),
    h('p', {}, t('dossier.cut')),
    h(
      'ul',
      {},
      w.cut.map((c) => h('li', {}, `${c.title} (${pages(c.pages)})`)),
    ),
    h(
      'ul',
      {},
      w.suggestions.map((s) => h('li', {}, s)),
    ),
  );
}

// A put of one part's text based on the version shown, so sequential edits
// supersede each other and only a truly concurrent edit stays a conflict.
function saveText(ctx, id, text) {
  const r = ctx.client.replica.record(COL, id);
  const base = r?.winners?.text ? { text: [r.winners.text.op] } : {};
  return ctx.client.makeOp(COL, id, 'put', { text }, base);
}

// The edit form of one part; saving writes the record through the outbox.
function editor(ctx, part, done) {
  const area = h(
    'textarea',
    {
      id: `dp-${part.id}`,
      rows: '12',
      maxlength: String(MAX_CHARS),
      'aria-describedby': `dp-${part.id}-err`,
    },
    part.text,
  );
  const err = h('p', { id: `dp-${part.id}-err`, class: 'bad', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stack' },
    h('label', { for: `dp-${part.id}` }, t('dossier.text', { title: part.title })),
    area,
    err,
    h(
      'p',
      { class: 'row' },
      h('button', { type: 'submit', class: 'small' }, t('dossier.save')),
      h(
        'button',
        { type: 'button', class: 'small secondary', 'data-cancel': '' },
        t('dossier.cancel'),
      ),
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    // One op carries at most 16 KiB (the server refuses more): say so here
    // rather than leave a rejected edit in the outbox.
    const bytes = new TextEncoder().encode(JSON.stringify(area.value)).length;
    if (bytes > MAX_BYTES) {
      err.textContent = t('dossier.toolong', { n: Math.ceil((bytes - MAX_BYTES) / 1.1) });
      area.focus();
      return;
    }
    await saveText(ctx, part.id, area.value);
    announce(t('dossier.saved', { title: part.title }));
    done(true);
  });
  form.querySelector('[data-cancel]').addEventListener('click', () => done(false));
  return form;
}

// A part's text as the PDF shows it: "- " lines as lists, others as paragraphs.
function textView(text) {
  const out = [];
  let list = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) {
      if (!list) out.push((list = h('ul', {})));
      list.append(h('li', {}, line.slice(2)));
    } else {
      list = null;
      if (line.trim()) out.push(h('p', {}, line));
    }
  }
  return out;
}

function partCard(ctx, part, n, refresh) {
  // The draft is written by the server in the screen's language (?lang=);
  // marked so the words test reads it apart.
  const body = h('div', { class: 'dossier-text', 'data-server-text': '' }, textView(part.text));
  const actions = h('p', { class: 'row' });
  const li = h(
    'li',
    { class: 'card', 'data-testid': 'dossier-part', 'data-part': part.id },
    h('h2', { id: `h-dp-${part.id}` }, `${n}. ${part.title}`),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'badge' }, t('dossier.margin', { c: part.margin })),
      ' · ',
      h('span', { 'data-testid': 'dossier-source' }, t('dossier.source.' + part.source)),
      part.pages ? ` · ${pages(part.pages.count)}` : '',
      part.conflict ? ` · ${t('dossier.conflict')}` : '',
    ),
    body,
    actions,
  );
  const edit = h(
    'button',
    { type: 'button', class: 'small secondary', 'aria-describedby': `h-dp-${part.id}` },
    t('dossier.edit'),
  );
  edit.addEventListener('click', () => {
    const form = editor(ctx, part, (saved) => {
      form.replaceWith(body);
      actions.hidden = false;
      if (saved) refresh();
      else edit.focus();
    });
    body.replaceWith(form);
    actions.hidden = true;
    form.querySelector('textarea').focus();
  });
  actions.append(edit);
  if (part.source === 'edited') {
    const revert = h(
      'button',
      { type: 'button', class: 'small secondary', 'aria-describedby': `h-dp-${part.id}` },
      t('dossier.revert'),
    );
    revert.addEventListener('click', async () => {
      // null clears the field: the generated draft shows again.
      await saveText(ctx, part.id, null);
      announce(t('dossier.reverted', { title: part.title }));
      refresh();
    });
    actions.append(revert);
  }
  return li;
}

// The PDF through fetch, so a refusal (422 over 12 pages) is shown here
// with what to cut instead of a downloaded error page.
// The file name is the server's (Content-Disposition: the production's
// title, never its id); fallback only when the header cannot be read.
function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  return m ? m[1] : fallback;
}

async function downloadPdf(url, fallback, out) {
  out.replaceChildren();
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    out.replaceChildren(h('p', { role: 'alert' }, t('dossier.offline')));
    return;
  }
  if (!res.ok) {
    const err = (await res.json().catch(() => null))?.error || {};
    out.replaceChildren(
      h(
        'div',
        { role: 'alert', class: 'card bad', 'data-testid': 'dossier-refused' },
        h(
          'p',
          {},
          h('strong', {}, t('dossier.refused', { status: res.status })),
          ' ',
          err.code ? errorText(err) : err.message || '',
        ),
        err.details?.warning
          ? h(
              'ul',
              {},
              err.details.warning.cut.map((c) => h('li', {}, `${c.title} (${pages(c.pages)})`)),
            )
          : null,
        h('p', {}, t('dossier.refused.draft')),
      ),
    );
    return;
  }
  const name = fileName(res, fallback);
  const blob = await res.blob();
  const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: '' });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
  out.replaceChildren(
    h(
      'p',
      { role: 'status', 'data-testid': 'dossier-downloaded' },
      t('dossier.downloaded', { name }),
    ),
  );
}

function downloads(ctx, d) {
  const base = `${prodPath(ctx.client.identity)}/dossier`;
  const out = h('div', { 'aria-live': 'polite' });
  const pdf = h('button', { type: 'button', class: 'small' }, t('dossier.pdf'));
  pdf.addEventListener('click', () =>
    downloadPdf(`${base}?lang=${getLang()}&format=pdf`, 'dossier.pdf', out),
  );
  const draft = h('button', { type: 'button', class: 'small secondary' }, t('dossier.pdf.draft'));
  draft.addEventListener('click', () =>
    downloadPdf(`${base}?lang=${getLang()}&format=pdf&draft=1`, 'dossier-draft.pdf', out),
  );
  return h(
    'section',
    { 'aria-labelledby': 'h-dossier-dl' },
    h('h2', { id: 'h-dossier-dl' }, t('dossier.downloads')),
    h(
      'p',
      { class: 'row' },
      pdf,
      d.over_budget ? draft : null,
      h(
        'a',
        {
          class: 'button secondary small',
          href: `${base}?lang=${getLang()}&format=odt`,
          download: '',
        },
        t('dossier.odt'),
      ),
      h(
        'a',
        {
          class: 'button secondary small',
          href: `${base}?lang=${getLang()}&format=md`,
          download: '',
        },
        t('dossier.md'),
      ),
    ),
    out,
  );
}

// The oral defence drawn from the same data (GET .../oral): the slides as
// PDF and ODP and the jury sheet; PDFs through fetch so a failure shows here.
function oral(ctx) {
  const base = `${prodPath(ctx.client.identity)}/oral`;
  const out = h('div', { 'aria-live': 'polite' });
  const pdf = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'oral-pdf' },
    t('oral.pdf'),
  );
  pdf.addEventListener('click', () =>
    downloadPdf(`${base}?lang=${getLang()}&format=pdf`, 'oral.pdf', out),
  );
  const prep = h(
    'button',
    { type: 'button', class: 'small secondary', 'data-testid': 'oral-prep' },
    t('oral.prep'),
  );
  prep.addEventListener('click', () =>
    downloadPdf(`${base}?lang=${getLang()}&format=prep`, 'jury.pdf', out),
  );
  return h(
    'section',
    { 'aria-labelledby': 'h-oral', 'data-testid': 'oral' },
    h('h2', { id: 'h-oral' }, t('oral.title')),
    h('p', {}, t('oral.intro')),
    h(
      'p',
      { class: 'row' },
      pdf,
      h(
        'a',
        {
          class: 'button secondary small',
          href: `${base}?lang=${getLang()}&format=odp`,
          download: '',
          'data-testid': 'oral-odp',
        },
        t('oral.odp'),
      ),
      prep,
    ),
    out,
  );
}

export async function dossier(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const { data: d, stale } = await load(ctx);
  const title = t('dossier.title');
  if (!d)
    return {
      title,
      view: h('div', {}, h('h1', { tabindex: '-1' }, title), h('p', {}, t('dossier.offline'))),
    };
  // After an edit: send it, then show the server's new pagination.
  const refresh = async () => {
    await ctx.client.sync('dossier');
    ctx.go('dossier');
  };
  // Edits not yet on the server (offline, or before the next sync) show
  // from the local replica; the page count is the server's until then.
  let local = false;
  for (const p of d.parts) {
    const r = ctx.client.replica.record(COL, p.id);
    if (!r || !('text' in r.fields)) continue;
    const text = r.fields.text ?? p.generated;
    if (text === p.text) continue;
    p.text = text;
    p.source = r.fields.text == null ? 'generated' : 'edited';
    local = true;
  }
  const included = d.parts.filter((p) => p.include);
  return {
    title,
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, title),
      h('p', {}, t('dossier.intro')),
      stale ? h('p', { class: 'meta' }, t('dossier.stale')) : null,
      local ? h('p', { class: 'meta', 'data-testid': 'dossier-local' }, t('dossier.local')) : null,
      d.missing.length
        ? h('p', { class: 'meta' }, t('dossier.missing', { list: d.missing.join(', ') }))
        : null,
      h(
        'section',
        { 'aria-labelledby': 'h-dossier-pages' },
        h('h2', { id: 'h-dossier-pages' }, t('dossier.budget')),
        meter(d),
      ),
      downloads(ctx, d),
      oral(ctx),
      h(
        'ol',
        { class: 'cards', 'aria-label': t('dossier.parts') },
        included.map((p, i) => partCard(ctx, p, i + 1, refresh)),
      ),
    ),
  };
}
