// office.js - production office screens (laptop first, work on phones too):
// home with the feature areas, dashboard (totals, devices, conflicts,
// quarantine), Téléphones. The sign-in is in signin.js.
import {
  t,
  tn,
  unitName,
  num,
  dateTime,
  getLang,
  errorText,
  date,
  percent,
  share,
  h,
  field,
  showErrors,
  announce,
  infoDialog,
  confirmDialog,
} from '../i18n.js';
import * as ind from '../indicators.js';
import * as store from '../store.js';
import { request, ApiError, NetworkError, officeIdentity } from '../store.js';

const deptName = (d) => (t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d);
const indName = (id) => ind.name(id, getLang());
// An action's target: a share when baseline and target are both in ]0, 1].
const targetText = (a) =>
  a.target > 0 && a.target <= 1 && a.baseline > 0 && a.baseline <= 1
    ? t('dash.share', { pct: share(a.target) })
    : num(a.target);

function needOffice(ctx) {
  if (ctx.client.identity?.kind !== 'office') {
    ctx.go(ctx.client.identity?.kind === 'device' ? 'jour' : 'connexion');
    return false;
  }
  return true;
}

// An account with no production yet (a company administrator right after
// setup) signs in too: it lands on the productions screen.
function identityFrom(me) {
  return officeIdentity(me, null);
}

const AREAS = ['diagnostic', 'directory', 'plan', 'communications', 'carbon', 'evaluation'];
// Areas whose screen exists: their tile links to it.
const AREA_ROUTES = {
  diagnostic: 'diagnostic',
  directory: 'annuaire',
  plan: 'plan',
  communications: 'communications',
  carbon: 'bilan',
  evaluation: 'evaluation',
};

export function home(ctx) {
  if (!needOffice(ctx)) return null;
  const id = ctx.client.identity;
  if (!id.production_id) return ctx.go('productions');
  return {
    title: t('office.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('office.title')),
      h('p', {}, t('office.production', { title: id.title || id.production_id }), ' — ', id.name),
      h(
        'ul',
        { class: 'tiles' },
        h(
          'li',
          {},
          h(
            'a',
            { class: 'tile', href: '#/tableau' },
            h('span', { class: 'tile-title' }, t('office.dashboard')),
            h('span', {}, t('office.dashboard.text')),
          ),
        ),
        h(
          'li',
          {},
          h(
            'a',
            { class: 'tile', href: '#/telephones' },
            h('span', { class: 'tile-title' }, t('phones.title')),
            h('span', {}, t('phones.text')),
          ),
        ),
        AREAS.map((a) =>
          h(
            'li',
            {},
            AREA_ROUTES[a]
              ? h(
                  'a',
                  { class: 'tile', href: '#/' + AREA_ROUTES[a] },
                  h('span', { class: 'tile-title' }, t('area.' + a)),
                  h('span', {}, t('area.' + a + '.text')),
                )
              : h(
                  'div',
                  { class: 'tile soon' },
                  h('span', { class: 'tile-title' }, t('area.' + a)),
                  h('span', { class: 'badge' }, t('office.soon')),
                ),
          ),
        ),
      ),
      h(
        'p',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async () => {
              await request(id, 'POST', '/api/v1/auth/logout', { body: {} }).catch(() => {});
              await store.wipe();
              location.hash = '#/';
              location.reload();
            },
          },
          t('office.logout'),
        ),
      ),
    ),
  };
}

function totals(ctx) {
  const rows = new Map();
  let multi = 0;
  for (const f of ctx.client.replica.listFacts('readings')) {
    if (f.superseded_by.length > 1) multi++;
    if (!f.current || typeof f.fields.value !== 'number') continue;
    const key = `${f.fields.indicator}\u0000${f.fields.dept}`;
    const r = rows.get(key) || {
      indicator: f.fields.indicator,
      dept: f.fields.dept,
      unit: f.fields.unit || '',
      total: 0,
      count: 0,
    };
    r.total += f.fields.value;
    r.count++;
    rows.set(key, r);
  }
  const targets = new Map();
  for (const a of ctx.client.replica.listRecords('actions')) {
    if (!a.deleted && a.fields.indicator && typeof a.fields.target === 'number')
      targets.set(a.fields.indicator, a.fields);
  }
  return {
    rows: [...rows.values()].sort((a, b) => (a.indicator + a.dept < b.indicator + b.dept ? -1 : 1)),
    multi,
    targets,
  };
}

