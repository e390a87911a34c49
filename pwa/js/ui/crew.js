// crew.js - phone screens: my day, quick entry, my entries, messages,
// settings (pairing is in signin.js). One hand, targets >= 44 px, everything offline.
import {
  t,
  tn,
  unitName,
  num,
  dateTime,
  getLang,
  codeText,
  date,
  quantity,
  h,
  field,
  showErrors,
  announce,
  confirmDialog,
  formDialog,
} from '../i18n.js';
import * as store from '../store.js';
import { request } from '../store.js';
import * as ind from '../indicators.js';
import { DEPTS, indicator, parseNumber, today } from '../indicators.js';
import { uuidv7 } from '../sync/engine.js';
import { networkInfo, wifiOnly, setWifiOnly } from '../attach.js';

function needDevice(ctx) {
  if (ctx.client.identity?.kind !== 'device') {
    ctx.go(ctx.client.identity?.kind === 'office' ? 'bureau' : '');
    return false;
  }
  return true;
}

const deptName = (d) => (t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d);
const indName = (id) => ind.name(id, getLang());
// A vehicle by its name in the fleet; a vehicle typed by hand (no fleet yet)
// is already the person's words.
const vehicleName = (ctx, v) => ctx.client.replica.record('fleet', v)?.fields.name || v;
// A reading in a list: "Kilomètres en utilitaire : 212 km" (the vehicle
// follows on the card's next line).
const savedWhatShort = (f) =>
  `${indName(f.indicator)} : ${quantity(f.value, unitName(f.unit || ''), { digits: 2 })}`;
// What a refused op was about: the record by its title, the fields by label.
// (cf: ./conflict.js, imported only when something was refused.)
const refusedWhat = (ctx, cf, body) =>
  `${cf.recordTitle(ctx, body.col, body.id)} : ${Object.keys(body.fields || {})
    .filter((k) => k !== '_deleted')
    .map((k) => cf.fieldLabel(body.col, k))
    .join(', ')}`;
// A task's due: a rhythm ("chaque semaine") or a day in words.
const dueText = (due) =>
  /^\d{4}-\d{2}-\d{2}$/.test(due)
    ? t('day.task.due', { date: date(due, 'long') })
    : t('freq.' + due) !== 'freq.' + due
      ? t('freq.' + due)
      : '';
// What a saved reading was, in a sentence: "212 km enregistrés pour
// Utilitaire 2".
const savedWhat = (ctx, f, i) =>
  tn('entry.saved.what', f.value, {
    qty: quantity(f.value, unitName(i?.unit || f.unit || ''), { digits: 2 }),
    what: f.vehicle ? vehicleName(ctx, f.vehicle) : indName(f.indicator),
  });

// ---- my day -----------------------------------------------------------------
function myTasks(ctx) {
  const id = ctx.client.identity;
  return ctx.client.replica
    .listRecords('tasks')
    .filter(
      (r) =>
        !r.deleted &&
        (r.fields.assignee === id.member_id ||
          (!r.fields.assignee && r.fields.dept === id.department)),
    );
}

function recordedToday(ctx) {
  const day = today();
  const seen = new Set();
  for (const f of ctx.client.replica.listFacts('readings')) {
    if (f.current && f.fields.at === day && f.dev === ctx.client.device)
      seen.add(f.fields.indicator);
  }
  return seen;
}

function toReport(ctx) {
  const dept = ctx.client.identity.department;
  const ids = ind
    .all()
    .filter((i) => i.collector === dept)
    .map((i) => i.id);
  // Indicators of the action plan for my department.
  for (const a of ctx.client.replica.listRecords('actions')) {
    const x = a.fields.indicator;
    if (
      !a.deleted &&
      x &&
      (a.fields.dept === dept || !a.fields.dept) &&
      !ids.includes(x) &&
      indicator(x)
    )
      ids.push(x);
  }
  return ids.length ? ids : ['van_km', 'waste_mixed_kg'];
}

async function editNote(ctx, task) {
  let f;
  const form = await formDialog({
    title: t('task.dialog.title'),
    ok: t('task.dialog.save'),
    cancel: t('task.dialog.cancel'),
    build: (frm) => {
      f = field({
        name: 'note',
        type: 'textarea',
        label: `${t('day.task.note')} : ${task.fields.title || task.id}`,
        value: task.fields.note || '',
        attrs: { maxlength: '2000' },
      });
      frm.append(f);
    },
  });
  if (!form) return;
  const note = f.input.value.trim();
  const w = task.winners.note;
  await ctx.client.makeOp('tasks', task.id, 'put', { note }, { note: w ? [w.op] : [] });
  announce(t('task.saved'));
}

