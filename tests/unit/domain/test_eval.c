/*
 * test_eval.c - C9 on a worked example at the end of a six-week shoot:
 * each action's verdict from hand-computed attainments, missing data kept
 * missing, the eco-referent's classification, strengths and difficulties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "attach.h"
#include "carbon.h"
#include "db.h"
#include "err.h"
#include "eval.h"
#include "export_kit.h"
#include "forecast.h"
#include "imgmeta.h"
#include "photos.h"
#include "promo.h"
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kits rendered for a French reader (no catalogue: kits name no indicator). */
static const struct export_doc fr_doc = {"fr", NULL};

static char dir[256];
static struct db *db;

static int setup(void **state)
{
    char id[32];
    (void)state;
    support_tmpdir(dir);
    db = support_db(dir, "e.db");
    /* 30 shooting days, 2026-09-07 to 2026-10-16. */
    assert_int_equal(sqlite3_exec(db_handle(db),
                                  "UPDATE production SET starts_on = '2026-09-07', "
                                  "ends_on = '2026-10-16' WHERE id = 'p1'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* Shuttles: 29 readings of 25 km = 725 km. */
    for (int i = 0; i < 29; i++) {
        snprintf(id, sizeof(id), "km-%d", i);
        support_office_reading(db, id, "van_km", "km", "regie", 25,
                               i < 15 ? "2026-09-20" : "2026-10-10");
    }
    /* Meals: 32 vegetarian out of 102. */
    support_office_reading(db, "veg", "meals_vegetarian", "meal", "catering", 32, "2026-10-01");
    support_office_reading(db, "beef", "meals_beef", "meal", "catering", 70, "2026-10-01");
    /* Generator: 1,250 L against a baseline of 1,300. */
    /* 1,250 L in five fills of 250 (one reading of 1,250 would be above
     * review_above, flagged, and not extrapolated). */
    support_office_reading(db, "gen", "generator_l", "L", "technique", 250, "2026-10-12");
    support_office_reading(db, "gen2", "generator_l", "L", "technique", 250, "2026-10-13");
    support_office_reading(db, "gen3", "generator_l", "L", "technique", 250, "2026-10-14");
    support_office_reading(db, "gen4", "generator_l", "L", "technique", 250, "2026-10-15");
    support_office_reading(db, "gen5", "generator_l", "L", "technique", 250, "2026-10-16");
    support_office_ok(
        db, "actions", "act-km", "put",
        "{\"title\":\"Navettes\",\"theme\":\"mobility\",\"owner\":\"m-k\",\"indicator\":\"van_km\","
        "\"baseline\":1000,\"target\":800,\"reproducible\":true,\"success_factors\":\"Covoiturage "
        "organisé par la régie\"}");
    support_office_ok(
        db, "actions", "act-veg", "put",
        "{\"title\":\"Végétarien\",\"theme\":\"food\",\"owner\":\"m-m\",\"indicator\":"
        "\"meals_vegetarian\",\"measure\":\"share\",\"baseline\":0.2,\"target\":0.35}");
    support_office_ok(
        db, "actions", "act-gen", "put",
        "{\"title\":\"Groupe au HVO\",\"theme\":\"energy\",\"owner\":\"m-t\",\"indicator\":"
        "\"generator_l\",\"baseline\":1300,\"target\":900,\"lessons\":\"Raccordement au réseau "
        "refusé par la mairie\"}");
    support_office_ok(
        db, "actions", "act-train", "put",
        "{\"title\":\"Train plutôt qu'avion\",\"theme\":\"mobility\",\"owner\":\"m-p\","
        "\"indicator\":\"train_tgv_pkm\",\"baseline\":0,\"target\":5000}");
    support_office_ok(db, "actions", "act-draft", "put",
                      "{\"title\":\"Idée\",\"theme\":\"waste\"}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    support_rmtree(dir);
    return 0;
}

static json_t *find(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *v = json_string_value(json_object_get(x, key));
        if (v != NULL && strcmp(v, value) == 0)
            return x;
    }
    return NULL;
}

static json_t *find_string(json_t *arr, const char *value)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (strcmp(json_string_value(x), value) == 0)
            return x;
    }
    return NULL;
}

