// follow.js - following the plan through with people (C4, C6), office roles:
// tasks split between professionals and reassigned (the history comes from
// the server's version graph), checkpoints planned then recorded, and advice
// notes to other departments drafted from the plan and edited. Every write
// is a synced record made through the outbox, so it works offline.
import { t, getLang, date, dateTime, h, field, showErrors, announce } from '../i18n.js';
import * as ind from '../indicators.js';
import * as store from '../store.js';
import { request } from '../store.js';
import { canEdit } from './directory.js';
import { uuidv7 } from '../sync/engine.js';
import { recordEditor } from './edit.js';

const DEPTS = [
  'regie',
  'decor',
  'costumes',
  'hmc',
  'image',
  'son',
  'catering',
  'production',
  'post',
];
// A due rhythm ("chaque semaine") or day in words.
const dueWords = (due) =>
  !due ? null : t('freq.' + due) !== 'freq.' + due ? t('freq.' + due) : date(due, 'long');
const deptOptions = () => [['', '—'], ...DEPTS.map((d) => [d, t('dept.' + d)])];
const dateCheck = (names) => (v) =>
  names
    .filter((k) => v[k] !== null && !/^\d{4}-\d{2}-\d{2}$/.test(v[k]))
    .map((k) => [k, t('follow.err.date')]);