// Ma journée's parts that other screens' modules draw (reminders, photo
// strips) are imported when a screen needs them, so the pairing screen, a
// new phone's first, does not fetch them (docs/pwa.md, "Loading").
export async function day(ctx) {
  if (!needDevice(ctx)) return null;
  const [{ reminders }, { strip, myActions }] = await Promise.all([
    import('./collect.js'),
    import('./photos.js'),
  ]);
  const due = await reminders(ctx);
  const id = ctx.client.identity;
  const tasks = myTasks(ctx);
  // Conflicts are rare: their module and the names load only then.
  const cf = tasks.some((x) => Object.keys(x.conflicts).length)
    ? await import('./conflict.js')
    : null;
  const who = cf ? await cf.people(ctx) : null;
  const done = recordedToday(ctx);
  const list = tasks.length
    ? h(
        'ul',
        { class: 'cards' },
        tasks.map((task) => {
          const cbId = `task-${task.id}`;
          // Only the person's own tasks show their conflicts.
          const conflict =
            task.fields.assignee === id.member_id ? Object.values(task.conflicts).flat() : [];
          // Crew may edit only the tasks assigned to them (sync/authz.h); the
          // department's unassigned tasks are shown read-only.
          const mine = task.fields.assignee === id.member_id;
          return h(
            'li',
            { class: 'card' },
            h(
              'div',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                id: cbId,
                checked: task.fields.done === true,
                disabled: !mine,
                onchange: async (e) => {
                  const w = task.winners.done;
                  await ctx.client.makeOp(
                    'tasks',
                    task.id,
                    'put',
                    { done: e.target.checked },
                    { done: w ? [w.op] : [] },
                  );
                  announce(t('task.saved'));
                },
              }),
              h('label', { for: cbId }, task.fields.title || task.id),
            ),
            task.fields.due && dueText(task.fields.due)
              ? h('p', { class: 'meta' }, dueText(task.fields.due))
              : null,
            task.fields.note ? h('p', { class: 'note' }, task.fields.note) : null,
            conflict.length && cf ? cf.crewNote(ctx, task, who) : null,
            mine
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary small',
                    id: `note-${task.id}`,
                    'aria-label': `${t('day.task.edit')} : ${task.fields.title || task.id}`,
                    onclick: () => editNote(ctx, task),
                  },
                  t('day.task.edit'),
                )
              : null,
            strip(ctx, 'tasks', task.id, String(task.fields.title || task.id)),
          );
        }),
      )
    : h('p', {}, t('day.tasks.none'));
  const report = h(
    'ul',
    { class: 'cards' },
    toReport(ctx).map((ind) =>
      h(
        'li',
        { class: 'card row' },
        h(
          'span',
          {},
          indName(ind),
          ' — ',
          h('strong', {}, done.has(ind) ? t('day.report.done') : t('day.report.todo')),
        ),
        h(
          'a',
          {
            class: 'button small',
            href: `#/saisie?i=${encodeURIComponent(ind)}`,
            'aria-label': `${t('day.report.go')} : ${indName(ind)}`,
          },
          t('day.report.go'),
        ),
      ),
    ),
  );
  // Checkpoints of the production from today on (collection "checkpoints").
  const cps = ctx.client.replica
    .listRecords('checkpoints')
    .filter((c) => !c.deleted && (!c.fields.date || String(c.fields.date) >= today()))
    .sort((a, b) => String(a.fields.date || '').localeCompare(String(b.fields.date || '')));
  return {
    title: t('day.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('day.title')),
      h('p', {}, t('day.hello', { name: id.member_name || '' }), ' — ', deptName(id.department)),
      due,
      h(
        'section',
        { 'aria-labelledby': 'h-tasks' },
        h('h2', { id: 'h-tasks' }, t('day.tasks')),
        list,
      ),
      cps.length
        ? h(
            'section',
            { 'aria-labelledby': 'h-cps' },
            h('h2', { id: 'h-cps' }, t('day.checkpoints')),
            h(
              'ul',
              { class: 'cards' },
              cps.map((c) =>
                h(
                  'li',
                  { class: 'card' },
                  h('p', { class: 'value' }, String(c.fields.title || c.id)),
                  c.fields.date ? h('p', { class: 'meta' }, String(c.fields.date)) : null,
                  strip(ctx, 'checkpoints', c.id, String(c.fields.title || c.id)),
                ),
              ),
            ),
          )
        : null,
      myActions(ctx),
      // The schedule's reminders replace the department's list once known.
      due
        ? null
        : h(
            'section',
            { 'aria-labelledby': 'h-report' },
            h('h2', { id: 'h-report' }, t('day.report')),
            report,
          ),
    ),
  };
}

// A refusal in the person's language when the phone knows its code.
function refusal(box) {
  return box.code ? codeText(box.code) : box.reason;
}

