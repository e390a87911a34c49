/* outbox.c - queueing and delivering communications by email (see outbox.h). */
#include "outbox.h"

#include "app.h"
#include "audience.h"
#include "audio.h"
#include "clock.h"
#include "comms.h"
#include "commstore.h"
#include "db.h"
#include "err.h"
#include "flyer.h"
#include "fmt.h"
#include "ical.h"
#include "log.h"
#include "mail.h"
#include "strbuf.h"
#include "text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_CAP_MS (6LL * 3600 * 1000)
#define DUE_BATCH 50

struct outbox {
    pthread_mutex_t deliver; /* one delivery at a time */
    pthread_mutex_t lock;    /* guards stop and the condition */
    pthread_cond_t wake;
    int stop;
    int kicked;  /* messages queued since the worker last looked: no wait */
    int running; /* the worker thread exists */
    pthread_t thread;
};

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Appends text as HTML paragraphs: blank lines split them, single newlines
 * become <br>; everything escaped. */
static int html_paragraphs(struct strbuf *b, const char *text)
{
    const char *p = text;
    int rc = EP_OK;

    while (rc == EP_OK && *p != '\0') {
        const char *end = strstr(p, "\n\n");
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        char *para = strndup(p, n);
        if (para == NULL)
            return EP_ENOMEM;
        rc = strbuf_str(b, "<p>");
        for (char *line = para, *nl; rc == EP_OK && line != NULL; line = nl) {
            nl = strchr(line, '\n');
            if (nl != NULL)
                *nl++ = '\0';
            rc = strbuf_html(b, line);
            if (rc == EP_OK && nl != NULL)
                rc = strbuf_str(b, "<br>");
        }
        if (rc == EP_OK)
            rc = strbuf_str(b, "</p>\n");
        free(para);
        p += n;
        while (*p == '\n')
            p++;
    }
    return rc;
}

/* A briefing's duration: duration_min, 30 when unset (docs/communications.md). */
static int minutes_of(const json_t *comm)
{
    json_int_t m = json_integer_value(json_object_get(comm, "duration_min"));
    return m > 0 ? (int)m : 30;
}

/*
 * The email's own words, in the person's language (their preference), from
 * the data files ("email.*", sync/domain/text.h): the message itself is the
 * office's, in the language it was written in.
 */
struct words {
    const char *at, *paris, *falc, *full, *falc_missing, *when, *where, *duration, *verify,
        *untranslated;
    const char *lang; /* the dates' language */
};

static void words_of(const char *lang, struct words *w)
{
    w->lang = lang;
    w->at = text_get(lang, "email.at");
    w->paris = text_get(lang, "email.paris_time");
    w->falc = text_get(lang, "email.falc");
    w->full = text_get(lang, "email.full");
    w->falc_missing = text_get(lang, "email.falc_missing");
    w->when = text_get(lang, "email.when");
    w->where = text_get(lang, "email.where");
    w->duration = text_get(lang, "email.duration");
    w->verify = text_get(lang, "email.verify");
    w->untranslated = text_get(lang, "email.untranslated");
}

/* "2026-12-01T08:30" -> "mardi 1er décembre 2026 à 08:30 (heure de Paris)":
 * people's dates (docs/communications.md); a value that is not a date is
 * shown as given rather than dropped. */
static void when_text(const struct words *w, const char *starts_at, char *buf, size_t len)
{
    char day[64];

    if (fmt_date(day, sizeof(day), starts_at, FMT_DATE_LONG, w->lang) == NULL)
        snprintf(day, sizeof(day), "%.10s", starts_at);
    snprintf(buf, len, "%s %s %.5s (%s)", day, w->at, strlen(starts_at) >= 16 ? starts_at + 11 : "",
             w->paris);
}

