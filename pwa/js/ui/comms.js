// comms.js - communications (C5): the office composes once, previews every
// channel (app, email, invitation, flyer, audio, call sheet), sends, then
// follows up (who read, who acknowledged, who has not been reached, the
// questions); on the phones, "read" and "compris" receipts and questions,
// made offline like any other op and synced.
import {
  t,
  tn,
  errorText as refusalText,
  date,
  h,
  field,
  showErrors,
  announce,
  getLang,
} from '../i18n.js';
import { request, ApiError, NetworkError } from '../store.js';
import { uuidv7 } from '../sync/engine.js';
import { effective } from './prefs.js';

const KINDS = ['info', 'briefing', 'checkpoint'];

const deptName = (d) => (t('dept.' + d) !== 'dept.' + d ? t('dept.' + d) : d);

// The version a person reads, as the server's comms_for_reader picks it:
// English when their language is English and the office wrote it, else the
// French, flagged "untranslated" for an English reader so the screen says so.
export function readerVersion(f, lang) {
  if (lang === 'en' && f.text_en)
    return { title: f.title_en || f.title, text: f.text_en, lang: 'en', untranslated: false };
  return { title: f.title, text: f.text, lang: 'fr', untranslated: lang === 'en' };
}
const words = (list, prefix) => (list || []).map((x) => t(prefix + x)).join(', ');

function errorText(err) {
  if (err instanceof NetworkError) return t('comms.err.network');
  if (err instanceof ApiError) return refusalText(err);
  return String(err?.message || err);
}

// Pushes the office's pending ops (the preview and send read the server's copy).
async function flush(ctx) {
  for (let i = 0; i < 4; i++) {
    await ctx.client.sync('comms');
    if (!ctx.client.status.pending) return;
  }
  throw new Error(t('comms.err.unsynced'));
}

function apiBase(id, cid) {
  return `/api/v1/productions/${encodeURIComponent(id.production_id)}/communications/${encodeURIComponent(cid)}`;
}