// ---- quick entry --------------------------------------------------------------
export async function entry(ctx, params) {
  if (!needDevice(ctx)) return null;
  const { guideFamily, phaseOf, phasesOn } = await import('./collect.js');
  const id = ctx.client.identity;
  const lang = getLang();
  const last = (await store.getMeta('lastValues')) || {};
  const corr = params.get('corrige')
    ? ctx.client.replica.fact('readings', params.get('corrige'))
    : null;
  const src = corr?.fields || {};
  let indId = src.indicator || params.get('i') || last._indicator || 'van_km';
  if (!indicator(indId)) indId = ind.all()[0].id;
  const prev = last[indId] || {};

  const indField = field({
    name: 'indicator',
    type: 'select',
    label: t('entry.indicator'),
    required: true,
    value: indId,
    options: ind.all().map((i) => [i.id, `${indName(i.id)} (${unitName(i.unit)})`]),
  });
  const value = field({
    name: 'value',
    label: t('entry.value'),
    required: true,
    hint: ' ',
    value: src.value ?? params.get('v') ?? prev.value ?? '',
    attrs: { inputmode: 'decimal', autocomplete: 'off' },
  });
  const hint = value.querySelector('.hint');
  const unitOut = h('span', { class: 'unit', 'aria-hidden': 'true' });
  value.input.after(unitOut);
  // The indicator's how-to guide (ui/collect.js), one tap away.
  const guideLink = h('a', { class: 'guide-link', 'data-testid': 'guide-link' }, t('guide.link'));
  hint.after(guideLink);
  // A vehicle is chosen from the office's fleet, never typed (docs/carbon.md
  // "One method per source").
  const fleet = ctx.client.replica
    .listRecords('fleet')
    .filter((r) => !r.deleted && !r.fields._deleted && r.fields.kind !== 'generator')
    .sort((a, b) => String(a.fields.name || a.id).localeCompare(String(b.fields.name || b.id)));
  const vehValue = src.vehicle ?? last._vehicle ?? '';
  const vehicle = fleet.length
    ? field({
        name: 'vehicle',
        type: 'select',
        label: t('entry.vehicle'),
        required: true,
        hint: t('fleet.hint'),
        value: vehValue,
        options: [
          ['', t('fleet.choose')],
          ...fleet.map((r, n) => [r.id, r.fields.name || t('fleet.unnamed', { n: n + 1 })]),
        ],
      })
    : field({
        name: 'vehicle',
        label: t('entry.vehicle'),
        required: true,
        hint: t('entry.vehicle.hint'),
        value: vehValue,
        attrs: { maxlength: '64', autocapitalize: 'none' },
      });
  const dept = field({
    name: 'dept',
    type: 'select',
    label: t('entry.dept'),
    required: true,
    value: src.dept || id.department,
    options: [...new Set([...DEPTS, id.department])].map((d) => [d, deptName(d)]),
  });
  // A past day may be chosen, within the days a reading may carry (the
  // server's schedule: preparation to post-production), never after today.
  const span = (await store.getMeta('collectMine', null)) || {};
  const lastDay = span.last_day && span.last_day < today() ? span.last_day : today();
  const at = field({
    name: 'at',
    type: 'date',
    label: t('entry.at'),
    required: true,
    hint: span.first_day
      ? t('entry.at.span', { from: date(span.first_day, 'day'), to: date(lastDay, 'day') })
      : undefined,
    value: src.at || (lastDay < today() ? lastDay : today()),
    attrs: { max: lastDay, min: span.first_day || undefined },
  });
  // docs/carbon.md "Phases"
  const cal = span.calendar;
  const phase = field({
    name: 'phase',
    type: 'select',
    label: t('entry.phase'),
    options: [],
  });
  const phaseOut = h('p', { class: 'hint', 'aria-live': 'polite' });
  at.append(phaseOut);
  let asked = false;
  const phaseSync = () => {
    const day = at.input.value;
    const on = cal ? phasesOn(cal, day) : [];
    const own = indicator(indField.input.value)?.category === 'postproduction';
    const derived = cal && phaseOf(cal, day, own ? 'post_production' : 'shooting');
    asked = on.length > 1;
    phase.hidden = !asked;
    if (asked) {
      const keep = [phase.input.value, src.phase, derived].find((p) => on.includes(p));
      phase.input.replaceChildren(...on.map((p) => h('option', { value: p }, t('phase.' + p))));
      phase.input.value = keep;
    }
    const shown = src.phase || derived;
    phaseOut.textContent =
      !asked && shown && day ? t('entry.phase.derived', { phase: t('phase.' + shown) }) : '';
  };
  const readingPhase = () => (asked ? phase.input.value : src.phase);
  at.input.addEventListener('change', phaseSync);
  // Odometer: start and end of the day, the difference is the value.
  const odoStart = field({
    name: 'odo-start',
    label: t('entry.odo.start'),
    value: src.odometer_start ?? '',
    attrs: { inputmode: 'decimal', autocomplete: 'off' },
  });
  const odoEnd = field({
    name: 'odo-end',
    label: t('entry.odo.end'),
    value: src.odometer_end ?? '',
    attrs: { inputmode: 'decimal', autocomplete: 'off' },
  });
  const odoOut = h('p', { class: 'odo-diff', role: 'status', 'data-testid': 'odo-diff' });
  const odo = h(
    'fieldset',
    { class: 'odometer' },
    h('legend', {}, t('entry.odo.legend')),
    h('p', { class: 'hint' }, t('entry.odo.hint')),
    odoStart,
    odoEnd,
    odoOut,
  );
  odo.setError = () => {};
  const odoRead = () => {
    const a = parseNumber(odoStart.input.value);
    const b = parseNumber(odoEnd.input.value);
    const filled = odoStart.input.value.trim() !== '' || odoEnd.input.value.trim() !== '';
    return { a, b, filled, ok: !Number.isNaN(a) && !Number.isNaN(b) && b >= a };
  };
  const odoSync = () => {
    const o = odoRead();
    if (o.ok) {
      value.input.value = String(Math.round((o.b - o.a) * 10) / 10).replace('.', ',');
      odoOut.textContent = t('entry.odo.diff', { km: num(o.b - o.a) });
    } else odoOut.textContent = '';
  };
  odoStart.input.addEventListener('input', odoSync);
  odoEnd.input.addEventListener('input', odoSync);
  const note = field({
    name: 'note',
    type: 'textarea',
    label: t('entry.note'),
    value: src.note || '',
    attrs: { maxlength: '2000' },
  });
  // Meals as the caterer counts them: a total and the diets it knows; the
  // rest is recorded as meals of unknown diet (average factor, uncertain).
  const DIETS = ['meals_vegan', 'meals_vegetarian', 'meals_chicken', 'meals_fish', 'meals_beef'];
  const mealTotal = field({
    name: 'meal-total',
    label: t('entry.meals.total'),
    attrs: { inputmode: 'numeric', autocomplete: 'off' },
  });
  const dietFields = DIETS.map((d) =>
    field({
      name: 'meal-' + d,
      label: indName(d),
      attrs: { inputmode: 'numeric', autocomplete: 'off' },
    }),
  );
  const mealOut = h('p', { role: 'status', 'data-testid': 'meal-rest' });
  const meals = h(
    'fieldset',
    { class: 'meals' },
    h('legend', {}, t('entry.meals.legend')),
    h('p', { class: 'hint' }, t('entry.meals.hint')),
    mealTotal,
    ...dietFields,
    mealOut,
  );
  meals.setError = () => {};
  const count = (w) => {
    const raw = w.input.value.trim();
    if (!raw) return 0;
    const n = parseNumber(raw);
    return Number.isInteger(n) && n >= 0 && n <= 2000 ? n : NaN;
  };
  const mealRead = () => {
    const total = mealTotal.input.value.trim() ? count(mealTotal) : NaN;
    const known = dietFields.map(count);
    const sum = known.reduce((a, b) => a + b, 0);
    return { total, known, sum, rest: total - sum };
  };
  const mealSync = () => {
    const m = mealRead();
    mealOut.textContent =
      Number.isFinite(m.rest) && m.rest >= 0 ? t('entry.meals.rest', { n: num(m.rest) }) : '';
  };
  for (const w of [mealTotal, ...dietFields]) w.input.addEventListener('input', mealSync);
  const isMeal = (i) => !corr && i.id.startsWith('meals_');
  const fields = [indField, odo, value, meals, vehicle, dept, at, phase, note];
  const isOdo = (i) => i.unit === 'km' && i.vehicle;

  // Unit, guide and last value of the chosen indicator, as the value's hint.
  const sync = () => {
    const i = indicator(indField.input.value);
    vehicle.hidden = !i.vehicle;
    odo.hidden = !isOdo(i);
    meals.hidden = !isMeal(i);
    unitOut.textContent = unitName(i.unit);
    phaseSync();
    const p = last[i.id];
    guideLink.href = `#/guide?i=${encodeURIComponent(i.id)}`;
    guideLink.hidden = !guideFamily(i.id);
    guideLink.setAttribute('aria-label', `${t('guide.link')} : ${indName(i.id)}`);
    hint.textContent = [
      `${t('entry.unit', { unit: unitName(i.unit) })}.`,
      ind.guide(i.id, lang),
      p ? t('entry.value.last', { value: num(p.value), unit: unitName(p.unit) }) : '',
    ]
      .filter(Boolean)
      .join(' ');
  };
  indField.input.addEventListener('change', () => {
    const p = last[indField.input.value];
    if (!corr) value.input.value = p ? p.value : '';
    sync();
  });
  sync();

  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit' }, t('entry.submit'));
  // One reading per diet counted, and one for the rest of unknown diet.
  const saveMeals = async () => {
    const m = mealRead();
    const errors = [];
    if (!Number.isInteger(m.total) || m.total < 1)
      errors.push([mealTotal, t('entry.meals.err.total')]);
    dietFields.forEach((w, k) => {
      if (Number.isNaN(m.known[k])) errors.push([w, t('entry.meals.err.count')]);
    });
    if (!errors.length && m.rest < 0)
      errors.push([mealTotal, t('entry.meals.err.sum', { n: num(m.sum) })]);
    if (!dept.input.value) errors.push([dept, t('entry.err.dept')]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(at.input.value) || at.input.value > lastDay)
      errors.push([at, t('entry.err.at')]);
    else if (span.first_day && at.input.value < span.first_day)
      errors.push([
        at,
        t('entry.err.at.span', { from: date(span.first_day, 'day'), to: date(lastDay, 'day') }),
      ]);
    showErrors(summary, [mealTotal, ...dietFields, ...fields], errors);
    if (errors.length) return;
    const parts = DIETS.map((d, k) => [d, m.known[k]]).filter(([, n]) => n > 0);
    if (m.rest > 0) parts.push(['meals_unknown', m.rest]);
    busy = true;
    button.disabled = true;
    try {
      for (const [d, n] of parts) {
        const f = {
          indicator: d,
          value: n,
          unit: 'meal',
          dept: dept.input.value,
          at: at.input.value,
        };
        if (readingPhase()) f.phase = readingPhase();
        if (note.input.value.trim()) f.note = note.input.value.trim();
        await ctx.client.makeOp('readings', 'r-' + uuidv7(), 'add', f);
      }
      last._indicator = indField.input.value;
      await store.setMeta('lastValues', last).catch(() => {});
      const text = t('entry.meals.saved', {
        total: num(m.total),
        parts: parts.map(([d, n]) => `${num(n)} ${indName(d).toLowerCase()}`).join(', '),
      });
      announce(text);
      receipt.replaceChildren(
        h('h2', {}, t('entry.receipt.title')),
        h('p', { class: 'value' }, `${text} — ${at.input.value}`),
        m.rest > 0 ? h('p', { class: 'hint' }, t('entry.meals.uncertain')) : null,
        h('p', { 'data-testid': 'receipt-state' }, t('entry.receipt.waiting')),
        h('a', { class: 'button secondary small', href: '#/entrees' }, t('entry.receipt.mine')),
      );
      receipt.hidden = false;
      const sent = () => {
        if (ctx.client.status.pending) return;
        const p = receipt.querySelector('[data-testid="receipt-state"]');
        if (p)
          p.textContent = t(
            ctx.client.status.rejected ? 'entry.receipt.refused' : 'entry.receipt.sent',
          );
        ctx.client.removeEventListener('status', sent);
      };
      ctx.client.addEventListener('status', sent);
      for (const w of [mealTotal, ...dietFields]) w.input.value = '';
      mealOut.textContent = '';
      note.input.value = '';
      mealTotal.input.focus();
    } catch (err) {
      const msg =
        err?.name === 'QuotaExceededError' ? t('entry.err.full') : String(err?.message || err);
      showErrors(summary, fields, [[mealTotal, msg]]);
    } finally {
      busy = false;
      button.disabled = false;
    }
  };
  const photoLink = h('p', { hidden: true }); // "add a photo" to the reading just saved
  const receipt = h('section', {
    class: 'card receipt',
    hidden: true,
    'aria-live': 'polite',
    'data-testid': 'receipt',
  });
  let busy = false;
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        if (busy) return; // a double tap records once
        const errors = [];
        const i = indicator(indField.input.value);
        const { min, max } = ind.bounds(i);
        const o = odoRead();
        if (isOdo(i) && o.filled && !o.ok)
          errors.push([
            Number.isNaN(o.a) ? odoStart : odoEnd,
            t(Number.isNaN(o.a) || Number.isNaN(o.b) ? 'entry.err.value' : 'entry.odo.err'),
          ]);
        // A meal total given: the service's meals by diet (else one diet's count).
        if (isMeal(i) && mealTotal.input.value.trim()) return saveMeals();
        const v = parseNumber(value.input.value);
        if (Number.isNaN(v)) errors.push([value, t('entry.err.value')]);
        else if (isOdo(i) && o.ok && Math.abs(v - (o.b - o.a)) > 0.05)
          errors.push([value, t('entry.odo.mismatch', { km: num(o.b - o.a) })]);
        else if (v < min || v > max)
          errors.push([
            value,
            t('entry.err.range', { min: num(min), max: num(max), unit: unitName(i.unit) }),
          ]);
        const veh = vehicle.input.value.trim();
        if (i.vehicle && (veh.length < 1 || veh.length > 64))
          errors.push([vehicle, t(fleet.length ? 'fleet.err' : 'entry.err.vehicle')]);
        if (!dept.input.value) errors.push([dept, t('entry.err.dept')]);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(at.input.value) || at.input.value > lastDay)
          errors.push([at, t('entry.err.at')]);
        else if (span.first_day && at.input.value < span.first_day)
          errors.push([
            at,
            t('entry.err.at.span', { from: date(span.first_day, 'day'), to: date(lastDay, 'day') }),
          ]);
        if (note.input.value.length > 2000) errors.push([note, t('entry.err.note')]);
        showErrors(summary, [odoStart, odoEnd, ...fields], errors);
        if (errors.length) return;
        busy = true;
        button.disabled = true;
        button.textContent = t('entry.busy');
        const f = {
          indicator: i.id,
          value: v,
          unit: i.unit,
          dept: dept.input.value,
          at: at.input.value,
        };
        if (i.vehicle) f.vehicle = veh;
        if (readingPhase()) f.phase = readingPhase();
        if (isOdo(i) && o.ok) {
          f.odometer_start = o.a;
          f.odometer_end = o.b;
        }
        if (note.input.value.trim()) f.note = note.input.value.trim();
        if (corr) f.supersedes = corr.id;
        try {
          const rid = 'r-' + uuidv7();
          const made = await ctx.client.makeOp('readings', rid, 'add', f);
          photoLink.replaceChildren(
            h(
              'a',
              { class: 'button secondary small', href: `#/photo?col=readings&id=${rid}` },
              t('photo.add.reading'),
            ),
          );
          photoLink.hidden = false;
          last[i.id] = { value: v, unit: i.unit };
          last._indicator = i.id;
          if (f.vehicle) last._vehicle = f.vehicle;
          await store.setMeta('lastValues', last).catch(() => {});
          announce(t('entry.saved', { what: savedWhat(ctx, f, i) }));
          if (corr) return ctx.go('entrees');
          // What was recorded, and that it waits for the network until a
          // sync sends it; corrected from "Mes saisies" in one tap.
          receipt.replaceChildren(
            h('h2', {}, t('entry.receipt.title')),
            h('p', { class: 'value' }, `${savedWhat(ctx, f, i)} — ${date(f.at, 'long')}`),
            h('p', { 'data-testid': 'receipt-state' }, t('entry.receipt.waiting')),
            h(
              'a',
              {
                class: 'button secondary small',
                href: `#/saisie?corrige=${encodeURIComponent(rid)}`,
              },
              t('entry.receipt.correct'),
            ),
          );
          receipt.hidden = false;
          const sent = () => {
            const box = ctx.client.status.outbox?.get(made.op);
            if (box?.status === 'pending') return;
            const p = receipt.querySelector('[data-testid="receipt-state"]');
            if (p) p.textContent = t(box ? 'entry.receipt.refused' : 'entry.receipt.sent');
            ctx.client.removeEventListener('status', sent);
          };
          ctx.client.addEventListener('status', sent);
          value.input.value = '';
          odoStart.input.value = '';
          odoEnd.input.value = '';
          odoOut.textContent = '';
          note.input.value = '';
          value.input.focus();
        } catch (err) {
          // Nothing typed is lost: the form keeps every value.
          const msg =
            err?.name === 'QuotaExceededError' ? t('entry.err.full') : String(err?.message || err);
          showErrors(summary, fields, [[value, msg]]);
        } finally {
          busy = false;
          button.disabled = false;
          button.textContent = t('entry.submit');
        }
      },
    },
    summary,
    h('p', { class: 'hint' }, t('entry.required')),
    ...fields,
    button,
    receipt,
    photoLink,
  );
  const title = corr ? t('entry.correct.title') : t('entry.title');
  return { title, view: h('div', {}, h('h1', { tabindex: '-1' }, title), form) };
}