int outbox_render(const json_t *comm_in, const json_t *env, const json_t *rcpt, char **text,
                  char **html)
{
    const json_t *variants = json_object_get(rcpt, "variants");
    const json_t *notes = json_object_get(rcpt, "notes");
    const char *lang = str(rcpt, "language");
    json_t *comm = NULL;
    int rc = comms_for_reader(comm_in, lang, &comm);
    const char *title = str(comm, "title"), *body = str(comm, "text"), *falc = str(comm, "falc");
    const char *starts = str(comm, "starts_at"), *where = str(comm, "location");
    int want_falc = audience_has(variants, "falc");
    int large = audience_has(variants, "large_print");
    int untranslated = json_is_true(json_object_get(comm, "translation_missing"));
    int en = strcmp(text_lang(lang), "en") == 0;
    struct words wl, *w = &wl;
    /* The document's language is its text's (the English version, or the
     * office's French); labels in the other language say so to screen
     * readers, which then switch voice. */
    int doc_en = str(comm, "lang") != NULL && strcmp(str(comm, "lang"), "en") == 0;
    const char *span = en == doc_en ? "" : en ? " lang=\"en\"" : " lang=\"fr\"";
    struct strbuf t, h;
    char when[96] = "";

    *text = NULL;
    *html = NULL;
    words_of(lang, w);
    if (rc != EP_OK)
        return rc;
    if (title == NULL)
        title = "";
    if (body == NULL)
        body = "";
    if (starts != NULL && ical_start_ok(starts))
        when_text(w, starts, when, sizeof(when));
    strbuf_init(&t, (size_t)1024 * 1024);
    strbuf_init(&h, (size_t)4 * 1024 * 1024);
    /* Text part: a real one, readable on its own (screen readers, plain
     * mail clients), not a stripped copy of the HTML. */
    rc = strbuf_printf(&t, "%s\n\n", title);
    if (rc == EP_OK && untranslated)
        rc = strbuf_printf(&t, "(%s)\n\n", w->untranslated);
    if (rc == EP_OK && want_falc)
        rc = strbuf_printf(&t, "%s\n\n%s\n\n---\n%s\n\n", w->falc, falc, w->full);
    if (rc == EP_OK && audience_has(notes, "falc_missing"))
        rc = strbuf_printf(&t, "(%s)\n\n", w->falc_missing);
    if (rc == EP_OK)
        rc = strbuf_printf(&t, "%s\n", body);
    if (rc == EP_OK && when[0] != '\0')
        rc = strbuf_printf(&t, "\n%s %s\n", w->when, when);
    if (rc == EP_OK && where != NULL)
        rc = strbuf_printf(&t, "%s %s\n", w->where, where);
    if (rc == EP_OK && when[0] != '\0')
        rc = strbuf_printf(&t, "%s %d minutes\n", w->duration, minutes_of(comm));
    if (rc == EP_OK && env != NULL) {
        rc = strbuf_str(&t, "\n-- \n");
        if (rc == EP_OK)
            rc = text_fmt(&t, lang, "email.signed", "key", str(env, "key_id"), NULL);
        if (rc == EP_OK)
            rc = strbuf_printf(&t, " %s\n", w->verify);
    }

    /* HTML part: a whole document with its language and title; only
     * escaped user text; inline style because mail clients drop <style>
     * and CSS files. */
    if (rc == EP_OK)
        rc = strbuf_printf(&h,
                           "<!DOCTYPE html>\n<html lang=\"%s\">\n<head><meta charset=\"utf-8\">"
                           "<title>",
                           doc_en ? "en" : "fr");
    if (rc == EP_OK)
        rc = strbuf_html(&h, title);
    if (rc == EP_OK)
        rc = strbuf_printf(&h,
                           "</title></head>\n<body style=\"font-family:sans-serif;font-size:%s;"
                           "line-height:1.5;color:#111;background:#fff;max-width:40em\">\n<h1>",
                           large ? "1.6em" : "1em");
    if (rc == EP_OK)
        rc = strbuf_html(&h, title);
    if (rc == EP_OK)
        rc = strbuf_str(&h, "</h1>\n");
    if (rc == EP_OK && untranslated)
        rc = strbuf_printf(&h, "<p%s><em>%s</em></p>\n", span, w->untranslated);
    if (rc == EP_OK && want_falc) {
        rc = strbuf_printf(&h, "<h2%s>%s</h2>\n", span, w->falc);
        if (rc == EP_OK)
            rc = html_paragraphs(&h, falc);
        if (rc == EP_OK)
            rc = strbuf_printf(&h, "<h2%s>%s</h2>\n", span, w->full);
    }
    if (rc == EP_OK && audience_has(notes, "falc_missing"))
        rc = strbuf_printf(&h, "<p%s><em>%s</em></p>\n", span, w->falc_missing);
    if (rc == EP_OK)
        rc = html_paragraphs(&h, body);
    if (rc == EP_OK && when[0] != '\0')
        rc = strbuf_printf(&h, "<p%s><strong>%s</strong> %s</p>\n", span, w->when, when);
    if (rc == EP_OK && where != NULL) {
        rc = strbuf_printf(&h, "<p><strong%s>%s</strong> ", span, w->where);
        if (rc == EP_OK)
            rc = strbuf_html(&h, where);
        if (rc == EP_OK)
            rc = strbuf_str(&h, "</p>\n");
    }
    if (rc == EP_OK && when[0] != '\0')
        rc = strbuf_printf(&h, "<p%s><strong>%s</strong> %d minutes</p>\n", span, w->duration,
                           minutes_of(comm));
    if (rc == EP_OK && env != NULL) {
        rc = strbuf_printf(&h, "<p style=\"color:#333\"%s>", span);
        if (rc == EP_OK)
            rc = text_fmt(&h, lang, "email.signed", "key", str(env, "key_id"), NULL);
        if (rc == EP_OK)
            rc = strbuf_str(&h, "</p>\n");
    }
    if (rc == EP_OK)
        rc = strbuf_str(&h, "</body>\n</html>\n");
    if (rc == EP_OK) {
        *text = strbuf_detach(&t, NULL);
        *html = strbuf_detach(&h, NULL);
        if (*text == NULL || *html == NULL) {
            free(*text);
            free(*html);
            *text = *html = NULL;
            rc = EP_ENOMEM;
        }
    }
    strbuf_release(&t);
    strbuf_release(&h);
    json_decref(comm);
    return rc;
}

