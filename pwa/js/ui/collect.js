// collect.js - the collection schedule (C7, sync/collect.h): the office's
// view of what is missing and its schedule editor (#/collecte), the crew's
// reminders on "my day" (offline, from the copy fetched at the last
// connection and the readings on the phone), and the short how-to guide of
// each indicator (#/guide?i=...). Missing is shown as missing, never as zero.
import {
  t,
  tn,
  unitName,
  num,
  getLang,
  errorText,
  date,
  dateTime,
  share,
  h,
  announce,
  field,
} from '../i18n.js';
import * as ind from '../indicators.js';
import * as store from '../store.js';
import { request, NetworkError } from '../store.js';
import { DEPTS, today } from '../indicators.js';

const FREQS = ['daily', 'weekly', 'monthly', 'once', 'none'];
const deptName = (d) => (t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d);
const indName = (id) => ind.name(id, getLang());
const prodPath = (id) => `/api/v1/productions/${encodeURIComponent(id.production_id)}`;

// ---- periods, as sync/domain/collect.c computes them ------------------------------
// One rule on both sides (collect_item_periods): an indicator reports in its
// phase (shooting days, or Monday to Friday of post-production), and a
// period holding none of its reporting days is no period. The shared cases
// are tests/vectors/collect/periods.json, run by test_collect and node.
const DAY = 86400000;
const dnum = (iso) =>
  Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY);
const diso = (n) => new Date(n * DAY).toISOString().slice(0, 10);
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const weekday = (n) => ((n % 7) + 7 + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
const dated = (r) => !!r && ISO.test(r.from || '') && ISO.test(r.to || '') && r.to >= r.from;

// [first, last] day numbers of the phase the indicator reports in, or null.
function phaseRange(cal, phase) {
  const r =
    phase === 'post_production' && dated(cal?.post_production)
      ? cal.post_production
      : cal?.shooting;
  return dated(r) ? [dnum(r.from), dnum(r.to)] : null;
}

// Whether an indicator of this phase reports on day number n.
export function reportingDay(cal, phase, n) {
  if (phase === 'post_production' && dated(cal?.post_production)) {
    const w = weekday(n);
    return (
      n >= dnum(cal.post_production.from) && n <= dnum(cal.post_production.to) && w >= 1 && w <= 5
    );
  }
  if (!dated(cal?.shooting)) return false;
  return (
    n >= dnum(cal.shooting.from) &&
    n <= dnum(cal.shooting.to) &&
    !(cal.days_off || []).includes(diso(n))
  );
}

// The block of frequency freq over [s, e] that holds day d (day numbers).
function blockOf(freq, s, e, d) {
  let from = d,
    to = d;
  if (freq === 'weekly') {
    from = s + Math.floor((d - s) / 7) * 7;
    to = from + 6;
  } else if (freq === 'monthly') {
    const x = new Date(d * DAY);
    from = Math.max(s, Math.floor(Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1) / DAY));
    to = Math.floor(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 0) / DAY);
  } else if (freq === 'once') {
    from = s;
    to = e;
  }
  return [from, Math.min(to, e)];
}

function reports(cal, phase, from, to) {
  for (let n = from; n <= to; n++) if (reportingDay(cal, phase, n)) return true;
  return false;
}

// The periods begun by until ([{from, to}] ISO), as collect_item_periods.
export function periods(freq, phase, cal, until) {
  const r = phaseRange(cal, phase);
  if (!r || freq === 'none' || !FREQS.includes(freq) || !ISO.test(until || '')) return [];
  const last = Math.min(dnum(until), r[1]);
  const out = [];
  for (let d = r[0]; d <= last;) {
    const [from, to] = blockOf(freq, r[0], r[1], d);
    if (reports(cal, phase, from, to)) out.push({ from: diso(from), to: diso(to) });
    d = to + 1;
  }
  return out;
}

// The period holding day (ISO) in which the indicator reports; null outside
// its phase, for "none", or when the period holds none of its reporting days.
export function periodOf(freq, phase, cal, day) {
  const r = phaseRange(cal, phase);
  if (!r || freq === 'none' || !FREQS.includes(freq) || !ISO.test(day || '')) return null;
  const d = dnum(day);
  if (d < r[0] || d > r[1]) return null;
  const [from, to] = blockOf(freq, r[0], r[1], d);
  return reports(cal, phase, from, to) ? { from: diso(from), to: diso(to) } : null;
}