// ---- my entries ---------------------------------------------------------------
export async function entries(ctx) {
  if (!needDevice(ctx)) return null;
  const { strip } = await import('./photos.js');
  const st = ctx.client.status;
  const facts = ctx.client.replica
    .listFacts('readings')
    .filter((f) => f.dev === ctx.client.device && f.fields.void !== true)
    .reverse();
  const byOp = new Map(ctx.client.replica.listFacts('readings').map((f) => [f.id, f]));
  // Other ops the server refused (e.g. a task edit): shown, with a way out.
  // (Refused photos are shown with the photo, in "Mes photos".)
  const all = [...(st.outbox?.values() || [])].filter(
    (x) => x.status === 'rejected' && x.body.col !== 'readings',
  );
  const refused = all.filter((x) => x.body.col !== 'attachments');
  const cf = refused.length ? await import('./conflict.js') : null;
  const photosRefused = all.length - refused.length;
  const refusedView =
    refused.length || photosRefused
      ? h(
          'div',
          {},
          refused.length
            ? h(
                'ul',
                { class: 'cards' },
                refused.map((x) =>
                  h(
                    'li',
                    { class: 'card' },
                    h('p', { class: 'value' }, refusedWhat(ctx, cf, x.body)),
                    h('p', { class: 'bad' }, t('entries.rejected', { reason: refusal(x) })),
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary small',
                        onclick: () => ctx.client.discard(x.op),
                      },
                      t('entries.discard'),
                    ),
                  ),
                ),
              )
            : null,
          photosRefused
            ? h(
                'p',
                { class: 'bad' },
                h('a', { href: '#/photos' }, t('photo.refused.see', { n: photosRefused })),
              )
            : null,
        )
      : null;
  if (!facts.length) {
    return {
      title: t('entries.title'),
      view: h(
        'div',
        {},
        h('h1', { tabindex: '-1' }, t('entries.title')),
        refusedView,
        h('p', {}, t('entries.none')),
      ),
    };
  }
  const items = facts.map((f) => {
    const box = st.outbox?.get(f.op);
    const voided = f.superseded_by.some((x) => byOp.get(x)?.fields.void === true);
    let state;
    if (box?.status === 'rejected')
      state = h('strong', { class: 'bad' }, t('entries.rejected', { reason: refusal(box) }));
    else if (box) state = t('entries.pending');
    else if (st.quarantined?.[f.op] !== undefined) state = t('entries.quarantined');
    else state = t('entries.sent');
    const label = `${savedWhatShort(f.fields)} — ${date(f.fields.at, 'long')}`;
    const actions = [];
    if (box?.status === 'rejected') {
      // Fix = a new entry prefilled with the refused values; the refused op goes.
      const again = new URLSearchParams({ i: f.fields.indicator, v: String(f.fields.value ?? '') });
      actions.push(
        h(
          'a',
          {
            class: 'button small',
            href: `#/saisie?${again}`,
            onclick: () => ctx.client.discard(f.op),
          },
          t('entries.correct'),
        ),
      );
      actions.push(
        h(
          'button',
          { type: 'button', class: 'secondary small', onclick: () => ctx.client.discard(f.op) },
          t('entries.discard'),
        ),
      );
    } else if (f.current) {
      actions.push(
        h(
          'a',
          {
            class: 'button small',
            href: `#/saisie?corrige=${encodeURIComponent(f.id)}`,
            'aria-label': `${t('entries.correct')} : ${label}`,
          },
          t('entries.correct'),
        ),
      );
      actions.push(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            'aria-label': `${t('entries.void')} : ${label}`,
            onclick: async () => {
              const ok = await confirmDialog({
                title: t('void.dialog.title'),
                text: label + '. ' + t('void.dialog.text'),
                ok: t('void.dialog.confirm'),
                cancel: t('void.dialog.cancel'),
              });
              if (!ok) return;
              // The protocol needs only void + supersedes; the server's authz also
              // checks the department, so the void repeats what it cancels.
              await ctx.client.makeOp('readings', 'r-' + uuidv7(), 'add', {
                void: true,
                supersedes: f.id,
                indicator: f.fields.indicator,
                dept: f.fields.dept,
                at: f.fields.at,
              });
              announce(t('void.done'));
            },
          },
          t('entries.void'),
        ),
      );
    }
    return h(
      'li',
      { class: 'card' + (f.current ? '' : ' old') },
      h('p', { class: 'value' }, label),
      h(
        'p',
        { class: 'meta' },
        f.fields.vehicle ? `${vehicleName(ctx, f.fields.vehicle)} · ` : '',
        deptName(f.fields.dept),
        ' · ',
        state,
        voided ? ` · ${t('void.done')}` : !f.current ? ` · ${t('entries.corrected')}` : '',
        f.fields.supersedes ? ` · ${t('entries.corrects')}` : '',
      ),
      f.fields.note ? h('p', { class: 'note' }, f.fields.note) : null,
      actions.length ? h('div', { class: 'actions' }, actions) : null,
      f.current && box?.status !== 'rejected' ? strip(ctx, 'readings', f.id, label) : null,
    );
  });
  return {
    title: t('entries.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('entries.title')),
      refusedView,
      h('ul', { class: 'cards', 'data-testid': 'entries' }, items),
    ),
  };
}

