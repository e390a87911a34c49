/*
 * dossier.c - the professional dossier's content (see dossier.h). Composes
 * the evaluation (which already holds the plan's progress and the footprint
 * comparison), the C1/C2 diagnostics kept as synced records, the directory
 * and the communications; the candidate's edits of each part override the
 * drafts written here.
 */
#include "dossier.h"

#include "carbon.h"

#include "db.h"
#include "diag.h"
#include "directory.h"
#include "err.h"
#include "eval.h"
#include "fmt.h"
#include "plan.h"
#include "strbuf.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 262144 /* one part's draft: far more than 12 pages */

/* The parts, in the order of the référentiel's "Dossier professionnel";
 * each title is the text "dossier.part.<id>". */
static const struct {
    const char *id;
    const char *competencies[3];
} parts[] = {
    {"methodologie", {"C1", "C4", "C9"}},  {"diagnostic", {"C1", NULL, NULL}},
    {"analyse", {"C2", NULL, NULL}},       {"plan", {"C3", "C4", NULL}},
    {"actions", {"C5", "C6", NULL}},       {"indicateurs", {"C7", "C8", NULL}},
    {"resultats", {"C9", NULL, NULL}},     {"difficultes", {"C9", NULL, NULL}},
    {"valorisation", {"C10", NULL, NULL}},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

size_t dossier_part_count(void)
{
    return NPARTS;
}

const char *dossier_part_id(size_t i)
{
    return i < NPARTS ? parts[i].id : NULL;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

/* The text "<prefix>.<id>", or id itself when the files have no such key
 * (an id the data holds but the texts do not know yet). */
static const char *label(const char *lang, const char *prefix, const char *id)
{
    char key[128];
    snprintf(key, sizeof(key), "%s.%s", prefix, id);
    return text_has("fr", key) ? text_get(lang, key) : id;
}

/* A measured quantity and its unit (" kgCO2e", " %" or ""), signed when
 * sign is set, or "donnée manquante" when v is not a number: missing is
 * never written as zero. */
static void fmt_num(char *buf, size_t len, const json_t *v, const char *unit, int sign,
                    const char *lang)
{
    char n[FMT_MAX];

    if (!json_is_number(v)) {
        snprintf(buf, len, "%s", text_get(lang, "dossier.missing"));
        return;
    }
    fmt_quantity(n, sizeof(n), json_number_value(v), lang);
    /* fmt_quantity writes a negative value with its minus sign */
    snprintf(buf, len, "%s%s%s", sign && json_number_value(v) > 0 ? "+" : "", n, unit);
}

/* "12 %" / "12%": the percent sign the way the language writes it. */
static void fmt_pct(char *buf, size_t len, const json_t *v, int sign, const char *lang)
{
    if (!json_is_number(v))
        snprintf(buf, len, "%s", text_get(lang, "dossier.missing"));
    else
        fmt_percent(buf, len, json_number_value(v) / 100.0, 0, sign, lang);
}

/* "n word" through the key's .one/.other texts. */
static char *count(char *buf, size_t len, const char *key, long long n, const char *lang)
{
    char k[96], num[FMT_MAX];
    fmt_number(num, sizeof(num), (double)n, 0, lang);
    return text_fmtbuf(buf, len, lang, text_count_key(k, sizeof(k), key, (long)n, lang), "n", num,
                       NULL);
}

static char *money(char *buf, size_t len, double eur, const char *lang)
{
    char n[FMT_MAX];
    fmt_number(n, sizeof(n), eur, 0, lang);
    /* French puts the sign after a no-break space, as Intl writes it */
    snprintf(buf, len, fmt_is_english(lang) ? "€%s" : "%s\u00a0€", n);
    return buf;
}

/* ---- storage ---------------------------------------------------------------- */

/* Every live record of col in space: [{"id","fields","conflicts"}], by id. */
static int records(struct db *db, const char *space, const char *col, json_t **out)
{
    static const char sql[] = "SELECT rid, state, conflicts FROM sync_record "
                              "WHERE production_id = ?1 AND col = ?2 AND deleted = 0 ORDER BY rid";
    sqlite3_stmt *st = db_stmt(db, sql);
    json_t *list = json_array();
    int step;

    *out = NULL;
    if (st == NULL || list == NULL) {
        json_decref(list);
        return st == NULL ? EP_EIO : EP_ENOMEM;
    }
    sqlite3_bind_text(st, 1, space, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *fields = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        json_array_append_new(list, json_pack("{s:s, s:o, s:b}", "id",
                                              (const char *)sqlite3_column_text(st, 0), "fields",
                                              fields != NULL ? fields : json_object(), "conflicts",
                                              sqlite3_column_int(st, 2) > 0));
    }
    db_done(st);
    if (step != SQLITE_DONE) {
        json_decref(list);
        return db_map_rc(step);
    }
    *out = list;
    return EP_OK;
}

static int production_title(struct db *db, const char *production_id, char *buf, size_t len)
{
    static const char sql[] = "SELECT title, coalesce(starts_on, ''), coalesce(ends_on, '') "
                              "FROM production WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(db, sql);
    int step;

    if (st == NULL)
        return EP_EIO;
    sqlite3_bind_text(st, 1, production_id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *from = (const char *)sqlite3_column_text(st, 1);
        const char *to = (const char *)sqlite3_column_text(st, 2);
        if (from[0] != '\0' && to[0] != '\0')
            snprintf(buf, len, "%s|%s|%s", (const char *)sqlite3_column_text(st, 0), from, to);
        else
            snprintf(buf, len, "%s||", (const char *)sqlite3_column_text(st, 0));
    }
    db_done(st);
    return step == SQLITE_ROW ? EP_OK : step == SQLITE_DONE ? EP_ENOTFOUND : db_map_rc(step);
}

static json_t *find_id(const json_t *list, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        if (strcmp(str(x, "id"), id) == 0)
            return x;
    }
    return NULL;
}

/* ---- the drafts ------------------------------------------------------------- */

struct ctx {
    struct db *db;    /* for the catalogue's names (the annexes) */
    const char *lang; /* "fr" or "en": every text below is written in it */
    const char *title, *starts, *ends;
    json_t *eval;      /* eval_production */
    json_t *c1, *c2;   /* diag_company / diag_project results, or NULL */
    json_t *suppliers; /* directory records */
    json_t *comms;     /* communications records */
    json_t *tasks;     /* tasks records */
    json_t *missing;   /* what the data lacks */
};

#define T(key) text_get(c->lang, key)

static void missing(struct ctx *c, const char *key)
{
    json_array_append_new(c->missing, json_string(T(key)));
}

static long long int_of(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* A list item "\n- " then key's text. */
static int item(struct strbuf *b)
{
    return strbuf_str(b, "\n- ");
}

static const char *priority_label(const struct ctx *c, const json_t *x)
{
    const char *p = str(x, "priority");
    if (p[0] == '\0')
        p = str(x, "grade");
    return p[0] != '\0' ? label(c->lang, "diag.grade", p) : T("dossier.ungraded");
}

static int methodology(struct ctx *c, struct strbuf *b)
{
    const json_t *sum = json_object_get(c->eval, "summary");
    char from[FMT_MAX], to[FMT_MAX], span[160] = "", na[96], nm[96];
    int rc;

    if (c->starts[0] != '\0' && c->ends[0] != '\0')
        text_fmtbuf(span, sizeof(span), c->lang, "dossier.method.span", "from",
                    fmt_date(from, sizeof(from), c->starts, FMT_DATE_MEDIUM, c->lang), "to",
                    fmt_date(to, sizeof(to), c->ends, FMT_DATE_MEDIUM, c->lang), NULL);
    rc = text_fmt(b, c->lang, "dossier.method.intro", "title", c->title, "span", span, NULL);
    if (rc == EP_OK)
        rc = text_fmt(
            b, c->lang, "dossier.method.plan", "actions",
            count(na, sizeof(na), "dossier.count.action", int_of(sum, "actions"), c->lang),
            "measured",
            count(nm, sizeof(nm), "dossier.count.measured", int_of(sum, "measured"), c->lang),
            NULL);
    return rc;
}

static int graded_list(struct ctx *c, struct strbuf *b, const char *heading, const json_t *list)
{
    size_t i;
    json_t *x;
    int rc = strbuf_str(b, "\n\n");

    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.list_head", "heading", T(heading), NULL);
    if (json_array_size(list) == 0 && rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.graded.none", NULL);
    json_array_foreach(list, i, x)
    {
        if (rc == EP_OK)
            rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.graded.item", "text", str(x, "text"), "grade",
                          priority_label(c, x), NULL);
    }
    return rc;
}

static int diagnostic(struct ctx *c, struct strbuf *b)
{
    char level[FMT_MAX], score[FMT_MAX];
    int rc;

    if (c->c1 == NULL) {
        missing(c, "dossier.diag.missing_item");
        return text_fmt(b, c->lang, "dossier.diag.missing", NULL);
    }
    fmt_number(level, sizeof(level), (double)int_of(c->c1, "level"), 0, c->lang);
    /* a real (57.8): json_integer_value would read it as 0 */
    fmt_number(score, sizeof(score), json_number_value(json_object_get(c->c1, "score")), 0,
               c->lang);
    rc = text_fmt(b, c->lang, "dossier.diag.level", "level", level, "label",
                  str(c->c1, "level_label"), "score", score, "draft",
                  strcmp(str(c->c1, "status"), "draft") == 0 ? T("dossier.diag.draft") : "", NULL);
    if (rc == EP_OK && json_is_object(json_object_get(c->c1, "previous"))) {
        const json_t *p = json_object_get(c->c1, "previous");
        double before = json_number_value(json_object_get(p, "score"));
        double after = json_number_value(json_object_get(c->c1, "score"));
        char year[16], bs[FMT_MAX], as[FMT_MAX], d[FMT_MAX], ds[FMT_MAX + 1], lb[FMT_MAX],
            la[FMT_MAX];
        snprintf(year, sizeof(year), "%lld", int_of(p, "year"));
        /* a gain reads "+3,0": fmt_number signs only losses */
        fmt_number(d, sizeof(d), after - before, 1, c->lang);
        snprintf(ds, sizeof(ds), "%s%s", after - before >= 0.05 ? "+" : "", d);
        rc = text_fmt(b, c->lang, "dossier.diag.previous", "year", year, "before",
                      fmt_number(bs, sizeof(bs), before, 1, c->lang), "after",
                      fmt_number(as, sizeof(as), after, 1, c->lang), "delta", ds, "level_before",
                      fmt_number(lb, sizeof(lb), (double)int_of(p, "level"), 0, c->lang),
                      "level_after",
                      fmt_number(la, sizeof(la), (double)int_of(c->c1, "level"), 0, c->lang), NULL);
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->c1, "context")) > 0) {
        size_t i;
        json_t *x;
        rc = strbuf_str(b, "\n\n");
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.diag.context", NULL);
        json_array_foreach(json_object_get(c->c1, "context"), i, x)
        {
            if (rc == EP_OK)
                rc = strbuf_printf(b, "\n- %s", str(x, "text"));
        }
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->c1, "afnor_chapters")) > 0) {
        size_t i;
        json_t *x;
        rc = strbuf_str(b, "\n\n");
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.diag.afnor", NULL);
        json_array_foreach(json_object_get(c->c1, "afnor_chapters"), i, x)
        {
            char l[FMT_MAX];
            fmt_number(l, sizeof(l), (double)int_of(x, "level"), 0, c->lang);
            if (rc == EP_OK)
                rc = item(b);
            if (rc == EP_OK)
                rc = text_fmt(b, c->lang, "dossier.diag.afnor_item", "chapter", str(x, "label"),
                              "level", l, NULL);
        }
    }
    if (rc == EP_OK)
        rc = graded_list(c, b, "dossier.diag.strengths", json_object_get(c->c1, "strengths"));
    if (rc == EP_OK)
        rc = graded_list(c, b, "dossier.diag.weaknesses", json_object_get(c->c1, "weaknesses"));
    if (rc == EP_OK)
        rc = graded_list(c, b, "dossier.diag.axes", json_object_get(c->c1, "axes"));
    return rc;
}