static const char *verdict(json_t *ev, const char *id)
{
    json_t *a = find(json_object_get(ev, "actions"), "id", id);
    assert_non_null(a);
    return json_string_value(json_object_get(a, "verdict"));
}

static void end_of_shoot(void **state)
{
    json_t *ev = NULL, *a, *s;
    (void)state;
    assert_int_equal(eval_production(db, "p1", "2026-10-16", "fr", &ev), EP_OK);
    /* 725 km in 29 of 30 days -> 750 km projected; (750 - 1000) / (800 - 1000) = 125 %. */
    a = find(json_object_get(ev, "actions"), "id", "act-km");
    assert_true(fabs(json_number_value(json_object_get(a, "attainment_pct")) - 125.0) < 1e-9);
    assert_string_equal(verdict(ev, "act-km"), "reussie");
    assert_true(json_is_true(json_object_get(a, "reproducible")));
    assert_string_equal(json_string_value(json_object_get(a, "success_factors")),
                        "Covoiturage organisé par la régie");
    /* 32 / 102 = 0.3137: (0.3137 - 0.2) / 0.15 = 75.8 % -> partial, not classified yet. */
    assert_string_equal(verdict(ev, "act-veg"), "partielle");
    /* 1,250 L in 29 of 30 days -> 1,293.1 L: (1293.1 - 1300) / (900 - 1300) = 1.7 %. */
    a = find(json_object_get(ev, "actions"), "id", "act-gen");
    assert_true(fabs(json_number_value(json_object_get(a, "attainment_pct")) - 1.7) < 1e-9);
    assert_string_equal(verdict(ev, "act-gen"), "non_atteinte");
    assert_true(json_is_null(json_object_get(a, "reproducible")));
    /* No train reading at all: unknown, never 0 %. */
    a = find(json_object_get(ev, "actions"), "id", "act-train");
    assert_string_equal(verdict(ev, "act-train"), "sans_donnee");
    assert_true(json_is_null(json_object_get(a, "attainment_pct")));
    assert_string_equal(verdict(ev, "act-draft"), "brouillon");

    s = json_object_get(ev, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "actions")), 5);
    assert_int_equal(json_integer_value(json_object_get(s, "measured")), 3);
    assert_int_equal(json_integer_value(json_object_get(s, "reussies")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "partielles")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "non_atteintes")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "sans_donnee")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "brouillons")), 1);
    /* The mean is over the three measured actions only: (125 + 75.8 + 1.7) / 3. */
    assert_true(fabs(json_number_value(json_object_get(s, "mean_attainment_pct")) -
                     round((125.0 + 75.8 + 1.7) / 3 * 10) / 10) < 1e-9);

    /* The next production starts from what was reproducible; the partial
     * success still waits for the eco-referent's judgement. */
    assert_int_equal(json_array_size(json_object_get(ev, "reproducible")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ev, "reproducible"), 0)),
                        "act-km");
    assert_int_equal(json_array_size(json_object_get(ev, "to_classify")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ev, "to_classify"), 0)),
                        "act-veg");
    /* Strengths and difficulties name their action; each difficulty has
     * solutions to propose, and the missing data is one of them. */
    assert_non_null(find(json_object_get(ev, "strengths"), "ref", "act-km"));
    a = find(json_object_get(ev, "difficulties"), "ref", "act-gen");
    assert_non_null(a);
    assert_true(json_array_size(json_object_get(a, "solutions")) >= 1);
    a = find(json_object_get(ev, "difficulties"), "ref", "act-train");
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "kind")), "missing");
    assert_null(find(json_object_get(ev, "difficulties"), "ref", "act-draft"));
    /* The footprint comparison rides along for the dossier. */
    assert_non_null(json_object_get(json_object_get(ev, "footprint"), "categories"));
    json_decref(ev);
}

