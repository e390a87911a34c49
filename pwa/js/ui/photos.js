// photos.js - the screens of photos (attach.js): "Ajouter une photo" on a
// reading, a task, an action, a checkpoint or a message (#/photo?col=&id=),
// the phone's list of its photos with their upload state (#/photos), the
// thumbnails shown next to each target, and the office's gallery of an
// action (evaluation and plan screens). Every image has its caption as alt
// text; states are words, not colours alone.
import {
  t,
  num,
  getLang,
  percent,
  h,
  field,
  submitForm,
  announce,
  confirmDialog,
} from '../i18n.js';
import * as ind from '../indicators.js';
import * as store from '../store.js';
import { request } from '../store.js';
import {
  TARGETS,
  PhotoError,
  Uploader,
  processImage,
  attach,
  remove,
  serverImageUrl,
} from '../attach.js';

const cache = new Map(); // id -> the photo's IndexedDB record
const thumbUrls = new Map(); // id -> object URL of its thumbnail
let client = null;

// Offline as the phone knows it: no network, or the last sync found no server.
const netDown = () => !navigator.onLine || client?.status.error === 'unreachable';

function refreshStates() {
  for (const el of document.querySelectorAll('[data-photo-state]'))
    el.textContent = stateText(cache.get(el.dataset.photoState));
}

// Loads the phone's photos and starts the uploader: after every sync that
// went through, when the connection comes back, and once now.
export async function install(ctx) {
  for (const p of await store.allPhotos().catch(() => [])) cache.set(p.id, p);
  client = ctx.client;
  const up = new Uploader(ctx.client);
  ctx.uploader = up;
  up.addEventListener('photo', (e) => {
    const rec = e.detail;
    const before = cache.get(rec.id);
    cache.set(rec.id, rec);
    refreshStates();
    if (before?.state !== rec.state && (rec.state === 'sent' || rec.state === 'refused')) {
      announce(
        rec.state === 'sent'
          ? t('photo.announce.sent', { caption: rec.caption })
          : t('photo.announce.refused', { caption: rec.caption, reason: reasonText(rec) }),
      );
      const [path] = location.hash.replace(/^#\/?/, '').split('?');
      // Buttons change with the state (retry, remove): redraw the screens that show them.
      if (['photo', 'photos'].includes(path) && !document.querySelector('dialog[open]'))
        ctx.rerender();
    }
  });
  ctx.client.addEventListener('synced', () => up.kick());
  ctx.client.addEventListener('status', refreshStates); // offline or back
  addEventListener('online', () => up.kick());
  up.kick();
}

function thumbUrl(rec) {
  if (!rec?.thumb) return null;
  if (!thumbUrls.has(rec.id)) thumbUrls.set(rec.id, URL.createObjectURL(rec.thumb));
  return thumbUrls.get(rec.id);
}

function reasonText(rec) {
  const k = 'photo.code.' + rec.code;
  const known = t(k) !== k ? t(k) : '';
  if (known && rec.reason) return `${known} (${rec.reason})`;
  return known || rec.reason || rec.code || t('photo.code.unknown');
}

function stateText(rec) {
  if (!rec) return t('photo.state.sent');
  const pct = percent(rec.size ? Math.floor((100 * (rec.received || 0)) / rec.size) : 0);
  switch (rec.state) {
    case 'sending':
      if (rec.network && !netDown()) return t('photo.state.network');
      return rec.offline || netDown()
        ? t('photo.state.paused', { pct })
        : t('photo.state.sending', { pct });
    case 'sent':
      return t('photo.state.sent');
    case 'refused':
      return t('photo.state.refused', { reason: reasonText(rec) });
    default:
      if (netDown()) return t('photo.state.offline');
      return rec.network ? t('photo.state.network') : t('photo.state.waiting');
  }
}

// What the photo is attached to, in words; null when this phone does not know it.
export function targetLabel(ctx, col, id) {
  const r = ctx.client.replica;
  if (col === 'readings') {
    const f = r.fact('readings', id);
    return f
      ? `${ind.name(f.fields.indicator, getLang()) || f.fields.indicator} ${num(f.fields.value ?? 0)} (${f.fields.at || ''})`
      : null;
  }
  const rec = r.record(col, id);
  return rec && !rec.deleted ? String(rec.fields.title || id) : null;
}

// The current (not voided, not replaced) photos of one target.
function photosOf(ctx, col, id) {
  return ctx.client.replica
    .listFacts('attachments')
    .filter((f) => f.current && f.fields.target_col === col && f.fields.target_id === id);
}

function figure(ctx, f, { controls }) {
  const rec = cache.get(f.id);
  const alt = f.fields.caption || t('photo.nocaption');
  const img = h('img', { class: 'thumb', alt, width: '160', height: '120', loading: 'lazy' });
  const local = thumbUrl(rec);
  if (local) img.src = local;
  else {
    // Bytes that left this phone, or another person's photo: from the server.
    serverImageUrl(ctx.client.identity, f.id).then((u) => {
      if (u) img.src = u;
      else img.replaceWith(h('p', { class: 'thumb missing' }, alt));
    });
  }
  const mine = rec || f.dev === ctx.client.device;
  const buttons = [];
  if (controls && rec?.state === 'refused' && rec.by !== 'push') {
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          'aria-label': `${t('photo.retry')} : ${alt}`,
          onclick: () => ctx.uploader.retry(f.id),
        },
        t('photo.retry'),
      ),
    );
  }
  if (controls && mine) {
    buttons.push(
      h(
        'button',
        {
          type: 'button',
          class: 'secondary small',
          'aria-label': `${t('photo.remove')} : ${alt}`,
          onclick: async () => {
            const ok = await confirmDialog({
              title: t('photo.remove.title'),
              text: t('photo.remove.text', { caption: alt }),
              ok: t('photo.remove'),
              cancel: t('close'),
            });
            if (!ok) return;
            await remove(ctx.client, f.id);
            cache.delete(f.id);
            announce(t('photo.removed'));
            ctx.rerender();
          },
        },
        t('photo.remove'),
      ),
    );
  }
  return h(
    'li',
    { class: 'photo', 'data-testid': 'photo' },
    h(
      'figure',
      {},
      img,
      h(
        'figcaption',
        {},
        h('span', { 'aria-hidden': 'true' }, f.fields.caption || ''),
        f.fields.keep_location && typeof f.fields.lat === 'number'
          ? h('span', { class: 'meta' }, ' ', t('photo.located'))
          : null,
        mine ? h('span', { class: 'meta state', 'data-photo-state': f.id }, stateText(rec)) : null,
      ),
    ),
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
  );
}