static char *kg_text(char *buf, size_t len, const json_t *v, const char *lang)
{
    fmt_num(buf, len, v, " kgCO2e", 0, lang);
    return buf;
}

/* The C2 actions ranked by kgCO2e avoided per euro, within the envelope. */
static int budget(struct ctx *c, struct strbuf *b)
{
    const json_t *env = json_object_get(c->c2, "envelope");
    size_t i;
    json_t *a;
    int rc = strbuf_str(b, "\n\n");

    if (rc == EP_OK && json_is_number(json_object_get(env, "eur"))) {
        char eur[FMT_MAX], kept[96], cost[FMT_MAX], avoided[FMT_MAX + 8];
        rc = text_fmt(
            b, c->lang, "dossier.budget.envelope", "eur",
            money(eur, sizeof(eur), json_number_value(json_object_get(env, "eur")), c->lang),
            "kept", count(kept, sizeof(kept), "dossier.count.kept", int_of(env, "kept"), c->lang),
            "cost",
            money(cost, sizeof(cost), json_number_value(json_object_get(env, "cost_max_eur")),
                  c->lang),
            "avoided",
            kg_text(avoided, sizeof(avoided), json_object_get(env, "avoided_kg"), c->lang), NULL);
    } else if (rc == EP_OK) {
        rc = text_fmt(b, c->lang, "dossier.budget.no_envelope", NULL);
    }
    json_array_foreach(json_object_get(c->c2, "actions"), i, a)
    {
        json_t *k = json_object_get(a, "kg_per_eur"),
               *within = json_object_get(a, "within_envelope");
        char eff[FMT_MAX + 16], avoided[FMT_MAX + 8], lo[FMT_MAX], hi[FMT_MAX];
        if (rc != EP_OK)
            break;
        if (json_is_number(k)) {
            char n[FMT_MAX];
            fmt_number(n, sizeof(n), json_number_value(k), 2, c->lang);
            snprintf(eff, sizeof(eff), "%s kgCO2e/€", n);
        } else {
            snprintf(eff, sizeof(eff), "%s", T("dossier.budget.free"));
        }
        rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(
                b, c->lang, "dossier.budget.action", "title", str(a, "title"), "avoided",
                kg_text(avoided, sizeof(avoided), json_object_get(a, "avoided_kg"), c->lang), "min",
                money(lo, sizeof(lo), json_number_value(json_object_get(a, "cost_min_eur")),
                      c->lang),
                "max",
                money(hi, sizeof(hi), json_number_value(json_object_get(a, "cost_max_eur")),
                      c->lang),
                "efficiency", eff, "kept",
                json_is_true(within)    ? T("dossier.budget.kept")
                : json_is_false(within) ? T("dossier.budget.out")
                                        : "",
                NULL);
    }
    return rc;
}