/* Whether comm is an event with a start: a briefing or a checkpoint. */
static int is_event(const json_t *comm)
{
    const char *kind = str(comm, "kind");
    return kind != NULL && (strcmp(kind, "briefing") == 0 || strcmp(kind, "checkpoint") == 0) &&
           str(comm, "starts_at") != NULL;
}

static int invitation(struct app *app, const char *comm_id, const json_t *comm,
                      const struct ical_person *att, size_t natt, int64_t now, char **out)
{
    struct ical_event e;
    json_int_t dur = json_integer_value(json_object_get(comm, "duration_min"));
    char uid[160];

    memset(&e, 0, sizeof(e));
    snprintf(uid, sizeof(uid), "%s@ecoplateau", comm_id);
    e.uid = uid;
    e.summary = str(comm, "title");
    e.description = str(comm, "text");
    e.location = str(comm, "location");
    e.starts_at = str(comm, "starts_at");
    e.duration_min = dur > 0 && dur <= (json_int_t)7 * 24 * 60 ? (int)dur : 30;
    e.organizer.email = app->cfg->smtp_from;
    e.organizer.name = text_get(str(comm, "lang"), "email.organizer");
    e.attendees = att;
    e.nattendees = natt;
    e.now_ms = now;
    return ical_build(&e, out);
}

int outbox_invitation(struct app *app, const char *comm_id, const json_t *comm,
                      const json_t *recipients, int64_t now, char **out)
{
    struct ical_person *att;
    size_t n = 0, i;
    json_t *r;
    int rc;

    *out = NULL;
    if (!is_event(comm))
        return EP_ENOTFOUND;
    att = calloc(json_array_size(recipients) + 1, sizeof(*att));
    if (att == NULL)
        return EP_ENOMEM;
    json_array_foreach(recipients, i, r)
    {
        if (str(r, "email") == NULL)
            continue;
        att[n].email = str(r, "email");
        att[n++].name = str(r, "name");
    }
    rc = invitation(app, comm_id, comm, att, n, now, out);
    free(att);
    return rc;
}