// The fields of a task, a checkpoint and an advice note, as their editors
// show them (the assignee has its own reassignment control above).
function taskSpecs(actions) {
  return [
    { name: 'title', label: t('follow.f.title'), required: true, attrs: { maxlength: '300' } },
    {
      name: 'action',
      label: t('follow.f.action'),
      type: 'select',
      options: [['', '—'], ...actions.map((a) => [a.id, String(a.fields.title || a.id)])],
    },
    {
      name: 'indicator',
      label: t('follow.f.indicator'),
      type: 'select',
      options: [['', '—'], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
    },
    { name: 'dept', label: t('plan.f.dept'), type: 'select', options: deptOptions() },
    { name: 'due', label: t('follow.f.due'), type: 'date' },
    { name: 'done', label: t('follow.done'), type: 'checkbox' },
    { name: 'assignee', label: t('follow.f.assignee'), historyOnly: true },
    { name: 'note', label: t('day.task.note'), historyOnly: true },
  ];
}

function checkpointSpecs() {
  return [
    { name: 'title', label: t('follow.cp.title.f'), required: true, attrs: { maxlength: '300' } },
    { name: 'date', label: t('follow.cp.date'), type: 'date', required: true },
    { name: 'time', label: t('follow.cp.time'), type: 'time' },
    { name: 'held_on', label: t('follow.cp.held_on'), type: 'date' },
    { name: 'notes', label: t('follow.cp.notes'), historyOnly: true },
  ];
}

function noteSpecs() {
  return [
    { name: 'title', label: t('follow.cp.title.f'), required: true, attrs: { maxlength: '300' } },
    { name: 'dept', label: t('follow.note.dept'), type: 'select', options: deptOptions() },
    {
      name: 'status',
      label: t('plan.f.status'),
      type: 'select',
      options: ['draft', 'sent'].map((x) => [x, t('follow.note.status.' + x)]),
    },
    { name: 'body', label: t('follow.note.body'), historyOnly: true },
  ];
}

const deptName = (d) => (d && t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d || '');
const live = (ctx, col) => ctx.client.replica.listRecords(col).filter((r) => !r.deleted);
const byText = (k) => (a, b) => String(a.fields[k] || '').localeCompare(String(b.fields[k] || ''));

// The production's members, fresh when online, else last time's copy.
export async function members(ctx) {
  const id = ctx.client.identity;
  try {
    const res = await request(
      id,
      'GET',
      `/api/v1/productions/${encodeURIComponent(id.production_id)}/members`,
    );
    await store.setMeta('members', res.members);
    return res.members;
  } catch {
    return (await store.getMeta('members')) || [];
  }
}

async function showHistory(ctx, task, out, who) {
  const id = ctx.client.identity;
  try {
    const res = await request(
      id,
      'GET',
      `/api/v1/productions/${encodeURIComponent(id.production_id)}/tasks/${encodeURIComponent(task.id)}/history`,
    );
    out.replaceChildren(
      res.assignee.length
        ? h(
            'ol',
            {},
            res.assignee.map((v) =>
              h('li', {}, who(v.value), ' — ', dateTime(parseInt(v.hlc.slice(0, 12), 16))),
            ),
          )
        : t('follow.history.none'),
    );
  } catch {
    out.replaceChildren(t('follow.history.offline'));
  }
}

// What a person's profile says of them, to choose who gets a task (C6):
// the best suited first (appetite, then skill, then knowledge).
function withProfiles(ctx, people) {
  const profs = new Map(
    live(ctx, 'profiles')
      .filter((p) => p.fields.member)
      .map((p) => [p.fields.member, p.fields]),
  );
  const score = (m) => {
    const p = profs.get(m.id);
    return p ? (p.appetite ?? 0) * 100 + (p.skill ?? 0) * 10 + (p.knowledge ?? 0) : -1;
  };
  return people
    .map((m) => {
      const p = profs.get(m.id);
      const fit = p
        ? ` — ${t('follow.fit', { a: t('prof.' + (p.appetite ?? 0)), s: t('prof.' + (p.skill ?? 0)) })}`
        : '';
      return { ...m, label: `${m.name} (${deptName(m.department)})${fit}` };
    })
    .sort((x, y) => score(y) - score(x) || x.name.localeCompare(y.name));
}

function taskCard(ctx, task, people, editor, actions) {
  const f = task.fields;
  // Offline the members list is empty: "someone" rather than an id.
  const who = (m) =>
    people.find((p) => p.id === m)?.name || (m ? t('plan.owner.unknown') : t('follow.nobody'));
  const hist = h('div', { role: 'status' });
  const selId = `reassign-${task.id}`;
  const sel = h(
    'select',
    { id: selId },
    h('option', { value: '' }, t('follow.nobody')),
    people.map((p) =>
      h('option', { value: p.id, selected: p.id === f.assignee || undefined }, p.label),
    ),
  );
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'value' }, String(f.title || task.id)),
    h(
      'p',
      { class: 'meta' },
      [
        t('follow.assignee.is', { who: who(f.assignee) }),
        f.indicator ? ind.name(f.indicator, getLang()) : null,
        dueWords(f.due),
        f.done ? t('follow.done') : null,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    editor
      ? h(
          'div',
          { class: 'row' },
          h('label', { for: selId }, t('follow.reassign')),
          sel,
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `${t('follow.reassign.go')} : ${f.title || task.id}`,
              onclick: async () => {
                if ((sel.value || undefined) === f.assignee) return;
                await ctx.client.makeOp(
                  'tasks',
                  task.id,
                  'put',
                  { assignee: sel.value || null },
                  { assignee: task.heads.assignee || [] },
                );
                announce(t('follow.reassigned', { who: who(sel.value) }));
                ctx.rerender();
              },
            },
            t('follow.reassign.go'),
          ),
        )
      : null,
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        'aria-label': `${t('follow.history')} : ${f.title || task.id}`,
        onclick: () => showHistory(ctx, task, hist, who),
      },
      t('follow.history'),
    ),
    hist,
    editor
      ? recordEditor(ctx, 'tasks', task, taskSpecs(actions), {
          label: String(f.title || task.id),
          check: dateCheck(['due']),
        })
      : null,
  );
}

function newTaskForm(ctx, people, actions) {
  const title = field({
    name: 'task-title',
    label: t('follow.f.title'),
    required: true,
    hint: t('follow.f.title.hint'),
    attrs: { maxlength: '300' },
  });
  const action = field({
    name: 'task-action',
    type: 'select',
    label: t('follow.f.action'),
    value: '',
    options: [['', '—'], ...actions.map((a) => [a.id, String(a.fields.title || a.id)])],
  });
  const who = field({
    name: 'task-who',
    type: 'select',
    label: t('follow.f.assignee'),
    value: '',
    options: [['', t('follow.nobody')], ...people.map((p) => [p.id, p.label])],
  });
  const indicator = field({
    name: 'task-ind',
    type: 'select',
    label: t('follow.f.indicator'),
    value: '',
    options: [['', '—'], ...ind.all().map((i) => [i.id, ind.name(i.id, getLang())])],
  });
  const due = field({ name: 'task-due', type: 'date', label: t('follow.f.due') });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = title.input.value.trim() ? [] : [[title, t('follow.err.title')]];
        showErrors(summary, [title], errors);
        if (errors.length) return;
        const f = { title: title.input.value.trim() };
        if (action.input.value) f.action = action.input.value;
        if (who.input.value) {
          f.assignee = who.input.value;
          f.dept = people.find((p) => p.id === who.input.value)?.department;
        }
        if (indicator.input.value) f.indicator = indicator.input.value;
        if (due.input.value) f.due = due.input.value;
        await ctx.client.makeOp('tasks', 'task-' + uuidv7(), 'put', f);
        announce(t('follow.task.saved'));
        ctx.rerender();
      },
    },
    summary,
    title,
    action,
    who,
    indicator,
    due,
    h('button', { type: 'submit' }, t('follow.task.add')),
  );
}