static int analysis(struct ctx *c, struct strbuf *b)
{
    size_t i;
    json_t *x;
    int rc;

    if (c->c2 == NULL) {
        missing(c, "dossier.analysis.missing_item");
        return text_fmt(b, c->lang, "dossier.analysis.missing", NULL);
    }
    rc = text_fmt(b, c->lang, "dossier.analysis.impacts", NULL);
    json_array_foreach(json_object_get(c->c2, "impacts"), i, x)
    {
        if (rc == EP_OK)
            rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.item", "label", str(x, "element"), "text",
                          str(x, "impact"), NULL);
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.analysis.themes", NULL);
    json_array_foreach(json_object_get(c->c2, "themes"), i, x)
    {
        char kg[FMT_MAX + 8], rank[16];
        snprintf(rank, sizeof(rank), "%lld", int_of(x, "rank"));
        if (rc == EP_OK)
            rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.analysis.theme", "rank", rank, "label",
                          str(x, "label"), "kg",
                          kg_text(kg, sizeof(kg), json_object_get(x, "kg"), c->lang), "quadrant",
                          label(c->lang, "dossier.quadrant", str(x, "quadrant")), NULL);
    }
    if (rc == EP_OK)
        rc = budget(c, b);
    return rc;
}

static int plan(struct ctx *c, struct strbuf *b)
{
    const json_t *actions = json_object_get(c->eval, "actions");
    size_t i, n = 0;
    json_t *a;
    char key[96], num[FMT_MAX];
    int rc;

    fmt_number(num, sizeof(num), (double)json_array_size(actions), 0, c->lang);
    rc = text_fmt(b, c->lang,
                  text_count_key(key, sizeof(key), "dossier.plan.intro",
                                 (long)json_array_size(actions), c->lang),
                  "n", num, NULL);
    json_array_foreach(actions, i, a)
    {
        const char *obj = str(a, "objective");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s%s%s", str(a, "title"), obj[0] ? " — " : "", obj);
    }
    if (rc == EP_OK && json_array_size(actions) == 0)
        rc = strbuf_printf(b, " %s.", T("dossier.missing"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.plan.suppliers", NULL);
    json_array_foreach(c->suppliers, i, a)
    {
        const json_t *f = json_object_get(a, "fields");
        if (rc != EP_OK)
            break;
        if (str(f, "name")[0] == '\0')
            continue;
        n++;
        rc = strbuf_printf(b, "\n- %s (%s%s%s)", str(f, "name"), str(f, "scope"),
                           str(f, "location")[0] ? ", " : "", str(f, "location"));
    }
    if (rc == EP_OK && n == 0)
        rc = strbuf_printf(b, " %s.", T("dossier.missing"));
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.plan.annex", NULL);
    return rc;
}

static int carried_out(struct ctx *c, struct strbuf *b)
{
    const json_t *actions = json_object_get(c->eval, "actions");
    size_t i, briefings = 0, done_tasks = 0;
    json_t *a;
    char n1[96], n2[96];
    int rc = text_fmt(b, c->lang, "dossier.done.intro", NULL);

    json_array_foreach(actions, i, a)
    {
        const char *st = str(a, "action_status");
        if (rc == EP_OK)
            rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.item", "label", str(a, "title"), "text",
                          st[0] ? label(c->lang, "dossier.action_status", st)
                                : label(c->lang, "dossier.plan_status", str(a, "status")),
                          NULL);
    }
    json_array_foreach(c->comms, i, a)
    {
        if (strcmp(str(json_object_get(a, "fields"), "kind"), "briefing") == 0 ||
            strcmp(str(json_object_get(a, "fields"), "kind"), "checkpoint") == 0)
            briefings++;
    }
    json_array_foreach(c->tasks, i, a)
    {
        if (json_is_true(json_object_get(json_object_get(a, "fields"), "done")))
            done_tasks++;
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(
            b, c->lang, "dossier.done.comms", "comms",
            count(n1, sizeof(n1), "dossier.count.comm", (long long)json_array_size(c->comms),
                  c->lang),
            "briefings",
            count(n2, sizeof(n2), "dossier.count.briefing", (long long)briefings, c->lang), NULL);
    if (rc == EP_OK && json_array_size(c->comms) == 0)
        missing(c, "dossier.done.comms_missing");
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.done.tasks", "tasks",
                      count(n1, sizeof(n1), "dossier.count.task",
                            (long long)json_array_size(c->tasks), c->lang),
                      "done",
                      count(n2, sizeof(n2), "dossier.count.done", (long long)done_tasks, c->lang),
                      NULL);
    return rc;
}

static int indicators(struct ctx *c, struct strbuf *b)
{
    const json_t *fp = json_object_get(c->eval, "footprint");
    const json_t *fin = json_object_get(fp, "final"), *prov = json_object_get(fp, "provisional");
    size_t lines = json_array_size(json_object_get(fin, "lines"));
    char pk[FMT_MAX + 8], fk[FMT_MAX + 8], pline[160], key[96], num[FMT_MAX];
    int rc;

    /* No estimate line: the forecast was not made, not a zero forecast. */
    if (json_array_size(json_object_get(prov, "lines")) == 0) {
        text_fmtbuf(pline, sizeof(pline), c->lang, "dossier.ind.forecast_missing", "missing",
                    T("dossier.missing"), NULL);
        missing(c, "dossier.ind.forecast_missing_item");
    } else {
        text_fmtbuf(pline, sizeof(pline), c->lang, "dossier.ind.forecast", "kg",
                    kg_text(pk, sizeof(pk), json_object_get(prov, "total_kg"), c->lang), NULL);
    }
    kg_text(fk, sizeof(fk), lines > 0 ? json_object_get(fin, "total_kg") : NULL, c->lang);
    if (lines == 0)
        missing(c, "dossier.ind.readings_missing_item");
    fmt_number(num, sizeof(num), (double)lines, 0, c->lang);
    rc = text_fmt(b, c->lang,
                  text_count_key(key, sizeof(key), "dossier.ind.summary", (long)lines, c->lang),
                  "n", num, "forecast", pline, "final", fk, NULL);
    if (rc == EP_OK && int_of(c->eval, "elapsed_days") < int_of(c->eval, "total_days")) {
        char e[FMT_MAX], t[FMT_MAX];
        rc = text_fmt(
            b, c->lang, "dossier.ind.ongoing", "elapsed",
            fmt_number(e, sizeof(e), (double)int_of(c->eval, "elapsed_days"), 0, c->lang), "total",
            fmt_number(t, sizeof(t), (double)int_of(c->eval, "total_days"), 0, c->lang), NULL);
    }
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.ind.official", NULL);
    return rc;
}

static int results(struct ctx *c, struct strbuf *b)
{
    const json_t *sum = json_object_get(c->eval, "summary");
    size_t i;
    json_t *a;
    char mean[FMT_MAX], n[5][96], measured[FMT_MAX];
    int rc;

    fmt_pct(mean, sizeof(mean), json_object_get(sum, "mean_attainment_pct"), 0, c->lang);
    rc = text_fmt(
        b, c->lang, "dossier.res.summary", "actions",
        count(n[0], sizeof(n[0]), "dossier.count.action", int_of(sum, "actions"), c->lang), "ok",
        count(n[1], sizeof(n[1]), "dossier.count.ok", int_of(sum, "reussies"), c->lang), "partial",
        count(n[2], sizeof(n[2]), "dossier.count.partial", int_of(sum, "partielles"), c->lang),
        "failed",
        count(n[3], sizeof(n[3]), "dossier.count.failed", int_of(sum, "non_atteintes"), c->lang),
        "nodata",
        count(n[4], sizeof(n[4]), "dossier.count.nodata", int_of(sum, "sans_donnee"), c->lang),
        "mean", mean, "measured",
        fmt_number(measured, sizeof(measured), (double)int_of(sum, "measured"), 0, c->lang), NULL);
    json_array_foreach(json_object_get(c->eval, "actions"), i, a)
    {
        char pct[FMT_MAX];
        fmt_pct(pct, sizeof(pct), json_object_get(a, "attainment_pct"), 0, c->lang);
        if (rc == EP_OK)
            rc = item(b);
        if (rc == EP_OK)
            rc = text_fmt(b, c->lang, "dossier.res.action", "title", str(a, "title"), "pct", pct,
                          "verdict", label(c->lang, "dossier.verdict", str(a, "verdict")), NULL);
    }
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.res.strengths", NULL);
    json_array_foreach(json_object_get(c->eval, "strengths"), i, a)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s", str(a, "text"));
    }
    if (rc == EP_OK && json_array_size(json_object_get(c->eval, "strengths")) == 0)
        rc = text_fmt(b, c->lang, "dossier.res.no_strength", NULL);
    return rc;
}