// production_phase_of, same vectors (tests/vectors/phase/).
export function phasesOn(cal, day) {
  const d = ISO.test(day || '') && dnum(day);
  return ['preparation', 'shooting', 'post_production'].filter(
    (p) => d && dated(cal?.[p]) && d >= dnum(cal[p].from) && d <= dnum(cal[p].to),
  );
}

export function phaseOf(cal, day, own) {
  const on = phasesOn(cal, day);
  const s = cal?.shooting;
  const out = dated(s) && ISO.test(day || '') && (day < s.from ? 'preparation' : 'post_production');
  return [own, 'shooting', 'preparation'].find((p) => on.includes(p)) || on[0] || out || own;
}

// The calendar of a schedule copy (an older server's has none: the shoot).
export function calendarOf(data) {
  return (
    data?.calendar || {
      preparation: null,
      shooting: { from: data?.starts_on, to: data?.ends_on },
      post_production: null,
      days_off: [],
    }
  );
}

// Readings on this phone (sent or not) covering [from, to] for (indicator, dept);
// a line set with its group ("meals") is covered by any indicator of the group,
// as on the server.
function coveredLocally(ctx, item, p) {
  const ids = item.group_indicators || [item.indicator];
  return ctx.client.replica
    .listFacts('readings')
    .some(
      (f) =>
        f.current &&
        f.fields.void !== true &&
        ids.includes(f.fields.indicator) &&
        f.fields.dept === item.dept &&
        String(f.fields.at || '').slice(0, 10) >= p.from &&
        String(f.fields.at || '').slice(0, 10) <= p.to,
    );
}

// Lines scheduled as a group ("meals": every meal count, whatever the diet)
// share their periods and readings: they make one line, as on the
// dashboard (plan_dysfunctions: one entry per group and department). The
// first line of a group stands for it, with "indicators" listing them all.
export function byGroup(items) {
  const out = [];
  const seen = new Map();
  for (const x of items) {
    const key = x.group ? `${x.group}\u0000${x.dept}` : null;
    const line = key && seen.get(key);
    if (line) {
      line.indicators.push(x.indicator);
      continue;
    }
    const first = { ...x, indicators: [x.indicator] };
    if (key) seen.set(key, first);
    out.push(first);
  }
  return out;
}

const groupName = (g) =>
  t('collect.group.' + g) !== 'collect.group.' + g ? t('collect.group.' + g) : g;

// What a person reads for a line: the group's name, else the indicator's.
const lineName = (x) => (x.group ? groupName(x.group) : indName(x.indicator));

function periodText(freq, p) {
  if (!p) return '';
  if (freq === 'daily')
    return p.from === today()
      ? t('collect.period.today')
      : t('collect.period.day', { date: date(p.from, 'long') });
  return t('collect.period.range', { from: date(p.from, 'dm'), to: date(p.to, 'dm') });
}

// ---- crew: reminders on "my day" -------------------------------------------------
// The person's schedule, kept for offline days. The kept copy shows at once
// (a slow network never holds "my day" back); a fresh one is fetched at most
// once a minute and redraws my day if it changed. The first time, we wait.
let lastFetch = 0;
let inFlight = null;
async function mine(ctx) {
  const id = ctx.client.identity;
  const kept = await store.getMeta('collectMine', null);
  // Throttled only after a fetch that worked: a first attempt that failed
  // (not yet paired, a timeout on a bad link) is retried at the next render.
  if (!navigator.onLine || Date.now() - lastFetch < 60000) return kept;
  if (!inFlight) {
    inFlight = request(id, 'GET', `${prodPath(id)}/collect/mine`, {
      query: { today: today() },
      timeoutMs: 8000,
    })
      .then(async (res) => {
        await store.setMeta('collectMine', res);
        lastFetch = Date.now();
        return res;
      })
      .catch(() => null) // offline after all, or an older server: keep the copy
      .finally(() => {
        inFlight = null;
      });
  }
  const fresh = inFlight;
  if (!kept) return (await fresh) || null;
  fresh.then((res) => {
    // Only my day is redrawn: another screen may hold a form being typed.
    if (res && JSON.stringify(res) !== JSON.stringify(kept) && location.hash.startsWith('#/jour'))
      ctx.rerender();
  });
  return kept;
}