// ---- office: compose, preview, send, follow up --------------------------------
export async function office(ctx, params) {
  const id = ctx.client.identity;
  if (id?.kind !== 'office') {
    ctx.go(id?.kind === 'device' ? 'messages' : 'connexion');
    return null;
  }
  const comms = ctx.client.replica.listRecords('communications').filter((r) => !r.deleted);
  const cid = params.get('id') || '';
  const current = comms.find((c) => c.id === cid)?.fields || {};
  let members = [];
  try {
    members =
      (
        await request(
          id,
          'GET',
          `/api/v1/productions/${encodeURIComponent(id.production_id)}/members`,
        )
      ).members || [];
  } catch {
    members = []; // offline: the targeting lists are empty, the text can still be written
  }
  const target = current.target || {};

  const picker = h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        const v = e.target.elements.which.value;
        ctx.go('communications' + (v ? '?id=' + encodeURIComponent(v) : ''));
      },
    },
    field({
      name: 'which',
      type: 'select',
      label: t('comms.pick'),
      value: cid,
      options: [['', t('comms.new')], ...comms.map((c) => [c.id, c.fields.title || c.id])],
    }),
    h('button', { type: 'submit', class: 'secondary' }, t('comms.open')),
  );

  const title = field({
    name: 'title',
    label: t('comms.field.title'),
    required: true,
    value: current.title || '',
    attrs: { maxlength: 300 },
  });
  const text = field({
    name: 'text',
    type: 'textarea',
    label: t('comms.field.text'),
    required: true,
    value: current.text || '',
  });
  const falc = field({
    name: 'falc',
    type: 'textarea',
    label: t('comms.field.falc'),
    hint: t('comms.field.falc.hint'),
    value: current.falc || '',
  });
  // The English version, for people whose language is English: written by
  // a person like the FALC one, never machine-translated; signed with the
  // French (docs/communications.md, "In each person's language").
  const titleEn = field({
    name: 'title_en',
    label: t('comms.field.title_en'),
    value: current.title_en || '',
    attrs: { maxlength: 300, lang: 'en' },
  });
  const textEn = field({
    name: 'text_en',
    type: 'textarea',
    label: t('comms.field.text_en'),
    hint: t('comms.field.text_en.hint'),
    value: current.text_en || '',
    attrs: { lang: 'en' },
  });
  const english = h(
    'details',
    { class: 'english', open: current.text_en ? true : undefined },
    h('summary', {}, t('comms.english')),
    titleEn,
    textEn,
  );
  const kind = field({
    name: 'kind',
    type: 'select',
    label: t('comms.field.kind'),
    value: current.kind || 'info',
    options: KINDS.map((k) => [k, t('comms.kind.' + k)]),
  });
  const starts = field({
    name: 'starts_at',
    type: 'datetime-local',
    label: t('comms.field.starts'),
    hint: t('comms.field.starts.hint'),
    value: current.starts_at || '',
  });
  const duration = field({
    name: 'duration_min',
    type: 'number',
    label: t('comms.field.duration'),
    value: current.duration_min ?? 30,
    attrs: { min: 5, max: 600, step: 5, inputmode: 'numeric' },
  });
  const place = field({
    name: 'location',
    label: t('comms.field.location'),
    value: current.location || '',
    attrs: { maxlength: 200 },
  });
  const callsheet = h(
    'div',
    { class: 'field' },
    h(
      'label',
      {},
      h('input', { type: 'checkbox', name: 'callsheet', checked: current.callsheet === true }),
      ' ',
      t('comms.field.callsheet'),
    ),
  );

  const checks = (legend, name, items, chosen) =>
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', {}, legend),
      items.length
        ? items.map(([v, label]) =>
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                name,
                value: String(v),
                checked: (chosen || []).map(String).includes(String(v)),
              }),
              ' ',
              label,
            ),
          )
        : h('p', { class: 'hint' }, t('comms.target.none')),
    );
  const depts = [...new Set(members.map((m) => m.department))].sort();
  const levels = [...new Set(members.map((m) => m.level))].sort((a, b) => a - b);
  const targetError = h('p', { class: 'error', id: 'comms-target-err', hidden: true });
  const targetSet = h(
    'fieldset',
    { 'aria-describedby': 'comms-target-err' },
    h('legend', {}, t('comms.target')),
    h('p', { class: 'hint' }, t('comms.target.hint')),
    targetError,
    checks(
      t('comms.target.depts'),
      'dept',
      depts.map((d) => [d, deptName(d)]),
      target.departments,
    ),
    checks(
      t('comms.target.levels'),
      'level',
      levels.map((l) => [l, t('comms.level', { n: l })]),
      target.levels,
    ),
    checks(
      t('comms.target.people'),
      'member',
      members.map((m) => [m.id, `${m.name} (${deptName(m.department)})`]),
      target.members,
    ),
  );

  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const preview = h('section', { 'aria-labelledby': 'comms-preview-h', hidden: true });
  const followUp = h('section', { 'aria-labelledby': 'comms-follow-h', hidden: true });
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const fields = [title, text, starts];
        const errors = [];
        if (!title.input.value.trim()) errors.push([title, t('comms.err.title')]);
        if (!text.input.value.trim()) errors.push([text, t('comms.err.text')]);
        if (kind.input.value !== 'info' && !starts.input.value)
          errors.push([starts, t('comms.err.starts')]);
        const picked = (n) =>
          [...form.querySelectorAll(`input[name="${n}"]:checked`)].map((x) => x.value);
        const tgt = {
          departments: picked('dept'),
          levels: picked('level').map(Number),
          members: picked('member'),
        };
        const noTarget = !tgt.departments.length && !tgt.levels.length && !tgt.members.length;
        targetError.hidden = !noTarget;
        targetError.textContent = noTarget ? t('comms.err.target') : '';
        showErrors(summary, fields, errors);
        if (noTarget && !errors.length) {
          summary.hidden = false;
          summary.replaceChildren(h('p', {}, t('comms.err.target')));
          summary.focus();
        }
        if (errors.length || noTarget) return;
        const value = {
          title: title.input.value.trim(),
          text: text.input.value.trim(),
          kind: kind.input.value,
          target: tgt,
          callsheet: form.elements.callsheet.checked,
        };
        // Absent means "not written": an emptied FALC box removes it, never
        // replaced by anything generated.
        value.falc = falc.input.value.trim() || null;
        value.title_en = titleEn.input.value.trim() || null;
        value.text_en = textEn.input.value.trim() || null;
        if (starts.input.value) {
          value.starts_at = starts.input.value.slice(0, 16);
          value.duration_min = Number(duration.input.value) || 30;
          value.location = place.input.value.trim() || null;
        }
        const rid = cid || 'c-' + uuidv7();
        try {
          await ctx.client.makeOp('communications', rid, 'put', value);
          await flush(ctx);
          if (!cid)
            history.replaceState(null, '', '#/communications?id=' + encodeURIComponent(rid));
          await showPreview(ctx, rid, preview, followUp, summary);
        } catch (err) {
          summary.hidden = false;
          summary.replaceChildren(h('p', { role: 'alert' }, errorText(err)));
          summary.focus();
        }
      },
    },
    summary,
    title,
    text,
    falc,
    english,
    kind,
    starts,
    duration,
    place,
    callsheet,
    targetSet,
    h('button', { type: 'submit' }, t('comms.save')),
  );

  if (cid) showFollowUp(ctx, cid, followUp).catch(() => {});
  return {
    title: t('comms.title'),
    view: h(
      'div',
      { class: 'comms' },
      h('h1', { tabindex: '-1' }, t('comms.title')),
      h('p', {}, t('comms.intro')),
      picker,
      h(
        'section',
        { 'aria-labelledby': 'comms-write-h' },
        h('h2', { id: 'comms-write-h' }, cid ? t('comms.edit') : t('comms.new')),
        form,
      ),
      preview,
      followUp,
    ),
  };
}