/* The length of sentence s without its final full stop(s) and spaces, so
 * that the dossier adds exactly one. */
static int stem(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' '))
        n--;
    return (int)n;
}

static int difficulties(struct ctx *c, struct strbuf *b)
{
    const json_t *list = json_object_get(c->eval, "difficulties");
    size_t i, j;
    json_t *d, *s;
    int rc = text_fmt(b, c->lang, "dossier.diff.intro", NULL);

    json_array_foreach(list, i, d)
    {
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %.*s.", stem(str(d, "text")), str(d, "text"));
        json_array_foreach(json_object_get(d, "solutions"), j, s)
        {
            const char *t = json_string_value(s) != NULL ? json_string_value(s) : "";
            if (rc != EP_OK)
                break;
            rc = strbuf_printf(b, "%s %.*s.",
                               j == 0 ? T("dossier.diff.solutions") : T("dossier.diff.sep"),
                               stem(t), t);
        }
    }
    if (rc == EP_OK && json_array_size(list) == 0)
        rc = text_fmt(b, c->lang, "dossier.diff.none", NULL);
    return rc;
}

static int promotion(struct ctx *c, struct strbuf *b)
{
    const json_t *rep = json_object_get(c->eval, "reproducible");
    size_t i;
    json_t *id;
    int rc = text_fmt(b, c->lang, "dossier.promo.intro", NULL);

    json_array_foreach(rep, i, id)
    {
        json_t *a = find_id(json_object_get(c->eval, "actions"), json_string_value(id));
        const char *f = str(a, "success_factors");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(b, "\n- %s%s%s", str(a, "title"), f[0] ? " — " : "", f);
    }
    if (rc == EP_OK && json_array_size(rep) == 0)
        rc = text_fmt(b, c->lang, "dossier.promo.none", NULL);
    if (rc == EP_OK)
        rc = strbuf_str(b, "\n\n");
    if (rc == EP_OK)
        rc = text_fmt(b, c->lang, "dossier.promo.kits", NULL);
    return rc;
}

