// prefs.js - each person's channels and needs: synced records "office-<member>"
// (member card) and "self-<member>" (phone settings, wins). docs/communications.md
import { t, h, field, announce } from '../i18n.js';

export const CHANNELS = ['app', 'email', 'calendar', 'print', 'callsheet', 'audio', 'sms'];
export const NEEDS = [
  'screen_reader',
  'large_print',
  'falc',
  'audio',
  'sign_language',
  'colour_blind',
];
const KEYS = ['email', 'phone', 'language', 'channels', 'needs'];

// As sync/domain/prefs.c checks them.
export function emailOk(s) {
  return s.length <= 254 && /^[^\s<>",@]+@[^\s<>",@]+\.[^\s<>",@]+$/.test(s);
}
export function phoneOk(s) {
  const digits = (s.match(/[0-9]/g) || []).length;
  return /^\+?[0-9][0-9 .-]*$/.test(s) && digits >= 7 && digits <= 15;
}

// Own choice, else the office's, else base.
export function effective(ctx, member, base = {}) {
  const own = ctx.client.replica.record('preferences', 'self-' + member)?.fields || {};
  const office = ctx.client.replica.record('preferences', 'office-' + member)?.fields || {};
  const out = { language: 'fr', channels: ['app'], needs: [], ...base, setBy: {} };
  for (const k of KEYS) {
    if (office[k] != null) [out[k], out.setBy[k]] = [office[k], 'office'];
    if (own[k] != null) [out[k], out.setBy[k]] = [own[k], 'self'];
  }
  return out;
}

// The form of record "<by>-<member>"; save() syncs after the op.
export function prefsForm(ctx, { member, name, by, base, save }) {
  const cur = effective(ctx, member, base);
  const uid = `${by}-${member}`;
  const email = field({
    name: 'pref-email-' + uid,
    type: 'email',
    label: t('prefs.email'),
    value: cur.email || '',
    attrs: { autocomplete: by === 'self' ? 'email' : 'off' },
  });
  const phone = field({
    name: 'pref-phone-' + uid,
    type: 'tel',
    label: t('prefs.phone'),
    hint: '+33 6 12 34 56 78',
    value: cur.phone || '',
    attrs: { autocomplete: by === 'self' ? 'tel' : 'off' },
  });
  const language = field({
    name: 'pref-lang-' + uid,
    type: 'select',
    label: t('prefs.language'),
    value: cur.language || 'fr',
    options: [
      ['fr', 'Français'],
      ['en', 'English'],
    ],
  });
  const checks = (legend, key, items, chosen) =>
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', {}, legend),
      items.map((v) =>
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            name: `${key}-${uid}`,
            value: v,
            checked: (chosen || []).includes(v),
          }),
          ' ',
          t(`${key}.${v}`),
        ),
      ),
    );
  const channels = checks(t('prefs.channels'), 'comms.channel', CHANNELS, cur.channels);
  const needs = checks(t('prefs.needs'), 'prefs.need', NEEDS, cur.needs);
  const status = h('p', { role: 'status', class: 'hint' });
  const picked = (set) =>
    [...set.querySelectorAll('input:checked')].map((i) => i.value).filter(Boolean);
  const form = h(
    'form',
    {
      novalidate: true,
      'data-testid': 'prefs-' + uid,
      onsubmit: async (e) => {
        e.preventDefault();
        const em = email.input.value.trim();
        const ph = phone.input.value.trim();
        email.setError(em && !emailOk(em) ? t('prefs.err.email') : null);
        phone.setError(ph && !phoneOk(ph) ? t('prefs.err.phone') : null);
        if ((em && !emailOk(em)) || (ph && !phoneOk(ph))) {
          (em && !emailOk(em) ? email : phone).input.focus();
          return;
        }
        const fields = {
          email: em || null,
          phone: ph || null,
          language: language.input.value,
          channels: picked(channels),
          needs: picked(needs),
        };
        await ctx.client.makeOp('preferences', uid, 'put', fields);
        status.textContent = t('prefs.saved');
        announce(status.textContent);
        if (save) await save().catch(() => {});
      },
    },
    by === 'office' && cur.setBy && Object.values(cur.setBy).includes('self')
      ? h('p', { class: 'hint' }, t('prefs.own.wins', { name }))
      : null,
    email,
    phone,
    language,
    channels,
    h('p', { class: 'hint' }, t('prefs.sms.honest')),
    needs,
    h('button', { type: 'submit' }, t('prefs.save')),
    status,
  );
  return form;
}

// The member card's collapsed section (office).
export function prefsDetails(ctx, m, save) {
  return h(
    'details',
    { class: 'prefs' },
    h('summary', {}, t('prefs.title.office', { name: m.name })),
    prefsForm(ctx, {
      member: m.id,
      name: m.name,
      by: 'office',
      base: { email: m.email || '' },
      save,
    }),
  );
}