// Thumbnails of a target and its "Ajouter une photo" link (phone screens).
export function strip(ctx, col, id, label) {
  const list = photosOf(ctx, col, id);
  return h(
    'div',
    { class: 'photo-strip' },
    list.length
      ? h(
          'ul',
          { class: 'photos', 'aria-label': t('photo.list.for', { target: label }) },
          list.map((f) => figure(ctx, f, { controls: true })),
        )
      : null,
    h(
      'a',
      {
        class: 'button secondary small',
        href: `#/photo?col=${col}&id=${encodeURIComponent(id)}`,
        'aria-label': `${t('photo.add')} : ${label}`,
      },
      t('photo.add'),
    ),
  );
}

// Ma journée: the plan's actions this person owns, so they can show them done.
export function myActions(ctx) {
  const me = ctx.client.identity?.member_id;
  const list = ctx.client.replica
    .listRecords('actions')
    .filter((a) => !a.deleted && me && a.fields.owner === me);
  if (!list.length) return null;
  return h(
    'section',
    { 'aria-labelledby': 'h-my-actions' },
    h('h2', { id: 'h-my-actions' }, t('photo.myactions')),
    h(
      'ul',
      { class: 'cards' },
      list.map((a) =>
        h(
          'li',
          { class: 'card' },
          h('p', { class: 'value' }, String(a.fields.title || a.id)),
          strip(ctx, 'actions', a.id, String(a.fields.title || a.id)),
        ),
      ),
    ),
  );
}

const BACK = {
  readings: 'entrees',
  tasks: 'jour',
  actions: 'jour',
  checkpoints: 'jour',
  communications: 'messages',
};
// The office adds evidence to an action from the evaluation or plan screen
// (photos of sets, of the sorting area...) and goes back there.
const OFFICE_FROM = ['evaluation', 'plan'];
function backTo(identity, col, from) {
  if (identity?.kind === 'office') return OFFICE_FROM.includes(from) ? from : 'evaluation';
  return BACK[col];
}