/* ---- the annexes ------------------------------------------------------------ */

static json_t *annex(const struct ctx *c, const char *id, json_t *header)
{
    char key[64];
    snprintf(key, sizeof(key), "dossier.annex.%s", id);
    return json_pack("{s:s, s:s, s:o, s:[]}", "id", id, "title", T(key), "header", header, "rows");
}

/* The header row from the texts "dossier.col.<name>", NULL-terminated. */
static json_t *header(const struct ctx *c, const char *const *cols)
{
    json_t *h = json_array();
    for (; *cols != NULL; cols++)
        json_array_append_new(h, json_string(label(c->lang, "dossier.col", *cols)));
    return h;
}

static void add_row(json_t *an, json_t *row)
{
    json_array_append_new(json_object_get(an, "rows"), row);
}

static json_t *num_cell(const struct ctx *c, const json_t *v)
{
    char buf[FMT_MAX + 8];
    fmt_num(buf, sizeof(buf), v, "", 0, c->lang);
    return json_string(buf);
}

static json_t *pct_cell(const struct ctx *c, const json_t *v, int sign)
{
    char buf[FMT_MAX + 8];
    fmt_pct(buf, sizeof(buf), v, sign, c->lang);
    return json_string(buf);
}

static json_t *annexes(struct ctx *c)
{
    static const char *const cols_actions[] = {"action",    "indicator",  "baseline", "target",
                                               "projected", "attainment", "verdict",  NULL};
    static const char *const cols_ind[] = {"indicator", "department", "quantity", "unit",
                                           "entries",   "kg",         NULL};
    static const char *const cols_bilan[] = {"category", "forecast", "final", "gap", NULL};
    static const char *const cols_sup[] = {"name", "kind", "scope", "place", NULL};
    static const char *const cols_comms[] = {"title", "kind", "date", "status", NULL};
    json_t *all = json_array(), *an;
    const json_t *fp = json_object_get(c->eval, "footprint");
    /* Without estimates the forecast column is missing, not zero. */
    int has_forecast =
        json_array_size(json_object_get(json_object_get(fp, "provisional"), "lines")) > 0;
    size_t i;
    json_t *x;

    /* People read the catalogue's names and the labels, never the ids. */
    an = annex(c, "actions", header(c, cols_actions));
    json_array_foreach(json_object_get(c->eval, "actions"), i, x)
    {
        char ind[160];
        carbon_indicator_name(c->db, json_string_value(json_object_get(x, "indicator")), c->lang,
                              T("dossier.missing"), ind, sizeof(ind));
        add_row(an, json_pack("[s, s, o, o, o, o, s]", str(x, "title"), ind,
                              num_cell(c, json_object_get(x, "baseline")),
                              num_cell(c, json_object_get(x, "target")),
                              num_cell(c, json_object_get(x, "projected")),
                              pct_cell(c, json_object_get(x, "attainment_pct"), 0),
                              label(c->lang, "dossier.verdict", str(x, "verdict"))));
    }
    json_array_append_new(all, an);
    an = annex(c, "indicateurs", header(c, cols_ind));
    json_array_foreach(json_object_get(json_object_get(fp, "final"), "lines"), i, x)
    {
        char ind[160];
        carbon_indicator_name(c->db, json_string_value(json_object_get(x, "indicator")), c->lang,
                              T("dossier.missing"), ind, sizeof(ind));
        add_row(an, json_pack("[s, s, o, s, o, o]", ind,
                              carbon_label(CARBON_LABEL_DEPT, str(x, "dept"), c->lang),
                              num_cell(c, json_object_get(x, "quantity")),
                              carbon_label(CARBON_LABEL_UNIT, str(x, "unit"), c->lang),
                              num_cell(c, json_object_get(x, "entries")),
                              num_cell(c, json_object_get(x, "kg"))));
    }
    json_array_append_new(all, an);
    an = annex(c, "bilan", header(c, cols_bilan));
    json_array_foreach(json_object_get(fp, "categories"), i, x)
    {
        add_row(an,
                json_pack("[s, o, o, o]",
                          carbon_label(CARBON_LABEL_CATEGORY, str(x, "category"), c->lang),
                          num_cell(c, has_forecast ? json_object_get(x, "provisional_kg") : NULL),
                          num_cell(c, json_object_get(x, "final_kg")),
                          pct_cell(c, json_object_get(x, "delta_pct"), 1)));
    }
    json_array_append_new(all, an);
    an = annex(c, "prestataires", header(c, cols_sup));
    json_array_foreach(c->suppliers, i, x)
    {
        const json_t *f = json_object_get(x, "fields");
        /* ".other" ends a plural's key (text.h): scope "other" reads "misc". */
        const char *scope = strcmp(str(f, "scope"), "other") == 0 ? "misc" : str(f, "scope");
        if (str(f, "name")[0] == '\0')
            continue;
        add_row(an, json_pack("[s, s, s, s]", str(f, "name"),
                              label(c->lang, "dossier.supplier_kind", str(f, "kind")),
                              label(c->lang, "dossier.supplier_scope", scope), str(f, "location")));
    }
    json_array_append_new(all, an);
    an = annex(c, "communications", header(c, cols_comms));
    json_array_foreach(c->comms, i, x)
    {
        const json_t *f = json_object_get(x, "fields");
        char day[FMT_MAX];
        if (fmt_date(day, sizeof(day), str(f, "starts_at"), FMT_DATE_MEDIUM, c->lang) == NULL)
            snprintf(day, sizeof(day), "%s", str(f, "starts_at"));
        /* A communication without status is not sent yet: a draft. */
        add_row(an, json_pack("[s, s, s, s]", str(f, "title"),
                              label(c->lang, "dossier.comm_kind", str(f, "kind")), day,
                              label(c->lang, "dossier.comm_status",
                                    str(f, "status")[0] ? str(f, "status") : "draft")));
    }
    json_array_append_new(all, an);
    return all;
}

