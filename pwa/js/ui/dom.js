// dom.js - building DOM without innerHTML (CSP: no inline anything; user
// data only ever becomes text nodes).
import { tn } from '../i18n.js';

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

// Polite announcement in the page's own live region (not the sync status).
export function announce(msg) {
  const el = document.getElementById('announce');
  if (!el) return;
  el.textContent = '';
  // A fresh text node after a tick so repeated messages are read again.
  setTimeout(() => (el.textContent = msg), 50);
}

let uid = 0;

// A labelled form field with a hint and an error slot tied by aria-describedby.
// spec: {name, label, type, required, hint, value, options:[[value,label]], attrs}
export function field(spec) {
  const id = `f-${spec.name}-${++uid}`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const described = [hintId, errId].filter(Boolean).join(' ');
  let input;
  const common = {
    id,
    name: spec.name,
    'aria-describedby': described,
    required: spec.required || undefined,
    ...(spec.attrs || {}),
  };
  if (spec.type === 'select') {
    input = h(
      'select',
      common,
      spec.options.map(([v, l]) =>
        h('option', { value: v, selected: v === spec.value || undefined }, l),
      ),
    );
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, rows: 3 });
    input.value = spec.value ?? '';
  } else {
    input = h('input', { ...common, type: spec.type || 'text', value: spec.value ?? '' });
  }
  const wrap = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { for: id },
      spec.label,
      spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
    ),
    hintId ? h('p', { class: 'hint', id: hintId }, spec.hint) : null,
    input,
    h('p', { class: 'error', id: errId, hidden: true }),
  );
  wrap.input = input;
  wrap.setError = (msg) => {
    const p = wrap.querySelector('.error');
    if (msg) {
      p.textContent = msg;
      p.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else {
      p.textContent = '';
      p.hidden = true;
      input.removeAttribute('aria-invalid');
    }
  };
  return wrap;
}

// Shows the errors of a form: each field's message, and a summary that takes
// focus and links to the fields. errors: [[fieldWrap, message]].
export function showErrors(summary, fields, errors) {
  for (const f of fields) f.setError(null);
  summary.replaceChildren();
  summary.hidden = errors.length === 0;
  if (!errors.length) return;
  for (const [f, msg] of errors) f.setError(msg);
  summary.append(
    h('p', {}, tn('entry.errors', errors.length)),
    h(
      'ul',
      {},
      errors.map(([f, msg]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: '#' + f.input.id,
              onclick: (e) => {
                e.preventDefault();
                f.input.focus();
              },
            },
            msg,
          ),
        ),
      ),
    ),
  );
  summary.focus();
}

// A modal confirmation (native <dialog>). Resolves true or false.
export function confirmDialog({ title, text, ok, cancel }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      text ? h('p', {}, text) : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close('no') }, cancel),
        h('button', { type: 'button', class: 'danger', onclick: () => dlg.close('yes') }, ok),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(dlg.returnValue === 'yes');
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A modal form dialog: build(form) adds fields; resolves with the form or null.
export function formDialog({ title, ok, cancel, build }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const form = h('form', { method: 'dialog' });
    build(form);
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      form,
    );
    form.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close('no') }, cancel),
        h('button', { type: 'submit', value: 'yes' }, ok),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(dlg.returnValue === 'yes' ? form : null);
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A modal dialog that only shows content (body: nodes) with a close button.
export function infoDialog({ title, body, close }) {
  return new Promise((resolve) => {
    const titleId = `dlg-${++uid}`;
    const dlg = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      body,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => dlg.close() }, close),
      ),
    );
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}