async function resolve(ctx, c, value) {
  const id = ctx.client.identity;
  try {
    await request(id, 'POST', '/api/v1/sync/resolve', {
      body: { col: c.col, id: c.id, field: c.field, value },
    });
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    // Offline: the same thing locally, a version whose base lists every leaf.
    const rec = ctx.client.replica.record(c.col, c.id);
    await ctx.client.makeOp(
      c.col,
      c.id,
      'put',
      { [c.field]: value },
      { [c.field]: rec.heads[c.field] },
    );
  }
  await ctx.client.sync('resolve');
  announce(t('dash.resolved'));
  ctx.rerender();
}

export async function dashboard(ctx) {
  if (!needOffice(ctx)) return null;
  const id = ctx.client.identity;
  const { rows, multi, targets } = totals(ctx);
  let conflicts = null;
  let devices = null;
  let quarantine = null;
  let dysfunctions = null;
  let progress = null;
  if (navigator.onLine) {
    conflicts = await request(id, 'GET', '/api/v1/sync/conflicts')
      .then((r) => r.conflicts)
      .catch(() => null);
    devices = await request(
      id,
      'GET',
      `/api/v1/productions/${encodeURIComponent(id.production_id)}/devices`,
    )
      .then((r) => r.devices)
      .catch(() => null);
    quarantine = await request(id, 'GET', '/api/v1/sync/quarantine')
      .then((r) => r.quarantine)
      .catch(() => null);
    const prod = encodeURIComponent(id.production_id);
    // Its "why" and alternatives are prose, written in the screen's language.
    dysfunctions = await request(
      id,
      'GET',
      `/api/v1/productions/${prod}/plan/dysfunctions?lang=${getLang()}`,
    )
      .then((r) => r.dysfunctions)
      .catch(() => null);
    progress = await request(id, 'GET', `/api/v1/productions/${prod}/plan/progress`)
      .then((r) => r.actions)
      .catch(() => null);
  }
  if (!conflicts) conflicts = ctx.client.replica.conflicts();

  const totalsView = rows.length
    ? h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-totals' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('dash.indicator'),
                t('dash.dept'),
                t('dash.total'),
                t('dash.target'),
                t('dash.count'),
              ].map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map((r) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, indName(r.indicator)),
                h('td', {}, deptName(r.dept)),
                h('td', { class: 'num' }, `${num(r.total)} ${unitName(r.unit)}`),
                h(
                  'td',
                  { class: 'num' },
                  targets.has(r.indicator) ? targetText(targets.get(r.indicator)) : '—',
                ),
                h('td', { class: 'num' }, num(r.count)),
              ),
            ),
          ),
        ),
      )
    : h('p', {}, t('dash.none'));

  // Phones quiet for a whole period of their department (sync/domain/collect.h,
  // the schedule's own periods: a weekend or a day off never makes one late),
  // named by their phone's name and their owner's, never an id.
  const phoneName = (d) => d.name || t('dash.device.unnamed');
  const stale = (devices || []).filter((d) => d.stale && !d.revoked_at);
  const staleView = stale.length
    ? h(
        'ul',
        { class: 'cards', 'data-testid': 'stale-devices' },
        stale.map((d) =>
          h(
            'li',
            { class: 'card warn', 'data-testid': 'stale-device' },
            h(
              'p',
              { class: 'value' },
              t('dash.device.stale', {
                phone: phoneName(d),
                who: d.member_name || t('dash.device.nobody'),
                since: d.last_sync_at ? dateTime(d.last_sync_at) : t('dash.device.never'),
              }),
            ),
            h(
              'p',
              { class: 'meta' },
              t('dash.device.stale.why', {
                freq: t('freq.' + d.frequency),
                from: date(d.period?.from),
                to: date(d.period?.to),
              }),
            ),
          ),
        ),
      )
    : null;
  const devView = devices
    ? h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-devices' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('dash.device'),
                t('dash.member'),
                t('dash.lastsync'),
                t('dash.lastseen'),
                t('dash.device.state'),
              ].map((x) => h('th', { scope: 'col' }, x)),
            ),
          ),
          h(
            'tbody',
            {},
            devices.map((d) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, phoneName(d)),
                h('td', {}, d.member_name || t('dash.device.nobody')),
                h('td', {}, d.revoked_at ? t('dash.revoked') : dateTime(d.last_sync_at)),
                h('td', {}, dateTime(d.last_seen_at)),
                h(
                  'td',
                  {},
                  d.revoked_at
                    ? ''
                    : d.stale
                      ? h('strong', { class: 'bad' }, t('dash.device.late'))
                      : d.frequency
                        ? t('dash.device.ok')
                        : '—',
                ),
              ),
            ),
          ),
        ),
      )
    : h('p', {}, t('dash.devices.na'));

  // Names for the conflicts: who made each version, on which phone.
  // Conflicts are rare: their module and the names load only then.
  const cf = conflicts.length ? await import('./conflict.js') : null;
  const who = cf ? await cf.people(ctx) : null;
  const conflictView = conflicts.length
    ? h(
        'ul',
        { class: 'cards' },
        conflicts.map((c) => cf.officeCard(ctx, c, who, (value) => resolve(ctx, c, value))),
      )
    : h('p', {}, t('dash.conflicts.none'));

  // What needs attention: series gone silent, targets drifting (server-side analysis).
  const watchView =
    dysfunctions === null
      ? h('p', {}, t('dash.watch.na'))
      : dysfunctions.length
        ? h(
            'ul',
            { class: 'cards' },
            dysfunctions.map((d) =>
              h(
                'li',
                { class: 'card' },
                h(
                  'p',
                  { class: 'value' },
                  d.kind === 'missed_readings'
                    ? t('dash.watch.missed', {
                        // A group scheduled together ("Repas") is one line.
                        indicator: d.group ? t('collect.group.' + d.group) : indName(d.indicator),
                        dept: deptName(d.dept),
                        missed: tn('count.missed', d.missed),
                        since: date(d.since, 'day'),
                      })
                    : t('dash.watch.drift', {
                        title:
                          ctx.client.replica.record('actions', d.action)?.fields.title || d.action,
                        pct: percent(d.attainment_pct),
                      }),
                ),
                h('p', { class: 'meta' }, t('dash.watch.try')),
                h(
                  'ul',
                  {},
                  (d.alternatives || []).map((a) => h('li', {}, a)),
                ),
              ),
            ),
          )
        : h('p', {}, t('dash.watch.none'));

  const planView =
    progress === null
      ? h('p', {}, t('dash.watch.na'))
      : progress.length
        ? h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'h-plan' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  [
                    t('dash.plan.action'),
                    t('dash.indicator'),
                    t('dash.plan.attainment'),
                    t('dash.plan.status'),
                  ].map((x) => h('th', { scope: 'col' }, x)),
                ),
              ),
              h(
                'tbody',
                {},
                progress.map((a) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, a.title || a.id),
                    h('td', {}, a.indicator ? indName(a.indicator) : '—'),
                    h(
                      'td',
                      { class: 'num' },
                      typeof a.attainment_pct === 'number' ? percent(a.attainment_pct) : '—',
                    ),
                    h(
                      'td',
                      {},
                      t('plan.status.' + a.status),
                      a.check
                        ? h(
                            'span',
                            { class: 'hint' },
                            ' — ',
                            t('plan.check.' + a.check, { pct: percent(a.attainment_pct) }),
                          )
                        : null,
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, t('dash.plan.none'));

  const open = (quarantine || []).filter((q) => !q.resolved_at);
  const quarView = open.length
    ? h(
        'ul',
        { class: 'cards' },
        open.map((q) =>
          h(
            'li',
            { class: 'card' },
            h('p', {}, `${q.dev} · ${q.op}`),
            h('p', { class: 'meta' }, q.reason || ''),
            h(
              'div',
              { class: 'actions' },
              ['release', 'dismiss'].map((action) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: action === 'dismiss' ? 'secondary small' : 'small',
                    onclick: async () => {
                      await request(id, 'POST', '/api/v1/sync/quarantine/resolve', {
                        body: { op: q.op, action },
                      }).catch((e) => announce(errorText(e)));
                      await ctx.client.sync('quarantine');
                      ctx.rerender();
                    },
                  },
                  t(action === 'release' ? 'dash.release' : 'dash.dismiss'),
                ),
              ),
            ),
          ),
        ),
      )
    : h('p', {}, t('dash.quarantine.none'));

  return {
    title: t('dash.title'),
    view: h(
      'div',
      { class: 'wide' },
      h('h1', { tabindex: '-1' }, t('dash.title')),
      h('p', {}, t('office.production', { title: id.title || id.production_id })),
      h(
        'section',
        { 'aria-labelledby': 'h-watch' },
        h('h2', { id: 'h-watch' }, t('dash.watch')),
        watchView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-conflicts' },
        h('h2', { id: 'h-conflicts' }, t('dash.conflicts')),
        conflictView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-plan' },
        h('h2', { id: 'h-plan' }, t('dash.plan')),
        planView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-totals' },
        h('h2', { id: 'h-totals' }, t('dash.totals')),
        multi ? h('p', { class: 'warn' }, tn('dash.multi', multi)) : null,
        totalsView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-devices' },
        h('h2', { id: 'h-devices' }, t('dash.devices')),
        staleView,
        devView,
      ),
      h(
        'section',
        { 'aria-labelledby': 'h-quar' },
        h('h2', { id: 'h-quar' }, t('dash.quarantine')),
        quarView,
      ),
    ),
  };
}