/* ---- diagnostics from their synced records ---------------------------------- */

/* The C1 answers the questionnaire writes (pwa/js/ui/diag.js). */
static const char *const c1_keys[] = {
    "production_types",  "headcount",       "staff_turnover_pct",    "standard_methods",
    "partners",          "providers",       "supplier_criteria",     "csr_charter",
    "ecoprod_label",     "ecoprod_stars",   "afnor_spec_2308_level", "eco_referent",
    "trained_staff_pct", "past_footprints", "intermittent_pct",      "crew_briefing"};

static int is_blank(const json_t *v)
{
    return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* The latest year's C1 record ("c1-<year>") evaluated, or NULL. */
/* The C1 result of one "c1-<year>" record, or NULL when refused. */
static json_t *c1_of(const json_t *rec, const char *lang)
{
    json_t *answers, *edits, *res = NULL;
    const char *key;
    json_t *v;
    size_t i;

    answers = json_pack("{s:I}", "year", (json_int_t)strtol(str(rec, "id") + 3, NULL, 10));
    edits = json_object();
    for (i = 0; i < sizeof(c1_keys) / sizeof(c1_keys[0]); i++) {
        v = json_object_get(json_object_get(rec, "fields"), c1_keys[i]);
        if (!is_blank(v))
            json_object_set(answers, c1_keys[i], v);
    }
    json_object_foreach(json_object_get(rec, "fields"), key, v)
    {
        if (strncmp(key, "edit_", 5) == 0 && json_is_object(v))
            json_object_set(edits, key + 5, v);
        /* One field per SPEC 2308 chapter in the record (they merge one by
         * one), one "afnor_chapters" object for diag_company. */
        if (strncmp(key, "afnor_ch_", 9) == 0 && json_is_number(v)) {
            if (json_object_get(answers, "afnor_chapters") == NULL)
                json_object_set_new(answers, "afnor_chapters", json_object());
            json_object_set(json_object_get(answers, "afnor_chapters"), key + 9, v);
        }
    }
    /* Answers the server refuses leave the diagnostic missing, not half-made. */
    if (diag_company_lang(answers, lang, &res, NULL) != EP_OK ||
        diag_company_edit(res, edits, NULL) != EP_OK) {
        json_decref(res);
        res = NULL;
    }
    json_decref(answers);
    json_decref(edits);
    return res;
}

/* The latest year's C1 record ("c1-<year>") evaluated, with the previous
 * year's result in "previous" ({"year", "score", "level"}) when there is
 * one, or NULL. */
static json_t *company_diag(const json_t *diags, const char *lang)
{
    const json_t *latest = NULL, *before = NULL;
    json_t *res, *prev;
    size_t i;
    json_t *x;

    json_array_foreach(diags, i, x)
    {
        if (strncmp(str(x, "id"), "c1-", 3) != 0)
            continue;
        if (latest == NULL || strcmp(str(x, "id"), str(latest, "id")) > 0) {
            before = latest;
            latest = x;
        } else if (before == NULL || strcmp(str(x, "id"), str(before, "id")) > 0) {
            before = x;
        }
    }
    if (latest == NULL)
        return NULL;
    res = c1_of(latest, lang);
    prev = before != NULL && res != NULL ? c1_of(before, lang) : NULL;
    if (prev != NULL)
        json_object_set_new(res, "previous",
                            json_pack("{s:I, s:O, s:O}", "year",
                                      (json_int_t)strtol(str(before, "id") + 3, NULL, 10), "score",
                                      json_object_get(prev, "score"), "level",
                                      json_object_get(prev, "level")));
    json_decref(prev);
    return res;
}

static json_t *project_diag(struct db *db, const json_t *diags, const char *lang)
{
    const json_t *rec = find_id(diags, "c2-project");
    json_t *framing = NULL, *res = NULL;

    if (rec == NULL || diag_project_framing(json_object_get(rec, "fields"), &framing) != EP_OK)
        return NULL;
    if (diag_project_lang(db, framing, lang, &res, NULL) != EP_OK) {
        json_decref(res);
        res = NULL;
    }
    json_decref(framing);
    return res;
}

/* ---- assembling ------------------------------------------------------------- */

static int (*const writers[NPARTS])(struct ctx *, struct strbuf *) = {
    methodology, diagnostic, analysis,     plan,     carried_out,
    indicators,  results,    difficulties, promotion};

/* One part: the draft, then the candidate's record over it. */
static json_t *part(struct ctx *c, size_t i, const json_t *edits, int *rc)
{
    const json_t *rec = find_id(edits, parts[i].id);
    const json_t *f = json_object_get(rec, "fields");
    const json_t *text = json_object_get(f, "text"), *comp = json_object_get(f, "competencies");
    json_t *competencies = json_array(), *p;
    struct strbuf b, m;
    char *draft, key[64];
    size_t k;
    json_t *x;

    strbuf_init(&b, TEXT_MAX);
    strbuf_init(&m, 256);
    *rc = writers[i](c, &b);
    draft = *rc == EP_OK ? strbuf_detach(&b, NULL) : NULL;
    strbuf_release(&b);
    if (draft == NULL) {
        *rc = *rc != EP_OK ? *rc : EP_ENOMEM;
        json_decref(competencies);
        return NULL;
    }
    if (json_is_array(comp) && json_array_size(comp) > 0) {
        json_array_foreach(comp, k, x)
        {
            if (json_is_string(x))
                json_array_append(competencies, x);
        }
    }
    if (json_array_size(competencies) == 0) { /* none edited: the référentiel's mapping */
        for (k = 0; k < 3 && parts[i].competencies[k] != NULL; k++)
            json_array_append_new(competencies, json_string(parts[i].competencies[k]));
    }
    json_array_foreach(competencies, k, x)
    {
        *rc = strbuf_printf(&m, "%s%s", k > 0 ? " · " : "", json_string_value(x));
    }
    snprintf(key, sizeof(key), "dossier.part.%s", parts[i].id);
    p = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:b}", "id", parts[i].id, "title",
                  T(key), "competencies", competencies, "margin", m.p != NULL ? m.p : "", "text",
                  json_is_string(text) ? json_string_value(text) : draft, "generated", draft,
                  "source", json_is_string(text) ? "edited" : "generated", "include",
                  !json_is_false(json_object_get(f, "include")), "conflict",
                  json_is_true(json_object_get(rec, "conflicts")));
    strbuf_release(&m);
    free(draft);
    if (p == NULL)
        *rc = EP_ENOMEM;
    return p;
}