function checkpointCard(ctx, cp, editor) {
  const f = cp.fields;
  const notesId = `cp-notes-${cp.id}`;
  const notes = h('textarea', { id: notesId, rows: 3, maxlength: '8000' });
  notes.value = f.notes || '';
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'value' }, String(f.title || cp.id)),
    h(
      'p',
      { class: 'meta' },
      f.held_on
        ? t('follow.cp.held', { date: date(f.held_on, 'long') })
        : t('follow.cp.planned', { date: date(f.date, 'long') }),
    ),
    !f.held_on && f.date
      ? h(
          'p',
          {},
          h(
            'a',
            {
              class: 'button secondary small',
              download: '',
              href: `/api/v1/productions/${encodeURIComponent(ctx.client.identity.production_id || '')}/checkpoints/${encodeURIComponent(cp.id)}/invitation.ics`,
              'aria-label': `${t('follow.cp.ics')} : ${f.title || cp.id}`,
            },
            t('follow.cp.ics'),
          ),
        )
      : null,
    editor
      ? [
          h('label', { for: notesId }, t('follow.cp.notes')),
          notes,
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `${t('follow.cp.record')} : ${f.title || cp.id}`,
              onclick: async () => {
                const today = new Date().toISOString().slice(0, 10);
                await ctx.client.makeOp(
                  'checkpoints',
                  cp.id,
                  'put',
                  { notes: notes.value.trim(), held_on: f.held_on || today },
                  { notes: cp.heads.notes || [], held_on: cp.heads.held_on || [] },
                );
                announce(t('follow.cp.recorded'));
                ctx.rerender();
              },
            },
            t('follow.cp.record'),
          ),
        ]
      : f.notes
        ? h('p', {}, String(f.notes))
        : null,
    editor
      ? recordEditor(ctx, 'checkpoints', cp, checkpointSpecs(), {
          label: String(f.title || cp.id),
          check: dateCheck(['date', 'held_on']),
        })
      : null,
  );
}

function checkpointForm(ctx) {
  const title = field({
    name: 'cp-title',
    label: t('follow.cp.title.f'),
    required: true,
    attrs: { maxlength: '300' },
  });
  const date = field({ name: 'cp-date', type: 'date', label: t('follow.cp.date'), required: true });
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  return h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const errors = [];
        if (!title.input.value.trim()) errors.push([title, t('follow.err.title')]);
        if (!date.input.value) errors.push([date, t('follow.err.date')]);
        showErrors(summary, [title, date], errors);
        if (errors.length) return;
        await ctx.client.makeOp('checkpoints', 'cp-' + uuidv7(), 'put', {
          title: title.input.value.trim(),
          date: date.input.value,
        });
        announce(t('follow.cp.saved'));
        ctx.rerender();
      },
    },
    summary,
    title,
    date,
    h('button', { type: 'submit' }, t('follow.cp.add')),
  );
}

// A note's first draft: the department's actions of the plan, with their
// objective and means; the eco-referent then rewrites it as they see fit.
function draftNote(dept, actions) {
  const mine = actions.filter((a) => a.fields.dept === dept);
  const lines = mine.map(
    (a) =>
      `• ${a.fields.title || a.id}${a.fields.objective ? ' — ' + a.fields.objective : ''}${a.fields.means ? ' (' + a.fields.means + ')' : ''}`,
  );
  return {
    title: t('follow.note.title', { dept: deptName(dept) }),
    body: [t('follow.note.intro'), ...lines, t('follow.note.outro')].join('\n'),
    actions: mine.map((a) => a.id),
  };
}

