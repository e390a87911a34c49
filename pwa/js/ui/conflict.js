// conflict.js - a conflict told in human terms (docs/pwa.md, "Words and formats"): the record by its
// title, the field by its label, each value written as its kind (a ticked
// box, a date, a sentence, a person), who made each version on which phone
// and when, and what that phone showed when it was edited (the versions named
// in the op's base). The office's card says the value not kept stays in the
// history; a crew member reads only the conflicts on their own records, with
// who to ask. Names come from the production's members and phones, fetched
// when online and kept in IndexedDB (meta "people") for offline use.
import { t, getLang, date, dateTime, number, h } from '../i18n.js';
import { request } from '../store.js';
import * as store from '../store.js';
import * as ind from '../indicators.js';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
// Fields holding a member id, shown as that member's name.
const PERSON = new Set(['assignee', 'owner', 'member', 'referent', 'author']);

// The production's members and phones: {members, devices}. Phones cannot
// list devices (office only); they still get the members.
export async function people(ctx) {
  const id = ctx.client.identity;
  const prod = `/api/v1/productions/${encodeURIComponent(id?.production_id || '')}`;
  const cached = (await store.getMeta('people').catch(() => null)) || {};
  const out = { members: cached.members || [], devices: cached.devices || [] };
  if (!id || !navigator.onLine) return out;
  const members = await request(id, 'GET', `${prod}/members`)
    .then((r) => r.members)
    .catch(() => null);
  const devices =
    id.kind === 'office'
      ? await request(id, 'GET', `${prod}/devices`)
          .then((r) => r.devices)
          .catch(() => null)
      : null;
  if (members) out.members = members;
  if (devices) out.devices = devices;
  if (members || devices) await store.setMeta('people', out).catch(() => {});
  return out;
}

export function memberName(who, memberId) {
  return who.members.find((m) => m.id === memberId)?.name || null;
}

// Who made a version, from its device id: "Sofia Lopes, sur « Téléphone de
// Sofia »", "Claire Martin (bureau)", "vous (ce téléphone)".
export function author(ctx, who, dev) {
  if (dev && dev === ctx.client.device)
    return ctx.client.identity?.kind === 'office'
      ? t('conflict.by.you.office')
      : t('conflict.by.you');
  if (String(dev).startsWith('office-')) {
    const acc = String(dev).slice('office-'.length);
    const m = who.members.find((x) => x.account_id === acc);
    const name = m?.name || (ctx.client.identity?.account_id === acc && ctx.client.identity.name);
    return name ? t('conflict.by.office', { name }) : t('conflict.by.office.someone');
  }
  const d = who.devices.find((x) => x.id === dev || x.device_id === dev);
  if (d) {
    const name = d.member_name || memberName(who, d.member_id);
    return d.name
      ? t('conflict.by.phone', { name: name || t('conflict.someone'), phone: d.name })
      : name || t('conflict.by.phone.someone');
  }
  return t('conflict.by.phone.someone');
}

// When a version was made: its clock's first 48 bits are unix ms.
export function madeAt(hlc) {
  const ms = parseInt(String(hlc || '').slice(0, 12), 16);
  return Number.isFinite(ms) && ms > 0 ? dateTime(ms) : '—';
}

// The label of a field of a collection, as the editors name it.
export function fieldLabel(col, name) {
  const own = `field.${col}.${name}`;
  if (t(own) !== own) return t(own);
  const any = `field.${name}`;
  return t(any) !== any ? t(any) : t('field.other');
}

// The title a person knows a record by.
export function recordTitle(ctx, col, id) {
  const f = ctx.client.replica.record(col, id)?.fields || {};
  const kind = t('col.' + col) !== 'col.' + col ? t('col.' + col) : t('col.other');
  const title = f.title || f.name || f.label;
  return title ? t('conflict.record', { kind, title: String(title) }) : kind;
}