int dossier_build(struct db *db, const char *production_id, const char *today, const char *lang,
                  json_t **out)
{
    char head[512], space[DIRECTORY_SPACE_MAX];
    struct ctx c = {0};
    json_t *diags = NULL, *edits = NULL, *list = NULL;
    char *sep1, *sep2;
    int rc;

    *out = NULL;
    rc = production_title(db, production_id, head, sizeof(head));
    if (rc != EP_OK)
        return rc;
    sep1 = strchr(head, '|');
    sep2 = sep1 != NULL ? strchr(sep1 + 1, '|') : NULL;
    if (sep1 == NULL || sep2 == NULL)
        return EP_EINVAL;
    *sep1 = *sep2 = '\0';
    c.db = db;
    c.lang = text_lang(lang);
    c.title = head;
    c.starts = sep1 + 1;
    c.ends = sep2 + 1;
    c.missing = json_array();
    rc = eval_production(db, production_id, today, lang, &c.eval);
    if (rc == EP_OK)
        rc = records(db, production_id, "diagnostics", &diags);
    if (rc == EP_OK)
        rc = records(db, production_id, "dossier_parts", &edits);
    if (rc == EP_OK)
        rc = records(db, production_id, "communications", &c.comms);
    if (rc == EP_OK)
        rc = records(db, production_id, "tasks", &c.tasks);
    if (rc == EP_OK) {
        /* The directory is the company's: no space means no entries yet. */
        if (directory_space(db, production_id, space, sizeof(space)) == EP_OK)
            rc = records(db, space, "suppliers", &c.suppliers);
        else
            c.suppliers = json_array();
    }
    if (rc != EP_OK)
        goto out;
    c.c1 = company_diag(diags, c.lang);
    c.c2 = project_diag(db, diags, c.lang);
    if (json_array_size(c.suppliers) == 0)
        missing(&c, "dossier.suppliers_missing_item");
    list = json_array();
    for (size_t i = 0; i < NPARTS && rc == EP_OK; i++)
        json_array_append_new(list, part(&c, i, edits, &rc));
    if (rc != EP_OK)
        goto out;
    *out = json_pack("{s:s, s:s, s:s, s:i, s:O, s:o, s:O}", "production", c.title, "today", today,
                     "lang", c.lang, "limit", DOSSIER_PAGE_LIMIT, "parts", list, "annexes",
                     annexes(&c), "missing", c.missing);
    rc = *out != NULL ? EP_OK : EP_ENOMEM;
out:
    json_decref(list);
    json_decref(diags);
    json_decref(edits);
    json_decref(c.eval);
    json_decref(c.c1);
    json_decref(c.c2);
    json_decref(c.suppliers);
    json_decref(c.comms);
    json_decref(c.tasks);
    json_decref(c.missing);
    return rc;
}