// What the person has to record: [{item, period, overdue:[periods]}], due first.
export async function dueItems(ctx) {
  const data = await mine(ctx);
  if (!data?.items) return null;
  const day = today();
  const out = [];
  for (const item of byGroup(data.items)) {
    if (item.frequency === 'none') continue;
    const overdue = (item.missing || []).filter((p) => !coveredLocally(ctx, item, p));
    // A period that was current at the last connection and has ended since.
    if (item.due && item.due.to < day && !item.due.done && !coveredLocally(ctx, item, item.due))
      overdue.push({ from: item.due.from, to: item.due.to });
    const p = periodOf(item.frequency, item.phase, calendarOf(data), day);
    const current = p && !coveredLocally(ctx, item, p) ? p : null;
    if (current || overdue.length) out.push({ item, current, overdue });
  }
  return out;
}

async function notify(text) {
  // Optional: only when the person allowed it, once a day.
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  if ((await store.getMeta('notifiedOn')) === today()) return;
  await store.setMeta('notifiedOn', today());
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    if (reg) await reg.showNotification(t('app.name'), { body: text, tag: 'ecoplateau-due' });
    else new Notification(t('app.name'), { body: text });
  } catch {
    /* notifications are a bonus, never required */
  }
}

// The "to record" section of my day, or null before the schedule was
// ever fetched (my day then keeps its department list).
export async function reminders(ctx) {
  const list = await dueItems(ctx);
  if (list === null) return null;
  const nDue = list.filter((x) => x.current).length;
  const nLate = list.reduce((a, x) => a + x.overdue.length, 0);
  const summary =
    nDue || nLate
      ? t('collect.due.summary', { due: tn('count.readings', nDue), late: num(nLate) })
      : t('collect.due.none');
  if (nDue || nLate) notify(summary);
  const items = list.map(({ item, current, overdue }) =>
    h(
      'li',
      { class: 'card', 'data-testid': 'due-item' },
      h('p', { class: 'value' }, lineName(item)),
      current
        ? h('p', {}, t('collect.due.current', { when: periodText(item.frequency, current) }))
        : null,
      overdue.length
        ? h(
            'p',
            { class: 'bad' },
            t('collect.due.late', {
              n: overdue.length,
              list: overdue
                .slice(0, 3)
                .map((p) => periodText(item.frequency, p))
                .join(' ; '),
            }),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          {
            class: 'button small',
            href: `#/saisie?i=${encodeURIComponent(item.indicator)}`,
            'aria-label': `${t('day.report.go')} : ${lineName(item)}`,
          },
          t('day.report.go'),
        ),
        h(
          'a',
          {
            class: 'button secondary small',
            href: `#/guide?i=${encodeURIComponent(item.indicator)}`,
            'aria-label': `${t('guide.link')} : ${lineName(item)}`,
          },
          t('guide.link'),
        ),
      ),
    ),
  );
  let notifyButton = null;
  if ('Notification' in window && Notification.permission === 'default') {
    notifyButton = h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        onclick: async () => {
          const res = await Notification.requestPermission().catch(() => 'denied');
          announce(res === 'granted' ? t('collect.notify.on') : t('collect.notify.off'));
          if (res === 'granted') await notify(summary);
          notifyButton.hidden = true;
        },
      },
      t('collect.notify.ask'),
    );
  }
  return h(
    'section',
    { 'aria-labelledby': 'h-due' },
    h('h2', { id: 'h-due' }, t('collect.due.title')),
    h(
      'p',
      { class: nLate ? 'reminder late' : 'reminder', role: 'status', 'data-testid': 'reminder' },
      summary,
    ),
    items.length ? h('ul', { class: 'cards' }, items) : null,
    notifyButton,
  );
}