// ---- messages: signed by the production, verified on the phone ------------------
// The production's public key, pinned: fetched once while online, then kept.
async function productionKey(id) {
  let key = await store.getMeta('production_key');
  if (!key) {
    try {
      key = await request(
        id,
        'GET',
        `/api/v1/productions/${encodeURIComponent(id.production_id)}/key`,
      );
      await store.setMeta('production_key', key);
    } catch {
      return null; // offline before the first fetch: shown as "not checked yet"
    }
  }
  return key;
}

// Fills badge with the verdict on message m (shown text must be the signed text).
async function checkSignature(id, m, badge) {
  const set = (cls, text) => {
    badge.className = 'badge ' + cls;
    badge.textContent = text;
  };
  if (!m.fields.signed) return set('warn', t('messages.unsigned'));
  const key = await productionKey(id);
  if (!key) return set('wait', t('messages.unchecked'));
  const { verifyEnvelope } = await import('../verify.js');
  const res = await verifyEnvelope(m.fields.signed, key.public_key);
  const same =
    res.valid &&
    res.payload.title === m.fields.title &&
    res.payload.text === m.fields.text &&
    (res.payload.falc ?? null) === (m.fields.falc ?? null) &&
    // Both languages are signed: the English version shown must be the signed one.
    (res.payload.title_en ?? null) === (m.fields.title_en ?? null) &&
    (res.payload.text_en ?? null) === (m.fields.text_en ?? null) &&
    res.payload.production === id.production_id;
  if (same)
    set('ok', t('messages.verified', { when: dateTime(Date.parse(res.payload.issued_at)) }));
  else set('bad', t('messages.invalid'));
}