/* Builds the message of one recipient into *msg. */
static int build_one(struct app *app, const char *comm_id, const json_t *comm_in, const json_t *env,
                     const json_t *rcpt, int64_t now, char **msg, struct ep_error *err)
{
    struct mail_attachment att[5];
    struct mail_msg m;
    struct ical_person me = {str(rcpt, "email"), str(rcpt, "name")};
    char *text = NULL, *html = NULL, *envtext = NULL, *ics = NULL, *flyer = NULL, *wav = NULL;
    char *spoken = NULL;
    char fname[96];
    size_t natt = 0, len, flen = 0, wlen = 0;
    const json_t *variants = json_object_get(rcpt, "variants");
    /* Everything in the reader's version: the subject, the invitation's
     * summary, the flyer and the audio too. */
    json_t *comm = NULL;
    int rc = comms_for_reader(comm_in, str(rcpt, "language"), &comm);

    *msg = NULL;
    if (rc == EP_OK)
        rc = outbox_render(comm, env, rcpt, &text, &html);
    if (rc != EP_OK)
        goto out;
    envtext = env != NULL ? json_dumps(env, JSON_COMPACT) : NULL;
    if (envtext != NULL) {
        snprintf(fname, sizeof(fname), "communication.json");
        att[natt++] = (struct mail_attachment){fname, "application/json", envtext, strlen(envtext)};
    }
    if (is_event(comm)) {
        rc = invitation(app, comm_id, comm, &me, 1, now, &ics);
        if (rc == EP_EINVAL)
            ep_error_set(err, rc, NULL, "starts_at must be a local time \"YYYY-MM-DDTHH:MM\"");
        if (rc != EP_OK)
            goto out;
        att[natt++] = (struct mail_attachment){
            "invitation.ics", "text/calendar; charset=UTF-8; method=REQUEST", ics, strlen(ics)};
    }
    /* The printable flyer for everyone (large print for who needs it), the
     * audio version for who asked for it; the text is always in the mail. */
    rc = flyer_pdf(comm, audience_has(variants, "large_print"), &flyer, &flen);
    if (rc != EP_OK)
        goto out;
    att[natt++] = (struct mail_attachment){"flyer.pdf", "application/pdf", flyer, flen};
    if (audience_has(variants, "audio")) {
        rc = comms_spoken(comm, audience_has(variants, "falc"), &spoken);
        if (rc == EP_OK)
            rc = audio_wav(spoken, str(comm, "lang"), &wav, &wlen, err);
        if (rc != EP_OK)
            goto out;
        att[natt++] = (struct mail_attachment){"message.wav", "audio/wav", wav, wlen};
    }
    memset(&m, 0, sizeof(m));
    m.from = app->cfg->smtp_from;
    m.from_name = "ecoplateau";
    m.to = str(rcpt, "email");
    m.to_name = str(rcpt, "name");
    m.subject = str(comm, "title");
    m.text = text;
    m.html = html;
    m.att = att;
    m.natt = natt;
    m.lang = str(comm, "lang");
    rc = mail_build(&m, app->cfg->smtp_max_bytes, msg, &len);
    if (rc == EP_ETOOBIG)
        ep_error_set(err, rc, NULL,
                     "the message to %s with its attachments is larger than the %zu bytes allowed "
                     "(EP_SMTP_MAX_BYTES)",
                     m.to, app->cfg->smtp_max_bytes);
    else if (rc == EP_EINVAL)
        ep_error_set(err, rc, NULL, "'%s' is not a usable email address", m.to != NULL ? m.to : "");
out:
    free(text);
    free(html);
    free(envtext);
    free(ics);
    free(flyer);
    free(wav);
    free(spoken);
    json_decref(comm);
    return rc;
}