// ---- #/photo?col=&id=: take or choose a photo, caption it, keep the place or not.
export function photo(ctx, params) {
  const id = ctx.client.identity;
  if (id?.kind !== 'device' && id?.kind !== 'office') {
    ctx.go('');
    return null;
  }
  const col = params.get('col') || '';
  const tid = params.get('id') || '';
  const label = TARGETS.includes(col) ? targetLabel(ctx, col, tid) : null;
  const title = t('photo.title');
  if (!label) {
    return {
      title,
      view: h(
        'div',
        {},
        h('h1', { tabindex: '-1' }, title),
        h('p', {}, t('photo.err.target')),
        h('p', {}, h('a', { class: 'button secondary small', href: '#/jour' }, t('nav.day'))),
      ),
    };
  }
  const file = field({
    name: 'photo',
    type: 'file',
    label: t('photo.file'),
    required: true,
    hint: t('photo.file.hint'),
    attrs: { accept: 'image/*', capture: 'environment' },
  });
  const caption = field({
    name: 'caption',
    type: 'textarea',
    label: t('photo.caption'),
    required: true,
    hint: t('photo.caption.hint'),
    attrs: { maxlength: '500' },
  });
  const keepId = 'photo-keep';
  const keep = h(
    'div',
    { class: 'field check' },
    h('input', {
      type: 'checkbox',
      id: keepId,
      name: 'keep_location',
      'aria-describedby': `${keepId}-hint`,
    }),
    h('label', { for: keepId }, t('photo.keep')),
    h('p', { class: 'hint', id: `${keepId}-hint` }, t('photo.keep.hint')),
  );
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, t('photo.submit'));
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: submitForm({
        summary,
        fields: [file, caption],
        button,
        busy: 'photo.busy',
        check: () => {
          const errors = [];
          const text = caption.input.value.trim();
          if (!file.input.files?.[0]) errors.push([file, t('photo.err.nofile')]);
          if (!text) errors.push([caption, t('photo.err.caption')]);
          else if (text.length > 500) errors.push([caption, t('photo.err.caption.long')]);
          return errors;
        },
        send: async () => {
          const f = file.input.files[0];
          const keepLocation = keep.querySelector('input').checked;
          const processed = await processImage(f, keepLocation);
          await attach(ctx.client, {
            targetCol: col,
            targetId: tid,
            caption: caption.input.value.trim(),
            keepLocation,
            photo: processed,
            takenAt: f.lastModified ? new Date(f.lastModified).toISOString() : undefined,
          });
          for (const p of await store.allPhotos()) cache.set(p.id, p);
          announce(keepLocation && !processed.gps ? t('photo.saved.nogps') : t('photo.saved'));
          ctx.uploader.kick();
          ctx.rerender();
        },
        failed: (err) => {
          let msg;
          if (err instanceof PhotoError) msg = t('photo.err.' + err.code, err.params);
          else if (err?.name === 'QuotaExceededError') msg = t('entry.err.full');
          else msg = String(err?.message || err);
          return [[file, msg]];
        },
      }),
    },
    summary,
    h('p', { class: 'hint' }, t('entry.required')),
    file,
    caption,
    keep,
    button,
  );
  const list = photosOf(ctx, col, tid);
  return {
    title,
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, title),
      h('p', {}, t('photo.for', { target: label })),
      form,
      h(
        'section',
        { 'aria-labelledby': 'h-photo-list' },
        h('h2', { id: 'h-photo-list' }, t('photo.list')),
        list.length
          ? h(
              'ul',
              { class: 'photos', 'data-testid': 'photos' },
              list.map((x) => figure(ctx, x, { controls: true })),
            )
          : h('p', {}, t('photo.none')),
      ),
      h(
        'p',
        {},
        h(
          'a',
          { class: 'button secondary small', href: `#/${backTo(id, col, params.get('from'))}` },
          t('photo.back'),
        ),
      ),
    ),
  };
}

// ---- #/photos: every photo of this phone, and where each one is.
export function photos(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'device') {
    ctx.go(id?.kind === 'office' ? 'bureau' : '');
    return null;
  }
  const facts = ctx.client.replica
    .listFacts('attachments')
    .filter((f) => f.current && (cache.has(f.id) || f.dev === ctx.client.device))
    .reverse();
  const title = t('photo.mine');
  return {
    title,
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, title),
      h('p', {}, t('photo.mine.intro')),
      facts.length
        ? h(
            'ul',
            { class: 'photos wide', 'data-testid': 'photos' },
            facts.map((f) => {
              const label =
                targetLabel(ctx, f.fields.target_col, f.fields.target_id) || f.fields.target_id;
              const li = figure(ctx, f, { controls: true });
              li.querySelector('figcaption').prepend(
                h('span', { class: 'meta' }, t('photo.on', { target: label }), ' '),
              );
              return li;
            }),
          )
        : h('p', {}, t('photo.none')),
    ),
  };
}