// The text as its author wrote it: a blank line starts a paragraph, a single
// line break stays a line break (a list of bins, an address). lang marks
// the text's language when it may differ from the screen's.
function paragraphs(text, lang) {
  return String(text)
    .split(/\n[ \t]*\n/)
    .filter((p) => p.trim() !== '')
    .map((p) =>
      h(
        'p',
        lang ? { lang } : {},
        p.split('\n').map((line, i) => (i ? [h('br'), line] : line)),
      ),
    );
}

// When and where a briefing or checkpoint takes place, as people say it:
// "mardi 1er décembre 2026, 08:30, 45 min — Barnum cantine", through the
// shared date format (i18n.js).
function meeting(m) {
  const f = m.fields;
  if (!f.starts_at && !f.location) return null;
  const parts = [];
  if (f.starts_at) {
    // starts_at is Paris wall-clock time without a zone ("2026-12-01T08:30").
    const [d, hm] = String(f.starts_at).split('T');
    parts.push(date(d, 'long') + (hm ? ', ' + hm.slice(0, 5) : ''));
    if (f.duration_min) parts.push(t('messages.duration', { min: num(Number(f.duration_min)) }));
  }
  return h(
    'p',
    { class: 'meeting', 'data-testid': 'meeting' },
    h('strong', {}, t('messages.when') + ' '),
    parts.join(', '),
    f.location ? [h('br'), h('strong', {}, t('messages.where') + ' '), String(f.location)] : null,
  );
}

