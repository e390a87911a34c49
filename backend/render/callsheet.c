/* callsheet.c - the call sheet's eco block (see callsheet.h). */
#include "callsheet.h"

#include "err.h"
#include "fmt.h"
#include "pdf.h"
#include "strbuf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

struct sheet {
    json_t *events;    /* briefings and checkpoints that day: [{time,title,location}] */
    json_t *notices;   /* communications flagged callsheet: [{title,text}] */
    json_t *actions;   /* actions in progress: [{title,dept}] */
    json_t *referents; /* names */
};

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Inserts ev into events, kept ordered by time. */
static void insert_by_time(json_t *events, json_t *ev)
{
    size_t i = 0;
    while (i < json_array_size(events) &&
           strcmp(str(json_array_get(events, i), "time"), str(ev, "time")) <= 0)
        i++;
    json_array_insert_new(events, i, ev);
}

static void sheet_collect(struct sheet *s, const json_t *state, const json_t *people,
                          const char *date)
{
    const char *key;
    json_t *rec, *v;
    size_t i;

    json_object_foreach((json_t *)json_object_get(state, "records"), key, rec)
    {
        json_t *f = json_object_get(rec, "fields");
        const char *starts = str(f, "starts_at"), *kind = or_empty(str(f, "kind"));
        if (json_is_true(json_object_get(rec, "deleted")) || str(f, "title") == NULL)
            continue;
        if (strncmp(key, "communications/", 15) == 0) {
            /* A draft, or one waiting for its signature, is not on anybody's
             * call sheet: only what was signed and sent. */
            if (strcmp(or_empty(str(f, "status")), "sent") != 0)
                continue;
            if (starts != NULL && strlen(starts) >= 16 && strncmp(starts, date, 10) == 0 &&
                (strcmp(kind, "briefing") == 0 || strcmp(kind, "checkpoint") == 0))
                insert_by_time(s->events, json_pack("{s:s%, s:s, s:s}", "time", starts + 11,
                                                    (size_t)5, "title", str(f, "title"), "location",
                                                    or_empty(str(f, "location"))));
            /* The call sheet is read in a hurry: the easy-to-read version
             * when someone wrote one. */
            if (json_is_true(json_object_get(f, "callsheet")))
                json_array_append_new(
                    s->notices,
                    json_pack("{s:s, s:s}", "title", str(f, "title"), "text",
                              str(f, "falc") != NULL ? str(f, "falc") : or_empty(str(f, "text"))));
        } else if (strncmp(key, "actions/", 8) == 0 &&
                   strcmp(or_empty(str(f, "status")), "in_progress") == 0) {
            json_array_append_new(s->actions, json_pack("{s:s, s:s}", "title", str(f, "title"),
                                                        "dept", or_empty(str(f, "dept"))));
        }
    }
    json_array_foreach(people, i, v) if (strcmp(or_empty(str(v, "role")), "eco_referent") == 0)
        json_array_append_new(s->referents, json_string(or_empty(str(v, "name"))));
}

static int esc(struct strbuf *b, const char *text)
{
    return strbuf_html(b, text);
}

/* Appends key's text in lang, escaped (its words are data, text.h). */
static int word(struct strbuf *b, const char *lang, const char *key)
{
    return strbuf_html(b, text_get(lang, key));
}