// ---- office: the production's photos from the server (status included);
// offline, the synced facts (captions, no images).
export async function officeList(ctx) {
  const id = ctx.client.identity;
  try {
    const res = await request(
      id,
      'GET',
      `/api/v1/productions/${encodeURIComponent(id.production_id)}/attachments`,
    );
    const list = res.attachments || res.items || [];
    return { online: true, list };
  } catch {
    const list = ctx.client.replica
      .listFacts('attachments')
      .filter((f) => f.current)
      .map((f) => ({ id: f.id, ...f.fields, status: 'unknown' }));
    return { online: false, list };
  }
}

// The place of a photo whose author kept it: the list leaves positions out,
// the synced fact has them.
function place(ctx, p) {
  const f = ctx.client.replica.fact('attachments', p.id)?.fields || p;
  if (f.keep_location !== true || typeof f.lat !== 'number' || typeof f.lon !== 'number')
    return null;
  return h('span', { class: 'meta' }, ' ', t('photo.office.place', { lat: f.lat, lon: f.lon }));
}

// The photos of an action and of its tasks, with captions as alt text and
// refusals said in words.
export function gallery(ctx, photosList, actionId, title, from = 'evaluation') {
  const tasks = new Map(
    ctx.client.replica
      .listRecords('tasks')
      .filter((x) => x.fields.action === actionId)
      .map((x) => [x.id, x]),
  );
  const mine = photosList.list.filter(
    (p) =>
      (p.target_col === 'actions' && p.target_id === actionId) ||
      (p.target_col === 'tasks' && tasks.has(p.target_id)),
  );
  const add = h(
    'a',
    {
      class: 'button secondary small',
      href: `#/photo?col=actions&id=${encodeURIComponent(actionId)}&from=${from}`,
      'aria-label': `${t('photo.add')} : ${title}`,
    },
    t('photo.add'),
  );
  if (!mine.length) return h('div', { class: 'photo-strip' }, add);
  const prod = encodeURIComponent(ctx.client.identity.production_id || '');
  return h(
    'div',
    { class: 'photo-strip' },
    h('p', { class: 'meta' }, t('photo.office.count', { n: mine.length })),
    add,
    h(
      'ul',
      { class: 'photos', 'data-testid': 'office-photos' },
      mine.map((p) => {
        const alt = p.caption || t('photo.nocaption');
        const via =
          p.target_col === 'tasks'
            ? t('photo.office.task', { task: tasks.get(p.target_id)?.fields.title || p.target_id })
            : '';
        const status = p.status || (p.complete ? 'complete' : p.refused ? 'refused' : 'receiving');
        let body;
        if (status === 'complete') {
          const src = `/api/v1/productions/${prod}/attachments/${encodeURIComponent(p.id)}`;
          body = h(
            'a',
            { href: src, target: '_blank', rel: 'noopener' },
            h('img', { class: 'thumb', src, alt, width: '160', height: '120', loading: 'lazy' }),
          );
        } else if (status === 'refused') {
          body = h(
            'p',
            { class: 'bad' },
            t('photo.office.refused', { reason: p.reason || p.refused || '' }),
          );
        } else if (status === 'receiving') {
          body = h(
            'p',
            { class: 'thumb missing' },
            t('photo.office.receiving', {
              pct: percent(p.size ? Math.floor((100 * (p.received || 0)) / p.size) : 0),
            }),
          );
        } else {
          body = h('p', { class: 'thumb missing' }, t('photo.office.offline'));
        }
        return h(
          'li',
          { class: 'photo' },
          h(
            'figure',
            {},
            body,
            h(
              'figcaption',
              {},
              status === 'complete'
                ? h('span', { 'aria-hidden': 'true' }, p.caption || '')
                : h('span', {}, alt),
              via ? h('span', { class: 'meta' }, ' ', via) : null,
              place(ctx, p),
            ),
          ),
        );
      }),
    ),
  );
}
