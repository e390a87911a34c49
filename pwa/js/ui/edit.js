// edit.js - editing what the office creates, with its history (docs/plan.md
// "Editing with history"): one editor for actions, tasks, checkpoints,
// advice notes, directory entries and criteria. An edit is a synced op that
// sets only the fields changed, each with base = the versions the form
// showed, so a concurrent edit elsewhere surfaces as a conflict instead of
// being overwritten. Deleting sets "_deleted": a void that stays in the
// history. The history comes from the server (authors by name); offline,
// from the ops this replica holds.
import {
  t,
  getLang,
  date,
  dateTime,
  h,
  field,
  showErrors,
  announce,
  confirmDialog,
} from '../i18n.js';
import { request } from '../store.js';
import { canon } from '../sync/engine.js';

let focusedFor = null; // the link (location.hash) whose field was focused
const blank = (v) => v === undefined || v === null || v === '';
const when = (hlc) => dateTime(parseInt(hlc.slice(0, 12), 16));

// A spec's value as the form shows it, and back.
function shown(spec, v) {
  if (spec.type === 'checkbox') return v === true;
  if (blank(v)) return '';
  return typeof v === 'number' ? String(v).replace('.', getLang() === 'fr' ? ',' : '.') : String(v);
}

// {value} or {error}: numbers accept a decimal comma; empty clears (null).
function read(spec, w) {
  if (spec.type === 'checkbox') return { value: w.input.checked };
  if (spec.type === 'checks')
    return { value: w.boxes.filter((b) => b.checked).map((b) => b.value) };
  const raw = w.input.value.trim();
  if (!raw) return spec.required ? { error: t('edit.err.required') } : { value: null };
  if (spec.number) {
    const n = Number(raw.replace(',', '.'));
    return Number.isFinite(n) ? { value: n } : { error: t('edit.err.number') };
  }
  return { value: raw };
}

// One field of the form, a checkbox with its label right after it.
function widget(spec, fields, key) {
  const value = fields[spec.name];
  if (spec.type === 'checks') {
    // Several ids out of a list (a directory entry's criteria met).
    const boxes = spec.options.map(([v]) =>
      h('input', {
        type: 'checkbox',
        id: `e-${key}-${spec.name}-${v}`.replace(/[^A-Za-z0-9_-]/g, '_'),
        value: v,
        checked: Array.isArray(value) && value.includes(v),
      }),
    );
    const wrap = h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, spec.label),
      spec.options.map(([, l], i) =>
        h('div', { class: 'check' }, boxes[i], h('label', { for: boxes[i].id }, l)),
      ),
    );
    wrap.input = boxes[0] || wrap;
    wrap.boxes = boxes;
    wrap.setError = () => {}; // any set of boxes is valid
    return wrap;
  }
  if (spec.type === 'checkbox') {
    const id = `e-${key}-${spec.name}`;
    const input = h('input', { type: 'checkbox', id, name: spec.name, checked: value === true });
    const wrap = h('div', { class: 'field check' }, input, h('label', { for: id }, spec.label));
    wrap.input = input;
    wrap.setError = () => {}; // checked or not, both are valid
    return wrap;
  }
  return field({
    name: `${key}-${spec.name}`,
    type: spec.type === 'select' || spec.type === 'textarea' ? spec.type : spec.type || 'text',
    label: spec.label,
    hint: spec.hint,
    required: spec.required,
    value: spec.type === 'select' ? (blank(value) ? '' : String(value)) : shown(spec, value),
    options: spec.options,
    attrs: { ...(spec.attrs || {}), ...(spec.number ? { inputmode: 'decimal' } : {}) },
  });
}

// The fields an edit changes: {fields, base}, empty when nothing changed.
function changes(rec, specs, values) {
  const fields = {};
  const base = {};
  for (const s of specs) {
    const now = values[s.name];
    const before = rec.fields[s.name];
    if ((blank(now) && blank(before)) || (!blank(before) && canon(now) === canon(before))) continue;
    if (s.type === 'checks' && !now.length && before === undefined) continue;
    if (s.type === 'checkbox' && !now && before === undefined) continue;
    fields[s.name] = now;
    base[s.name] = rec.heads[s.name] || [];
  }
  return { fields, base };
}

// The edits of a record: the server's (authors by name), plus this replica's
// ops the server does not have yet (still in the outbox); offline, the
// replica's alone.
async function edits(ctx, col, id) {
  const who = ctx.client.identity;
  const local = [...ctx.client.replica.ops.values()]
    .filter((op) => op.col === col && op.id === id)
    .map((op) => ({
      op: op.op,
      hlc: op.hlc,
      dev: op.dev,
      author: op.dev === ctx.client.device ? t('edit.history.me') : null,
      fields: op.fields,
      deleted: op.fields._deleted === true,
    }));
  const byClock = (a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.op < b.op ? -1 : 1);
  try {
    const res = await request(
      who,
      'GET',
      `/api/v1/productions/${encodeURIComponent(who.production_id)}/history/${col}/${encodeURIComponent(id)}`,
    );
    const known = new Set(res.edits.map((e) => e.op));
    return {
      list: [...res.edits, ...local.filter((e) => !known.has(e.op))].sort(byClock),
      offline: false,
    };
  } catch {
    return { list: local.sort(byClock), offline: true };
  }
}