// ---- guides ------------------------------------------------------------------
// Each indicator's guide family; the texts are in the i18n catalogues.
const FAMILY = {
  van_km: 'odometer',
  car_diesel_km: 'odometer',
  car_petrol_km: 'odometer',
  car_electric_km: 'odometer',
  van_diesel_l: 'fuel',
  van_petrol_l: 'fuel',
  generator_l: 'genfuel',
  generator_hours: 'hours',
  grid_kwh: 'meter',
  meals_vegan: 'meals',
  meals_vegetarian: 'meals',
  meals_chicken: 'meals',
  meals_fish: 'meals',
  meals_beef: 'meals',
  meals_unknown: 'meals',
  train_tgv_pkm: 'tickets',
  train_ter_pkm: 'tickets',
  plane_short_pkm: 'tickets',
  hotel_nights: 'hotel',
  waste_residual_kg: 'bins',
  waste_mixed_kg: 'slip',
  waste_wood_kg: 'slip',
  paper_kg: 'purchases',
  furniture_new_kg: 'purchases',
  storage_tb_year: 'storage',
};

export function guideFamily(id) {
  return FAMILY[id] || null;
}

export function guide(ctx, params) {
  const i = ind.indicator(params.get('i') || '') || ind.all()[0];
  const fam = guideFamily(i.id);
  const back =
    ctx.client.identity?.kind === 'device'
      ? h(
          'p',
          {},
          h(
            'a',
            { class: 'button', href: `#/saisie?i=${encodeURIComponent(i.id)}` },
            t('guide.record'),
          ),
        )
      : null;
  const title = t('guide.title', { name: indName(i.id) });
  return {
    title,
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, title),
      h('p', {}, t('entry.unit', { unit: unitName(i.unit) }), '. ', ind.guide(i.id, getLang())),
      fam
        ? [
            h('h2', {}, t('guide.where')),
            h('p', { 'data-testid': 'guide-where' }, t(`guide.${fam}.where`)),
            h('h2', {}, t('guide.how')),
            h('p', {}, t(`guide.${fam}.how`)),
            h('h2', {}, t('guide.tip')),
            h('p', {}, t(`guide.${fam}.tip`)),
          ]
        : null,
      back,
    ),
  };
}

// ---- office: what is missing, and the schedule ----------------------------------
async function save(ctx, indicator, body) {
  const id = ctx.client.identity;
  try {
    if (body)
      await request(id, 'PUT', `${prodPath(id)}/schedule/${encodeURIComponent(indicator)}`, {
        body,
      });
    else await request(id, 'DELETE', `${prodPath(id)}/schedule/${encodeURIComponent(indicator)}`);
    announce(t('collect.saved', { name: indName(indicator) }));
    ctx.rerender();
  } catch (e) {
    announce(e instanceof NetworkError ? t('collect.offline') : errorText(e));
  }
}

// A group ("meals": every meal count, whatever the diet) in one step.
async function saveGroup(ctx, group, body) {
  const id = ctx.client.identity;
  try {
    await request(id, 'PUT', `${prodPath(id)}/schedule-groups/${encodeURIComponent(group)}`, {
      body,
    });
    announce(t('collect.saved', { name: groupName(group) }));
    ctx.rerender();
  } catch (e) {
    announce(e instanceof NetworkError ? t('collect.offline') : errorText(e));
  }
}

// One line of the schedule's history: who changed what, and when.
function historyLine(e) {
  const what = e.group ? `${indName(e.indicator)} (${groupName(e.group)})` : indName(e.indicator);
  const by = e.by_name || t('collect.history.someone');
  return e.action === 'reset'
    ? t('collect.history.reset', { when: dateTime(e.at), by, what })
    : t('collect.history.set', {
        when: dateTime(e.at),
        by,
        what,
        freq: t('freq.' + e.frequency),
        who: e.member_name ? `${e.member_name} (${deptName(e.dept)})` : deptName(e.dept),
      });
}

function who(item) {
  return item.member_name ? `${item.member_name} (${deptName(item.dept)})` : deptName(item.dept);
}

function select(label, value, options) {
  return h(
    'select',
    { 'aria-label': label },
    options.map(([v, l]) => h('option', { value: v, selected: v === value || undefined }, l)),
  );
}