// Messages, settings and the signature check load their modules on first
// use: Ma journée, the first screen of a new phone, does not need them
// (docs/pwa.md, "Loading").
export async function messages(ctx) {
  if (!needDevice(ctx)) return null;
  const [{ crewExtras, readerVersion }, { strip }, { effective }] = await Promise.all([
    import('./comms.js'),
    import('./photos.js'),
    import('./prefs.js'),
  ]);
  const id = ctx.client.identity;
  const list = ctx.client.replica
    .listRecords('communications')
    .filter((r) => !r.deleted && r.fields.signed);
  // The person's language (their preferences, synced), else the screen's.
  const lang = effective(ctx, id.member_id, { language: getLang() }).language;
  const items = list.map((m) => {
    const badge = h('p', { class: 'badge wait', role: 'status' }, t('messages.checking'));
    const v = readerVersion(m.fields, lang);
    checkSignature(id, m, badge);
    return h(
      'li',
      { class: 'card', 'data-testid': 'message' },
      h('h2', { class: 'h3', lang: v.lang }, v.title || m.id),
      badge,
      meeting(m),
      v.untranslated
        ? h('p', { class: 'hint', 'data-testid': 'untranslated' }, t('messages.untranslated'))
        : null,
      v.text ? paragraphs(v.text, v.lang) : null,
      m.fields.falc
        ? h('details', {}, h('summary', {}, t('messages.falc')), paragraphs(m.fields.falc))
        : null,
      crewExtras(ctx, m),
      strip(ctx, 'communications', m.id, String(m.fields.title || m.id)),
    );
  });
  return {
    title: t('messages.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('messages.title')),
      items.length ? h('ul', { class: 'cards' }, items) : h('p', {}, t('messages.none')),
    ),
  };
}