// Refreshes the office session's CSRF token at start (cookie still valid?).
export async function refreshSession(ctx) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') return;
  try {
    const me = await request(id, 'GET', '/api/v1/auth/me');
    // The role is the one on the production being worked on, not on the
    // account's first membership (an account now often has several).
    const fresh = id.production_id
      ? officeIdentity(me, { id: id.production_id, title: id.title })
      : identityFrom(me);
    if (fresh) {
      const keep = { ...fresh, production_id: fresh.production_id, title: fresh.title };
      await store.setMeta('identity', keep);
      ctx.client.identity = keep;
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      await store.setMeta('identity', null);
      ctx.client.identity = null;
    }
  }
}

// ---- phones: invites (admin) ------------------------------------------------
export async function phones(ctx) {
  if (!needOffice(ctx)) return null;
  // Only this screen shows preferences: the login page does not load them.
  const { prefsDetails } = await import('./prefs.js');
  const id = ctx.client.identity;
  const prod = encodeURIComponent(id.production_id);
  let members = null;
  let error = '';
  try {
    members = (await request(id, 'GET', `/api/v1/productions/${prod}/members`)).members || [];
  } catch (e) {
    error = e instanceof NetworkError ? t('phones.offline') : errorText(e);
  }
  const invite = async (m) => {
    try {
      const inv = await request(id, 'POST', `/api/v1/productions/${prod}/invites`, {
        body: { member_id: m.id },
      });
      // The QR is the server's SVG, shown as an image (never inserted as markup).
      const src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(inv.qr_svg || '');
      await infoDialog({
        title: t('phones.invite.title', { name: m.name }),
        close: t('close'),
        body: [
          h('img', {
            class: 'qr',
            src,
            alt: t('phones.qr.alt', { name: m.name }),
            width: 240,
            height: 240,
          }),
          h('p', {}, t('phones.invite.text')),
          h('p', { class: 'link' }, h('a', { href: inv.link }, inv.link)),
          h('p', { class: 'meta' }, t('phones.invite.expires', { when: dateTime(inv.expires_at) })),
        ],
      });
    } catch (e) {
      announce(e instanceof NetworkError ? t('phones.offline') : errorText(e));
    }
  };
  // People (docs/security.md "Authorization"): administrators change roles, remove members (their
  // data stays, attributed), revoke phones, add crew and office members.
  const admin = id.role === 'admin';
  const act = async (method, path, body, done) => {
    try {
      await request(id, method, `/api/v1/productions/${prod}${path}`, { body });
      announce(done);
      ctx.rerender();
    } catch (e) {
      announce(e instanceof NetworkError ? t('phones.offline') : e.message);
    }
  };
  const roles = ['admin', 'eco_referent', 'dept_head', 'crew', 'viewer'];
  const roleSelect = (m) => {
    const sel = h(
      'select',
      { 'aria-label': t('people.role', { name: m.name }) },
      roles.map((r) =>
        h('option', { value: r, selected: r === m.role || undefined }, t('role.' + r)),
      ),
    );
    sel.addEventListener('change', () =>
      act(
        'PUT',
        `/members/${encodeURIComponent(m.id)}`,
        { role: sel.value },
        t('people.role.done', { name: m.name }),
      ),
    );
    return sel;
  };
  const remove = async (m) => {
    if (
      await confirmDialog({
        title: t('people.remove.title', { name: m.name }),
        text: t('people.remove.text'),
        ok: t('people.remove'),
        cancel: t('diag.cancel'),
      })
    ) {
      await act(
        'DELETE',
        `/members/${encodeURIComponent(m.id)}`,
        undefined,
        t('people.removed', { name: m.name }),
      );
    }
  };
  const list = members
    ? h(
        'ul',
        { class: 'cards', 'aria-label': t('people.list') },
        members
          .filter((m) => !m.removed_at)
          .map((m) =>
            h(
              'li',
              { class: 'card' },
              h(
                'p',
                {},
                h('strong', {}, m.name),
                ' — ',
                deptName(m.department),
                ' · ',
                t('role.' + m.role),
                m.email ? ' · ' + m.email : '',
              ),
              h(
                'p',
                { class: 'meta' },
                t('people.level', { n: m.level ?? 3 }),
                ' · ',
                t('people.channels', {
                  list: (m.channels || ['app']).map((c) => t('comms.channel.' + c)).join(', '),
                }),
                (m.needs || []).length
                  ? ' · ' +
                      t('people.needs', {
                        list: m.needs.map((n) => t('people.need.' + n)).join(', '),
                      })
                  : '',
                m.invite_pending ? ' · ' + t('people.pending') : '',
              ),
              h(
                'p',
                { class: 'meta' },
                tn('people.phones', m.phones || 0),
                ' · ',
                m.last_sync_at
                  ? t('sync.last', { when: dateTime(m.last_sync_at) })
                  : t('sync.never'),
              ),
              h(
                'p',
                { class: 'actions' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'small',
                    'aria-label': `${t('phones.invite')} : ${m.name}`,
                    onclick: () => invite(m),
                  },
                  t('phones.invite'),
                ),
                admin
                  ? [
                      roleSelect(m),
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'small secondary',
                          'aria-label': `${t('people.remove')} : ${m.name}`,
                          onclick: () => remove(m),
                        },
                        t('people.remove'),
                      ),
                    ]
                  : null,
              ),
              prefsDetails(ctx, m, () => ctx.client.sync('prefs')),
            ),
          ),
      )
    : h('p', { class: 'bad' }, error);
  let devices = [];
  if (admin && members)
    devices =
      (
        await request(id, 'GET', `/api/v1/productions/${prod}/devices`).catch(() => ({
          devices: [],
        }))
      ).devices || [];
  const devList = devices.length
    ? h(
        'ul',
        { class: 'cards', 'aria-label': t('people.devices') },
        devices.map((d) =>
          h(
            'li',
            { class: 'card row' },
            h(
              'span',
              {},
              h('strong', {}, d.name),
              ' — ',
              d.member_name || '',
              ' · ',
              d.revoked_at
                ? t('people.revoked')
                : d.last_sync_at
                  ? t('sync.last', { when: dateTime(d.last_sync_at) })
                  : t('sync.never'),
            ),
            d.revoked_at
              ? null
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'small secondary',
                    'aria-label': `${t('people.revoke')} : ${d.name}`,
                    onclick: () =>
                      act(
                        'POST',
                        `/devices/${encodeURIComponent(d.id)}/revoke`,
                        {},
                        t('people.revoked.done', { name: d.name }),
                      ),
                  },
                  t('people.revoke'),
                ),
          ),
        ),
      )
    : null;
  let addForm = null;
  if (admin) {
    const name = field({ name: 'member-name', label: t('people.f.name'), required: true });
    const dept = field({
      name: 'member-dept',
      type: 'select',
      label: t('people.f.dept'),
      options: [
        'production',
        'regie',
        'decor',
        'costumes',
        'hmc',
        'image',
        'son',
        'catering',
        'post',
      ].map((d) => [d, deptName(d)]),
    });
    const role = field({
      name: 'member-role',
      type: 'select',
      label: t('people.f.role'),
      value: 'crew',
      options: roles.map((r) => [r, t('role.' + r)]),
    });
    const email = field({
      name: 'member-email',
      type: 'email',
      label: t('people.f.email'),
      hint: t('people.f.email.hint'),
    });
    // The invitation's language (docs/communications.md, "In each person's
    // language"): the invitee has no setting yet, so the office picks;
    // the screen's own language first.
    const lang = field({
      name: 'member-lang',
      type: 'select',
      label: t('people.f.lang'),
      hint: t('people.f.lang.hint'),
      value: getLang(),
      options: [
        ['fr', 'Français'],
        ['en', 'English'],
      ],
    });
    const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
    addForm = h(
      'form',
      {
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          if (!name.input.value.trim())
            return showErrors(summary, [name, email], [[name, t('people.err.name')]]);
          const body = {
            name: name.input.value.trim(),
            department: dept.input.value,
            role: role.input.value,
          };
          if (email.input.value.trim()) {
            body.email = email.input.value.trim();
            body.language = lang.input.value;
          }
          try {
            const m = await request(id, 'POST', `/api/v1/productions/${prod}/members`, { body });
            if (m.join_link) {
              await infoDialog({
                title: t('people.join.title', { name: m.name }),
                close: t('close'),
                body: [
                  h(
                    'p',
                    {},
                    t(m.mail === 'queued' ? 'people.join.mailed' : 'people.join.nomail', {
                      email: m.email,
                    }),
                  ),
                  h('p', {}, t('people.join.text', { email: m.email })),
                  h('p', { class: 'link' }, h('a', { href: m.join_link }, m.join_link)),
                ],
              });
            }
            announce(t('people.added', { name: m.name }));
            ctx.rerender();
          } catch (err) {
            showErrors(
              summary,
              [name, email],
              [
                [
                  err?.field === 'email' ? email : name,
                  err instanceof NetworkError ? t('phones.offline') : err.message,
                ],
              ],
            );
          }
        },
      },
      summary,
      name,
      dept,
      role,
      email,
      lang,
      h('button', { type: 'submit' }, t('people.add')),
    );
  }
  return {
    title: t('phones.title'),
    view: h(
      'div',
      {},
      h('h1', { tabindex: '-1' }, t('phones.title')),
      h('p', {}, t('phones.intro')),
      list,
      devList
        ? h(
            'section',
            { 'aria-labelledby': 'h-devs' },
            h('h2', { id: 'h-devs' }, t('people.devices')),
            devList,
          )
        : null,
      addForm
        ? h(
            'section',
            { 'aria-labelledby': 'h-add' },
            h('h2', { id: 'h-add' }, t('people.add.title')),
            addForm,
          )
        : null,
    ),
  };
}
