// signin.js - the two ways in, the only screens a first visit shows: the
// office's sign-in (#/connexion) and a new phone's pairing (#/pair, the
// invite link). Kept apart from office.js and crew.js so that a first visit
// fetches neither, nor the sync client: everything after sign-in comes
// then, or from the service worker's cache (docs/pwa.md, "Loading").
import { t, errorText, h, field, submitForm, announce } from '../i18n.js';
import * as store from '../store.js';
import { request, generateDeviceKeys, ApiError, NetworkError, officeIdentity } from '../store.js';

const CODE_RE = /^[A-Za-z0-9_-]{43}$/;
const deptName = (d) => (t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d);

// ---- the office's sign-in ---------------------------------------------------
// An account with no production yet (a company administrator right after
// setup) signs in too: it lands on the productions screen.
export function login(ctx) {
  if (ctx.client.identity?.kind === 'office') return ctx.go('bureau');
  const email = field({
    name: 'email',
    type: 'email',
    label: t('login.email'),
    required: true,
    attrs: { autocomplete: 'username', spellcheck: 'false' },
  });
  const password = field({
    name: 'password',
    type: 'password',
    label: t('login.password'),
    required: true,
    attrs: { autocomplete: 'current-password' },
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, t('login.submit'));
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: submitForm({
        summary,
        fields: [email, password],
        button,
        busy: 'login.busy',
        check: () => {
          const errors = [];
          if (!/^[^@\s]+@[^@\s]+$/.test(email.input.value.trim()))
            errors.push([email, t('login.err.email')]);
          if (!password.input.value) errors.push([password, t('login.err.password')]);
          return errors;
        },
        send: async () => {
          const me = await request(null, 'POST', '/api/v1/auth/login', {
            body: { email: email.input.value.trim(), password: password.input.value },
          });
          const identity = officeIdentity(me, null);
          if (!identity) throw new Error(t('login.err.nomember'));
          await store.setMeta('identity', identity);
          ctx.client.identity = identity;
          password.input.value = '';
          ctx.client.sync('login');
          ctx.go(identity.production_id ? 'bureau' : 'productions');
        },
        failed: (err) => {
          let msg = err.message;
          if (err instanceof NetworkError) msg = t('login.err.network');
          else if (err instanceof ApiError) {
            const k = 'login.err.' + err.code;
            msg = t(k) !== k ? t(k) : errorText(err);
          }
          return [[err?.code === 'invalid_credentials' ? password : email, msg]];
        },
      }),
    },
    summary,
    email,
    password,
    button,
  );
  return {
    title: t('login.title'),
    view: h('div', {}, h('h1', { tabindex: '-1' }, t('login.title')), form),
  };
}

// ---- a new phone's pairing -------------------------------------------------
// ---- pairing --------------------------------------------------------------
export function pair(ctx, params) {
  const code = field({
    name: 'code',
    label: t('pair.code'),
    required: true,
    hint: t('pair.code.hint'),
    value: params.get('code') || '',
    attrs: { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' },
  });
  const name = field({
    name: 'device_name',
    label: t('pair.name'),
    required: true,
    hint: t('pair.name.hint'),
    value: '',
    attrs: { autocomplete: 'off', maxlength: '100' },
  });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true, role: 'alert' });
  const button = h('button', { type: 'submit' }, t('pair.submit'));
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: submitForm({
        summary,
        fields: [code, name],
        button,
        busy: 'pair.busy',
        check: () => {
          const errors = [];
          const n = name.input.value.trim();
          if (!CODE_RE.test(code.input.value.trim())) errors.push([code, t('pair.err.code')]);
          if (n.length < 1 || n.length > 100) errors.push([name, t('pair.err.name')]);
          return errors;
        },
        send: async () => {
          const c = code.input.value.trim();
          const n = name.input.value.trim();
          let kp;
          try {
            kp = await generateDeviceKeys();
          } catch {
            throw new Error(t('pair.err.crypto'));
          }
          const res = await request(null, 'POST', '/api/v1/devices/pair', {
            body: { code: c, public_key: kp.publicKey, name: n },
          });
          await store.setMeta('keys', kp.keys);
          await store.setMeta('counter', res.counter || 0);
          const identity = {
            kind: 'device',
            device_id: res.device_id,
            member_id: res.member_id,
            member_name: res.member_name,
            production_id: res.production_id,
            role: res.role,
            department: res.department,
            production_key: res.production_key || null,
            name: n,
          };
          await store.setMeta('identity', identity);
          ctx.client.identity = identity;
          announce(t('pair.ok', { name: res.member_name, dept: deptName(res.department) }));
          await ctx.offlineReady?.();
          ctx.client.sync('paired');
          ctx.go('jour');
        },
        failed: (err) => {
          let msg = err.message;
          let target = code;
          if (err instanceof NetworkError) msg = t('pair.err.network');
          else if (err instanceof ApiError) {
            const k = 'pair.err.' + err.code;
            msg = t(k) !== k ? t(k) : errorText(err);
            if (err.field === 'name') target = name;
          }
          return [[target, msg]];
        },
      }),
    },
    summary,
    code,
    name,
    button,
  );
  return {
    title: t('pair.title'),
    view: h('div', {}, h('h1', { tabindex: '-1' }, t('pair.title')), form),
  };
}