/* The figure labelled label in a kit, or NULL. */
static json_t *kit_figure(json_t *kit, const char *label)
{
    return find(json_object_get(kit, "figures"), "label", label);
}

static void kits_per_audience(void **state)
{
    static const char *const names[] = {"diffuseur", "financeur", "partenaires", "collaborateurs",
                                        "grand_public"};
    json_t *kit = NULL, *f;
    enum promo_audience a;
    char *text = NULL;
    size_t len = 0;
    (void)state;

    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(promo_audience_parse(names[i], &a), EP_OK);
        assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
        assert_string_equal(json_string_value(json_object_get(kit, "audience")), names[i]);
        /* The one reproducible action becomes a practice sheet for all. */
        assert_int_equal(json_array_size(json_object_get(kit, "practices")), 1);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(kit, "practices"), 0), "result")),
                            "Objectif atteint à 125\xc2\xa0%");
        assert_int_equal(export_kit_markdown(kit, &fr_doc, &text, &len), EP_OK);
        assert_non_null(strstr(text, "### Navettes"));
        free(text);
        assert_int_equal(export_kit_html(kit, &fr_doc, &text, &len), EP_OK);
        assert_non_null(strstr(text, "<html lang=\"fr\">"));
        assert_non_null(strstr(text, "<h3>Navettes</h3>"));
        free(text);
        json_decref(kit);
    }
    assert_int_equal(promo_audience_parse("tout le monde", &a), EP_EINVAL);

    /* The commissioner's kit: no estimate was entered, so the gap to the
     * provisional footprint is missing, said so, never 0 %. */
    promo_audience_parse("diffuseur", &a);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    f = kit_figure(kit, "Écart au bilan prévisionnel");
    assert_non_null(f);
    assert_true(json_is_null(json_object_get(f, "value")));
    assert_non_null(find_string(json_object_get(kit, "missing"), "Écart au bilan prévisionnel"));
    f = kit_figure(kit, "Objectifs atteints");
    assert_int_equal(json_integer_value(json_object_get(f, "value")), 1);
    assert_true(json_number_value(json_object_get(kit_figure(kit, "Empreinte carbone du tournage"),
                                                  "value")) > 0);
    assert_int_equal(export_kit_markdown(kit, &fr_doc, &text, &len), EP_OK);
    assert_non_null(strstr(text, "| Écart au bilan prévisionnel | donnée manquante |"));
    /* On the last shooting day the day is not over yet. */
    assert_non_null(strstr(text, "Tournage en cours (29 jours sur 30)"));
    free(text);
    json_decref(kit);
    /* The Monday after, the shoot is over: no such note. */
    assert_int_equal(promo_kit(db, "p1", "2026-10-19", a, "fr", &kit), EP_OK);
    assert_int_equal(export_kit_markdown(kit, &fr_doc, &text, &len), EP_OK);
    assert_null(strstr(text, "Tournage en cours"));
    free(text);
    json_decref(kit);
    /* Mid-shoot, the footprint is said to be partial next to its figure. */
    assert_int_equal(promo_kit(db, "p1", "2026-09-21", a, "fr", &kit), EP_OK);
    assert_non_null(strstr(json_string_value(json_object_get(
                               kit_figure(kit, "Empreinte carbone du tournage"), "note")),
                           "Tournage en cours (10 jours sur 30)"));
    json_decref(kit);
    /* Future collaborators also get the lessons of what failed. */
    promo_audience_parse("collaborateurs", &a);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    assert_non_null(
        find_string(json_object_get(kit, "tips"), "Raccordement au réseau refusé par la mairie"));
    assert_null(kit_figure(kit, "Empreinte carbone du tournage"));
    json_decref(kit);
}