export async function office(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'jour' : 'connexion');
    return null;
  }
  const title = t('collect.title');
  let data = null;
  let members = [];
  let sched = null;
  try {
    data = await request(id, 'GET', `${prodPath(id)}/collect/missing`, {
      query: { today: today() },
    });
    members =
      (await request(id, 'GET', `${prodPath(id)}/members`).catch(() => ({ members: [] })))
        .members || [];
    // The groups settable in one step and the edits' history (an older
    // server has neither: the page works without them).
    sched = await request(id, 'GET', `${prodPath(id)}/schedule`).catch(() => null);
  } catch (e) {
    return {
      title,
      view: h(
        'div',
        {},
        h('h1', { tabindex: '-1' }, title),
        h('p', { class: 'bad' }, e instanceof NetworkError ? t('collect.offline') : errorText(e)),
      ),
    };
  }
  const c = data.completeness || {};
  const completeness = h(
    'p',
    { 'data-testid': 'completeness' },
    c.expected
      ? t('collect.completeness', {
          expected: tn('collect.expected', c.expected),
          reported: tn('collect.received', c.reported),
          missing: tn('count.missing', c.missing),
          pct: share(c.ratio || 0),
        })
      : t('collect.completeness.none'),
  );
  const lacking = byGroup(data.items).filter((x) => x.missing.length);
  const missingView = lacking.length
    ? h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-missing' },
        h(
          'table',
          { 'data-testid': 'missing' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('dash.indicator'),
                t('collect.who'),
                t('collect.frequency'),
                t('collect.missing.periods'),
                t('collect.current'),
              ].map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
          h(
            'tbody',
            {},
            lacking.map((x) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, lineName(x)),
                h('td', {}, who(x)),
                h('td', {}, t('freq.' + x.frequency)),
                h(
                  'td',
                  {},
                  h('strong', { class: 'bad' }, tn('collect.missing.n', x.missing.length)),
                  ' — ',
                  x.missing
                    .slice(0, 6)
                    .map((p) => periodText(x.frequency, p))
                    .join(' ; '),
                  x.missing.length > 6
                    ? ` ${tn('collect.missing.more', x.missing.length - 6)}`
                    : '',
                ),
                h(
                  'td',
                  {},
                  x.due
                    ? x.due.done
                      ? t('collect.current.done')
                      : t('collect.current.todo')
                    : '—',
                ),
              ),
            ),
          ),
        ),
      )
    : h('p', {}, t('collect.missing.none'));

  const memberOpts = [
    ['', t('collect.anyone')],
    ...members
      .filter((m) => !m.removed_at)
      .map((m) => [m.id, `${m.name} (${deptName(m.department)})`]),
  ];
  const rows = data.items.map((x) => {
    const name = indName(x.indicator);
    const freq = select(
      `${t('collect.frequency')} : ${name}`,
      x.frequency,
      FREQS.map((f) => [f, t('freq.' + f)]),
    );
    const dept = select(
      `${t('dash.dept')} : ${name}`,
      x.dept,
      [...new Set([...DEPTS, x.dept])].map((d) => [d, deptName(d)]),
    );
    const member = select(`${t('collect.who')} : ${name}`, x.member_id || '', memberOpts);
    // A named person records for their own department (the server insists).
    member.addEventListener('change', () => {
      const m = members.find((y) => y.id === member.value);
      if (!m) return;
      if (![...dept.options].some((o) => o.value === m.department))
        dept.append(h('option', { value: m.department }, deptName(m.department)));
      dept.value = m.department;
    });
    return h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row' },
        name,
        x.source === 'office'
          ? h('span', { class: 'meta' }, ` (${t('collect.source.office')})`)
          : null,
      ),
      h('td', {}, freq),
      h('td', {}, dept),
      h('td', {}, member),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `${t('collect.save')} : ${name}`,
              onclick: () =>
                save(ctx, x.indicator, {
                  frequency: freq.value,
                  dept: dept.value,
                  member_id: member.value || null,
                }),
            },
            t('collect.save'),
          ),
          x.source === 'office'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  'aria-label': `${t('collect.reset')} : ${name}`,
                  onclick: () => save(ctx, x.indicator, null),
                },
                t('collect.reset'),
              )
            : null,
        ),
      ),
    );
  });
  const groups = sched?.groups || [];
  let groupForm = null;
  if (groups.length) {
    // Labelled fields (not the table's aria-labels): a form of its own.
    const sel = (name, label, value, options) =>
      field({ name, type: 'select', label, value, options });
    const gSel = sel(
      'group',
      t('collect.group.label'),
      groups[0].id,
      groups.map((g) => [g.id, `${groupName(g.id)} (${num(g.indicators.length)})`]),
    );
    const gFreq = sel(
      'group-frequency',
      t('collect.group.frequency'),
      'daily',
      FREQS.map((f) => [f, t('freq.' + f)]),
    );
    const gDept = sel(
      'group-dept',
      t('collect.group.dept'),
      'catering',
      DEPTS.map((d) => [d, deptName(d)]),
    );
    const gMember = sel('group-member', t('collect.group.who'), '', memberOpts);
    gMember.input.addEventListener('change', () => {
      const m = members.find((y) => y.id === gMember.input.value);
      if (!m) return;
      if (![...gDept.input.options].some((o) => o.value === m.department))
        gDept.input.append(h('option', { value: m.department }, deptName(m.department)));
      gDept.input.value = m.department;
    });
    groupForm = h(
      'section',
      { 'aria-labelledby': 'h-group' },
      h('h2', { id: 'h-group' }, t('collect.group.title')),
      h('p', { class: 'hint' }, t('collect.group.hint')),
      h(
        'div',
        { class: 'group-form', 'data-testid': 'group-form' },
        gSel,
        gFreq,
        gDept,
        gMember,
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () =>
              saveGroup(ctx, gSel.input.value, {
                frequency: gFreq.input.value,
                dept: gDept.input.value,
                member_id: gMember.input.value || null,
              }),
          },
          t('collect.group.save'),
        ),
      ),
    );
  }
  const history = sched?.history || [];
  const historyView = sched
    ? h(
        'section',
        { 'aria-labelledby': 'h-sched-history' },
        h('h2', { id: 'h-sched-history' }, t('collect.history.title')),
        history.length
          ? h(
              'ul',
              { 'data-testid': 'schedule-history' },
              history.slice(0, 30).map((e) => h('li', {}, historyLine(e))),
            )
          : h('p', {}, t('collect.history.none')),
      )
    : null;
  const scheduled = new Set(data.items.map((x) => x.indicator));
  const others = ind.all().filter((i) => !scheduled.has(i.id));
  const addSel = select(
    t('collect.add.label'),
    '',
    others.map((i) => [i.id, indName(i.id)]),
  );
  const add = others.length
    ? h(
        'div',
        { class: 'row' },
        addSel,
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () => {
              const i = ind.indicator(addSel.value);
              if (i)
                save(ctx, i.id, {
                  frequency: 'weekly',
                  dept: i.collector || 'production',
                  member_id: null,
                });
            },
          },
          t('collect.add'),
        ),
      )
    : null;

  return {
    title,
    view: h(
      'div',
      { class: 'wide' },
      h('h1', { tabindex: '-1' }, title),
      h(
        'p',
        {},
        t('collect.intro', { from: date(data.starts_on, 'day'), to: date(data.ends_on, 'day') }),
      ),
      completeness,
      h(
        'section',
        { 'aria-labelledby': 'h-missing' },
        h('h2', { id: 'h-missing' }, t('collect.missing.title')),
        missingView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-schedule' },
        h('h2', { id: 'h-schedule' }, t('collect.schedule.title')),
        h('p', { class: 'hint' }, t('collect.schedule.hint')),
        h(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-schedule' },
          h(
            'table',
            { class: 'schedule', 'data-testid': 'schedule' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  t('dash.indicator'),
                  t('collect.frequency'),
                  t('dash.dept'),
                  t('collect.who'),
                  t('collect.actions'),
                ].map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h('tbody', {}, rows),
          ),
        ),
        add,
      ),
      groupForm,
      historyView,
    ),
  };
}