// A value written as its kind.
export function valueText(field, v, who) {
  if (v === undefined || v === null || v === '') return t('conflict.value.empty');
  if (typeof v === 'boolean') return v ? t('conflict.value.ticked') : t('conflict.value.unticked');
  if (typeof v === 'number') return number(v);
  if (Array.isArray(v)) return v.map((x) => valueText(field, x, who)).join(', ');
  if (typeof v !== 'string') return t('conflict.value.other');
  if (ISO_DAY.test(v)) return date(v, 'long');
  if (PERSON.has(field)) return memberName(who, v) || t('conflict.someone');
  if (field === 'indicator') return ind.name(v, getLang());
  if (field === 'dept' && t('dept.' + v) !== 'dept.' + v) return t('dept.' + v);
  if (field === 'due' && t('freq.' + v) !== 'freq.' + v) return t('freq.' + v);
  if (field === 'status' && t('plan.status.' + v) !== 'plan.status.' + v)
    return t('plan.status.' + v);
  return t('conflict.value.quoted', { text: v });
}

// What the phone showed for this field when it made version `op`: the
// values of the versions its base names, or nothing if it saw none.
export function shownBefore(ctx, op, field, who) {
  const base = ctx.client.replica.ops?.get(op)?.base?.[field] || [];
  const vals = base
    .map((b) => ctx.client.replica.ops.get(b)?.fields?.[field])
    .filter((v) => v !== undefined);
  return vals.length
    ? vals.map((v) => valueText(field, v, who)).join(' / ')
    : t('conflict.value.nothing');
}

function version(ctx, c, who, v, label) {
  return h(
    'div',
    { class: 'version' },
    h('p', {}, h('strong', {}, label), ' ', valueText(c.field, v.value, who)),
    h(
      'p',
      { class: 'meta' },
      t('conflict.made', { who: author(ctx, who, v.dev), when: madeAt(v.hlc) }),
      ' ',
      t('conflict.showed', { value: shownBefore(ctx, v.op, c.field, who) }),
    ),
  );
}

// The office's card for one conflict; keep(value) resolves it.
export function officeCard(ctx, c, who, keep) {
  const title = recordTitle(ctx, c.col, c.id);
  const label = fieldLabel(c.col, c.field);
  const button = (value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        'aria-label': t('conflict.keep.label', {
          value: valueText(c.field, value, who),
          field: label,
          record: title,
        }),
        onclick: () => keep(value),
      },
      t('dash.keep'),
    );
  const winner = c.winner || {};
  return h(
    'li',
    { class: 'card conflict' },
    h('p', { class: 'value' }, t('conflict.item', { record: title, field: label })),
    h(
      'div',
      { class: 'row' },
      version(ctx, c, who, winner, t('conflict.shown')),
      button(winner.value),
    ),
    h('div', { class: 'row' }, version(ctx, c, who, c, t('conflict.other')), button(c.value)),
    h('p', { class: 'hint' }, t('conflict.history')),
  );
}

// Who a crew member should ask: whoever made the other version if known by
// name, else the production's eco-referent, else the office.
function askWho(ctx, who, versions) {
  for (const v of versions) {
    const acc = String(v.dev || '').startsWith('office-') ? v.dev.slice(7) : null;
    const m = acc && who.members.find((x) => x.account_id === acc);
    if (m) return m.name;
  }
  const eco = who.members.find((m) => m.role === 'eco_referent');
  return eco ? eco.name : t('conflict.ask.office');
}

// The crew's note under one of their own records in conflict, or null.
export function crewNote(ctx, rec, who) {
  const parts = [];
  for (const [field, losers] of Object.entries(rec.conflicts || {})) {
    const label = fieldLabel(rec.col, field);
    const shown = rec.winners[field];
    for (const v of losers)
      parts.push(
        h(
          'p',
          {},
          t('conflict.crew', {
            field: label,
            who: author(ctx, who, v.dev),
            when: madeAt(v.hlc),
            value: valueText(field, v.value, who),
            shown: valueText(field, shown?.value, who),
          }),
        ),
      );
    parts.push(h('p', {}, t('conflict.crew.ask', { who: askWho(ctx, who, [...losers, shown]) })));
  }
  return parts.length ? h('div', { class: 'note conflict', role: 'note' }, parts) : null;
}