/* User text in a kit is shown, never run or turned into markup. */
static void kit_text_is_escaped(void **state)
{
    json_t *kit = json_pack(
        "{s:s, s:s, s:s, s:s, s:[{s:s, s:n, s:s, s:s}], s:[{s:s, s:s, s:s}], s:[s], s:[]}",
        "audience", "grand_public", "production", "Film <b>", "title", "T", "intro", "I", "figures",
        "label", "<img src=x onerror=alert(1)>", "value", "unit", "%", "note", "a|b", "practices",
        "id", "x", "title", "<script>alert(1)</script>", "result", "r", "tips",
        "\"quoted\" & 'single'", "missing");
    char *text = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(export_kit_html(kit, &fr_doc, &text, &len), EP_OK);
    assert_null(strstr(text, "<script>"));
    assert_null(strstr(text, "<img"));
    assert_null(strstr(text, "<b>"));
    assert_non_null(strstr(text, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(text, "&quot;quoted&quot; &amp; &#39;single&#39;"));
    assert_non_null(strstr(text, "<td>donnée manquante</td>"));
    free(text);
    assert_int_equal(export_kit_markdown(kit, &fr_doc, &text, &len), EP_OK);
    assert_non_null(strstr(text, "\\<script\\>"));
    assert_non_null(strstr(text, "a\\|b")); /* a pipe cannot break the table */
    free(text);
    json_decref(kit);
}

/* Attaches data to action as photo id (caption may be NULL), uploaded whole
 * unless complete is 0. */
static void photo(const char *id, const char *action, const char *caption,
                  const unsigned char *data, size_t len, int complete)
{
    char sha[65], fields[600];
    struct attach_fact f;
    struct attach_status st;
    enum attach_outcome o;
    json_t *cap = caption != NULL ? json_string(caption) : NULL;
    char *capj = cap != NULL ? json_dumps(cap, JSON_ENCODE_ANY) : NULL;

    photos_sha256_hex(data, len, sha);
    snprintf(fields, sizeof(fields),
             "{\"target_col\":\"actions\",\"target_id\":\"%s\",\"content_type\":\"%s\","
             "\"size\":%zu,\"sha256\":\"%s\"%s%s}",
             action, imgmeta_sniff(data, len), len, sha, capj != NULL ? ",\"caption\":" : "",
             capj != NULL ? capj : "");
    support_office_ok(db, "attachments", id, "add", fields);
    free(capj);
    json_decref(cap);
    assert_int_equal(attach_fact_get(db, "p1", id, &f), EP_OK);
    assert_int_equal(attach_put_chunk(db, &f, 0, data, complete ? len : len / 2, 1, &o, &st),
                     EP_OK);
    assert_int_equal(o, complete ? ATTACH_COMPLETE : ATTACH_STORED);
}

static size_t count(const char *hay, size_t len, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        n += memcmp(hay + i, needle, k) == 0;
    return n;
}

/* The reproducible action's photos reach every kit: JSON, Markdown links,
 * HTML data: URIs (six at most), PDF figures with their alternative text. */
static void kits_carry_the_actions_photos(void **state)
{
    size_t jl, pl, len = 0;
    unsigned char *jpg = photos_fixture("photo.jpg", &jl), *png = photos_fixture("photo.png", &pl);
    enum promo_audience a;
    json_t *kit = NULL, *ph;
    char *text = NULL, id[16];
    (void)state;

    photo("ph-1", "act-km", "<b>Navette</b> & \"covoit\"", jpg, jl, 1);
    photo("ph-2", "act-km", NULL, png, pl, 1);
    photo("ph-half", "act-km", "Pas fini", jpg, jl, 0);  /* not complete: left out */
    photo("ph-veg", "act-veg", "Assiettes", jpg, jl, 1); /* not a practice: left out */
    for (int i = 3; i <= 7; i++) {
        snprintf(id, sizeof(id), "ph-%d", i);
        photo(id, "act-km", "Minibus", jpg, jl, 1);
    }
    promo_audience_parse("grand_public", &a);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    assert_int_equal(json_array_size(json_object_get(kit, "photos")), 7);
    ph = json_array_get(json_object_get(kit, "photos"), 0);
    assert_string_equal(json_string_value(json_object_get(ph, "id")), "ph-1");
    assert_string_equal(json_string_value(json_object_get(ph, "action")), "act-km");
    assert_string_equal(json_string_value(json_object_get(ph, "url")),
                        "/api/v1/productions/p1/attachments/ph-1");
    assert_null(json_object_get(ph, "data")); /* the JSON kit links, never embeds */
    /* No caption: the alternative text names the action. */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(kit, "photos"), 1), "caption")),
                        "Photo de l'action « Navettes »");
    /* ...in the reader's language. */
    json_decref(kit);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "en", &kit), EP_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(kit, "photos"), 1), "caption")),
                        "Photo of the action \xe2\x80\x9cNavettes\xe2\x80\x9d");
    json_decref(kit);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    assert_int_equal(export_kit_markdown(kit, &fr_doc, &text, &len), EP_OK);
    assert_non_null(strstr(text, "![\\<b\\>Navette\\</b\\> & \"covoit\"]"
                                 "(/api/v1/productions/p1/attachments/ph-1)"));
    assert_int_equal(count(text, len, "!["), 7);
    free(text);

    assert_int_equal(promo_kit_embed(db, "p1", kit, PROMO_PHOTOS_EMBED), EP_OK);
    assert_int_equal(export_kit_html(kit, &fr_doc, &text, &len), EP_OK);
    assert_int_equal(count(text, len, "<figure>"), 6);
    assert_non_null(strstr(text, "<img src=\"data:image/jpeg;base64,/9j/"));
    assert_non_null(strstr(text, "<img src=\"data:image/png;base64,iVBORw0KGgo"));
    assert_non_null(strstr(text, "alt=\"&lt;b&gt;Navette&lt;/b&gt; &amp; &quot;covoit&quot;\""));
    assert_non_null(strstr(text, "alt=\"Photo de l&#39;action « Navettes »\""));
    assert_null(strstr(text, "Pas fini"));
    assert_null(strstr(text, "Assiettes"));
    free(text);
    /* The PDF: JPEGs embedded as they are (DCTDecode), each a Figure with /Alt. */
    assert_int_equal(export_kit_pdf(kit, &fr_doc, &text, &len), EP_OK);
    assert_int_equal(count(text, len, "/Subtype /Image"), 6);
    assert_int_equal(count(text, len, "/DCTDecode"), 5); /* the PNG is decoded and redrawn */
    assert_true(photos_contains((unsigned char *)text, len, jpg, jl));
    assert_int_equal(count(text, len, "/Alt <FEFF"), 6); /* one text per Figure */
    free(text);
    json_decref(kit);
    free(jpg);
    free(png);
}