int outbox_queue(struct app *app, struct db *db, const char *production_id, const char *comm_id,
                 const json_t *comm, const json_t *env, const json_t *recipients, int64_t now,
                 int *queued, struct ep_error *err)
{
    size_t n = json_array_size(recipients), i;
    char **msgs = calloc(n + 1, sizeof(*msgs));
    json_t *r, *signed_comm = NULL;
    int rc = EP_OK, count = 0;

    *queued = 0;
    if (msgs == NULL)
        return EP_ENOMEM;
    /* Build every message before writing any: one too large refuses the
     * whole send, so the office fixes it and nobody gets half of it. */
    /* The flyer cites the signature being sent, not the one stored before. */
    signed_comm = json_copy((json_t *)comm);
    if (signed_comm == NULL ||
        (env != NULL && json_object_set(signed_comm, "signed", (json_t *)env) != 0)) {
        rc = EP_ENOMEM;
        goto out;
    }
    json_array_foreach(recipients, i, r)
    {
        /* The calendar invitation travels by email too. */
        if (!audience_has(json_object_get(r, "channels"), "email") &&
            !audience_has(json_object_get(r, "channels"), "calendar"))
            continue;
        rc = build_one(app, comm_id, signed_comm, env, r, now, &msgs[i], err);
        if (rc != EP_OK)
            goto out;
    }
    rc = db_begin_write(db);
    if (rc != EP_OK)
        goto out;
    json_array_foreach(recipients, i, r)
    {
        if (msgs[i] == NULL)
            continue;
        rc = commstore_outbox_add(db, production_id, comm_id, str(r, "member"), str(r, "email"),
                                  msgs[i], now);
        if (rc != EP_OK)
            break;
        count++;
    }
    if (rc == EP_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == EP_OK)
        *queued = count;
out:
    for (i = 0; i < n; i++)
        free(msgs[i]);
    free(msgs);
    json_decref(signed_comm);
    return rc;
}

/* Appends "<p>" key's text with its (name, value) pair filled, escaped,
 * "</p>". */
static int join_para(struct strbuf *html, const char *lang, const char *key, const char *name,
                     const char *value)
{
    char buf[1024];
    text_fmtbuf(buf, sizeof(buf), lang, key, name, value, NULL);
    if (strbuf_str(html, "<p>") != 0 || strbuf_html(html, buf) != 0 ||
        strbuf_str(html, "</p>") != 0)
        return EP_ENOMEM;
    return EP_OK;
}

int outbox_join_message(const struct app *app, const char *lang, const char *title,
                        const char *name, const char *email, const char *link, int64_t expires_at,
                        char **msg)
{
    struct strbuf text, html;
    struct mail_msg m;
    char subject[300], iso[16], day[FMT_MAX], valid[160];
    time_t t = (time_t)(expires_at / 1000);
    struct tm tm;
    size_t len = 0;
    int rc = EP_OK;

    *msg = NULL;
    lang = text_lang(lang);
    /* The UTC day is the link's last day or the one before: a promise the
     * server keeps whatever the reader's zone. */
    if (gmtime_r(&t, &tm) == NULL || strftime(iso, sizeof(iso), "%Y-%m-%d", &tm) == 0 ||
        fmt_date(day, sizeof(day), iso, FMT_DATE_LONG, lang) == NULL)
        return EP_EINVAL;
    text_fmtbuf(valid, sizeof(valid), lang, "email.join.valid", "date", day, NULL);
    strbuf_init(&text, 16384);
    strbuf_init(&html, 32768);
    if (text_fmt(&text, lang, "email.join.hello", "name", name, NULL) != 0 ||
        strbuf_str(&text, "\n\n") != 0 ||
        text_fmt(&text, lang, "email.join.invited", "title", title, NULL) != 0 ||
        strbuf_str(&text, "\n\n") != 0 ||
        text_fmt(&text, lang, "email.join.open", "date", day, NULL) != 0 ||
        strbuf_printf(&text, "\n%s\n\n", link) != 0 ||
        text_fmt(&text, lang, "email.join.account", NULL) != 0 || strbuf_str(&text, "\n") != 0 ||
        text_fmt(&text, lang, "email.join.ignore", NULL) != 0 || strbuf_str(&text, "\n") != 0 ||
        strbuf_printf(&html, "<!DOCTYPE html><html lang=\"%s\"><meta charset=\"utf-8\">", lang) !=
            0 ||
        join_para(&html, lang, "email.join.hello", "name", name) != 0 ||
        join_para(&html, lang, "email.join.invited", "title", title) != 0 ||
        strbuf_str(&html, "<p><a href=\"") != 0 || strbuf_html(&html, link) != 0 ||
        strbuf_str(&html, "\">") != 0 || strbuf_html(&html, link) != 0 ||
        strbuf_str(&html, "</a> ") != 0 || strbuf_html(&html, valid) != 0 ||
        strbuf_str(&html, "</p>") != 0 ||
        join_para(&html, lang, "email.join.account", NULL, NULL) != 0 ||
        join_para(&html, lang, "email.join.ignore", NULL, NULL) != 0) {
        rc = EP_ENOMEM;
        goto out;
    }
    text_fmtbuf(subject, sizeof(subject), lang, "email.join.subject", "title", title, NULL);
    memset(&m, 0, sizeof(m));
    m.from = app->cfg->smtp_from;
    m.from_name = "ecoplateau";
    m.to = email;
    m.to_name = name;
    m.subject = subject;
    m.text = text.p;
    m.html = html.p;
    m.lang = lang;
    rc = mail_build(&m, app->cfg->smtp_max_bytes, msg, &len);
out:
    strbuf_release(&text);
    strbuf_release(&html);
    return rc;
}