const skippedText = (list) =>
  (list || [])
    .map((x) => t('comms.skip.' + x.reason, { channel: t('comms.channel.' + x.channel) }))
    .join(' ; ');

function recipientsTable(list) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, tn('comms.recipients', list.length)),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            t('comms.col.name'),
            t('comms.col.dept'),
            t('comms.col.channels'),
            t('comms.col.variants'),
            t('comms.col.skipped'),
            t('comms.col.notes'),
          ].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((r) =>
          h(
            'tr',
            { class: r.reachable === false ? 'bad' : null },
            h('th', { scope: 'row' }, r.name),
            h('td', {}, deptName(r.department)),
            h('td', {}, words(r.channels, 'comms.channel.') || '—'),
            h('td', {}, words(r.variants, 'comms.variant.')),
            h('td', {}, skippedText(r.skipped)),
            h('td', {}, words(r.notes, 'comms.note.')),
          ),
        ),
      ),
    ),
  );
}

const section = (title, summaryText, ...body) =>
  h(
    'details',
    { class: 'card channel' },
    h('summary', {}, h('strong', {}, title), summaryText ? ' — ' + summaryText : ''),
    ...body,
  );

async function showPreview(ctx, cid, section_, followUp, summary) {
  const id = ctx.client.identity;
  const base = apiBase(id, cid);
  const p = await request(id, 'GET', base + '/preview');
  const missing = p.recipients.filter((r) => (r.notes || []).includes('falc_missing')).length;
  const unreachable = p.recipients.filter((r) => r.reachable === false);
  const mailed = p.recipients.filter((r) =>
    (r.channels || []).some((c) => c === 'email' || c === 'calendar'),
  ).length;
  const rec = ctx.client.replica.record('communications', cid)?.fields || {};
  const day = (rec.starts_at || new Date().toISOString()).slice(0, 10);
  const sheet = `/api/v1/productions/${encodeURIComponent(id.production_id)}/callsheet/eco?date=${day}&lang=${getLang()}`;
  const sendBtn = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        sendBtn.disabled = true;
        try {
          const res = await request(id, 'POST', base + '/send', { body: {} });
          const words = t('comms.sent', {
            people: tn('count.people', res.recipients.length),
            emails: tn('count.emails', res.emails_queued),
          });
          announce(words);
          sent.textContent = words;
          sent.hidden = false;
          await showFollowUp(ctx, cid, followUp);
        } catch (err) {
          summary.hidden = false;
          summary.replaceChildren(h('p', { role: 'alert' }, errorText(err)));
          summary.focus();
        } finally {
          sendBtn.disabled = false;
        }
      },
    },
    t('comms.send'),
  );
  const sent = h('p', { class: 'badge ok', role: 'status', hidden: true });
  const emails = Object.values(p.email || {});
  const count = (c) => p.recipients.filter((r) => (r.channels || []).includes(c)).length;
  const english = p.recipients.filter((r) => r.language === 'en').length;
  const ics = rec.starts_at
    ? t('comms.ics.summary', {
        title: rec.title || '',
        day: date(rec.starts_at.slice(0, 10), 'long'),
        time: rec.starts_at.slice(11, 16),
        minutes: rec.duration_min || 30,
        place: rec.location || '—',
      })
    : '';
  // replaceChildren() neither flattens arrays nor skips null: h() does.
  section_.replaceChildren(
    h(
      'div',
      {},
      h('h2', { id: 'comms-preview-h', tabindex: '-1' }, t('comms.preview')),
      h(
        'div',
        { class: 'sendbar' },
        h(
          'p',
          {},
          t('comms.reach.summary', {
            recipients: tn('comms.reach.recipients', p.recipients.length),
            emails: tn('comms.reach.emails', mailed),
            unreachable: tn('comms.reach.unreachable', unreachable.length),
          }),
        ),
        sendBtn,
        sent,
      ),
      unreachable.length
        ? h(
            'p',
            { class: 'badge warn', 'data-testid': 'unreachable' },
            t('comms.unreachable', { names: unreachable.map((r) => r.name).join(', ') }),
          )
        : null,
      missing ? h('p', { class: 'badge warn' }, tn('comms.falc.missing', missing)) : null,
      section(tn('comms.recipients', p.recipients.length), '', recipientsTable(p.recipients)),
      section(
        t('comms.channel.app'),
        tn('comms.recipients', count('app')),
        h('p', { class: 'value' }, rec.title || ''),
        h('p', { class: 'lines' }, rec.text || ''),
        rec.falc
          ? h(
              'details',
              {},
              h('summary', {}, t('messages.falc')),
              h('p', { class: 'lines' }, rec.falc),
            )
          : h('p', { class: 'hint' }, t('comms.falc.none')),
        english > 0
          ? h(
              'p',
              { class: rec.text_en ? 'hint' : 'badge warn', 'data-testid': 'english-readers' },
              rec.text_en
                ? tn('comms.english.written', english)
                : tn('comms.english.missing', english),
            )
          : null,
      ),
      section(
        t('comms.channel.email'),
        emails.length ? tn('comms.recipients', mailed) : t('comms.email.none'),
        ...emails.map((e) =>
          h(
            'details',
            {},
            h(
              'summary',
              {},
              t('comms.email.variant', { variants: words(e.variants, 'comms.variant.') }) +
                (e.language === 'en' ? ' — ' + t('comms.email.english') : ''),
            ),
            h('pre', { class: 'preview' }, e.text),
          ),
        ),
      ),
      p.invitation
        ? section(
            t('comms.invitation'),
            ics,
            h(
              'p',
              {},
              h(
                'a',
                { href: base + '/invitation.ics', download: '' },
                t('comms.invitation.download'),
              ),
            ),
            h(
              'details',
              {},
              h('summary', {}, t('comms.ics.raw')),
              h('pre', { class: 'preview' }, p.invitation),
            ),
          )
        : null,
      section(
        t('comms.print'),
        '',
        h(
          'p',
          { class: 'pages' },
          [
            [base + '/flyer.png', t('comms.flyer')],
            [base + '/flyer.png?large=1', t('comms.flyer.large')],
            [sheet + '&format=png', t('comms.callsheet', { day: date(day, 'long') })],
          ].map(([src, what]) =>
            h(
              'figure',
              {},
              h('img', {
                class: 'page',
                src,
                loading: 'lazy',
                alt: t('comms.page.image', { what }),
              }),
              h('figcaption', {}, what),
            ),
          ),
        ),
        h(
          'ul',
          {},
          h('li', {}, h('a', { href: base + '/flyer.pdf', download: '' }, t('comms.flyer'))),
          h(
            'li',
            {},
            h('a', { href: base + '/flyer.pdf?large=1', download: '' }, t('comms.flyer.large')),
          ),
          h(
            'li',
            {},
            h(
              'a',
              { href: sheet, target: '_blank', rel: 'noopener' },
              t('comms.callsheet', { day: date(day, 'long') }),
            ),
          ),
        ),
      ),
      section(
        t('comms.channel.audio'),
        tn('comms.recipients', count('audio')),
        h('p', {}, h('a', { href: base + '/audio.wav', download: '' }, t('comms.audio'))),
        h('p', { class: 'hint' }, t('comms.audio.hint')),
      ),
    ),
  );
  section_.hidden = false;
  section_.querySelector('h2').focus();
}