/* 1 when text holds a word only French writes here (the sentences' own words,
 * not the action titles the test data gives in French). */
static int reads_french(const char *text)
{
    static const char *const words[] = {
        "objectif", "Objectif", "relevé",    "Relevé", "donnée",   "prévisionnel", "l'action",
        " de l'",   "Revoir",   "Planifier", " sur ",  "Tournage", "Empreinte",    "atteint"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strstr(text, words[i]) != NULL)
            return 1;
    }
    return 0;
}

/* Every sentence of a list (and its solutions) read in English. */
static void assert_english(const json_t *list)
{
    size_t i, j;
    json_t *x, *s;
    assert_true(json_array_size(list) > 0);
    json_array_foreach(list, i, x)
    {
        const char *text = json_string_value(json_object_get(x, "text"));
        assert_non_null(text);
        if (reads_french(text))
            fail_msg("French in the English evaluation: %s", text);
        json_array_foreach(json_object_get(x, "solutions"), j, s)
        {
            if (reads_french(json_string_value(s)))
                fail_msg("French solution in English: %s", json_string_value(s));
        }
    }
}

/* The evaluation and the kits speak the reader's language: an English
 * reader gets no French sentence, numbers written the English way. */
static void evaluation_and_kits_in_english(void **state)
{
    json_t *ev = NULL, *fr = NULL, *kit = NULL, *x, *f;
    enum promo_audience a;
    size_t i;
    (void)state;

    assert_int_equal(eval_production(db, "p1", "2026-10-16", "en", &ev), EP_OK);
    assert_int_equal(eval_production(db, "p1", "2026-10-16", "fr", &fr), EP_OK);
    assert_english(json_object_get(ev, "strengths"));
    assert_english(json_object_get(ev, "difficulties"));
    x = find(json_object_get(ev, "strengths"), "ref", "act-km");
    assert_non_null(x);
    assert_non_null(
        strstr(json_string_value(json_object_get(x, "text")), "Navettes: target reached (125%"));
    x = find(json_object_get(ev, "difficulties"), "ref", "act-train");
    assert_string_equal(json_string_value(json_object_get(x, "text")),
                        "Train plutôt qu'avion: no data recorded, result unknown");
    x = find(json_object_get(fr, "difficulties"), "ref", "act-train");
    assert_string_equal(json_string_value(json_object_get(x, "text")),
                        "Train plutôt qu'avion : aucune donnée relevée, résultat inconnu");
    /* Same findings in both languages, only the words differ. */
    assert_int_equal(json_array_size(json_object_get(ev, "difficulties")),
                     json_array_size(json_object_get(fr, "difficulties")));
    json_array_foreach(json_object_get(fr, "difficulties"), i, x)
    {
        assert_true(reads_french(json_string_value(json_object_get(x, "text"))));
    }
    json_decref(ev);
    json_decref(fr);

    promo_audience_parse("diffuseur", &a);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "en", &kit), EP_OK);
    assert_string_equal(json_string_value(json_object_get(kit, "title")),
                        "Review of the environmental approach");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(kit, "practices"), 0), "result")),
                        "Target achieved at 125%");
    f = kit_figure(kit, "Difference from the provisional footprint");
    assert_non_null(f);
    assert_true(json_is_null(json_object_get(f, "value")));
    assert_non_null(
        find_string(json_object_get(kit, "missing"), "Difference from the provisional footprint"));
    f = kit_figure(kit, "Targets achieved");
    assert_string_equal(json_string_value(json_object_get(f, "unit")), "actions");
    assert_string_equal(json_string_value(json_object_get(f, "note")),
                        "out of 3 measured actions, 1 without data");
    json_array_foreach(json_object_get(kit, "figures"), i, f)
    {
        if (reads_french(json_string_value(json_object_get(f, "label"))) ||
            reads_french(json_string_value(json_object_get(f, "note"))))
            fail_msg("French figure in the English kit: %s",
                     json_string_value(json_object_get(f, "label")));
    }
    assert_non_null(strstr(json_string_value(json_object_get(
                               kit_figure(kit, "Carbon footprint of the shoot"), "note")),
                           "Shoot under way (29 days of 30)"));
    json_decref(kit);
}