static int sheet_html(const struct sheet *s, const char *lang, const char *title, const char *date,
                      char **out, size_t *len)
{
    char day[64], line[300];
    struct strbuf b;
    size_t i;
    json_t *v;
    int rc;

    if (fmt_date(day, sizeof(day), date, FMT_DATE_LONG, lang) == NULL)
        snprintf(day, sizeof(day), "%.10s", date);
    strbuf_init(&b, (size_t)4 * 1024 * 1024);
    rc = strbuf_printf(&b,
                       "<!DOCTYPE html>\n<html lang=\"%s\">\n<head><meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>",
                       text_lang(lang));
    if (rc == EP_OK)
        rc = esc(&b, text_fmtbuf(line, sizeof(line), lang, "callsheet.title", "date", day, NULL));
    if (rc == EP_OK)
        rc = strbuf_str(&b, " — ");
    if (rc == EP_OK)
        rc = esc(&b, title);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</title></head>\n<body>\n<main>\n<h1>");
    if (rc == EP_OK)
        rc = esc(&b, text_fmtbuf(line, sizeof(line), lang, "callsheet.heading", "date", day, NULL));
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</h1>\n<p>");
    if (rc == EP_OK)
        rc = esc(&b, title);
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</p>\n<h2>");
    if (rc == EP_OK)
        rc = word(&b, lang, "callsheet.events");
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</h2>\n");
    if (rc == EP_OK && json_array_size(s->events) == 0)
        rc = strbuf_printf(&b, "<p>%s</p>\n", text_get(lang, "callsheet.no_events"));
    if (rc == EP_OK && json_array_size(s->events) > 0)
        rc = strbuf_printf(&b,
                           "<table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">"
                           "%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
                           text_get(lang, "callsheet.col.time"),
                           text_get(lang, "callsheet.col.event"),
                           text_get(lang, "callsheet.col.place"));
    json_array_foreach(s->events, i, v)
    {
        if (rc == EP_OK)
            rc = strbuf_printf(&b, "<tr><td>%s</td><td>", str(v, "time"));
        if (rc == EP_OK)
            rc = esc(&b, str(v, "title"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</td><td>");
        if (rc == EP_OK)
            rc = esc(&b, str(v, "location"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</td></tr>\n");
    }
    if (rc == EP_OK && json_array_size(s->events) > 0)
        rc = strbuf_str(&b, "</tbody>\n</table>\n");
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "<h2>%s</h2>\n", text_get(lang, "callsheet.notices"));
    if (rc == EP_OK && json_array_size(s->notices) == 0)
        rc = strbuf_printf(&b, "<p>%s</p>\n", text_get(lang, "callsheet.no_notices"));
    json_array_foreach(s->notices, i, v)
    {
        if (rc == EP_OK)
            rc = strbuf_str(&b, "<h3>");
        if (rc == EP_OK)
            rc = esc(&b, str(v, "title"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</h3>\n<p>");
        if (rc == EP_OK)
            rc = esc(&b, str(v, "text"));
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</p>\n");
    }
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "<h2>%s</h2>\n<ul>\n", text_get(lang, "callsheet.actions"));
    json_array_foreach(s->actions, i, v)
    {
        if (rc == EP_OK)
            rc = strbuf_str(&b, "<li>");
        if (rc == EP_OK)
            rc = esc(&b, str(v, "title"));
        if (rc == EP_OK && str(v, "dept")[0] != '\0') {
            rc = strbuf_str(&b, " (");
            if (rc == EP_OK)
                rc = esc(&b, str(v, "dept"));
            if (rc == EP_OK)
                rc = strbuf_str(&b, ")");
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "</li>\n");
    }
    if (rc == EP_OK && json_array_size(s->actions) == 0)
        rc = strbuf_printf(&b, "<li>%s</li>\n", text_get(lang, "callsheet.no_actions"));
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "</ul>\n<h2>%s</h2>\n<p>", text_get(lang, "callsheet.referents"));
    json_array_foreach(s->referents, i, v)
    {
        if (rc == EP_OK && i > 0)
            rc = strbuf_str(&b, ", ");
        if (rc == EP_OK)
            rc = esc(&b, json_string_value(v));
    }
    if (rc == EP_OK)
        rc = strbuf_str(&b, "</p>\n</main>\n</body>\n</html>\n");
    if (rc == EP_OK) {
        *out = strbuf_detach(&b, len);
        rc = *out != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&b);
    return rc;
}

static int sheet_pdf(const struct sheet *s, const char *lang, const char *production,
                     const char *date, char **out, size_t *len)
{
    char day[64];
    struct pdf *p;
    char head[256];
    const char **cells = NULL;
    size_t i, n;
    json_t *v;
    int rc;

    if (fmt_date(day, sizeof(day), date, FMT_DATE_LONG, lang) == NULL)
        snprintf(day, sizeof(day), "%.10s", date);
    text_fmtbuf(head, sizeof(head), lang, "callsheet.heading", "date", day, NULL);
    p = pdf_new(head, strcmp(text_lang(lang), "en") == 0 ? "en-GB" : "fr-FR", production);
    if (p == NULL)
        return EP_ENOMEM;
    rc = pdf_heading(p, 1, head);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, production);
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, text_get(lang, "callsheet.events"));
    n = json_array_size(s->events);
    if (rc == EP_OK && n == 0)
        rc = pdf_paragraph(p, text_get(lang, "callsheet.no_events"));
    if (rc == EP_OK && n > 0) {
        const char *const header[] = {text_get(lang, "callsheet.col.time"),
                                      text_get(lang, "callsheet.col.event"),
                                      text_get(lang, "callsheet.col.place")};
        cells = calloc(n * 3, sizeof(*cells));
        if (cells == NULL)
            rc = EP_ENOMEM;
        json_array_foreach(s->events, i, v) if (cells != NULL)
        {
            cells[i * 3] = str(v, "time");
            cells[i * 3 + 1] = str(v, "title");
            cells[i * 3 + 2] = str(v, "location");
        }
        if (rc == EP_OK)
            rc = pdf_table(p, header, 3, cells, n);
        free(cells);
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, text_get(lang, "callsheet.notices"));
    if (rc == EP_OK && json_array_size(s->notices) == 0)
        rc = pdf_paragraph(p, text_get(lang, "callsheet.no_notices"));
    json_array_foreach(s->notices, i, v)
    {
        char line[1024];
        text_fmtbuf(line, sizeof(line), lang, "callsheet.notice", "title", str(v, "title"), "text",
                    str(v, "text"), NULL);
        if (rc == EP_OK)
            rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, text_get(lang, "callsheet.actions"));
    if (rc == EP_OK && json_array_size(s->actions) == 0)
        rc = pdf_paragraph(p, text_get(lang, "callsheet.no_actions"));
    json_array_foreach(s->actions, i, v)
    {
        char line[600];
        snprintf(line, sizeof(line), "• %s%s%s%s", str(v, "title"),
                 str(v, "dept")[0] != '\0' ? " (" : "", str(v, "dept"),
                 str(v, "dept")[0] != '\0' ? ")" : "");
        if (rc == EP_OK)
            rc = pdf_paragraph(p, line);
    }
    if (rc == EP_OK)
        rc = pdf_heading(p, 2, text_get(lang, "callsheet.referents"));
    {
        struct strbuf names;
        char *text;
        strbuf_init(&names, 4096);
        json_array_foreach(s->referents, i, v)
            strbuf_printf(&names, "%s%s", i > 0 ? ", " : "", json_string_value(v));
        text = strbuf_detach(&names, NULL);
        if (rc == EP_OK)
            rc = text != NULL ? pdf_paragraph(p, text[0] != '\0' ? text : "—") : EP_ENOMEM;
        free(text);
        strbuf_release(&names);
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
    pdf_free(p);
    return rc;
}

int callsheet_eco(const json_t *state, const json_t *people, const char *production_title,
                  const char *date, const char *lang, int html, char **out, size_t *len)
{
    struct sheet s = {json_array(), json_array(), json_array(), json_array()};
    int rc = EP_ENOMEM;

    *out = NULL;
    *len = 0;
    if (s.events != NULL && s.notices != NULL && s.actions != NULL && s.referents != NULL) {
        sheet_collect(&s, state, people, date);
        rc = html ? sheet_html(&s, lang, production_title, date, out, len)
                  : sheet_pdf(&s, lang, production_title, date, out, len);
    }
    json_decref(s.events);
    json_decref(s.notices);
    json_decref(s.actions);
    json_decref(s.referents);
    return rc;
}