function valueText(spec, v) {
  if (spec?.show) return spec.show(v);
  if (blank(v)) return t('edit.history.empty');
  if (spec?.type === 'date' && typeof v === 'string') return date(v, 'long');
  if (spec?.type === 'select') {
    const o = spec.options.find(([k]) => k === String(v));
    if (o) return o[1];
  }
  if (spec?.type === 'checks' && Array.isArray(v))
    return v.length
      ? v.map((x) => spec.options.find(([k]) => k === x)?.[1] || x).join(', ')
      : t('edit.history.empty');
  if (typeof v === 'boolean') return v ? t('edit.yes') : t('edit.no');
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// Renders the history of (col, id) into out: every edit, oldest first, with
// the fields it set, by whom and when; a deletion says so.
export async function showHistory(ctx, col, id, specs, out) {
  out.replaceChildren(t('edit.history.loading'));
  const { list, offline } = await edits(ctx, col, id);
  const byName = new Map(specs.map((s) => [s.name, s]));
  out.replaceChildren(
    h('h4', {}, t('edit.history.title')),
    offline ? h('p', { class: 'hint' }, t('edit.history.offline')) : null,
    list.length
      ? h(
          'ol',
          { class: 'history' },
          list.map((e, i) =>
            h(
              'li',
              {},
              h(
                'p',
                { class: 'meta' },
                `${i === 0 ? t('edit.history.created') : e.deleted ? t('edit.history.deleted') : t('edit.history.edited')} — ${e.author || e.dev} — ${when(e.hlc)}`,
              ),
              e.deleted
                ? null
                : h(
                    'ul',
                    {},
                    Object.entries(e.fields)
                      .filter(([k]) => k !== '_deleted')
                      .map(([k, v]) =>
                        h(
                          'li',
                          {},
                          `${byName.get(k)?.label || k} : ${valueText(byName.get(k), v)}`,
                        ),
                      ),
                  ),
            ),
          ),
        )
      : h('p', {}, t('edit.history.none')),
  );
}

// An editor for one record: a disclosure "Modifier" with the form, a
// deletion and the history. specs: [{name, label, type? (text, textarea,
// select, date, time, checkbox, checks: several of options), options?, number?,
// required?, hint?, attrs?, show?}]. opts: {label (what the record is called,
// for screen readers), open (open on start), focus (a field name to focus),
// check(values) -> [[name, message]] extra checks, toForm(fields) and
// fromForm(values) when the form shows a value otherwise than it is stored
// (a share as a percentage), canDelete}.
export function recordEditor(ctx, col, rec, allSpecs, opts = {}) {
  // Fields edited elsewhere on the card (historyOnly) are named in the
  // history but not in this form.
  const specs = allSpecs.filter((s) => !s.historyOnly);
  const key = `${col}-${rec.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const formFields = opts.toForm ? opts.toForm(rec.fields) : rec.fields;
  const widgets = specs.map((s) => widget(s, formFields, key));
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const hist = h('div', { class: 'history-out', role: 'status' });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        let values = {};
        const errors = [];
        specs.forEach((s, i) => {
          const r = read(s, widgets[i]);
          if (r.error) errors.push([widgets[i], r.error]);
          else values[s.name] = r.value;
        });
        for (const [name, msg] of errors.length ? [] : opts.check?.(values) || [])
          errors.push([widgets[specs.findIndex((s) => s.name === name)], msg]);
        showErrors(summary, widgets, errors);
        if (errors.length) return;
        if (opts.fromForm) values = opts.fromForm(values);
        const { fields, base } = changes(rec, specs, values);
        if (!Object.keys(fields).length) {
          announce(t('edit.unchanged'));
          return;
        }
        await ctx.client.makeOp(col, rec.id, 'put', fields, base);
        announce(t('edit.saved', { what: opts.label || rec.id }));
        ctx.rerender();
      },
    },
    summary,
    ...widgets,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, t('edit.save')),
      opts.canDelete === false
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'danger small',
              'aria-label': `${t('edit.delete')} : ${opts.label || rec.id}`,
              onclick: async () => {
                const ok = await confirmDialog({
                  title: t('edit.delete.title', { what: opts.label || rec.id }),
                  text: t('edit.delete.text'),
                  ok: t('edit.delete'),
                  cancel: t('edit.cancel'),
                });
                if (!ok) return;
                await ctx.client.makeOp(
                  col,
                  rec.id,
                  'put',
                  { _deleted: true },
                  { _deleted: rec.heads._deleted || [] },
                );
                announce(t('edit.deleted', { what: opts.label || rec.id }));
                ctx.rerender();
              },
            },
            t('edit.delete'),
          ),
    ),
  );
  const details = h(
    'details',
    { class: 'edit', id: `edit-${key}`, open: opts.open || undefined },
    h(
      'summary',
      {},
      t('edit.open'),
      h('span', { class: 'visually-hidden' }, ` : ${opts.label || rec.id}`),
    ),
    form,
  );
  // A link to a field focuses it once, not again at every re-render (a sync
  // re-renders the screen while the person types elsewhere).
  if (opts.focus && focusedFor !== location.hash) {
    focusedFor = location.hash;
    const i = specs.findIndex((s) => s.name === opts.focus);
    if (i >= 0) setTimeout(() => widgets[i].input.focus(), 0);
  }
  return h(
    'div',
    { class: 'record-edit' },
    details,
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-label': `${t('edit.history')} : ${opts.label || rec.id}`,
        onclick: () => showHistory(ctx, col, rec.id, allSpecs, hist),
      },
      t('edit.history'),
    ),
    hist,
  );
}