static void a_bad_day_is_refused(void **state)
{
    json_t *ev = NULL;
    (void)state;
    assert_int_not_equal(eval_production(db, "p1", "2026-13-45", "fr", &ev), EP_OK);
    assert_null(ev);
}

/* A share typed as a meal count: 32 vegetarian meals against 2 -> 4 is
 * above 1,500 %. It is "à vérifier", left out of "measured" and of the mean, until
 * a person confirms that very figure. */
static void implausible_attainment_waits_for_a_person(void **state)
{
    json_t *ev = NULL, *s, *a;
    double mean = round((125.0 + 75.8 + 1.7) / 3 * 10) / 10, pct;
    char fields[64];
    (void)state;
    support_office_ok(db, "actions", "act-wrong", "put",
                      "{\"title\":\"Plus de végétarien\",\"theme\":\"food\",\"owner\":\"m-m\","
                      "\"indicator\":\"meals_vegetarian\",\"baseline\":2,\"target\":4}");
    assert_int_equal(eval_production(db, "p1", "2026-10-16", "fr", &ev), EP_OK);
    a = find(json_object_get(ev, "actions"), "id", "act-wrong");
    pct = json_number_value(json_object_get(a, "attainment_pct"));
    assert_true(pct > 1500.0); /* 32 meals projected over the last day, against 2 -> 4 */
    assert_string_equal(json_string_value(json_object_get(a, "verdict")), "a_verifier");
    assert_string_equal(json_string_value(json_object_get(a, "check")), "au_dessus_de_200");
    s = json_object_get(ev, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "a_verifier")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "measured")), 3);
    assert_true(fabs(json_number_value(json_object_get(s, "mean_attainment_pct")) - mean) < 1e-9);
    assert_non_null(find(json_object_get(ev, "difficulties"), "ref", "act-wrong"));
    json_decref(ev);

    snprintf(fields, sizeof(fields), "{\"confirmed_pct\":%.1f}", pct);
    support_office_ok(db, "actions", "act-wrong", "put", fields);
    assert_int_equal(eval_production(db, "p1", "2026-10-16", "fr", &ev), EP_OK);
    a = find(json_object_get(ev, "actions"), "id", "act-wrong");
    assert_string_equal(json_string_value(json_object_get(a, "verdict")), "reussie");
    s = json_object_get(ev, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "measured")), 4);
    assert_int_equal(json_integer_value(json_object_get(s, "a_verifier")), 0);
    json_decref(ev);
    support_office_ok(db, "actions", "act-wrong", "put", "{\"_deleted\":true}");
}