function perChannel(x) {
  const lines = Object.entries(x.per_channel || {}).map(([ch, st]) => {
    const tries = st.attempts > 1 ? ` (${st.attempts}×)` : '';
    const err = st.last_error && st.status !== 'sent' ? ' — ' + st.last_error : '';
    // Email opens are not measured (no tracking pixel): said, never guessed.
    const opened = st.opened === 'not_measured' ? ', ' + t('comms.ch.open_not_measured') : '';
    return h(
      'li',
      {},
      `${t('comms.channel.' + ch)} : ${t('comms.ch.' + st.status)}${opened}${tries}${err}`,
    );
  });
  if ((x.skipped || []).length) lines.push(h('li', { class: 'hint' }, skippedText(x.skipped)));
  return h('ul', { class: 'plain' }, lines);
}

async function showFollowUp(ctx, cid, section) {
  const id = ctx.client.identity;
  let d;
  try {
    d = await request(id, 'GET', apiBase(id, cid) + '/delivery');
  } catch {
    return; // no target yet, or offline: nothing to follow
  }
  const yes = (b) => (b ? t('yes') : t('no'));
  const byId = new Map(d.people.map((x) => [x.member, x.name]));
  const answers = d.questions.filter((q) => q.answers);
  const answered = (q) => answers.some((a) => a.answers === q.id);
  const questions = d.questions.filter((q) => !q.answers).sort((a, b) => answered(a) - answered(b));
  // replaceChildren() neither flattens arrays nor skips null: h() does.
  section.replaceChildren(
    h(
      'div',
      {},
      h('h2', { id: 'comms-follow-h' }, t('comms.follow')),
      d.smtp === 'not_configured' && d.outbox.some((o) => o.status === 'queued')
        ? h('p', { class: 'badge warn', 'data-testid': 'smtp-off' }, t('comms.smtp.off'))
        : null,
      h('p', { class: 'hint', 'data-testid': 'opened-note' }, t('comms.follow.opened')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('caption', {}, t('comms.follow.caption')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                t('comms.col.name'),
                t('comms.col.per_channel'),
                t('comms.col.email'),
                t('comms.col.read'),
                t('comms.col.ack'),
              ].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            d.people.map((x) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, x.name),
                h('td', {}, perChannel(x)),
                h('td', {}, x.email ? t('comms.email.' + x.email) : '—'),
                h('td', {}, yes(x.read)),
                h('td', {}, yes(x.acknowledged)),
              ),
            ),
          ),
        ),
      ),
      h('h3', {}, t('comms.unreached')),
      d.not_reached.length
        ? h(
            'ul',
            {},
            d.not_reached.map((x) => h('li', {}, x.name)),
          )
        : h('p', {}, t('comms.unreached.none')),
      d.outbox.some((o) => o.status === 'bounced' || o.status === 'failed')
        ? h(
            'ul',
            {},
            d.outbox
              .filter((o) => o.status === 'bounced' || o.status === 'failed')
              .map((o) =>
                h(
                  'li',
                  {},
                  t('comms.bounce', {
                    who: byId.get(o.member) || o.member,
                    address: o.address,
                    error: o.last_error,
                  }),
                ),
              ),
          )
        : null,
      h('h3', {}, t('comms.questions')),
      questions.length
        ? h(
            'ul',
            { class: 'cards' },
            questions.map((q) => {
              const reply = field({
                name: 'answer-' + q.id,
                type: 'textarea',
                label: t('comms.answer.label', { who: byId.get(q.member) || q.member }),
              });
              const done = answers.filter((a) => a.answers === q.id);
              return h(
                'li',
                { class: 'card' },
                h('p', { class: 'value' }, `${byId.get(q.member) || q.member} : ${q.text}`),
                done.map((a) => h('p', {}, t('comms.answered', { text: a.text }))),
                h(
                  'form',
                  {
                    onsubmit: async (e) => {
                      e.preventDefault();
                      const v = reply.input.value.trim();
                      if (!v) return reply.setError(t('comms.err.answer'));
                      reply.setError(null);
                      await ctx.client.makeOp('questions', 'q-' + uuidv7(), 'add', {
                        communication: cid,
                        member: q.member,
                        answers: q.id,
                        text: v,
                      });
                      await flush(ctx).catch(() => {});
                      announce(t('comms.answer.sent'));
                      await showFollowUp(ctx, cid, section);
                    },
                  },
                  reply,
                  h('button', { type: 'submit', class: 'secondary' }, t('comms.answer')),
                ),
              );
            }),
          )
        : h('p', {}, t('comms.questions.none')),
    ),
  );
  section.hidden = false;
}