function noteEditor(ctx, note, editor) {
  const f = note.fields;
  const bodyId = `note-body-${note.id}`;
  const body = h('textarea', {
    id: bodyId,
    rows: 8,
    maxlength: '8000',
    readonly: !editor || undefined,
  });
  body.value = f.body || '';
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'value' }, String(f.title || note.id)),
    h(
      'p',
      { class: 'meta' },
      `${deptName(f.dept)} · ${t('follow.note.status.' + (f.status || 'draft'))}`,
    ),
    h('label', { for: bodyId }, t('follow.note.body')),
    body,
    editor
      ? h(
          'div',
          { class: 'row' },
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `${t('follow.note.save')} : ${f.title || note.id}`,
              onclick: async () => {
                await ctx.client.makeOp(
                  'advice',
                  note.id,
                  'put',
                  { body: body.value },
                  { body: note.heads.body || [] },
                );
                announce(t('follow.note.saved'));
              },
            },
            t('follow.note.save'),
          ),
          f.status !== 'sent'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  'aria-label': `${t('follow.note.sent')} : ${f.title || note.id}`,
                  onclick: async () => {
                    await ctx.client.makeOp(
                      'advice',
                      note.id,
                      'put',
                      { status: 'sent', body: body.value },
                      { status: note.heads.status || [], body: note.heads.body || [] },
                    );
                    ctx.rerender();
                  },
                },
                t('follow.note.sent'),
              )
            : null,
        )
      : null,
    editor
      ? recordEditor(ctx, 'advice', note, noteSpecs(), { label: String(f.title || note.id) })
      : null,
  );
}

export async function follow(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const editor = canEdit(id);
  const people = withProfiles(ctx, await members(ctx));
  const actions = live(ctx, 'actions').sort(byText('title'));
  const tasks = live(ctx, 'tasks').sort(byText('title'));
  const cps = live(ctx, 'checkpoints').sort(byText('date'));
  const notes = live(ctx, 'advice').sort(byText('dept'));
  const depts = [...new Set(actions.map((a) => a.fields.dept).filter(Boolean))].sort();
  const deptSel = field({
    name: 'note-dept',
    type: 'select',
    label: t('follow.note.dept'),
    value: depts[0] || '',
    options: depts.map((d) => [d, deptName(d)]),
  });
  return {
    title: t('follow.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('follow.title')),
      h(
        'section',
        { 'aria-labelledby': 'h-f-tasks' },
        h('h2', { id: 'h-f-tasks' }, t('follow.tasks')),
        tasks.length
          ? h(
              'ul',
              { class: 'cards', id: 'follow-tasks' },
              tasks.map((x) => taskCard(ctx, x, people, editor, actions)),
            )
          : h('p', {}, t('follow.tasks.none')),
        editor
          ? h(
              'details',
              {},
              h('summary', {}, t('follow.task.new')),
              newTaskForm(ctx, people, actions),
            )
          : null,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-f-cps' },
        h('h2', { id: 'h-f-cps' }, t('follow.cps')),
        cps.length
          ? h(
              'ul',
              { class: 'cards' },
              cps.map((c) => checkpointCard(ctx, c, editor)),
            )
          : h('p', {}, t('follow.cps.none')),
        editor ? checkpointForm(ctx) : null,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-f-notes' },
        h('h2', { id: 'h-f-notes' }, t('follow.notes')),
        h('p', {}, t('follow.notes.intro')),
        notes.length
          ? h(
              'ul',
              { class: 'cards', id: 'follow-notes' },
              notes.map((n) => noteEditor(ctx, n, editor)),
            )
          : h('p', {}, t('follow.notes.none')),
        editor && depts.length
          ? h(
              'form',
              {
                novalidate: true,
                onsubmit: async (e) => {
                  e.preventDefault();
                  const d = draftNote(deptSel.input.value, actions);
                  await ctx.client.makeOp('advice', 'note-' + uuidv7(), 'put', {
                    dept: deptSel.input.value,
                    status: 'draft',
                    ...d,
                  });
                  announce(t('follow.note.drafted'));
                  ctx.rerender();
                },
              },
              deptSel,
              h('button', { type: 'submit' }, t('follow.note.draft')),
            )
          : null,
      ),
    ),
  };
}