/* ---- Markdown --------------------------------------------------------------- */

/* Inline text: markup and table pipes escaped, so a candidate's "*" or "|"
 * is shown as typed. */
static int md(struct strbuf *b, const char *s, int table)
{
    int rc = EP_OK;
    for (; rc == EP_OK && *s != '\0'; s++) {
        if (table && (*s == '\n' || *s == '\r'))
            rc = strbuf_add(b, " ", 1);
        else if (strchr("|\\*_`#[]<>", *s) != NULL)
            rc = strbuf_printf(b, "\\%c", *s);
        else
            rc = strbuf_add(b, s, 1);
    }
    return rc;
}

/* A part's text: each line escaped, "- " list items kept as lists. */
static int md_text(struct strbuf *b, const char *text)
{
    int rc = EP_OK;
    while (rc == EP_OK && *text != '\0') {
        const char *nl = strchr(text, '\n');
        size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
        char *line = strndup(text, n);
        if (line == NULL)
            return EP_ENOMEM;
        if (strncmp(line, "- ", 2) == 0) {
            rc = strbuf_str(b, "- ");
            if (rc == EP_OK)
                rc = md(b, line + 2, 0);
        } else {
            rc = md(b, line, 0);
        }
        if (rc == EP_OK)
            rc = strbuf_str(b, "\n");
        free(line);
        text += n + (nl != NULL ? 1 : 0);
    }
    return rc;
}

int dossier_markdown(const json_t *d, char **out, size_t *len)
{
    struct strbuf b;
    const char *lang = text_lang(str(d, "lang"));
    size_t i, j, k;
    json_t *p, *an, *row, *cell;
    int rc;

    strbuf_init(&b, (size_t)4 * 1024 * 1024);
    {
        struct strbuf t;
        strbuf_init(&t, 4096);
        rc = text_fmt(&t, lang, "dossier.title", "title", str(d, "production"), NULL);
        if (rc == EP_OK)
            rc = strbuf_str(&b, "# ");
        if (rc == EP_OK)
            rc = md(&b, t.p != NULL ? t.p : "", 1);
        strbuf_release(&t);
    }
    if (rc == EP_OK)
        rc = strbuf_str(&b, "\n");
    json_array_foreach(json_object_get(d, "parts"), i, p)
    {
        if (rc != EP_OK)
            break;
        if (json_is_false(json_object_get(p, "include")))
            continue;
        rc = strbuf_printf(&b, "\n## %s\n\n> ", str(p, "title"));
        if (rc == EP_OK) {
            /* the margin is the candidate's: escaped with the line around it */
            struct strbuf t;
            strbuf_init(&t, 4096);
            rc = text_fmt(&t, lang, "dossier.competencies", "list", str(p, "margin"), NULL);
            if (rc == EP_OK)
                rc = md(&b, t.p != NULL ? t.p : "", 1);
            strbuf_release(&t);
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n\n");
        if (rc == EP_OK)
            rc = md_text(&b, str(p, "text"));
    }
    if (rc == EP_OK)
        rc = strbuf_printf(&b, "\n---\n\n# %s\n", text_get(lang, "dossier.annexes"));
    json_array_foreach(json_object_get(d, "annexes"), i, an)
    {
        const json_t *head = json_object_get(an, "header");
        if (rc != EP_OK)
            break;
        rc = strbuf_printf(&b, "\n## %s\n\n|", str(an, "title"));
        json_array_foreach(head, k, cell)
        {
            if (rc == EP_OK)
                rc = strbuf_printf(&b, " %s |", json_string_value(cell));
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n|");
        for (k = 0; rc == EP_OK && k < json_array_size(head); k++)
            rc = strbuf_str(&b, " --- |");
        if (rc == EP_OK && json_array_size(json_object_get(an, "rows")) == 0)
            rc = strbuf_printf(&b, "\n\n*%s*", text_get(lang, "dossier.no_data"));
        json_array_foreach(json_object_get(an, "rows"), j, row)
        {
            if (rc == EP_OK)
                rc = strbuf_str(&b, "\n|");
            json_array_foreach(row, k, cell)
            {
                if (rc == EP_OK)
                    rc = strbuf_str(&b, " ");
                if (rc == EP_OK)
                    rc = md(&b, json_string_value(cell) != NULL ? json_string_value(cell) : "", 1);
                if (rc == EP_OK)
                    rc = strbuf_str(&b, " |");
            }
        }
        if (rc == EP_OK)
            rc = strbuf_str(&b, "\n");
    }
    if (rc != EP_OK) {
        strbuf_release(&b);
        return rc;
    }
    *out = strbuf_detach(&b, len);
    return *out != NULL ? EP_OK : EP_ENOMEM;
}