static int64_t backoff(const struct app *app, int64_t attempts)
{
    int64_t d = app->cfg->smtp_retry_ms;
    for (int64_t i = 1; i < attempts && d < RETRY_CAP_MS; i++)
        d *= 2;
    return d < RETRY_CAP_MS ? d : RETRY_CAP_MS;
}

static int mark(struct db *db, int64_t id, const char *status, int64_t next_at, const char *error,
                int64_t now)
{
    int rc = db_begin_write(db);
    if (rc != EP_OK)
        return rc;
    rc = commstore_outbox_mark(db, id, status, next_at, error, now);
    if (rc == EP_OK)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int outbox_deliver(struct app *app, struct db *db, const char *production_id, int64_t now,
                   json_t **summary)
{
    const struct config *cfg = app->cfg;
    struct mail_smtp smtp = {cfg->smtp_url, cfg->smtp_user, cfg->smtp_password, 30000};
    int counts[4] = {0, 0, 0, 0};
    json_t *due = NULL, *row;
    size_t i;
    int rc;

    if (summary != NULL)
        *summary = NULL;
    if (cfg->smtp_url[0] == '\0') {
        if (summary != NULL)
            *summary = json_pack("{s:s}", "smtp", "not configured");
        return EP_OK;
    }
    if (app->outbox != NULL)
        pthread_mutex_lock(&app->outbox->deliver);
    rc = commstore_outbox_due(db, production_id, now, DUE_BATCH, &due);
    json_array_foreach(due, i, row)
    {
        const char *msg = str(row, "message");
        int64_t id = json_integer_value(json_object_get(row, "id"));
        int64_t attempts = json_integer_value(json_object_get(row, "attempts")) + 1;
        struct ep_error why;
        char err[600];
        enum mail_outcome o =
            mail_send(&smtp, cfg->smtp_from, str(row, "address"), msg, strlen(msg), &why);
        const char *status = "sent";
        int64_t next = now;

        if (o == MAIL_RETRY && attempts >= OUTBOX_MAX_ATTEMPTS) {
            snprintf(err, sizeof(err), "gave up after %lld attempts: %s", (long long)attempts,
                     why.message);
            status = "failed";
            o = MAIL_FAILED;
        } else {
            snprintf(err, sizeof(err), "%s", why.message);
            if (o == MAIL_RETRY) {
                status = "queued";
                next = now + backoff(app, attempts);
            } else if (o == MAIL_BOUNCED) {
                status = "bounced";
            } else if (o == MAIL_FAILED) {
                status = "failed";
            }
        }
        counts[o]++;
        if (o != MAIL_SENT)
            LOG_WARN("outbox", "email %lld to %s: %s (%s)", (long long)id, str(row, "address"),
                     status, err);
        rc = mark(db, id, status, next, err, now);
        if (rc != EP_OK && rc != EP_ECONFLICT)
            break;
        rc = EP_OK;
    }
    if (app->outbox != NULL)
        pthread_mutex_unlock(&app->outbox->deliver);
    json_decref(due);
    if (rc == EP_OK && summary != NULL)
        *summary = json_pack("{s:i, s:i, s:i, s:i}", "sent", counts[MAIL_SENT], "retry",
                             counts[MAIL_RETRY], "bounced", counts[MAIL_BOUNCED], "failed",
                             counts[MAIL_FAILED]);
    return rc;
}

static void *worker(void *arg)
{
    struct app *app = arg;
    struct outbox *ob = app->outbox;
    struct db *db = NULL;
    struct ep_error err = {0};

    if (db_open(app->db_path, &db, &err) != EP_OK) {
        LOG_ERROR("outbox", "the email worker cannot open the database: %s", err.message);
        return NULL;
    }
    db_set_write_lock(db, &app->write_lock);
    pthread_mutex_lock(&ob->lock);
    while (!ob->stop) {
        struct timespec until;
        pthread_mutex_unlock(&ob->lock);
        if (outbox_deliver(app, db, NULL, clock_now_ms(), NULL) != EP_OK)
            LOG_ERROR("outbox", "the email outbox could not be read or updated");
        pthread_mutex_lock(&ob->lock);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += app->cfg->smtp_poll_ms / 1000;
        until.tv_nsec += (app->cfg->smtp_poll_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        /* A kick during the delivery above is not lost: the flag stays. */
        if (!ob->stop && !ob->kicked)
            pthread_cond_timedwait(&ob->wake, &ob->lock, &until);
        ob->kicked = 0;
    }
    pthread_mutex_unlock(&ob->lock);
    db_close(db);
    return NULL;
}

int outbox_start(struct app *app)
{
    struct outbox *ob = calloc(1, sizeof(*ob));

    if (ob == NULL)
        return EP_ENOMEM;
    pthread_mutex_init(&ob->deliver, NULL);
    pthread_mutex_init(&ob->lock, NULL);
    pthread_cond_init(&ob->wake, NULL);
    app->outbox = ob;
    /* Say where mail goes, so nobody believes an email left that waits. */
    if (app->cfg->smtp_url[0] != '\0')
        LOG_INFO("mail.route", "emails go to %s as %s", app->cfg->smtp_url, app->cfg->smtp_from);
    else
        LOG_INFO("mail.route", "no EP_SMTP_URL: emails wait in the outbox, nothing is sent "
                               "(make mail-sink, then EP_SMTP_URL=smtp://127.0.0.1:2525)");
    if (app->cfg->smtp_poll_ms > 0 && app->cfg->smtp_url[0] != '\0') {
        if (pthread_create(&ob->thread, NULL, worker, app) != 0) {
            outbox_stop(app);
            return EP_EIO;
        }
        ob->running = 1;
    }
    return EP_OK;
}

void outbox_kick(struct app *app)
{
    if (app->outbox == NULL)
        return;
    pthread_mutex_lock(&app->outbox->lock);
    app->outbox->kicked = 1;
    pthread_cond_signal(&app->outbox->wake);
    pthread_mutex_unlock(&app->outbox->lock);
}

void outbox_stop(struct app *app)
{
    struct outbox *ob = app->outbox;

    if (ob == NULL)
        return;
    pthread_mutex_lock(&ob->lock);
    ob->stop = 1;
    pthread_cond_signal(&ob->wake);
    pthread_mutex_unlock(&ob->lock);
    if (ob->running)
        pthread_join(ob->thread, NULL);
    pthread_cond_destroy(&ob->wake);
    pthread_mutex_destroy(&ob->lock);
    pthread_mutex_destroy(&ob->deliver);
    free(ob);
    app->outbox = NULL;
}