// ---- phone: receipts and questions under each message ----------------------------
// The spoken versions fetched since the app opened, by message, variant and
// language (blob: URLs, kept for the page's life: a few per day).
const spoken = new Map();

export function crewExtras(ctx, m) {
  const id = ctx.client.identity;
  const mine = (f) =>
    f.current && f.fields.communication === m.id && f.fields.member === id.member_id;
  const receipts = ctx.client.replica.listFacts('receipts').filter(mine);
  const has = (k) => receipts.some((r) => r.fields.kind === k);
  const receipt = (k) =>
    ctx.client.makeOp('receipts', 'rc-' + uuidv7(), 'add', {
      communication: m.id,
      member: id.member_id,
      kind: k,
      at: new Date().toISOString(),
    });
  // Shown = read; recorded once, offline too.
  if (!has('read') && !has('ack')) queueMicrotask(() => receipt('read').catch(() => {}));
  const questions = ctx.client.replica
    .listFacts('questions')
    .filter(
      (f) => f.current && f.fields.communication === m.id && f.fields.member === id.member_id,
    );
  const asked = questions.filter((q) => !q.fields.answers);
  const ask = field({ name: 'q-' + m.id, type: 'textarea', label: t('comms.ask.label') });
  // The audio version, spoken by the server (day, time, place included).
  const me = effective(ctx, id.member_id);
  const falc = m.fields.falc && me.needs.includes('falc');
  const lang = readerVersion(m.fields, me.language).lang;
  const key = `${m.id}/${falc ? 'falc' : 'plain'}/${lang}`;
  const player = (url) =>
    h('audio', { controls: true, src: url, 'aria-label': t('comms.listen'), 'data-audio': key });
  // The card is drawn again by every sync that changes something (its own
  // read receipt first): the player then comes back as it was, and an
  // answer that arrives after a redraw goes to the card on screen, not to
  // the one the person pressed (app.js also holds redraws while one plays).
  const listen = spoken.has(key)
    ? player(spoken.get(key))
    : h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-audio': key,
          onclick: async () => {
            const here = () =>
              document.querySelector(`button[data-audio="${CSS.escape(key)}"]`) || listen;
            try {
              const b = await request(id, 'GET', apiBase(id, m.id) + '/audio.wav', {
                blob: true,
                query: {
                  ...(falc ? { variant: 'falc' } : {}),
                  ...(lang === 'en' ? { lang } : {}),
                },
              });
              if (!spoken.has(key)) spoken.set(key, URL.createObjectURL(b));
              here().replaceWith(player(spoken.get(key)));
            } catch (err) {
              here().after(h('p', { role: 'alert' }, errorText(err)));
            }
          },
        },
        t('comms.listen'),
      );
  return h(
    'div',
    { class: 'comms-crew' },
    listen,
    has('ack')
      ? h('p', { class: 'badge ok' }, t('comms.acked'))
      : h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await receipt('ack');
              announce(t('comms.acked'));
            },
          },
          t('comms.ack'),
        ),
    asked.map((q) =>
      h(
        'div',
        { class: 'question' },
        h('p', {}, t('comms.asked', { text: q.fields.text })),
        questions
          .filter((a) => a.fields.answers === q.id)
          .map((a) => h('p', { class: 'answer' }, t('comms.answered', { text: a.fields.text }))),
      ),
    ),
    h(
      'details',
      {},
      h('summary', {}, t('comms.ask')),
      h(
        'form',
        {
          onsubmit: async (e) => {
            e.preventDefault();
            const v = ask.input.value.trim();
            if (!v) return ask.setError(t('comms.err.question'));
            ask.setError(null);
            await ctx.client.makeOp('questions', 'q-' + uuidv7(), 'add', {
              communication: m.id,
              member: id.member_id,
              text: v,
            });
            ask.input.value = '';
            announce(t('comms.asked.saved'));
          },
        },
        ask,
        h('button', { type: 'submit' }, t('comms.ask.send')),
      ),
    ),
  );
}