// ---- settings (both kinds) ---------------------------------------------------------
// "Photos only on Wi-Fi": offered where the browser tells the network
// (Network Information API); elsewhere nothing to choose, photos go on any
// network (docs/pwa.md, "Photos").
async function photoNetwork(ctx) {
  if (!networkInfo()) return null;
  const box = h('input', {
    type: 'checkbox',
    id: 'photos-wifi',
    'aria-describedby': 'photos-wifi-hint',
    checked: await wifiOnly(),
    onchange: async (e) => {
      await setWifiOnly(e.target.checked);
      announce(t(e.target.checked ? 'settings.photos.wifi.on' : 'settings.photos.wifi.off'));
      ctx.uploader?.kick();
    },
  });
  return h(
    'section',
    { 'aria-labelledby': 'h-photos-net' },
    h('h2', { id: 'h-photos-net' }, t('settings.photos')),
    h(
      'div',
      { class: 'check' },
      box,
      h('label', { for: 'photos-wifi' }, t('settings.photos.wifi')),
    ),
    h('p', { class: 'hint', id: 'photos-wifi-hint' }, t('settings.photos.wifi.hint')),
  );
}

export async function settings(ctx) {
  const id = ctx.client.identity;
  if (!id) return ctx.go('');
  const { prefsForm } = await import('./prefs.js');
  const view = h(
    'div',
    {},
    h('h1', { tabindex: '-1' }, t('settings.title')),
    h(
      'p',
      {},
      id.kind === 'device'
        ? t('settings.device', { name: id.name || t('dash.device.unnamed') })
        : t('settings.office', { name: id.name || id.email || '' }),
    ),
    id.kind === 'device' ? h('p', {}, `${id.member_name} — ${deptName(id.department)}`) : null,
    h('p', {}, t('sync.last', { when: dateTime(ctx.client.status.lastSync) })),
    id.kind === 'device'
      ? h(
          'section',
          { 'aria-labelledby': 'h-prefs' },
          h('h2', { id: 'h-prefs' }, t('prefs.title.self')),
          prefsForm(ctx, {
            member: id.member_id,
            name: id.member_name,
            by: 'self',
            save: () => ctx.client.sync('prefs'),
          }),
        )
      : null,
    h(
      'section',
      { 'aria-labelledby': 'h-install' },
      h('h2', { id: 'h-install' }, t('settings.install')),
      ctx.installPrompt
        ? h('button', { type: 'button', onclick: () => ctx.install() }, t('settings.install'))
        : null,
      h('p', { class: 'hint' }, t('settings.install.ios')),
    ),
    await photoNetwork(ctx),
    h(
      'section',
      { 'aria-labelledby': 'h-forget' },
      h('h2', { id: 'h-forget' }, t('settings.forget')),
      h('p', {}, t('settings.forget.text')),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            const ok = await confirmDialog({
              title: t('settings.forget') + ' ?',
              text: t('settings.forget.text'),
              ok: t('settings.forget'),
              cancel: t('close'),
            });
            if (!ok) return;
            if (id.kind === 'office')
              await request(id, 'POST', '/api/v1/auth/logout', { body: {} }).catch(() => {});
            await store.wipe();
            location.hash = '#/';
            location.reload();
          },
        },
        t('settings.forget'),
      ),
    ),
  );
  return { title: t('settings.title'), view };
}