/* A forecast filed with one factor set, readings computed with another:
 * the funder kit's gap says the two sets differ, never silently (docs/
 * carbon.md, "The forecast, filed"). Runs last: it files a forecast. */
static void a_gap_across_two_factor_sets_says_so(void **state)
{
    json_t *v = NULL, *kit = NULL, *f;
    enum promo_audience a;
    json_int_t filed_set;
    (void)state;

    assert_int_equal(forecast_file(db, "p1", "Devis", "m-o", 1000, &v), EP_OK);
    filed_set = json_integer_value(json_object_get(v, "factor_version"));
    json_decref(v);
    assert_int_equal(promo_audience_parse("financeur", &a), EP_OK);
    /* Same set: the gap names the filed version, nothing more. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", (int)filed_set, 0), EP_OK);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    f = kit_figure(kit, "Écart au bilan prévisionnel");
    assert_non_null(f);
    assert_non_null(strstr(json_string_value(json_object_get(f, "note")),
                           "le prévisionnel déposé (version 1, « Devis »)"));
    assert_null(strstr(json_string_value(json_object_get(f, "note")), "autre jeu de facteurs"));
    json_decref(kit);
    /* The production moves to another set: the gap says it mixes two. */
    assert_int_equal(carbon_pin_factor_set(db, "p1", filed_set == 1 ? 2 : 1, 0), EP_OK);
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "fr", &kit), EP_OK);
    f = kit_figure(kit, "Écart au bilan prévisionnel");
    assert_non_null(strstr(json_string_value(json_object_get(f, "note")),
                           "calculé avec un autre jeu de facteurs que les relevés"));
    json_decref(kit);
    /* ...in the reader's language. */
    assert_int_equal(promo_kit(db, "p1", "2026-10-16", a, "en", &kit), EP_OK);
    f = kit_figure(kit, "Difference from the provisional footprint");
    assert_non_null(strstr(json_string_value(json_object_get(f, "note")),
                           "computed with another factor set than the readings"));
    json_decref(kit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(end_of_shoot),
        cmocka_unit_test(kits_per_audience),
        cmocka_unit_test(kit_text_is_escaped),
        cmocka_unit_test(evaluation_and_kits_in_english),
        cmocka_unit_test(a_bad_day_is_refused),
        cmocka_unit_test(kits_carry_the_actions_photos),
        cmocka_unit_test(implausible_attainment_waits_for_a_person),
        cmocka_unit_test(a_gap_across_two_factor_sets_says_so),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
